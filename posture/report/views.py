"""What every output shows the same way: the status counts (header, filters, JSON agree) and the
"fix these first" order of failing findings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from posture.core.models import Finding, Status
from posture.core.settle import NOT_ASSESSED_ID
from posture.report.model import Report

# Status filters a reader picks from, in the order shown: each counts unmuted findings (as the
# JSON summary's by_status does) but "muted" and "all".
STATUS_VIEWS = ("FAIL", "ERROR", "not_assessed", "PASS", "muted", "all")


def not_assessed(f: Finding) -> bool:
    """An ERROR that stands for a whole service in a region the scan could not read (a closed region)."""
    return f.check_id == NOT_ASSESSED_ID


def in_view(f: Finding, view: str) -> bool:
    """Whether a finding belongs to one of STATUS_VIEWS (or "failing": FAIL or ERROR, unmuted)."""
    if view == "all":
        return True
    if view == "muted":
        return f.muted
    if f.muted:
        return False
    if view == "failing":
        return f.status is not Status.PASS
    if view == "not_assessed":
        return not_assessed(f)
    return f.status.value == view


@dataclass(frozen=True)
class StatusCounts:
    findings: int
    failing: int  # FAIL + ERROR, unmuted
    by_view: dict[str, int]


def status_counts(report: Report) -> StatusCounts:
    """Counts per status view, equal to the JSON summary's (a test holds them together)."""
    by_view = {v: sum(in_view(f, v) for f in report.findings) for v in STATUS_VIEWS}
    return StatusCounts(findings=len(report.findings), failing=sum(in_view(f, "failing") for f in report.findings),
                        by_view=by_view)


def fix_first(findings: Iterable[Finding]) -> list[Finding]:
    """Failing, unmuted findings, worst first: by severity, then by how many trust boundaries and
    OWASP risks the control guards (a gap that opens more layers first), then by check and resource."""
    failing = [f for f in findings if f.status is Status.FAIL and not f.muted]
    return sorted(failing, key=lambda f: (-f.severity.rank, -len(f.boundaries), -len(f.owasp_llm), f.check_id,
                                          f.account_id, f.region, f.resource_id))
