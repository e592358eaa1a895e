"""What changed between two scans, in the terms a ticketing integration acts on.

A finding is *open* when it FAILs and is not muted. Per finding id:
- new:       open now; absent (or ERROR, or muted) before       -> open a ticket
- regressed: open now; PASS before                             -> re-open a ticket
- resolved:  open before; now PASS, muted, or its resource gone -> close the ticket
- unchanged: anything else seen in the new scan (still open, still passing, or an
             ERROR now where it was open: unknown is not fixed, the ticket stays)
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from posture.core.models import Finding, Severity, Status

DIFF_SCHEMA_VERSION: Literal["1.0"] = "1.0"


class Change(StrEnum):
    NEW = "new"
    REGRESSED = "regressed"
    RESOLVED = "resolved"
    UNCHANGED = "unchanged"


class DiffEntry(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str = Field(description="The stable finding id: the ticket's key.")
    change: Change
    check_id: str
    title: str
    severity: Severity
    account_id: str
    region: str
    resource_id: str
    old_status: Status | None = Field(description="None: not in the old scan.")
    new_status: Status | None = Field(description="None: not in the new scan (the resource is gone).")
    muted: bool
    open: bool = Field(description="Whether a ticket should be open after this scan.")
    message: str
    remediation: str


class Diff(BaseModel):
    model_config = ConfigDict(frozen=True)
    schema_version: Literal["1.0"] = DIFF_SCHEMA_VERSION
    old_scan: str
    new_scan: str
    counts: dict[Change, int]
    entries: list[DiffEntry]


def _open(f: Finding | None) -> bool:
    return f is not None and f.status is Status.FAIL and not f.muted


def classify(old: Finding | None, new: Finding | None) -> Change | None:
    if _open(new):
        if old is not None and old.status is Status.PASS and not old.muted:
            return Change.REGRESSED
        return Change.UNCHANGED if _open(old) else Change.NEW
    if _open(old):
        if new is not None and new.status is Status.ERROR and not new.muted:
            return Change.UNCHANGED
        return Change.RESOLVED
    return Change.UNCHANGED if new is not None else None  # gone and was not open: nothing to say


def diff(old: list[Finding], new: list[Finding], *, old_scan: str = "old", new_scan: str = "new") -> Diff:
    before = {f.id: f for f in old}
    after = {f.id: f for f in new}
    entries = []
    for fid in sorted(set(before) | set(after)):
        o, n = before.get(fid), after.get(fid)
        change = classify(o, n)
        if change is None:
            continue
        f = n or o
        assert f is not None
        entries.append(DiffEntry(
            id=fid, change=change, check_id=f.check_id, title=f.title, severity=f.severity,
            account_id=f.account_id, region=f.region, resource_id=f.resource_id,
            old_status=o.status if o else None, new_status=n.status if n else None,
            muted=bool(n and n.muted), open=_open(n) or (change is Change.UNCHANGED and _open(o)),
            message=f.message, remediation=f.remediation,
        ))
    order = list(Change)
    entries.sort(key=lambda e: (order.index(e.change), -e.severity.rank, e.check_id, e.region, e.resource_id))
    counts = {c: sum(1 for e in entries if e.change is c) for c in Change}
    return Diff(old_scan=old_scan, new_scan=new_scan, counts=counts, entries=entries)


def json_schema() -> dict[str, Any]:
    schema = Diff.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://posture.dev/schema/diff-{DIFF_SCHEMA_VERSION}.json"
    return schema
