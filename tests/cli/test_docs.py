"""The README and docs say what the CLI does: exit codes, flags, the iam-policy output, the
comparison's counts. Each statement is checked against the code, not typed twice."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from posture.cli import main as cli_main
from posture.cli.main import cli
from posture.render import RENDERERS
from tests.support.reporting import make_finding, make_report

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text("utf-8")


def _exit_table() -> dict[int, str]:
    section = README[README.index("Exit codes (every command):"):]
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"^\| (\d+) \| (.+) \|$", section, re.M)}


def test_the_exit_codes_are_documented_once_and_match_the_cli() -> None:
    table = _exit_table()
    assert set(table) == {cli_main.EXIT_OK, cli_main.EXIT_SCAN_FAILED, cli_main.EXIT_USAGE, cli_main.EXIT_FINDINGS,
                          cli_main.EXIT_INTERRUPTED, cli_main.EXIT_TERMINATED}
    assert README.count("| 130 |") == 1 and "Exit codes:" not in README
    docs = "".join(p.read_text("utf-8") for p in (REPO / "docs").glob("*.md"))
    assert "| 143 |" not in docs  # the table lives in the README only


def test_a_missing_output_folder_exits_2_before_the_scan(tmp_path: Path) -> None:
    assert "output folder that does not exist" in _exit_table()[2]
    result = CliRunner().invoke(cli, ["scan", "--json", str(tmp_path / "nowhere" / "r.json")])
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"posture: error: cannot write {tmp_path / 'nowhere' / 'r.json'}: directory "
                                     f"{tmp_path / 'nowhere'} does not exist")


@pytest.fixture
def saved(tmp_path: Path) -> str:
    path = tmp_path / "report.json"
    path.write_text(RENDERERS["json"](make_report([make_finding("k1", severity="high")])))
    return str(path)


def test_exit_3_and_exit_1_as_documented(saved: str, tmp_path: Path) -> None:
    failing = CliRunner().invoke(cli, ["merge", saved, "--no-history", "--quiet", "--fail-on", "high"])
    assert failing.exit_code == 3 and "failing" in _exit_table()[3]
    assert failing.stderr.splitlines()[-1].startswith("posture: 1 failing finding at or above high")
    (tmp_path / "taken").mkdir()
    unwritable = CliRunner().invoke(cli, ["merge", saved, "--no-history", "--quiet", "--json", str(tmp_path / "taken")])
    assert unwritable.exit_code == 1 and "could not be written" in _exit_table()[1]
    assert CliRunner().invoke(cli, ["merge", saved, "--no-history", "--quiet"]).exit_code == 0
    assert CliRunner().invoke(cli, ["merge", saved, "--bogus"]).exit_code == 2


def test_every_flag_in_the_readme_table_exists() -> None:
    table = README[README.index("| flag | meaning |"):README.index("The endpoint comes from")]
    flags = set(re.findall(r"`(--[a-z-]+)", table))
    helps = CliRunner().invoke(cli, ["scan", "--help"], terminal_width=200).output
    assert flags and {f for f in flags if f not in helps} == set()


def test_the_iam_policy_shape_in_the_readme_is_what_it_prints() -> None:
    start = README.index('{"PolicyCount"')
    documented = json.loads(README[start:README.index("\n```", start)])
    printed = json.loads(CliRunner().invoke(cli, ["iam-policy", "--securityhub"]).stdout)
    assert set(documented) == set(printed)
    assert set(documented["Policies"][0]) == set(printed["Policies"][0])


def test_the_comparison_summary_counts_its_own_tables() -> None:
    text = (REPO / "docs" / "anchors.md").read_text("utf-8")
    summary = {m.group(1): tuple(int(n) for n in m.groups()[1:]) for m in re.finditer(
        r"^\| (Prowler[^|]*|AWS sample[^|]*|Controls[^|]*) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$", text, re.M)}
    sections = re.split(r"^## \d\. ", text, flags=re.M)[1:]
    assert len(summary) == len(sections) == 3
    for (name, counts), section in zip(summary.items(), sections, strict=True):
        verdicts = re.findall(r"\| (covers \(equal or stricter\)|partly|not checked) \|", section)
        found = (len(verdicts), verdicts.count("covers (equal or stricter)"), verdicts.count("partly"),
                 verdicts.count("not checked"))
        assert found == counts, name
    assert re.search(r"3e000faa \| 2026-08-21", text) and re.search(r"0a5ed707 \| 2026-07-22", text)
