"""Sharding and merging: the shards' merged report equals the unsharded scan's."""

from __future__ import annotations

import json
from itertools import product
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from bench.scenarios import assume, client_factory, seed_copy
from posture.cli.main import cli
from posture.core.errors import UsageError
from posture.core.shard import Shard, parse_shard, resolve_shard
from posture.report.model import json_schema
from tests.support.paths import REPO

pytestmark = pytest.mark.slow  # full scans of the demo account: `make test` runs them, `-m "not slow"` skips

ACCOUNTS = ("111122223333", "444455556666")
REGIONS = ("us-east-1", "us-west-2")
SCOPE = ["--service", "s3", "--service", "kms", "--service", "sagemaker", "--service", "ec2",
         "--region", REGIONS[0], "--region", REGIONS[1], "--role-name", "PostureAudit",
         "--account", ACCOUNTS[0], "--account", ACCOUNTS[1], "--account", "123456789012"]
RUN_ONLY = ("id", "started_at", "finished_at", "duration_seconds", "api_calls", "shard")
FINDING_TIMES = ("first_seen", "last_seen")


def posture(*args: str, env: dict[str, str] | None = None) -> Any:
    # --no-history: the history store is the user's; these runs are not theirs to record.
    result = CliRunner().invoke(cli, [*args, "--no-history"], env=env, catch_exceptions=False)
    return result


def comparable(path: Path) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(path.read_text())
    jsonschema.validate(report, json_schema())
    for key in RUN_ONLY:
        report["scan"].pop(key, None)
    for finding in report["findings"]:  # when each run saw the finding: a timing
        for key in FINDING_TIMES:
            finding.pop(key, None)
    return report


@pytest.fixture
def estate(aws: Any) -> None:
    """Three accounts, each with a copy of the demo's core resources in two regions."""
    seed_copy(client_factory(aws.url), "caller", REGIONS)
    for account_id in ACCOUNTS:
        seed_copy(client_factory(aws.url, assume(aws.url, account_id)), f"a{account_id}", REGIONS)


def test_every_unit_is_owned_by_exactly_one_shard() -> None:
    units = list(product([f"{i:012d}" for i in range(40)], [*REGIONS, "eu-west-1", "global"]))
    for count in (1, 2, 3, 7):
        owners = [[i for i in range(1, count + 1) if Shard(i, count).owns(a, r)] for a, r in units]
        assert all(len(o) == 1 for o in owners)
        if count > 1:  # every shard gets work: the split is a split
            assert {o[0] for o in owners} == set(range(1, count + 1))


def test_shard_flags_and_index_variables() -> None:
    assert parse_shard("2/8") == (2, 8)
    assert resolve_shard(None, None, {}) == (1, 1)
    assert resolve_shard("3/4", None, {}) == (3, 4)
    assert resolve_shard(None, 4, {"JOB_COMPLETION_INDEX": "0"}) == (1, 4)  # Kubernetes Indexed Job, 0-based
    assert resolve_shard(None, 4, {"AWS_BATCH_JOB_ARRAY_INDEX": "3"}) == (4, 4)  # AWS Batch array job
    assert resolve_shard(None, 4, {"POSTURE_SHARD_INDEX": "1", "JOB_COMPLETION_INDEX": "2"}) == (2, 4)
    for bad in ("0/4", "5/4", "x/4", "2", "1/0"):
        with pytest.raises(UsageError):
            parse_shard(bad)
    with pytest.raises(UsageError, match="not an index"):
        resolve_shard(None, 4, {"AWS_BATCH_JOB_ARRAY_INDEX": "4"})
    with pytest.raises(UsageError, match="needs one of"):
        resolve_shard(None, 4, {})
    with pytest.raises(UsageError, match="at least 1"):
        resolve_shard(None, 0, {"JOB_COMPLETION_INDEX": "0"})
    with pytest.raises(UsageError, match="not both"):
        resolve_shard("1/2", 2, {})


def test_shards_merged_equal_the_unsharded_scan(estate: None, tmp_path: Path) -> None:
    whole = tmp_path / "whole.json"
    assert posture("scan", *SCOPE, "--json", str(whole), "--quiet").exit_code in (0, 3)
    parts = []
    for index in range(3):
        part = tmp_path / f"part-{index}.json"
        # Shard by the scheduler's 0-based index variable, as a Kubernetes Indexed Job runs it.
        result = posture("scan", *SCOPE, "--shard-count", "3", "--json", str(part), "--quiet",
                         env={"JOB_COMPLETION_INDEX": str(index)})
        assert result.exit_code in (0, 3), result.output
        assert json.loads(part.read_text())["scan"]["shard"] == f"{index + 1}/3"
        parts.append(str(part))
    merged = tmp_path / "merged.json"
    result = posture("merge", *parts, "--json", str(merged), "--quiet")
    assert result.exit_code in (0, 3), result.output

    expected, actual = comparable(whole), comparable(merged)
    assert len(expected["findings"]) > 30 and expected["scan"]["units_run"] > 0
    assert {f["account_id"] for f in expected["findings"]} == {*ACCOUNTS, "123456789012"}
    # Each shard holds only part of the findings...
    sizes = [len(json.loads(Path(p).read_text())["findings"]) for p in parts]
    assert max(sizes) < len(expected["findings"]) and sum(sizes) == len(expected["findings"])
    # ...and together they are the whole scan: findings, summary, scores, counters, accounts, regions.
    assert actual["scan"] == expected["scan"]
    assert [f["id"] for f in actual["findings"]] == [f["id"] for f in expected["findings"]]
    assert actual["findings"] == expected["findings"]
    assert actual == expected


def test_merge_exit_code_follows_fail_on(estate: None, tmp_path: Path) -> None:
    part = tmp_path / "part.json"
    posture("scan", *SCOPE, "--shard", "1/1", "--json", str(part), "--quiet")
    assert posture("merge", str(part), "--quiet").exit_code == 0
    assert posture("merge", str(part), "--quiet", "--fail-on", "low").exit_code == 3


def test_merge_refuses_what_is_not_a_report_or_a_shard_twice(tmp_path: Path, aws: Any) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text('{"findings": []}')
    result = posture("merge", str(junk))
    assert result.exit_code == 2 and "is not a posture JSON report" in result.output
    assert posture("merge", str(tmp_path / "missing.json")).exit_code == 2
    part = tmp_path / "part.json"
    posture("scan", "--service", "kms", "--region", "us-east-1", "--shard", "1/2", "--json", str(part), "--quiet")
    result = posture("merge", str(part), str(part))
    assert result.exit_code == 2 and "shard 1/2 is given twice" in result.output


DEPLOY = REPO / "deploy"


def test_deploy_scripts_scan_shards_then_merge_through_s3(aws: Any, tmp_path: Path) -> None:
    """deploy/run-shard.sh per index (as Kubernetes or AWS Batch runs it), then merge-and-push.sh."""
    import os
    import subprocess
    import sys

    org = aws.client("organizations")
    org.create_organization(FeatureSet="ALL")
    org.create_account(AccountName="member", Email="member@example.com")
    aws.client("s3").create_bucket(Bucket="posture-results")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "PYTHON": sys.executable, "POSTURE_SHARDS": "2", "POSTURE_RESULTS": "s3://posture-results/runs",
           "POSTURE_RUN_ID": "r1", "POSTURE_ROLE_NAME": "PostureAudit", "POSTURE_PUSH": "0",
           "POSTURE_SCAN_ARGS": "--service kms --region us-east-1 --region us-west-2", "TMPDIR": str(tmp_path)}
    for index, variable in ((0, "JOB_COMPLETION_INDEX"), (1, "AWS_BATCH_JOB_ARRAY_INDEX")):
        done = subprocess.run(["sh", str(DEPLOY / "run-shard.sh")], env={**env, variable: str(index)},
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    done = subprocess.run(["sh", str(DEPLOY / "merge-and-push.sh")], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    s3 = aws.client("s3")
    merged = json.loads(s3.get_object(Bucket="posture-results", Key="runs/r1/posture.json")["Body"].read())
    jsonschema.validate(merged, json_schema())
    assert len(merged["scan"]["accounts"]) == 2 and merged["scan"]["shard"] is None
    assert merged["scan"]["units_run"] == 2 * 2 * len([c for c in merged["scan"]["check_ids"] if c.startswith("kms.")])
    # A shard missing: the merge refuses rather than report part of the organisation.
    s3.delete_object(Bucket="posture-results", Key="runs/r1/parts/part-00001.json")
    done = subprocess.run(["sh", str(DEPLOY / "merge-and-push.sh")], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 1 and "1 of 2 partial reports" in done.stderr


def test_deploy_manifests_are_well_formed() -> None:
    import botocore.session
    import yaml
    from botocore.validate import validate_parameters

    batch = botocore.session.get_session().get_service_model("batch")
    definition = json.loads((DEPLOY / "aws-batch" / "job-definition.json").read_text())
    validate_parameters(definition, batch.operation_model("RegisterJobDefinition").input_shape)
    for name in ("scan-job.yaml", "merge-job.yaml"):
        job = yaml.safe_load((DEPLOY / "kubernetes" / name).read_text())
        assert job["apiVersion"] == "batch/v1" and job["kind"] == "Job"
    scan_job = yaml.safe_load((DEPLOY / "kubernetes" / "scan-job.yaml").read_text())
    env = {e["name"]: e["value"] for e in scan_job["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert scan_job["spec"]["completionMode"] == "Indexed"  # sets JOB_COMPLETION_INDEX in every pod
    assert scan_job["spec"]["completions"] == int(env["POSTURE_SHARDS"])


# -- merge refuses what is not one whole scan (issue 12 item 2) ----------------------------------
def _part(tmp_path: Path, name: str, *args: str) -> str:
    out = tmp_path / name
    result = posture("scan", "--check", "kms.cmk_rotation_enabled", "--region", "us-east-1", "--region",
                     "us-west-2", *args, "--json", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    return str(out)


def test_an_incomplete_shard_set_is_refused_naming_what_is_missing(aws: Any, tmp_path: Path) -> None:
    one = _part(tmp_path, "1.json", "--shard", "1/3")
    three = _part(tmp_path, "3.json", "--shard", "3/3")
    result = posture("merge", one, three, "--json", str(tmp_path / "m.json"))
    assert result.exit_code == 2  # before: exit 0 and a complete-looking report (scan.shard null)
    assert "shard 2/3 missing (have 1/3, 3/3)" in result.stderr
    assert not (tmp_path / "m.json").exists()


def test_allow_partial_marks_the_result_partial(aws: Any, tmp_path: Path) -> None:
    one = _part(tmp_path, "1.json", "--shard", "1/3")
    three = _part(tmp_path, "3.json", "--shard", "3/3")
    result = posture("merge", one, three, "--allow-partial", "--json", str(tmp_path / "m.json"), "--quiet")
    assert result.exit_code == 0, result.output
    merged = json.loads((tmp_path / "m.json").read_text())
    jsonschema.validate(merged, json_schema())
    assert merged["scan"]["shard"] == "partial 1,3/3"
    parts = [json.loads(Path(p).read_text())["scan"] for p in (one, three)]
    assert merged["scan"]["areas"] == sorted([a for p in parts for a in p["areas"]],
                                             key=lambda a: (a["account_id"], a["region"]))


def test_different_shard_totals_are_refused(aws: Any, tmp_path: Path) -> None:
    one = _part(tmp_path, "1.json", "--shard", "1/2")
    other = _part(tmp_path, "2.json", "--shard", "2/3")
    result = posture("merge", one, other)
    assert result.exit_code == 2 and "different shard totals (2, 3)" in result.stderr


def test_parts_of_different_scans_are_refused(aws: Any, tmp_path: Path) -> None:
    one = _part(tmp_path, "1.json", "--shard", "1/2")
    out = tmp_path / "2.json"
    posture("scan", "--service", "kms", "--region", "us-east-1", "--shard", "2/2", "--json", str(out), "--quiet")
    result = posture("merge", one, str(out))
    assert result.exit_code == 2 and "different scans" in result.stderr


def test_two_whole_scans_of_one_account_are_refused_not_doubled(aws: Any, tmp_path: Path) -> None:
    aws.client("kms", "us-east-1").create_key(Description="no rotation")
    a = _part(tmp_path, "a.json")
    b = _part(tmp_path, "b.json")
    result = posture("merge", a, b, "--json", str(tmp_path / "m.json"))
    assert result.exit_code == 2  # before: exit 0 with units_run, api_calls and findings counted twice
    assert "both scanned account 123456789012" in result.stderr
    single = posture("merge", a, "--json", str(tmp_path / "m.json"), "--quiet")
    assert single.exit_code == 0
    merged, alone = json.loads((tmp_path / "m.json").read_text()), json.loads(Path(a).read_text())
    assert merged["scan"]["units_run"] == alone["scan"]["units_run"]
    assert merged["summary"]["findings"] == alone["summary"]["findings"]


def test_a_whole_scan_with_shards_is_refused(aws: Any, tmp_path: Path) -> None:
    whole = _part(tmp_path, "w.json")
    one = _part(tmp_path, "1.json", "--shard", "1/2")
    result = posture("merge", whole, one)
    assert result.exit_code == 2 and "is a whole scan, the others are shards" in result.stderr
