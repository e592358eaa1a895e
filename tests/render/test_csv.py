"""CSV output: one row per finding, every column, no spreadsheet formula injection."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from posture.render import RENDERERS
from posture.render.csv import COLUMNS
from tests.support.reporting import T0, make_finding, make_report


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


# -- any text a finding can carry ---------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
cell_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40) | st.sampled_from(
    ["=1+1", "+cmd", "-2", "@SUM(A1)", "\tx", "\rx", 'a,"b"\r\nc', "x\ry", "\n", '"', ",", "\u2028"])


def spreadsheet_rows(text: str) -> list[list[str]]:
    """RFC 4180 as a spreadsheet imports it: quoted cells may hold anything (a doubled quote
    is one quote); outside quotes a comma ends a cell and CR, LF or CRLF ends a row."""
    rows: list[list[str]] = []
    row: list[str] = []
    cell, i, quoted = "", 0, False
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == '"' and text[i + 1:i + 2] == '"':
                cell, i = cell + '"', i + 2
                continue
            if ch == '"':
                quoted = False
            else:
                cell += ch
        elif ch == '"' and cell == "":
            quoted = True
        elif ch == ",":
            row.append(cell)
            cell = ""
        elif ch in "\r\n":
            row.append(cell)
            rows.append(row)
            row, cell = [], ""
            if ch == "\r" and text[i + 1:i + 2] == "\n":
                i += 1
        else:
            cell += ch
        i += 1
    if cell or row:
        row.append(cell)
        rows.append(row)
    return rows


def expected(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


@settings(max_examples=200, deadline=None)
@given(resource=cell_text, message=cell_text, reason=cell_text)
def test_any_text_keeps_its_cell_in_python_and_in_a_spreadsheet(resource: str, message: str, reason: str) -> None:
    findings = [make_finding(resource or "r", message=message, muted=True, mute_reason=reason),
                make_finding("second", message="plain")]
    text = RENDERERS["csv"](make_report(findings))
    for rows in (list(csv.reader(io.StringIO(text, newline=""))), spreadsheet_rows(text)):
        assert [len(r) for r in rows] == [len(COLUMNS)] * 3  # header + 2 findings, nothing shifted
        first = dict(zip(COLUMNS, rows[1], strict=True))
        assert first["resource_id"] == expected(resource or "r")
        assert first["message"] == expected(message)
        assert first["mute_reason"] == expected(reason)
        assert rows[2][COLUMNS.index("resource_id")] == "second"


@pytest.mark.parametrize("start", FORMULA_START)
def test_every_formula_start_is_neutralised(start: str) -> None:
    row = _rows(RENDERERS["csv"](make_report([make_finding("r", message=start + "HYPERLINK(1)")])))[0]
    assert row["message"] == "'" + start + "HYPERLINK(1)"


def test_a_lone_carriage_return_stays_inside_its_cell() -> None:
    # Unquoted, a CR ends the row for a spreadsheet (and for Python's csv reader).
    text = RENDERERS["csv"](make_report([make_finding("r", message="line one\rline two")]))
    assert spreadsheet_rows(text)[1][COLUMNS.index("message")] == "line one\rline two"
