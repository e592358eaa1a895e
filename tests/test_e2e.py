"""End to end, the way a user runs it: the installed `posture` console script in a
subprocess, against the simulated account on 127.0.0.1, and the JSON it writes."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from posture.report.compliance import FRAMEWORK_KEYS
from tests.support.validators import assert_valid_asff, assert_valid_ocsf, assert_valid_report

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
    frameworks = [x for key in FRAMEWORK_KEYS for x in ("--compliance", key)]
    result = run_posture("demo", "--json", str(out), "--html", str(html), "--csv", str(csv), "--ocsf", str(ocsf),
                         "--asff", str(asff), *frameworks, env={"AWS_PROFILE": "my-real-profile"})
    assert result.returncode == 0, result.stderr
    # --compliance: every framework's per-requirement view in the table, the JSON, the HTML and a CSV
    # beside the findings CSV (issue 11), with evidence for some requirements of each.
    views = {v["key"]: v for v in json.loads(out.read_text())["compliance"]}
    assert list(views) == list(FRAMEWORK_KEYS)
    for key, view in views.items():
        assert view["with_evidence"] > 0, key
        assert f'data-framework="{key}"' in html.read_text()
    assert views["nist_ai_rmf_1_0"]["by_status"].get("manual", 0) > 0  # governance needs people, not APIs
    beside = (tmp_path / "demo.compliance.csv").read_text()
    assert beside.count("\n") == 1 + sum(len(v["requirements"]) for v in views.values())
    assert "NIST AI RMF 1.0: 72 requirements" in result.stdout
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
    assert_same_findings_as_recorded(report)


def test_the_demo_prints_a_summary_that_fits_120_columns(tmp_path):
    """What a person sees on a 120-column terminal: the scores and the top failures, not every finding."""
    out, html = tmp_path / "demo.json", tmp_path / "demo.html"
    result = run_posture("demo", "--json", str(out), "--html", str(html), env={"COLUMNS": "120"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) <= 100 and max(len(line) for line in lines) <= 120
    report = json.loads(out.read_text())
    failing = report["summary"]["by_status"]["FAIL"]
    assert f"Top 25 of {failing} FAIL findings, worst first:" in result.stdout
    assert f"… {failing - 25} more in the report" in result.stdout
    assert lines[-2:] == [f"report: {out}", f"report: {html}"]
    scan = report["scan"]
    assert f"{scan['units_run']} units run (check × region; {scan['checks_selected']} checks)" in result.stdout


DEMO_FINDINGS = Path(__file__).resolve().parent / "data" / "demo_findings.json"


def assert_same_findings_as_recorded(report: dict) -> None:
    """The demo's findings (id, check, status) equal the recorded ones. The demo account is the same in
    every run (its generated ids are seeded), so a change of a finding id or a status here is a change of
    what posture judges: recorded before the restructuring of issue 16 and unchanged by it. A deliberate
    change is recorded again with `make demo-findings`, and the diff says what changed."""
    recorded = {row[0]: (row[1], row[2]) for row in json.loads(DEMO_FINDINGS.read_text())}
    now = {f["id"]: (f["check_id"], f["status"]) for f in report["findings"]}
    lost = sorted(recorded[i] for i in set(recorded) - set(now))
    new = sorted(now[i] for i in set(now) - set(recorded))
    changed = sorted((recorded[i], now[i][1]) for i in set(now) & set(recorded) if now[i] != recorded[i])
    assert not (lost or new or changed), f"lost {lost[:10]}, new {new[:10]}, changed status {changed[:10]}"
