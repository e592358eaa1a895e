"""The Security Hub sink against moto (behind the simulation layer): import, resolve, failures."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from click.testing import CliRunner

from posture.aws.sessions import open_session
from posture.cli.main import cli
from posture.core.models import Finding, Status
from posture.render.asff import product_arn, to_asff
from posture.sinks import securityhub
from posture.sinks.pipeline import push_report, sessions
from posture.sinks.securityhub import Failure, HubError, PushResult, RateLimiter, batches, push
from tests.support.reporting import ACCOUNT, T0, make_finding, make_report

REGIONS = ("us-east-1", "us-west-2")


def _push(findings: list[Finding], *, regions: tuple[str, ...] = REGIONS, **kw: Any) -> PushResult:
    session = open_session()
    return push(findings, partition="aws", accounts=[ACCOUNT], regions=regions,
                check_ids={f.check_id for f in findings}, session_for=lambda _a: session, now=T0,
                sleep=lambda _s: None, **kw)


def _hub_findings(aws: Any, region: str) -> dict[str, dict[str, Any]]:
    pages = aws.client("securityhub", region).get_paginator("get_findings").paginate()
    return {f["Id"]: f for page in pages for f in page["Findings"]}


def _enable(aws: Any, *regions: str) -> None:
    for region in regions:
        aws.client("securityhub", region).enable_security_hub()


def test_batches_hold_at_most_100_findings_and_6_mb() -> None:
    small = [{"Id": str(i)} for i in range(250)]
    assert [len(b) for b in batches(small)] == [100, 100, 50]
    big = [{"Id": str(i), "Blob": "x" * 240_000} for i in range(30)]  # 30 x 240 KB > 6 MB
    sizes = [sum(len(json.dumps(i)) for i in b) for b in batches(big)]
    assert len(sizes) == 2 and all(s <= 6 * 1024 * 1024 for s in sizes)


def test_rate_limiter_paces_each_hub_and_operation() -> None:
    now, slept = [0.0], []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(clock=lambda: now[0], sleep=sleep)
    for _ in range(21):
        limiter.wait(ACCOUNT, "us-east-1", "BatchImportFindings")
    assert now[0] == pytest.approx(2.0)  # 10 per second
    limiter.wait(ACCOUNT, "us-west-2", "BatchImportFindings")  # another hub: its own budget
    limiter.wait(ACCOUNT, "us-east-1", "GetFindings")
    limiter.wait(ACCOUNT, "us-east-1", "GetFindings")
    assert now[0] == pytest.approx(2.0 + 1 / 3)  # GetFindings: 3 per second


def test_push_imports_every_finding_into_its_region(aws: Any) -> None:
    _enable(aws, *REGIONS)
    findings = [make_finding("k1"), make_finding("k2", status="PASS"), make_finding("k3", region="us-west-2"),
                make_finding("bucket", region="global", check_id="s3.ai_bucket_versioning_enabled")]
    result = _push(findings)
    assert result.ok and result.imported == 4 and result.failures == []
    east, west = _hub_findings(aws, "us-east-1"), _hub_findings(aws, "us-west-2")
    assert set(east) == {findings[0].id, findings[1].id, findings[3].id}
    assert set(west) == {findings[2].id}
    assert east[findings[3].id]["ProductArn"] == product_arn("aws", "us-east-1", ACCOUNT)
    assert "complete: 4 findings imported" in result.summary()


def test_region_without_security_hub_is_a_clear_error(aws: Any) -> None:
    _enable(aws, "us-east-1")
    result = _push([make_finding("k1"), make_finding("k2", region="us-west-2")])
    assert not result.ok and result.imported == 1
    [failure] = result.failures
    assert (failure.region, failure.finding_id, failure.code) == ("us-west-2", None, "InvalidAccessException")
    assert "not enabled" in failure.message
    assert "FAILED" in result.summary()


def test_resolve_touches_only_this_products_findings_of_these_checks(aws: Any) -> None:
    """moto ignores GetFindings filters: a missing exact filter would resolve the foreign ones here."""
    _enable(aws, "us-east-1")
    hub = aws.client("securityhub", "us-east-1")
    base = to_asff(make_finding("foreign"), home="us-east-1", now=T0)
    other_product = {**base, "Id": "other-product", "ProductArn":
                     "arn:aws:securityhub:us-east-1::product/aws/guardduty", "GeneratorId": "guardduty"}
    other_generator = {**base, "Id": "other-generator", "GeneratorId": "someone.elses_check"}
    prefix_generator = {**base, "Id": "prefix-generator", "GeneratorId": "kms.cmk_rotation_enabled_v2"}
    hub.batch_import_findings(Findings=[other_product, other_generator, prefix_generator])

    fixed, gone, still = make_finding("fixed"), make_finding("gone"), make_finding("still")
    first = _push([fixed, gone, still], regions=("us-east-1",))
    assert first.ok and first.imported == 3 and first.resolved == 0
    later = T0 + timedelta(days=2)
    second = push([fixed.model_copy(update={"status": Status.PASS}), still], partition="aws", accounts=[ACCOUNT],
                  regions=["us-east-1"], check_ids=["kms.cmk_rotation_enabled"],
                  session_for=lambda _a: open_session(), now=later, sleep=lambda _s: None)
    assert second.ok and second.resolved == 2 and second.archived == 1 and second.imported == 2
    state = _hub_findings(aws, "us-east-1")
    assert state[fixed.id]["Compliance"]["Status"] == "PASSED"
    assert state[gone.id]["RecordState"] == "ARCHIVED"
    assert state[still.id]["Compliance"]["Status"] == "FAILED" and state[still.id]["RecordState"] == "ACTIVE"
    for foreign in ("other-product", "other-generator", "prefix-generator"):
        assert state[foreign]["RecordState"] == "ACTIVE" and state[foreign]["UpdatedAt"] == base["UpdatedAt"]
    # FirstObservedAt survives the re-import: it comes from the hub, not from "now".
    assert state[still.id]["FirstObservedAt"] == "2026-11-01T12:00:00.000Z"
    assert state[still.id]["UpdatedAt"] == "2026-11-03T12:00:00.000Z"


def test_throttled_call_is_retried(aws: Any) -> None:
    _enable(aws, "us-east-1")
    aws.simulation.fail("securityhub", "BatchImportFindings", "ThrottlingException", status=400, times=1)
    result = _push([make_finding("k1")], regions=("us-east-1",), max_attempts=3)
    assert result.ok and result.imported == 1


def test_denied_import_reports_every_finding_and_fails(aws: Any) -> None:
    _enable(aws, "us-east-1")
    aws.simulation.fail("securityhub", "BatchImportFindings", "AccessDeniedException", status=403)
    findings = [make_finding("k1"), make_finding("k2")]
    result = _push(findings, regions=("us-east-1",), max_attempts=2)
    assert not result.ok and result.imported == 0
    assert sorted(f.finding_id or "" for f in result.failures) == sorted(f.id for f in findings)
    assert all(f.code == "AccessDeniedException" for f in result.failures)
    assert "0 findings imported" in result.summary() and "FAILED" in result.summary()


def test_unreadable_earlier_findings_fail_the_region(aws: Any) -> None:
    _enable(aws, "us-east-1")
    aws.simulation.fail("securityhub", "GetFindings", "AccessDeniedException", status=403)
    result = _push([make_finding("k1")], regions=("us-east-1",), max_attempts=1)
    assert not result.ok and result.imported == 0
    assert result.failures[0].code == "AccessDeniedException" and result.failures[0].finding_id is None


class FakeClient:
    """Answers BatchImportFindings from a script of FailedFindings (moto never fails an entry)."""

    def __init__(self, script: list[dict[str, str]]) -> None:
        self.script, self.calls = script, []  # type: ignore[var-annotated]

    def batch_import_findings(self, Findings: list[dict[str, Any]]) -> dict[str, Any]:
        self.calls.append([f["Id"] for f in Findings])
        failed = [dict(f) for f in self.script if f["Id"] in {i["Id"] for i in Findings}]
        self.script = [f for f in self.script if f["ErrorCode"] != "ThrottlingException"]  # throttled once
        return {"FailedCount": len(failed), "SuccessCount": len(Findings) - len(failed), "FailedFindings": failed}


def _hub(client: FakeClient, sleep: Any) -> securityhub.Hub:
    hub = securityhub.Hub(open_session(), ACCOUNT, "aws", "us-east-1",
                          RateLimiter(clock=lambda: 0.0, sleep=lambda _s: None), sleep, 3)
    hub.client = client  # type: ignore[assignment]
    return hub


def test_failed_findings_are_retried_when_retryable_and_each_is_reported() -> None:
    client = FakeClient([{"Id": "a", "ErrorCode": "ThrottlingException", "ErrorMessage": "slow down"},
                         {"Id": "b", "ErrorCode": "InvalidInput", "ErrorMessage": "bad resource"}])
    slept: list[float] = []
    hub = _hub(client, slept.append)
    done, failures = hub.import_findings([{"Id": i} for i in ("a", "b", "c")])
    assert done == {"a", "c"}
    assert failures == [Failure(ACCOUNT, "us-east-1", "b", "InvalidInput", "bad resource")]
    assert client.calls == [["a", "b", "c"], ["a"]] and slept == [0.5]


def test_retryable_failures_that_never_clear_are_reported() -> None:
    client = FakeClient([{"Id": "a", "ErrorCode": "InternalException", "ErrorMessage": "try later"}])
    hub = _hub(client, lambda _s: None)
    done, failures = hub.import_findings([{"Id": "a"}])
    assert done == set() and [f.code for f in failures] == ["InternalException"] and len(client.calls) == 3


def test_other_accounts_need_their_own_credentials(aws: Any) -> None:
    _enable(aws, "us-east-1")
    other = make_finding("k9", account="210987654321")
    result = push_report(make_report([make_finding("k1"), other], regions=("us-east-1",)),
                         session_for=sessions(open_session()), sleep=lambda _s: None)
    assert result.imported == 1 and not result.ok
    assert any(f.account_id == "210987654321" and f.code == "WrongAccount" for f in result.failures)
    with pytest.raises(HubError):
        sessions(open_session())("210987654321")


def test_push_command_exits_non_zero_on_partial_failure(aws: Any, tmp_path: Any) -> None:
    _enable(aws, "us-east-1")
    path = tmp_path / "report.json"
    path.write_text(make_report([make_finding("k1"), make_finding("k2", region="us-west-2")]).model_dump_json())
    result = CliRunner().invoke(cli, ["push", str(path)])
    assert result.exit_code == 1, result.output
    assert "us-west-2: region: InvalidAccessException: Security Hub is not enabled" in result.stderr
    assert "Security Hub push FAILED: 1 findings imported" in result.stderr
    _enable(aws, "us-west-2")
    result = CliRunner().invoke(cli, ["push", str(path)])
    assert result.exit_code == 0, result.output
    assert "Security Hub push complete: 2 findings imported" in result.stderr


def test_scan_with_securityhub_fails_when_the_push_fails(aws: Any, tmp_path: Any) -> None:
    aws.client("kms", "us-east-1").create_key(Description="k")
    args = ["scan", "--region", "us-east-1", "--check", "kms.cmk_rotation_enabled", "--securityhub",
            "--no-history", "--quiet"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "us-east-1: region: InvalidAccessException: Security Hub is not enabled" in result.stderr
    _enable(aws, "us-east-1")
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert len(_hub_findings(aws, "us-east-1")) == 1


def test_an_errored_check_does_not_archive_what_it_could_not_see(aws: Any) -> None:
    _enable(aws, "us-east-1")
    a, b = make_finding("a"), make_finding("b")
    assert _push([a, b], regions=("us-east-1",)).ok
    unreadable = make_finding("123456789012", status="ERROR", message="access denied")
    result = _push([unreadable], regions=("us-east-1",))
    assert result.ok and result.archived == 0
    state = _hub_findings(aws, "us-east-1")
    assert state[a.id]["RecordState"] == state[b.id]["RecordState"] == "ACTIVE"


def test_a_shard_report_is_not_pushed(aws: Any) -> None:
    from posture.core.errors import UsageError

    report = make_report([make_finding("k1")])
    shard = report.model_copy(update={"scan": report.scan.model_copy(update={"shard": "1/2"})})
    with pytest.raises(UsageError, match="push the merged report"):
        push_report(shard, session_for=lambda _a: open_session())


def test_the_sink_client_is_guarded_read_only_but_for_the_import() -> None:
    from posture.aws.guard import WriteRefused

    hub = securityhub.Hub(open_session(), ACCOUNT, "aws", "us-east-1", RateLimiter(), lambda _s: None, 1)
    with pytest.raises(WriteRefused):
        hub.client.batch_update_findings(FindingIdentifiers=[], Workflow={"Status": "SUPPRESSED"})


def test_suppressed_findings_arrive_with_workflow_suppressed(aws: Any) -> None:
    _enable(aws, "us-east-1")
    muted = make_finding("k1", muted=True, mute_reason="sandbox (rules.toml:3)")
    assert _push([muted, make_finding("k2")], regions=("us-east-1",)).ok
    state = _hub_findings(aws, "us-east-1")
    assert state[muted.id]["Workflow"] == {"Status": "SUPPRESSED"}
    assert state[muted.id]["Compliance"]["Status"] == "FAILED"  # the status is kept
    assert "Workflow" not in state[make_finding("k2").id]


# -- scope: what a report did not evaluate is never archived (issue 12 item 2) -------------------
def _scoped(findings: list[Finding], **scan: Any) -> Any:
    report = make_report(findings)
    return report.model_copy(update={"scan": report.scan.model_copy(update=scan)})


def _first_push_east_and_west(aws: Any) -> tuple[Finding, Finding]:
    _enable(aws, *REGIONS)
    east, west = make_finding("east"), make_finding("west", region="us-west-2")
    assert _push([east, west]).ok
    return east, west


def test_an_unreadable_account_archives_nothing_in_any_region(aws: Any) -> None:
    east, west = _first_push_east_and_west(aws)
    unreadable = make_finding("123456789012", status="ERROR", region="global", message="cannot assume the role")
    report = _scoped([unreadable], accounts=[ACCOUNT], accounts_failed={ACCOUNT: "cannot assume the role"},
                     check_ids=["kms.cmk_rotation_enabled"])
    result = push_report(report, session_for=lambda _a: open_session(), sleep=lambda _s: None)
    assert result.archived == 0  # before: the us-west-2 hub saw no ERROR and archived "west"
    assert _hub_findings(aws, "us-west-2")[west.id]["RecordState"] == "ACTIVE"
    assert _hub_findings(aws, "us-east-1")[east.id]["RecordState"] == "ACTIVE"


def test_a_region_the_report_did_not_evaluate_archives_nothing(aws: Any) -> None:
    from posture.report.model import Area

    east, west = _first_push_east_and_west(aws)
    report = _scoped([], areas=[Area(account_id=ACCOUNT, region="us-east-1")], check_ids=["kms.cmk_rotation_enabled"])
    result = push_report(report, session_for=lambda _a: open_session(), sleep=lambda _s: None)
    assert result.ok and result.archived == 1  # east is gone from an evaluated region: archived
    assert _hub_findings(aws, "us-east-1")[east.id]["RecordState"] == "ARCHIVED"
    assert _hub_findings(aws, "us-west-2")[west.id]["RecordState"] == "ACTIVE"  # before: archived too


def test_a_partial_merge_archives_only_within_its_shards(aws: Any) -> None:
    from posture.report.model import Area

    east, west = _first_push_east_and_west(aws)
    report = _scoped([], shard="partial 1/2", areas=[Area(account_id=ACCOUNT, region="us-west-2")],
                     check_ids=["kms.cmk_rotation_enabled"])
    result = push_report(report, session_for=lambda _a: open_session(), sleep=lambda _s: None)
    assert result.ok and result.archived == 1
    assert _hub_findings(aws, "us-west-2")[west.id]["RecordState"] == "ARCHIVED"
    assert _hub_findings(aws, "us-east-1")[east.id]["RecordState"] == "ACTIVE"  # the missing shard's region
