"""Outputs a user can trust (issue 12 items 1, 5, 6; issue 10 item 4): writes that never replace
what is not a regular file and never fail silently, dated names in an output folder, the
documented config file, one format on stdout with the tables on stderr, the exit-3 line,
progress off a terminal, and the names a user types (--service, --severity, --no- flags)."""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import threading
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from posture.cli import main as cli_main
from posture.cli.main import cli
from posture.core import configfile
from posture.core.config import ScanConfig
from posture.core.errors import UsageError
from posture.core.runner import ProgressInfo
from posture.sinks import files as output
from posture.sinks.files import WriteError, write_text
from tests.support.paths import REPO

CHECK = "kms.cmk_rotation_enabled"  # medium; a new customer key without rotation FAILs
SCAN = ["scan", "--check", CHECK, "--region", "us-east-1", "--no-history"]
DOCS = REPO / "docs"


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("posture: error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.fixture
def failing_key(aws: Any) -> Any:
    aws.client("kms", "us-east-1").create_key(Description="no rotation")
    return aws


# -- the writer --------------------------------------------------------------------------------
def test_a_regular_file_is_replaced_atomically_keeping_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    target.write_text("old")
    target.chmod(0o640)
    write_text(str(target), "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]  # no temporary file left


def test_a_new_file_gets_the_usual_permissions_not_0600(tmp_path: Path) -> None:
    write_text(str(tmp_path / "r.json"), "x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / "r.json").stat().st_mode) == 0o666 & ~umask


def test_a_fifo_is_written_in_place_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    write_text(str(fifo), "through the pipe")
    reader.join(timeout=10)
    assert got == ["through the pipe"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # before: replaced by a regular file, the reader got nothing


def test_a_symlink_is_followed_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    write_text(str(link), "new")
    assert link.is_symlink() and os.readlink(link) == str(real)  # before: the link became a file
    assert real.read_text() == "new"  # before: the target kept the old report


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "latest.json"
    link.symlink_to(tmp_path / "reports-2026.json")
    write_text(str(link), "new")
    assert link.is_symlink() and (tmp_path / "reports-2026.json").read_text() == "new"


def test_a_symlink_into_a_missing_folder_is_refused_in_one_line(tmp_path: Path) -> None:
    link = tmp_path / "latest.json"
    link.symlink_to(tmp_path / "nowhere" / "r.json")
    with pytest.raises(WriteError, match=r"symlink to .*nowhere.*does not exist"):
        write_text(str(link), "x")


def test_dev_full_is_exit_1_and_is_not_replaced(failing_key: Any, tmp_path: Path) -> None:
    """/dev/full reached through a symlink in tmp_path: were the writer to replace what it writes
    (the defect), it would replace the link in tmp_path, never the machine's device."""
    if not stat.S_ISCHR(os.stat("/dev/full").st_mode):
        pytest.skip("/dev/full is not a character device on this machine")
    link = tmp_path / "report.json"
    link.symlink_to("/dev/full")
    before = os.stat("/dev/full")
    result = CliRunner().invoke(cli, [*SCAN, "--json", str(link), "--quiet"])
    assert result.exit_code == 1, result.output  # before: exit 0, and the target replaced by a regular file
    assert "No space left on device" in one_error_line(result.stderr)
    assert link.is_symlink()
    after = os.stat("/dev/full")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


def test_a_directory_target_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match="is a directory"):
        write_text(str(tmp_path), "x")


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO, errno.EACCES])
def test_every_write_error_is_exit_1_and_leaves_the_old_report(failing_key: Any, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    target = tmp_path / "r.json"
    target.write_text("old")

    def broken(fd: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(output.os, "fsync", broken)
    result = CliRunner().invoke(cli, [*SCAN, "--json", str(target), "--quiet"])
    assert result.exit_code == 1, result.output
    assert os.strerror(code) in one_error_line(result.stderr)
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_a_read_only_folder_is_exit_1(failing_key: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The EACCES that creating the temporary file meets in a read-only folder, injected: a chmod would prove
    nothing where the tests run as root (root writes into a read-only folder), and the skip was always taken."""
    folder = tmp_path / "ro"
    folder.mkdir()
    calls: list[str] = []

    def denied(*args: Any, **kwargs: Any) -> Any:
        calls.append(str(kwargs.get("dir", args[2] if len(args) > 2 else "")))
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(output.tempfile, "mkstemp", denied)
    result = CliRunner().invoke(cli, [*SCAN, "--json", str(folder / "r.json"), "--quiet"])
    assert result.exit_code == 1
    assert "Permission denied" in one_error_line(result.stderr)
    assert calls and all(Path(c) == folder for c in calls), calls  # the write was tried, in that folder
    assert list(folder.iterdir()) == []


def test_a_missing_folder_given_by_a_flag_is_a_usage_error_before_the_scan(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, [*SCAN, "--json", str(tmp_path / "no" / "r.json")])
    assert result.exit_code == 2 and "does not exist" in one_error_line(result.stderr)


def test_stdout_write_failure_is_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    class Full:
        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def flush(self) -> None:
            pass

    monkeypatch.setattr(output.sys, "stdout", Full())
    with pytest.raises(WriteError, match="stdout: No space left"):
        write_text("-", "x")


# -- --output-directory and the config file ------------------------------------------------------
def test_output_directory_writes_each_format_under_a_dated_name(failing_key: Any, tmp_path: Path) -> None:
    folder = tmp_path / "reports" / "daily"
    result = CliRunner().invoke(cli, [*SCAN, "--output-directory", str(folder), "--output-format", "json",
                                      "--output-format", "html", "--output-format", "csv", "--quiet"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 3
    pattern = r"posture-123456789012-\d{8}T\d{6}Z\.(json|html|csv)"
    assert all(re.fullmatch(pattern, n) for n in names), names
    report = json.loads(next(folder.glob("*.json")).read_text())
    stamp = names[0].split("-")[2].split(".")[0]
    assert report["scan"]["started_at"].replace("-", "").replace(":", "")[:15] == stamp[:15]


def test_output_format_without_a_directory_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, [*SCAN, "--output-format", "json"])
    assert result.exit_code == 2 and "--output-directory" in one_error_line(result.stderr)


def _documented_config() -> str:
    text = (DOCS / "reporting.md").read_text()
    block = re.search(r"```toml\n(\[scan\].*?)```", text, re.S)
    assert block, "docs/reporting.md shows no posture.toml"
    return block.group(1)


def test_the_documented_config_file_works_as_documented(failing_key: Any, tmp_path: Path) -> None:
    """The posture.toml of docs/reporting.md, as is: its reports/ and state/ folders do not exist yet."""
    (tmp_path / "posture.toml").write_text(_documented_config())
    (tmp_path / "suppressions.toml").write_text('[[suppress]]\ncheck = "none.such"\nreason = "example"\n')
    aws_config = tmp_path / "aws-config"
    aws_config.write_text("[profile security-audit]\naws_access_key_id = testing\naws_secret_access_key = testing\n"
                          "region = us-east-1\n")
    # The documented file pushes to Security Hub: the moto server has it enabled nowhere, so
    # the push is turned off by its --no- flag, as a user trying the file first would do.
    result = CliRunner().invoke(cli, ["scan", "--config", str(tmp_path / "posture.toml"), "--check", CHECK,
                                      "--region", "us-east-1", "--no-securityhub"],
                                env={"AWS_CONFIG_FILE": str(aws_config)})
    assert result.exit_code in (0, 3), result.output
    assert (tmp_path / "reports" / "posture.json").is_file()  # before: exit 2, reports/ does not exist
    assert (tmp_path / "reports" / "posture.html").is_file()
    assert (tmp_path / "state" / "history.sqlite").is_file()


def test_every_boolean_of_the_config_file_has_a_no_flag() -> None:
    scan_command = cli.commands["scan"]
    assert isinstance(scan_command, click.Command)
    flags = {name for p in scan_command.params for name in [*p.opts, *p.secondary_opts]}
    booleans = [option for option, kind in configfile.KINDS.items() if kind is bool]
    booleans += [name for name, f in ScanConfig.model_fields.items() if f.annotation in (bool, "bool", bool | None,
                                                                                          "bool | None")]
    names = {"history_enabled": "history"}
    missing = [b for b in booleans if f"--no-{names.get(b, b).replace('_', '-')}" not in flags]
    assert not missing, f"booleans of posture.toml without a --no- flag: {missing}"
    assert {"--no-quiet", "--no-securityhub", "--no-history", "--no-org", "--no-inventory"} <= flags


def test_no_flags_override_booleans_set_in_the_file(failing_key: Any, tmp_path: Path) -> None:
    (tmp_path / "posture.toml").write_text(f'[output]\nquiet = true\njson = "{tmp_path / "r.json"}"\n'
                                           "[securityhub]\nenabled = true\n")
    result = CliRunner().invoke(cli, [*SCAN, "--config", str(tmp_path / "posture.toml"), "--no-quiet",
                                      "--no-securityhub"])
    assert result.exit_code == 0, result.output
    assert "Trust boundary" in result.stdout  # --no-quiet won over quiet = true
    assert "Security Hub" not in result.stderr  # --no-securityhub won over enabled = true


# -- stdout and stderr -------------------------------------------------------------------------
@pytest.mark.parametrize("flag", ["--json", "--csv", "--ocsf", "--html", "--asff"])
def test_a_format_on_stdout_sends_the_tables_to_stderr(failing_key: Any, flag: str) -> None:
    result = CliRunner().invoke(cli, [*SCAN, flag, "-"])
    assert result.exit_code == 0, result.stderr
    assert "Defense in depth: per trust boundary" not in result.stdout
    assert "Defense in depth: per trust boundary" in result.stderr
    if flag in ("--json", "--ocsf", "--asff"):
        json.loads(result.stdout)  # one document, nothing else
    if flag == "--csv":
        assert result.stdout.splitlines()[0].startswith(("id,", "\ufeffid", '"id"')) or "," in result.stdout


def test_quiet_with_stdout_prints_no_table_anywhere(failing_key: Any) -> None:
    result = CliRunner().invoke(cli, [*SCAN, "--csv", "-", "--quiet"])
    assert result.exit_code == 0 and "Trust boundary" not in result.stderr + result.stdout


def test_two_formats_on_stdout_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, [*SCAN, "--json", "-", "--asff", "-"])
    assert result.exit_code == 2  # before: two documents back to back on stdout
    assert "--json and --asff" in one_error_line(result.stderr)
    assert result.stdout == ""


def test_exit_3_ends_with_why_and_where(failing_key: Any, tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    result = CliRunner().invoke(cli, [*SCAN, "--json", str(target), "--html", str(tmp_path / "r.html"),
                                      "--fail-on", "medium", "--quiet"])
    assert result.exit_code == 3
    last = result.stderr.strip().splitlines()[-1]
    assert last == f"posture: 1 failing finding at or above medium; reports: {target}, {tmp_path / 'r.html'}"


# -- progress ----------------------------------------------------------------------------------
def _info(done: int, total: int = 10) -> ProgressInfo:
    return ProgressInfo(units_done=done, units_total=total, accounts_done=0, accounts_total=1, regions=2,
                        api_calls=3 * done, errors=1)


def test_progress_off_a_terminal_is_a_line_every_few_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    now = [0.0]
    show = cli_main.stderr_progress(False, True, interval=5.0, clock=lambda: now[0])
    assert show is not None
    for step in range(1, 11):
        now[0] = step * 1.5
        show(_info(step))
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 3, lines  # at 6 s, 12 s and when done: one every 5 s at most, not one per unit
    assert lines[0] == "posture: progress: accounts 0/1, 2 regions, units 4/10 (check × region), 12 API calls"
    assert "units 10/10" in lines[-1]


def test_scheduled_runs_without_the_flag_stay_quiet() -> None:
    assert cli_main.stderr_progress(False, False) is None  # pytest's stderr is no terminal
    assert cli_main.stderr_progress(True, False) is None


def test_progress_flag_off_a_terminal_prints_lines(failing_key: Any, monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    monkeypatch.setenv("POSTURE_PROGRESS_INTERVAL", "0")
    result = CliRunner().invoke(cli, [*SCAN, "--progress", "--quiet", "--json", str(tmp_path / "r.json")])
    assert result.exit_code == 0
    last = re.findall(r"posture: progress: accounts \d+/1, 1 regions, units (\d+)/(\d+) \(check × region\), "
                      r"(\d+) API calls", result.stderr)[-1]
    # The last line counts what the report counts.
    scan = json.loads((tmp_path / "r.json").read_text())["scan"]
    assert [int(n) for n in last] == [scan["units_run"], scan["units_run"], scan["api_calls"]]
    quiet = CliRunner().invoke(cli, [*SCAN, "--quiet"])
    assert quiet.stderr == ""


# -- names a user types ------------------------------------------------------------------------
def test_service_takes_the_check_prefix_and_the_api_name(registry: Any) -> None:
    by_api = CliRunner().invoke(cli, ["checks", "--json", "--service", "bedrock-agent"])
    by_prefix = CliRunner().invoke(cli, ["checks", "--json", "--service", "bedrock_agent"])
    assert by_api.exit_code == by_prefix.exit_code == 0, by_prefix.output
    ids = [c["id"] for c in json.loads(by_prefix.stdout)]
    assert ids and ids == [c["id"] for c in json.loads(by_api.stdout)]
    assert all(i.startswith("bedrock_agent.") for i in ids)
    assert cli_main.service_names(registry, ("bedrock_agent",)) == ("bedrock-agent",)


def test_scan_service_prefix_is_accepted(failing_key: Any) -> None:
    result = CliRunner().invoke(cli, ["scan", "--service", "kms", "--region", "us-east-1", "--no-history",
                                      "--json", "-", "--quiet"])
    assert result.exit_code == 0, result.stderr
    assert {f["check_id"].split(".")[0] for f in json.loads(result.stdout)["findings"]} == {"kms"}


def test_checks_filters_by_service_and_severity(registry: Any) -> None:
    result = CliRunner().invoke(cli, ["checks", "--json", "--service", "bedrock", "--severity", "high"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    expected = [c.meta.id for c in registry if c.meta.service == "bedrock" and c.meta.severity.value == "high"]
    assert [c["id"] for c in listed] == expected and expected


def test_scan_severity_limits_what_is_reported(failing_key: Any, registry: Any) -> None:
    result = CliRunner().invoke(cli, ["scan", "--service", "kms", "--severity", "medium", "--region", "us-east-1",
                                      "--no-history", "--json", "-", "--quiet"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["findings"] and {f["severity"] for f in report["findings"]} == {"medium"}
    medium_kms = {c.meta.id for c in registry if c.meta.service == "kms" and c.meta.severity.value == "medium"}
    assert set(report["scan"]["check_ids"]) == medium_kms


def test_scan_severity_that_selects_nothing_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["scan", "--check", CHECK, "--severity", "critical"])
    assert result.exit_code == 2 and "severity critical" in one_error_line(result.stderr)


# -- the demo takes every output flag of scan --------------------------------------------------
def test_demo_takes_every_output_flag_of_scan() -> None:
    def options(name: str) -> set[str]:
        command = cli.commands[name]
        return {o for p in command.params for o in p.opts}

    outputs = {"--json", "--asff", "--csv", "--ocsf", "--html", "--output-directory", "--output-format",
               "--quiet", "--fail-on", "--progress"}
    assert outputs <= options("scan")
    assert outputs <= options("demo"), outputs - options("demo")


def test_makefile_demo_writes_the_html_report() -> None:
    root = REPO
    makefile = (root / "Makefile").read_text()
    target = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "--html posture-demo-report.html" in target
    assert "posture-demo-report.html" in (root / ".gitignore").read_text()


def test_usage_error_class_is_exit_2() -> None:
    assert UsageError("x").exit_code == 2 and WriteError("x").exit_code == 1



def test_the_config_file_names_an_output_directory(failing_key: Any, tmp_path: Path) -> None:
    (tmp_path / "posture.toml").write_text('[output]\ndirectory = "reports/daily"\nformats = ["json", "ocsf"]\n'
                                           "quiet = true\n")
    result = CliRunner().invoke(cli, [*SCAN, "--config", str(tmp_path / "posture.toml")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "reports" / "daily").iterdir())
    assert [n.split(".", 1)[1] for n in names] == ["json", "ocsf.json"]
    (tmp_path / "posture.toml").write_text('[output]\ndirectory = "r"\nformats = ["pdf"]\n')
    bad = CliRunner().invoke(cli, [*SCAN, "--config", str(tmp_path / "posture.toml")])
    assert bad.exit_code == 2 and "unknown output format 'pdf'" in one_error_line(bad.stderr)
