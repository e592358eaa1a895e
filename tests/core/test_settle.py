"""Settling decides what a failure was by its structured cause, never by the words of a finding
(issue 16, item 4): a denial reworded or translated is settled the same; words that say "access
denied" over an error whose code is no denial settle nothing. And building the engine sends no
request: only its explicit steps do."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from posture.aws.accounts import AccountSessions, Caller
from posture.aws.context import AwsContext, CallLog, client_config
from posture.aws.errors import AwsReadError
from posture.core.config import ScanConfig
from posture.core.context import CheckContext, Resource, ScanArea, make_finding
from posture.core.execute import Execution, run_unit
from posture.core.models import Finding, Scope, Status
from posture.core.plan import ContextMaker, Unit
from posture.core.registry import Check, Registry
from posture.core.settle import NOT_ASSESSED_ID, AccountOutcome, InventoryGap, settle_account
from posture.core.shard import Shard
from tests.aws.test_error_kinds import SCP_DENY, stubbed_context

ACCOUNT, CLOSED, OPEN = "123456789012", "eu-west-1", "us-east-1"
DENIED = AwsReadError("sagemaker:ListDomains", "access denied (HTTP 400, AccessDeniedException); the scanner's role "
                      "lacks sagemaker:ListDomains", "AccessDeniedException", SCP_DENY, explicit_deny=True)


@pytest.fixture
def closed() -> AwsContext:
    """The context of a region where every SageMaker read was refused by an explicit deny."""
    aws = stubbed_context("AccessDeniedException", SCP_DENY)
    with pytest.raises(AwsReadError):
        aws.call("sagemaker", "list_domains")
    assert set(aws.closed()) == {"sagemaker"}
    return aws


def open_context(region: str = OPEN) -> AwsContext:
    session = boto3.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret", region_name=region)
    return AwsContext(session, account_id=ACCOUNT, partition="aws", region=region, call_log=CallLog(),
                      config=client_config(1))


def error(registry: Registry, aws: AwsContext, resource_id: str, message: str) -> Finding:
    """An ERROR of a KMS check (not a closed service's check) on one resource of `aws`'s region."""
    meta = registry.get("kms.cmk_rotation_enabled").meta
    return make_finding(meta, aws, Resource(resource_id, None, aws.region, "AwsKmsKey"), Status.ERROR, message, {})


def settle(closed: AwsContext, findings: list[Finding], causes: dict[str, BaseException],
           gaps: tuple[InventoryGap, ...] = ()) -> tuple[set[str], list[str], list[str]]:
    """(resource ids of the findings kept, services said not assessed, inventory errors kept)."""
    outcome = AccountOutcome(ACCOUNT, {CLOSED: closed, OPEN: open_context()}, findings, causes, list(gaps))
    settled = settle_account(outcome, {"kms.cmk_rotation_enabled": "kms"})
    kept = {f.resource_id for f in settled.findings if f.check_id != NOT_ASSESSED_ID}
    services = [str(f.evidence["service"]) for f in settled.findings if f.check_id == NOT_ASSESSED_ID]
    return kept, services, settled.inventory_errors


@pytest.mark.parametrize("message", [
    "sagemaker:ListDomains: access denied (HTTP 400, AccessDeniedException); the scanner's role lacks it",
    "sagemaker:ListDomains: Zugriff verweigert (HTTP 400, AccessDeniedException)",  # translated
    "the domains could not be listed",  # reworded, and no action named
])
def test_a_denied_read_of_a_closed_service_is_settled_whatever_its_words(
        registry: Registry, closed: AwsContext, message: str) -> None:
    finding = error(registry, closed, "key-1", message)
    kept, services, _ = settle(closed, [finding], {finding.id: DENIED})
    assert kept == set()
    assert services == ["sagemaker"]


def test_access_denied_words_over_an_error_that_is_no_denial_settle_nothing(
        registry: Registry, closed: AwsContext) -> None:
    proxy = AwsReadError("sagemaker:ListDomains", "HTTP 400, ValidationException: access denied by the proxy",
                         "ValidationException", "access denied by the proxy")
    said = error(registry, closed, "key-proxy", f"{proxy}")
    uncaused = error(registry, closed, "key-text", "sagemaker:ListDomains: access denied (typed by a check)")
    kept, services, _ = settle(closed, [said, uncaused], {said.id: proxy})
    assert kept == {"key-proxy", "key-text"}  # before: both dropped, by the words "access denied"
    assert services == ["sagemaker"]


def test_a_denial_of_a_service_the_region_is_not_closed_to_stays(registry: Registry, closed: AwsContext) -> None:
    kms = AwsReadError("kms:ListKeys", "access denied (HTTP 400, AccessDeniedException)", "AccessDeniedException")
    finding = error(registry, closed, "key-2", str(kms))
    kept, _, _ = settle(closed, [finding], {finding.id: kms})
    assert kept == {"key-2"}  # a permission gap, not a closed region


def test_nothing_outside_the_closed_region_is_settled(registry: Registry, closed: AwsContext) -> None:
    elsewhere = error(registry, open_context(), "key-3", str(DENIED))
    kept, _, _ = settle(closed, [elsewhere], {elsewhere.id: DENIED})
    assert kept == {"key-3"}


def test_inventory_gaps_are_settled_by_their_cause(closed: AwsContext) -> None:
    throttled = AwsReadError("sagemaker:ListModels", "access denied? no: throttled", "Throttling")
    gaps = (InventoryGap(CLOSED, "inventory.sagemaker in eu-west-1: Zugriff verweigert", DENIED),
            InventoryGap(CLOSED, "inventory.sagemaker in eu-west-1: access denied, says the text", throttled),
            InventoryGap(OPEN, "inventory.sagemaker in us-east-1: denied", DENIED))
    _, _, errors = settle(closed, [], {}, gaps)
    assert errors == [gaps[1].text, gaps[2].text]


def probe(registry: Registry, body: Any) -> Check:
    meta = registry.get("kms.cmk_rotation_enabled").meta.model_copy(update={"id": "tests.probe",
                                                                             "scope": Scope.REGIONAL})
    return Check(meta, body, "tests")


def test_run_unit_keeps_the_cause_of_each_error(registry: Registry) -> None:
    aws = open_context()
    inside = AwsReadError("kms:DescribeKey", "access denied", "AccessDeniedException")
    escaped = AwsReadError("kms:ListKeys", "access denied", "AccessDeniedException")

    def body(ctx: CheckContext) -> None:
        with ctx.resource("key-1"):
            raise inside
        with ctx.resource("key-2"):
            ctx.passed("fine")
        raise escaped

    result = run_unit(Unit(probe(registry, body), ACCOUNT, OPEN), aws, ScanArea((OPEN,), {OPEN: aws}))
    by_resource = {f.resource_id: f for f in result.findings}
    assert {r: f.status for r, f in by_resource.items()} == {"key-1": Status.ERROR, "key-2": Status.PASS,
                                                             ACCOUNT: Status.ERROR}
    assert result.causes == {by_resource["key-1"].id: inside, by_resource[ACCOUNT].id: escaped}


def test_building_the_engine_sends_no_request(registry: Registry) -> None:
    sent: list[str] = []
    session = boto3.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret", region_name=OPEN)
    session.events.register("before-send", lambda request, **_: sent.append(request.url))
    contexts = ContextMaker("aws", CallLog(), client_config(1))
    caller = Caller(ACCOUNT, "aws", OPEN)
    sts = contexts.make(session, ACCOUNT, OPEN)
    AccountSessions(session, caller, sts, role_name="Audit", external_id=None, role_session_name="posture")
    Execution(ScanConfig(), [registry.get("kms.cmk_rotation_enabled")], [], session=session, caller=caller,
              contexts=contexts, shard=Shard())
    assert sent == [] and contexts.call_log.total == 0
