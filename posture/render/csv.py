"""Findings as CSV: one row per finding, for spreadsheets and ticket imports."""

from __future__ import annotations

import csv
import io

from posture.core.models import Finding
from posture.report.model import Report

COLUMNS = [
    "id", "check_id", "title", "severity", "status", "muted", "mute_reason", "partition", "account_id", "region",
    "resource_id", "resource_arn", "resource_type", "message", "remediation", "boundaries", "csf", "owasp_llm",
    "securityhub_controls", "first_seen", "last_seen",
]
# A cell a spreadsheet would run as a formula (CSV injection) is quoted as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        text = ";".join(str(v) for v in value)
    elif hasattr(value, "isoformat"):
        text = value.isoformat()
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def row(finding: Finding) -> list[str]:
    data = finding.model_dump(mode="python")
    return [_cell(data[c]) for c in COLUMNS]


def render(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for f in report.findings:
        writer.writerow(row(f))
    return out.getvalue()
