"""`posture diff`: what a ticketing integration opens, re-opens and closes."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from posture.cli.main import cli
from posture.core.models import Status, finding_id
from posture.report.diff import Change, classify, diff, json_schema
from posture.sinks.history import History
from tests.reporting_helpers import T0, make_finding, make_report


def test_classification_table() -> None:
    fail, ok, err = make_finding(), make_finding(status="PASS"), make_finding(status="ERROR")
    muted = make_finding(muted=True, mute_reason="accepted")
    assert classify(None, fail) is Change.NEW
    assert classify(err, fail) is Change.NEW
    assert classify(muted, fail) is Change.NEW  # the rule expired: a ticket is due
    assert classify(ok, fail) is Change.REGRESSED
    assert classify(fail, fail) is Change.UNCHANGED
    assert classify(fail, ok) is Change.RESOLVED
    assert classify(fail, None) is Change.RESOLVED  # the resource is gone
    assert classify(fail, muted) is Change.RESOLVED  # accepted: close the ticket
    assert classify(fail, err) is Change.NOT_REASSESSED  # unknown is not fixed: the ticket stays open
    assert classify(fail, None, "out_of_scope") is Change.OUT_OF_SCOPE  # the new scan did not look
    assert classify(fail, None, "not_reassessed") is Change.NOT_REASSESSED
    assert classify(ok, ok) is Change.UNCHANGED
    assert classify(ok, None) is None


def test_diff_counts_and_validates_against_its_schema() -> None:
    old = [make_finding("fixed"), make_finding("still"), make_finding("back", status="PASS"),
           make_finding("gone")]
    new = [make_finding("fixed", status="PASS"), make_finding("still"), make_finding("back"),
           make_finding("fresh")]
    d = diff(old, new, old_scan="a", new_scan="b")
    assert d.counts == {Change.NEW: 1, Change.REGRESSED: 1, Change.RESOLVED: 2, Change.NOT_REASSESSED: 0,
                        Change.OUT_OF_SCOPE: 0, Change.UNCHANGED: 1}
    by = {e.resource_id: e for e in d.entries}
    assert by["gone"].new_status is None and not by["gone"].open
    assert by["back"].old_status is Status.PASS and by["back"].open
    document = json.loads(d.model_dump_json())
    jsonschema.validate(document, json_schema())
    assert document["entries"][0]["change"] == "new"  # new first: what needs a ticket


def test_finding_ids_are_unique_when_names_collide_across_regions_and_accounts() -> None:
    checks = ["s3.ai_bucket_versioning_enabled", "kms.cmk_rotation_enabled"]
    partitions = ["aws", "aws-us-gov"]
    accounts = ["123456789012", "210987654321"]
    regions = ["us-east-1", "us-west-2", "global"]
    resources = ["acme-data", "acme-data ", "ACME-data"]
    keys = list(itertools.product(checks, partitions, accounts, regions, resources))
    ids = {finding_id(*k) for k in keys}
    assert len(ids) == len(keys)
    # Field boundaries cannot shift (fields are joined with a separator, not concatenated).
    assert finding_id("s3.x", "aws", "1", "us-east-1", "1") != finding_id("s3.x", "aws", "11", "us-east-", "1")


def _write(path: Path, findings, scan_id: str) -> str:  # type: ignore[no-untyped-def]
    path.write_text(make_report(findings, scan_id=scan_id).model_dump_json())
    return str(path)


def test_diff_command_on_two_reports(tmp_path: Path) -> None:
    old = _write(tmp_path / "old.json", [make_finding("k1"), make_finding("k2")], "scan-a")
    new = _write(tmp_path / "new.json", [make_finding("k1", status="PASS"), make_finding("k2")], "scan-b")
    result = CliRunner().invoke(cli, ["diff", old, new, "--json", str(tmp_path / "d.json")])
    assert result.exit_code == 0, result.output
    assert "scan-a -> scan-b: 0 new, 0 regressed, 1 resolved, 0 not_reassessed, 0 out_of_scope, 1 unchanged" \
        in result.stdout
    assert "resolved" in result.stdout and "k1" in result.stdout
    document = json.loads((tmp_path / "d.json").read_text())
    jsonschema.validate(document, json_schema())
    assert [e["resource_id"] for e in document["entries"] if e["change"] == "resolved"] == ["k1"]


def test_diff_command_against_history(tmp_path: Path) -> None:
    store = tmp_path / "h.sqlite"
    with History(store) as history:
        history.record(make_report([make_finding("k1")], scan_id="s1", at=T0))
        history.record(make_report([make_finding("k1"), make_finding("k2")], scan_id="s2",
                                   at=T0.replace(day=2)))
    result = CliRunner().invoke(cli, ["diff", "--history", str(store), "--json", "-"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["old_scan"] == "s1" and document["counts"]["new"] == 1


def test_diff_usage_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    result = CliRunner().invoke(cli, ["diff", str(bad), str(bad)])
    assert result.exit_code == 2 and "is not a posture JSON report" in result.stderr
    result = CliRunner().invoke(cli, ["diff", "only-one.json"])
    assert result.exit_code == 2
    result = CliRunner().invoke(cli, ["diff", "--history", str(tmp_path / "none.sqlite")])
    assert result.exit_code == 2 and "no history store" in result.stderr
    schema = CliRunner().invoke(cli, ["diff", "--schema"])
    assert json.loads(schema.stdout)["$id"].endswith("diff-1.0.json")
