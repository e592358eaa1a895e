"""End to end, the way a user runs it: the installed `posture` console script in a
subprocess, against the simulated account on 127.0.0.1, and the JSON it writes."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.validators import assert_valid_asff, assert_valid_ocsf, assert_valid_report

pytestmark = pytest.mark.slow  # full scans of the demo account: `make test` runs them, `-m "not slow"` skips

POSTURE = shutil.which("posture", path=str(Path(sys.executable).parent)) or "posture"


def run_posture(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([POSTURE, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


@pytest.fixture
def seeded_account(demo_account):
    return demo_account


@pytest.mark.xdist_group("demo")
def test_scan_of_the_seeded_account_writes_a_schema_valid_report(seeded_account, tmp_path):
    out, asff, ocsf = tmp_path / "report.json", tmp_path / "findings.asff.json", tmp_path / "findings.ocsf.json"
    result = run_posture("scan", "--region", "us-east-1", "--region", "us-west-2", "--json", str(out),
                         "--asff", str(asff), "--ocsf", str(ocsf), "--fail-on", "high",
                         env=seeded_account.environment())
    assert result.returncode == 3, result.stderr  # high-severity failures are seeded
    report = json.loads(out.read_text())
    assert_valid_report(report)
    # Each consumer's own validator on what it would receive: botocore's model, the OCSF classes.
    assert_valid_asff(json.loads(asff.read_text()))
    assert_valid_ocsf(json.loads(ocsf.read_text()))
    assert len(json.loads(ocsf.read_text())) == len(report["findings"])
    assert report["scan"]["accounts"] == ["123456789012"]
    assert report["scan"]["regions"] == ["us-east-1", "us-west-2"]
    assert report["scan"]["api_calls"] > 0
    statuses = {f["status"] for f in report["findings"]}
    assert {"PASS", "FAIL"} <= statuses
    # The table went to stdout with the boundaries and functions.
    assert "Trust boundary" in result.stdout and "NIST CSF 2.0 function" in result.stdout
    # A known misconfiguration is reported on the resource it names.
    dev_stage = [f for f in report["findings"] if f["check_id"] == "apigateway.stage_waf_attached"
                 and f["resource_id"].endswith("/dev")]
    assert [f["status"] for f in dev_stage] == ["FAIL"]
    ids = [f["id"] for f in report["findings"]]
    assert len(ids) == len(set(ids))


@pytest.mark.xdist_group("demo")
def test_json_to_stdout_is_the_report_only(seeded_account):
    result = run_posture("scan", "--region", "us-east-1", "--service", "kms", "--json", "-",
                         env=seeded_account.environment())
    assert result.returncode == 0, result.stderr
    assert_valid_report(json.loads(result.stdout))


@pytest.mark.xdist_group("demo")
def test_finding_ids_are_stable_across_scans(seeded_account, tmp_path):
    ids = []
    for name in ("a.json", "b.json"):
        run_posture("scan", "--region", "us-east-1", "--json", str(tmp_path / name), "--quiet",
                         env=seeded_account.environment())
        ids.append(sorted(f["id"] for f in json.loads((tmp_path / name).read_text())["findings"]))
    assert ids[0] == ids[1] and ids[0]


def test_unreachable_endpoint_is_one_line_and_exit_1(tmp_path):
    out = tmp_path / "r.json"
    result = run_posture("scan", "--region", "us-east-1", "--json", str(out), "--max-attempts", "1",
                         env={"AWS_ENDPOINT_URL": "http://127.0.0.1:9"})
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "posture: error:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_demo_command_prints_scores_and_writes_report(tmp_path):
    out = tmp_path / "demo.json"
    html, csv, ocsf, asff = (tmp_path / f"demo.{ext}" for ext in ("html", "csv", "ocsf.json", "asff.json"))
    # AWS_PROFILE set for the user's real AWS does not break the demo (it has its own AWS).
    result = run_posture("demo", "--json", str(out), "--html", str(html), "--csv", str(csv), "--ocsf", str(ocsf),
                         "--asff", str(asff), env={"AWS_PROFILE": "my-real-profile"})
    assert result.returncode == 0, result.stderr
    # Every output flag of scan works on the demo too (issue 10 item 4), and the paths are printed.
    assert html.read_text().lstrip().lower().startswith("<!doctype html")
    assert len(json.loads(ocsf.read_text())) == len(json.loads(asff.read_text())) > 0
    assert csv.read_text().count("\n") > 10
    for path in (out, html, csv, ocsf, asff):
        assert str(path) in result.stdout
    report = json.loads(out.read_text())
    assert_valid_report(report)
    for boundary in ("User interface", "Application", "Model", "Data", "Organizational"):
        assert boundary in result.stdout
    assert all(report["summary"]["scores"]["boundaries"][b]["assessed"]
               for b in ("user_interface", "application", "model", "data", "organizational"))
