"""What changed between two scans, in the terms a ticketing integration acts on.

A finding is *open* when it FAILs and is not muted. Per finding id:
- new:            open now; absent (or ERROR, or muted) before        -> open a ticket
- regressed:      open now; PASS before                              -> re-open a ticket
- resolved:       open before; now PASS or muted, or its resource gone from a unit
                  (account, region, check) the new scan evaluated without ERROR -> close it
- not_reassessed: open before; the new scan meant to evaluate its unit and could not
                  (ERROR, account unreadable)                        -> the ticket stays
- out_of_scope:   open before; the new scan did not look there (another service, region,
                  account, shard or check selection)                 -> the ticket stays
- unchanged:      anything else seen in the new scan (still open, still passing)

Without the new scan's scope (a diff of two history entries), every unit the new scan
does not report in ERROR counts as evaluated.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from posture.core.models import Finding, Severity, Status
from posture.report.model import Scope

DIFF_SCHEMA_VERSION: Literal["1.0"] = "1.0"


class Change(StrEnum):
    NEW = "new"
    REGRESSED = "regressed"
    RESOLVED = "resolved"
    NOT_REASSESSED = "not_reassessed"
    OUT_OF_SCOPE = "out_of_scope"
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


def classify(old: Finding | None, new: Finding | None, verdict: str = "evaluated") -> Change | None:
    """The change of one finding id; `verdict` is the new scan's Scope.verdict for the old
    finding's (account, region, check): "evaluated", "not_reassessed" or "out_of_scope"."""
    if _open(new):
        if old is not None and old.status is Status.PASS and not old.muted:
            return Change.REGRESSED
        return Change.UNCHANGED if _open(old) else Change.NEW
    if _open(old):
        if new is not None and new.status is Status.ERROR and not new.muted:
            return Change.NOT_REASSESSED
        if new is not None:  # PASS, or muted: the new scan saw the resource
            return Change.RESOLVED
        if verdict == "out_of_scope":
            return Change.OUT_OF_SCOPE
        if verdict == "not_reassessed":
            return Change.NOT_REASSESSED
        return Change.RESOLVED
    return Change.UNCHANGED if new is not None else None  # gone and was not open: nothing to say


def diff(old: list[Finding], new: list[Finding], *, old_scan: str = "old", new_scan: str = "new",
         scope: Scope | None = None) -> Diff:
    """`scope`: what the new scan evaluated (Scope(new_report.scan)); None: everything but the
    units the new scan reports in ERROR."""
    before = {f.id: f for f in old}
    after = {f.id: f for f in new}
    errored = {(f.account_id, f.region, f.check_id) for f in new if f.status is Status.ERROR}
    entries = []
    for fid in sorted(set(before) | set(after)):
        o, n = before.get(fid), after.get(fid)
        verdict = "evaluated"
        if o is not None and n is None:
            unit = (o.account_id, o.region, o.check_id)
            verdict = scope.verdict(*unit) if scope is not None else "evaluated"
            if verdict == "evaluated" and unit in errored:
                verdict = "not_reassessed"
        change = classify(o, n, verdict)
        if change is None:
            continue
        f = n or o
        assert f is not None
        entries.append(DiffEntry(
            id=fid, change=change, check_id=f.check_id, title=f.title, severity=f.severity,
            account_id=f.account_id, region=f.region, resource_id=f.resource_id,
            old_status=o.status if o else None, new_status=n.status if n else None,
            muted=bool(n and n.muted),
            open=_open(n) or (change in (Change.UNCHANGED, Change.NOT_REASSESSED, Change.OUT_OF_SCOPE) and _open(o)),
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
