"""Picking findings out of a scan's result."""

from __future__ import annotations

from posture.core.models import Finding


def only(findings: list[Finding], resource_id: str) -> Finding:
    """The one finding on `resource_id`; fails loudly when there are none or several."""
    matching = [f for f in findings if f.resource_id == resource_id]
    seen = [(f.resource_id, f.status.value) for f in findings]
    assert len(matching) == 1, f"expected one finding on {resource_id}, got {seen}"
    return matching[0]
