"""The catalogue gate: every check has a PASS, a FAIL and an ERROR test."""

from __future__ import annotations


def uncovered(observed: set[tuple[str, str]], check_ids: list[str]) -> dict[str, list[str]]:
    """Check id -> the statuses (PASS, FAIL, ERROR) no test has seen it give."""
    missing = {cid: sorted({"PASS", "FAIL", "ERROR"} - {status for c, status in observed if c == cid})
               for cid in check_ids}
    return {cid: statuses for cid, statuses in missing.items() if statuses}
