"""CSV output: one row per finding, every column, no spreadsheet formula injection."""

from __future__ import annotations

import csv
import io

from posture.render import RENDERERS
from posture.render.csv import COLUMNS
from tests.reporting_helpers import T0, make_finding, make_report


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_one_row_per_finding_with_every_column() -> None:
    findings = [make_finding("k1", arn="arn:aws:kms:us-east-1:123456789012:key/k1"),
                make_finding("k2", status="PASS", muted=True, mute_reason="accepted, see TKT-1",
                             first_seen=T0, last_seen=T0)]
    rows = _rows(RENDERERS["csv"](make_report(findings)))
    assert list(rows[0]) == COLUMNS
    assert [r["id"] for r in rows] == [f.id for f in findings]
    assert rows[0]["status"] == "FAIL" and rows[0]["resource_arn"].endswith("key/k1")
    assert rows[0]["owasp_llm"] == "LLM06;LLM02:2025" and rows[0]["boundaries"] == "data"
    assert rows[1]["muted"] == "true" and rows[1]["mute_reason"] == "accepted, see TKT-1"
    assert rows[1]["first_seen"] == "2026-11-01T12:00:00+00:00"


def test_cells_that_a_spreadsheet_would_run_are_quoted() -> None:
    f = make_finding("=HYPERLINK(\"http://x\")", message="+1 -1 @cmd")
    row = _rows(RENDERERS["csv"](make_report([f])))[0]
    assert row["resource_id"].startswith("'=") and row["message"].startswith("'+")


def test_commas_quotes_and_newlines_survive() -> None:
    f = make_finding("r", message='a, "quoted"\nsecond line')
    assert _rows(RENDERERS["csv"](make_report([f])))[0]["message"] == 'a, "quoted"\nsecond line'
