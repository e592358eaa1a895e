"""The JSON report, as the schema publishes it."""

from __future__ import annotations

from posture.report.model import Report


def render(report: Report) -> str:
    return report.model_dump_json(indent=2) + "\n"
