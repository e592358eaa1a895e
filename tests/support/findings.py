"""Picking findings out of a scan's result, and asserting their status (which the catalogue gate counts)."""

from __future__ import annotations

from posture.core.models import Finding, Status

# (check id, status) that a test asserted through `expect`: the catalogue gate (tests/conftest.py) counts a
# status as tested only here, never because a check merely returned it.
ASSERTED: set[tuple[str, str]] = set()


def only(findings: list[Finding], resource_id: str) -> Finding:
    """The one finding on `resource_id`; fails loudly when there are none or several."""
    matching = [f for f in findings if f.resource_id == resource_id]
    seen = [(f.resource_id, f.status.value) for f in findings]
    assert len(matching) == 1, f"expected one finding on {resource_id}, got {seen}"
    return matching[0]


def expect(findings: list[Finding], resource_id: str, status: Status, *, region: str | None = None) -> Finding:
    """The one finding on `resource_id` (in `region`, where one resource id is judged in several), asserted to
    have `status`, and counted for the catalogue gate."""
    finding = only([f for f in findings if region is None or f.region == region], resource_id)
    assert finding.status is status, (
        f"{finding.check_id} on {resource_id}: {finding.status.value}, expected {status.value} ({finding.message})")
    ASSERTED.add((finding.check_id, status.value))
    return finding
