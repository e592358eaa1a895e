"""Findings as CSV: one row per finding, for spreadsheets and ticket imports.

RFC 4180: CRLF between rows, and a cell holding a comma, a quote, a CR or an LF is quoted
(quotes doubled), so that Python's csv module and a spreadsheet read the same columns."""

from __future__ import annotations

import csv
import io

from posture.core.models import Finding
from posture.report.model import Report

COLUMNS = [
    "id", "check_id", "title", "severity", "status", "muted", "mute_reason", "partition", "account_id", "region",
    "resource_id", "resource_arn", "resource_type", "message", "remediation", "remediation_url", "boundaries", "csf",
    "owasp_llm", "securityhub_controls", "first_seen", "last_seen", "atlas", "nist_ai_rmf", "iso42001", "owasp_agentic",
    "eu_ai_act",
]
# A cell a spreadsheet would run as a formula (CSV injection) starts with a single quote, which
# makes it text (OWASP's list: = + - @, tab and carriage return).
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
    # With the CRLF terminator the writer quotes every cell that holds a CR or an LF: with "\n"
    # alone a lone CR went out unquoted and ended the row early in a spreadsheet.
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for f in report.findings:
        writer.writerow(row(f))
    return out.getvalue()
