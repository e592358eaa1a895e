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
from tests.support.reporting import T0, make_finding, make_report


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


# -- scope: only what the newer scan evaluated is resolved (issue 12 item 2) ---------------------
def _scan(tmp_path: Path, name: str, *args: str) -> str:
    out = tmp_path / name
    result = CliRunner().invoke(cli, ["scan", *args, "--json", str(out), "--quiet", "--no-history"])
    assert result.exit_code == 0, result.output
    return str(out)


def _diff(old: str, new: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(cli, ["diff", old, new, "--json", "-"])
    assert result.exit_code == 0, result.output
    document: dict = json.loads(result.stdout)  # type: ignore[type-arg]
    jsonschema.validate(document, json_schema())
    return document


def test_a_narrower_scan_resolves_nothing_outside_its_scope(aws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Full scan (two checks, two regions) vs one check in one region: nothing is resolved."""
    for region in ("us-east-1", "us-west-2"):
        aws.client("kms", region).create_key(Description="no rotation")
    checks = ["--check", "kms.cmk_rotation_enabled", "--check", "kms.key_policy_not_public"]
    full = _scan(tmp_path, "full.json", *checks, "--region", "us-east-1", "--region", "us-west-2")
    one = _scan(tmp_path, "one.json", "--check", "kms.key_policy_not_public", "--region", "us-east-1")
    document = _diff(full, one)
    assert document["counts"]["resolved"] == 0  # before: every failing finding of the full scan was "resolved"
    scoped = [e for e in document["entries"] if e["change"] == "out_of_scope"]
    assert {(e["check_id"], e["region"]) for e in scoped} == {("kms.cmk_rotation_enabled", "us-east-1"),
                                                              ("kms.cmk_rotation_enabled", "us-west-2")}
    assert all(e["open"] and e["new_status"] is None for e in scoped)
    assert document["counts"]["out_of_scope"] == 2
    table = CliRunner().invoke(cli, ["diff", full, one]).stdout
    assert "out_of_scope" in table and "not scanned" in table


def test_a_unit_that_could_not_run_is_not_reassessed(aws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    aws.client("kms", "us-east-1").create_key(Description="no rotation")
    args = ["--check", "kms.cmk_rotation_enabled", "--region", "us-east-1", "--max-attempts", "1"]
    before = _scan(tmp_path, "before.json", *args)
    aws.simulation.fail("kms", "ListKeys", "AccessDeniedException", "denied", status=400)
    after = _scan(tmp_path, "after.json", *args)
    assert json.loads(Path(after).read_text())["scan"]["units_not_run"] == [
        {"account_id": "123456789012", "region": "us-east-1", "check_id": "kms.cmk_rotation_enabled"}]
    document = _diff(before, after)
    assert document["counts"]["resolved"] == 0
    gone = [e for e in document["entries"] if e["change"] == "not_reassessed"]
    assert len(gone) == 1 and gone[0]["open"] and gone[0]["old_status"] == "FAIL"


def test_a_fixed_finding_in_scope_is_still_resolved(aws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    kms = aws.client("kms", "us-east-1")
    key = kms.create_key(Description="no rotation")["KeyMetadata"]["KeyId"]
    args = ["--check", "kms.cmk_rotation_enabled", "--region", "us-east-1"]
    before = _scan(tmp_path, "before.json", *args)
    kms.enable_key_rotation(KeyId=key)
    after = _scan(tmp_path, "after.json", *args)
    document = _diff(before, after)
    assert document["counts"]["resolved"] == 1


def test_scope_verdicts_for_a_shard() -> None:
    from posture.report.model import Area, Scope

    report = make_report([make_finding("k1")])
    scan = report.scan.model_copy(update={"shard": "1/2", "areas": [Area(account_id="123456789012",
                                                                          region="us-east-1")]})
    scope = Scope(scan)
    assert scope.verdict("123456789012", "us-east-1", "kms.cmk_rotation_enabled") == "evaluated"
    assert scope.verdict("123456789012", "us-west-2", "kms.cmk_rotation_enabled") == "out_of_scope"  # other shard
    assert scope.verdict("123456789012", "us-east-1", "iam.other") == "out_of_scope"  # other checks
    assert scope.verdict("210987654321", "us-east-1", "kms.cmk_rotation_enabled") == "out_of_scope"  # other account
    old = [make_finding("k1"), make_finding("k2", region="us-west-2")]
    d = diff(old, [], scope=scope)
    assert d.counts[Change.RESOLVED] == 1 and d.counts[Change.OUT_OF_SCOPE] == 1


def test_the_report_schema_carries_the_scope() -> None:
    from posture.report.model import json_schema as report_schema

    scan = report_schema()["$defs"]["ScanInfo"]["properties"]
    assert {"accounts", "regions", "check_ids", "shard", "areas", "units_not_run", "accounts_failed"} <= set(scan)
