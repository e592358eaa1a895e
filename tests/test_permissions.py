"""Every AWS operation a check calls is covered by the permissions it declares.

Each check runs alone (fresh caches) against the seeded demo account while a botocore
event hook records every operation sent; the recorded operations, mapped to IAM
actions, must be a subset of the check's declared permissions."""

from collections import defaultdict

import pytest

from posture.aws.context import AwsContext, CallLog, client_config
from posture.aws.sessions import open_session
from posture.core.config import ScanConfig
from posture.core.context import ScanArea
from posture.core.runner import Unit, run_unit, scan
from posture.demo.seed import REGIONS, seed_account

pytestmark = pytest.mark.slow  # full scans of the demo account: `make test` runs them, `-m "not slow"` skips

# API operation -> IAM action, where the IAM action is not "<signing name>:<operation>".
IAM_ACTION_OF = {
    "s3:ListBuckets": "s3:ListAllMyBuckets",
    "s3:GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "s3:GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "s3:GetObjectLockConfiguration": "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
    "s3:GetBucketReplication": "s3:GetReplicationConfiguration",
    "s3:GetBucketNotificationConfiguration": "s3:GetBucketNotification",
    "s3control:GetPublicAccessBlock": "s3:GetAccountPublicAccessBlock",
}
ENGINE_OPERATIONS = {"sts:GetCallerIdentity", "ec2:DescribeRegions"}  # the runner's own reads


def iam_action(service_model, operation_model) -> str:
    if service_model.service_name in ("apigateway", "apigatewayv2"):
        return f"apigateway:{operation_model.http['method']}"
    key = f"{service_model.service_name}:{operation_model.name}"
    if key in IAM_ACTION_OF:
        return IAM_ACTION_OF[key]
    return f"{service_model.signing_name}:{operation_model.name}"


@pytest.fixture(scope="module")
def recorded(_local_aws, registry):
    """check id -> IAM actions its scan sent, over the whole catalogue."""
    _local_aws.reset()
    seed_account(_local_aws.client, _local_aws.simulation)
    calls: dict[str, set[str]] = defaultdict(set)
    for c in registry:
        session = open_session()

        def record(model, _check=c.meta.id, **_):
            calls[_check].add(iam_action(model.service_model, model))

        session.events.register("before-call", record)
        scan(ScanConfig(checks=(c.meta.id,), regions=REGIONS, max_attempts=1), registry, session=session)
    return calls


@pytest.fixture(scope="module")
def recorded_inventory(_local_aws, registry):
    """collector id -> IAM actions it sent, each collector run alone over the demo account."""
    _local_aws.reset()
    seed_account(_local_aws.client, _local_aws.simulation)
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
