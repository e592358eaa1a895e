"""The terminal summary: short by default, every finding with --verbose, filters, and the width."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from posture.cli.main import cli
from posture.core.models import Severity, Status
from posture.core.settle import NOT_ASSESSED_ID
from posture.render import RENDERERS
from posture.render.table import TOP, View, render
from posture.report.model import Report
from tests.support.reporting import make_finding, make_report

REPR = re.compile(r"<(Status|Severity|Layer|TrustBoundary)\.|\('status'|\{'")


@pytest.fixture(scope="module")
def report() -> Report:
    severities = ["critical", "high", "medium", "low"]
    findings = [make_finding(f"key-{i:03}", severity=severities[i % 4],
                             message="automatic rotation is disabled on this key " + "and more words " * (i % 5))
                for i in range(60)]
    findings += [make_finding(f"ok-{i}", status="PASS") for i in range(20)]
    findings += [make_finding(f"not-assessed/svc{i}", status="ERROR", check_id=NOT_ASSESSED_ID, region="eu-west-1",
                              severity="informational", boundaries=(), message="not assessed: every request denied")
                 for i in range(12)]
    findings += [make_finding("locked-key", status="ERROR", severity="high", message="AccessDenied on GetKeyPolicy")]
    return make_report(findings)


def _lines(text: str) -> list[str]:
    return text.rstrip("\n").splitlines()


def _finding_rows(text: str) -> list[str]:
    return [line for line in _lines(text) if re.match(r"^(FAIL|ERROR|PASS)?\s*(critical|high|medium|low|"
                                                       r"informational)\s", line)]


def test_the_default_is_a_summary_with_the_top_failures(report: Report) -> None:
    text = render(report)
    assert text == RENDERERS["table"](report)
    rows = _finding_rows(text)
    assert len(rows) == TOP == 25
    assert all("critical" in r for r in rows[:15])  # worst first: the 15 critical ones
    assert "Top 25 of 60 FAIL findings, worst first:" in text
    assert "… 35 more in the report (--verbose lists them all here)" in text
    # The unreadable ones in one digest, not 13 lines: the closed region said once.
    assert "Unreadable (ERROR, not scored; coverage shows them): 13 findings of 2 checks" in " ".join(text.split())
    assert "posture.not_assessed ×12" in text and "eu-west-1" in text
    assert "Trust boundary" in text and "NIST CSF 2.0 function" in text and "OWASP LLM 2025 risk" in text
    assert "60 FAIL, 13 ERROR, 20 PASS, 0 muted" in " ".join(text.split())
    assert not REPR.search(text)


@pytest.mark.parametrize("width", [120, 100, 80])
def test_every_line_fits_the_width(report: Report, width: int) -> None:
    for view in (View(width=width), View(width=width, verbose=True)):
        lines = _lines(render(report, view))
        assert max(len(line) for line in lines) <= width, [line for line in lines if len(line) > width]


def test_verbose_lists_every_failing_and_unreadable_finding(report: Report) -> None:
    text = render(report, View(verbose=True))
    rows = _finding_rows(text)
    assert len(rows) == 60 + 13
    assert "more in the report" not in text
    assert [r.split()[0] for r in rows] == ["FAIL"] * 60 + ["ERROR"] * 13  # failures, then what could not be read


def test_status_and_severity_filter_what_is_printed(report: Report) -> None:
    errors = _finding_rows(render(report, View(statuses=(Status.ERROR,), verbose=True)))
    assert len(errors) == 13 and all(not r.startswith("FAIL") for r in errors)
    passing = _finding_rows(render(report, View(statuses=(Status.PASS,))))
    assert len(passing) == 20
    critical = render(report, View(severities=(Severity.CRITICAL,)))
    assert len(_finding_rows(critical)) == 15 and "All 15 of 15 FAIL findings" in critical


def _saved(report: Report, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("table") / "report.json"
    path.write_text(RENDERERS["json"](report))
    return str(path)


@pytest.mark.parametrize(("flags", "rows", "first"), [
    ([], 25, "critical"),
    (["--verbose"], 73, "FAIL"),
    (["--status", "ERROR"], 13, "high"),  # one status: no Status column
    (["--status", "fail", "--status", "error", "--verbose"], 73, "FAIL"),
    (["--severity", "high"], 15, "high"),
    (["--status", "PASS", "--verbose"], 20, "medium"),
])
def test_the_cli_flags_choose_what_is_printed(report: Report, tmp_path_factory: pytest.TempPathFactory,
                                              flags: list[str], rows: int, first: str) -> None:
    """Through `posture merge` of a saved report: the same summary `scan` and `demo` print."""
    result = CliRunner().invoke(cli, ["merge", _saved(report, tmp_path_factory), "--no-history", *flags],
                                env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    printed = _finding_rows(result.stdout)
    assert len(printed) == rows and printed[0].split()[0] == first
    assert max(len(line) for line in _lines(result.stdout)) <= 120


def test_the_terminal_width_is_the_limit(report: Report, tmp_path_factory: pytest.TempPathFactory) -> None:
    result = CliRunner().invoke(cli, ["merge", _saved(report, tmp_path_factory), "--no-history", "--verbose"],
                                env={"COLUMNS": "72"})
    assert max(len(line) for line in _lines(result.stdout)) <= 72


def test_the_summary_says_where_the_reports_went(report: Report, tmp_path_factory: pytest.TempPathFactory) -> None:
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(cli, ["merge", _saved(report, tmp_path_factory), "--no-history",
                                      "--json", str(out / "merged.json"), "--html", str(out / "merged.html")])
    assert result.exit_code == 0
    assert _lines(result.stdout)[-2:] == [f"report: {out / 'merged.json'}", f"report: {out / 'merged.html'}"]
    assert json.loads((out / "merged.json").read_text())["summary"]["findings"] == len(report.findings)
