import json

import pytest

from posture.aws.context import keep_ip_endpoint
from posture.checks.s3 import judge_object_lock, judge_shadow_bucket, tls_only
from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"
ALL_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
          "RestrictPublicBuckets": True}


def ai_bucket(aws, name="acme-train"):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=name)
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "posture:ai-data", "Value": "training"}]})
    return s3


def s3control(aws):
    client = aws.client("s3control")
    client.meta.events.register("before-sign.s3-control", keep_ip_endpoint)
    return client


def tls_policy(name):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})


# -- scope -------------------------------------------------------------------------------------------

def test_untagged_unreferenced_bucket_is_out_of_scope(aws, run_check):
    aws.client("s3").create_bucket(Bucket="acme-marketing")
    assert run_check("s3.ai_bucket_kms_encryption") == []


def test_bucket_referenced_by_bedrock_logging_is_in_scope(aws, run_check):
    aws.client("s3").create_bucket(Bucket="acme-logs")
    aws.client("bedrock").put_model_invocation_logging_configuration(loggingConfig={
        "s3Config": {"bucketName": "acme-logs"}, "textDataDeliveryEnabled": True})
    finding = expect(run_check("s3.ai_bucket_access_logging"), "acme-logs", Status.FAIL)
    assert finding.evidence["ai_data_because"] == "bedrock"


# -- versioning --------------------------------------------------------------------------------------

def test_versioning_enabled_passes(aws, run_check):
    ai_bucket(aws).put_bucket_versioning(Bucket="acme-train", VersioningConfiguration={"Status": "Enabled"})
    expect(run_check("s3.ai_bucket_versioning_enabled"), "acme-train", Status.PASS)


def test_versioning_suspended_fails(aws, run_check):
    ai_bucket(aws).put_bucket_versioning(Bucket="acme-train", VersioningConfiguration={"Status": "Suspended"})
    finding = expect(run_check("s3.ai_bucket_versioning_enabled"), "acme-train", Status.FAIL)
    assert finding.evidence["versioning"] == "Suspended"


def test_versioning_access_denied_is_error(aws, run_check):
    ai_bucket(aws)
    aws.simulation.fail("s3", "GetBucketVersioning", "AccessDenied", status=403)
    expect(run_check("s3.ai_bucket_versioning_enabled"), "acme-train", Status.ERROR)


# -- object lock -------------------------------------------------------------------------------------

def test_object_lock_enabled_passes(aws, run_check):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="acme-train", ObjectLockEnabledForBucket=True)
    s3.put_bucket_tagging(Bucket="acme-train", Tagging={"TagSet": [{"Key": "posture:ai-data", "Value": "x"}]})
    s3.put_object_lock_configuration(Bucket="acme-train", ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 30}}})
    finding = expect(run_check("s3.ai_bucket_object_lock_enabled"), "acme-train", Status.PASS)
    assert finding.evidence["default_retention_mode"] == "COMPLIANCE"
    assert finding.evidence["default_retention_period"] == "30 days"


def test_object_lock_without_default_retention_fails(aws, run_check):
    """Regression (issue 9): Object Lock on with no default retention locks nothing a pipeline writes."""
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="acme-train", ObjectLockEnabledForBucket=True)
    s3.put_bucket_tagging(Bucket="acme-train", Tagging={"TagSet": [{"Key": "posture:ai-data", "Value": "x"}]})
    finding = expect(run_check("s3.ai_bucket_object_lock_enabled"), "acme-train", Status.FAIL)
    assert "default retention" in finding.message


def test_judge_object_lock_reports_mode_and_period():
    ok, _, evidence = judge_object_lock({"ObjectLockEnabled": "Enabled",
                                         "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Years": 1}}})
    assert ok and evidence["default_retention_mode"] == "GOVERNANCE"
    assert evidence["default_retention_period"] == "1 years"
    no_period = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE"}}}
    assert judge_object_lock(no_period)[0] is False
    assert judge_object_lock({})[0] is False


def test_object_lock_missing_fails(aws, run_check):
    ai_bucket(aws)
    expect(run_check("s3.ai_bucket_object_lock_enabled"), "acme-train", Status.FAIL)


def test_object_lock_access_denied_is_error(aws, run_check):
    ai_bucket(aws)
    aws.simulation.fail("s3", "GetObjectLockConfiguration", "AccessDenied", status=403)
    expect(run_check("s3.ai_bucket_object_lock_enabled"), "acme-train", Status.ERROR)


# -- default encryption ------------------------------------------------------------------------------

def test_sse_kms_default_encryption_passes(aws, run_check):
    key = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    ai_bucket(aws).put_bucket_encryption(Bucket="acme-train", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}]})
    finding = expect(run_check("s3.ai_bucket_kms_encryption"), "acme-train", Status.PASS)
    assert finding.evidence["kms_key"] == key


def test_sse_s3_fails(aws, run_check):
    ai_bucket(aws).put_bucket_encryption(Bucket="acme-train", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    finding = expect(run_check("s3.ai_bucket_kms_encryption"), "acme-train", Status.FAIL)
    assert finding.evidence["sse_algorithm"] == "AES256"


def test_no_default_encryption_fails(aws, run_check):
    ai_bucket(aws)
    finding = expect(run_check("s3.ai_bucket_kms_encryption"), "acme-train", Status.FAIL)
    assert "no default encryption" in finding.message


def test_encryption_access_denied_is_error(aws, run_check):
    ai_bucket(aws)
    aws.simulation.fail("s3", "GetBucketEncryption", "AccessDenied", status=403)
    finding = expect(run_check("s3.ai_bucket_kms_encryption"), "acme-train", Status.ERROR)
    assert "s3:GetBucketEncryption" in finding.message  # the operation
    assert "lacks s3:GetEncryptionConfiguration" in finding.message  # the action to grant


# -- bucket public access block ----------------------------------------------------------------------

def test_bucket_public_access_block_all_on_passes(aws, run_check):
    ai_bucket(aws).put_public_access_block(Bucket="acme-train", PublicAccessBlockConfiguration=ALL_ON)
    expect(run_check("s3.ai_bucket_public_access_blocked"), "acme-train", Status.PASS)


def test_account_level_block_protects_the_bucket(aws, run_check):
    ai_bucket(aws)
    s3control(aws).put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=ALL_ON)
    finding = expect(run_check("s3.ai_bucket_public_access_blocked"), "acme-train", Status.PASS)
    assert finding.evidence["account_level_all_on"] is True


def test_partial_public_access_block_fails(aws, run_check):
    ai_bucket(aws).put_public_access_block(Bucket="acme-train", PublicAccessBlockConfiguration={
        **ALL_ON, "RestrictPublicBuckets": False})
    finding = expect(run_check("s3.ai_bucket_public_access_blocked"), "acme-train", Status.FAIL)
    assert finding.evidence["settings_off"] == ["RestrictPublicBuckets"]


def test_no_public_access_block_fails(aws, run_check):
    ai_bucket(aws)
    expect(run_check("s3.ai_bucket_public_access_blocked"), "acme-train", Status.FAIL)


def test_bucket_public_access_block_denied_is_error(aws, run_check):
    ai_bucket(aws)
    aws.simulation.fail("s3", "GetPublicAccessBlock", "AccessDenied", status=403)
    expect(run_check("s3.ai_bucket_public_access_blocked"), "acme-train", Status.ERROR)


def test_account_block_denied_is_error_where_the_bucket_needs_it(aws, run_check):
    ai_bucket(aws)
    aws.simulation.fail("s3control", "GetPublicAccessBlock", "AccessDenied", status=403)
    expect(run_check("s3.ai_bucket_public_access_blocked"), "acme-train", Status.ERROR)


# -- TLS only ----------------------------------------------------------------------------------------

def test_tls_only_policy_passes(aws, run_check):
    ai_bucket(aws).put_bucket_policy(Bucket="acme-train", Policy=tls_policy("acme-train"))
    expect(run_check("s3.ai_bucket_tls_only"), "acme-train", Status.PASS)


def test_no_bucket_policy_fails(aws, run_check):
    ai_bucket(aws)
    finding = expect(run_check("s3.ai_bucket_tls_only"), "acme-train", Status.FAIL)
    assert finding.evidence["has_bucket_policy"] is False


def test_policy_without_secure_transport_deny_fails(aws, run_check):
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::acme-train/*"}]})
    ai_bucket(aws).put_bucket_policy(Bucket="acme-train", Policy=policy)
    expect(run_check("s3.ai_bucket_tls_only"), "acme-train", Status.FAIL)


def test_bucket_policy_denied_is_error(aws, run_check):
    ai_bucket(aws)
    aws.simulation.fail("s3", "GetBucketPolicy", "AccessDenied", status=403)
    expect(run_check("s3.ai_bucket_tls_only"), "acme-train", Status.ERROR)


# -- access logging ----------------------------------------------------------------------------------

def test_access_logging_passes(aws, run_check):
    s3 = ai_bucket(aws)
    s3.create_bucket(Bucket="acme-access-logs")
    s3.put_bucket_policy(Bucket="acme-access-logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::acme-access-logs/*"}]}))
    s3.put_bucket_logging(Bucket="acme-train", BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": "acme-access-logs", "TargetPrefix": "acme-train/"}})
    finding = expect(run_check("s3.ai_bucket_access_logging"), "acme-train", Status.PASS)
    assert finding.evidence["log_bucket"] == "acme-access-logs"


def test_access_logging_off_fails(aws, run_check):
    ai_bucket(aws)
    expect(run_check("s3.ai_bucket_access_logging"), "acme-train", Status.FAIL)


def test_access_logging_denied_is_error(aws, run_check):
    ai_bucket(aws)
    aws.simulation.fail("s3", "GetBucketLogging", "AccessDenied", status=403)
    expect(run_check("s3.ai_bucket_access_logging"), "acme-train", Status.ERROR)


# -- account-level public access block ---------------------------------------------------------------

def test_account_public_access_block_passes(aws, run_check):
    s3control(aws).put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=ALL_ON)
    finding = expect(run_check("s3.account_public_access_blocked"), ACCOUNT, Status.PASS)
    assert finding.region == "global"


def test_account_public_access_block_missing_fails(aws, run_check):
    finding = expect(run_check("s3.account_public_access_blocked"), ACCOUNT, Status.FAIL)
    assert finding.evidence["configured"] is False


def test_account_public_access_block_partial_fails(aws, run_check):
    s3control(aws).put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration={
        **ALL_ON, "BlockPublicPolicy": False})
    expect(run_check("s3.account_public_access_blocked"), ACCOUNT, Status.FAIL)


def test_account_public_access_block_denied_is_error(aws, run_check):
    aws.simulation.fail("s3control", "GetPublicAccessBlock", "AccessDenied", status=403)
    finding = expect(run_check("s3.account_public_access_blocked"), ACCOUNT, Status.ERROR)
    assert "s3:GetPublicAccessBlock" in finding.message
    assert "lacks s3:GetAccountPublicAccessBlock" in finding.message


# -- pure logic --------------------------------------------------------------------------------------

def test_tls_only_accepts_bool_if_exists_and_json_false():
    statement = {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": ["s3:*"], "Resource": "arn:aws:s3:::b/*",
                 "Condition": {"BoolIfExists": {"aws:SecureTransport": False}}}
    assert tls_only({"Statement": [statement]}, "b")
    assert not tls_only({"Statement": [{**statement, "Resource": "arn:aws:s3:::other/*"}]}, "b")
    assert not tls_only({"Statement": [{**statement, "Action": "s3:GetObject"}]}, "b")
    assert not tls_only({"Statement": [{**statement, "Effect": "Allow"}]}, "b")


class _Request:
    def __init__(self, url):
        self.url = url


def test_keep_ip_endpoint_drops_account_label_only_before_an_ip():
    local = _Request("http://123456789012.127.0.0.1:5000/v20180820/configuration/publicAccessBlock")
    keep_ip_endpoint(local)
    assert local.url == "http://127.0.0.1:5000/v20180820/configuration/publicAccessBlock"
    real = _Request("https://123456789012.s3-control.us-east-1.amazonaws.com/v20180820/x")
    keep_ip_endpoint(real)
    assert real.url == "https://123456789012.s3-control.us-east-1.amazonaws.com/v20180820/x"
    plain = _Request("http://127.0.0.1:5000/")
    keep_ip_endpoint(plain)
    assert plain.url == "http://127.0.0.1:5000/"


def test_tls_only_reads_every_document_form():
    statement = {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                 "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
                 "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    assert tls_only(json.dumps({"Statement": [statement]}), "b")
    assert tls_only({"Statement": statement}, "b")
    assert tls_only({"Statement": [{**statement, "Principal": {"AWS": ["*"]}}]}, "b")
    # a Deny that applies only with another condition does not refuse every plain-HTTP request
    assert not tls_only({"Statement": [{**statement, "Condition": {
        "Bool": {"aws:SecureTransport": "false"}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]}, "b")
    assert not tls_only(None, "b")


# -- shadow buckets --------------------------------------------------------------------------
SHADOW = "s3.shadow_buckets"
DEFAULT_BUCKET = f"sagemaker-us-east-1-{ACCOUNT}"


def test_default_bucket_of_this_account_passes(aws, run_check):
    aws.client("s3").create_bucket(Bucket=DEFAULT_BUCKET)
    finding = expect(run_check(SHADOW), DEFAULT_BUCKET, Status.PASS)
    assert (finding.evidence["owner"], finding.region) == ("this account", "us-east-1")


def test_default_bucket_owned_elsewhere_fails(aws, run_check):
    aws.simulation.fail("s3", "GetBucketLocation", "AccessDenied", status=403)
    finding = expect(run_check(SHADOW), DEFAULT_BUCKET, Status.FAIL)
    assert finding.evidence["owner"] == "another account"


def test_unclaimed_default_bucket_where_sagemaker_is_not_used_passes(aws, run_check):
    finding = expect(run_check(SHADOW), DEFAULT_BUCKET, Status.PASS)  # nothing writes there
    assert (finding.evidence["owner"], finding.evidence["sagemaker_used"]) == ("unclaimed", False)


def test_unclaimed_default_bucket_where_sagemaker_runs_fails(aws, run_check):
    aws.client("sagemaker").create_notebook_instance(NotebookInstanceName="nb", InstanceType="ml.t3.medium",
                                                     RoleArn=f"arn:aws:iam::{ACCOUNT}:role/sm")
    finding = expect(run_check(SHADOW), DEFAULT_BUCKET, Status.FAIL)
    assert (finding.evidence["owner"], finding.evidence["sagemaker_used"]) == ("unclaimed", True)


def test_shadow_bucket_read_failure_is_error(aws, run_check):
    aws.simulation.fail("s3", "GetBucketLocation", "InternalError", status=500)
    expect(run_check(SHADOW), DEFAULT_BUCKET, Status.ERROR)


@pytest.mark.parametrize("owned,answer,used,good", [
    (True, "ours", None, True),
    (False, "ours", None, True),  # ExpectedBucketOwner matched: ours, though not listed
    (False, "other", None, False),
    (False, "none", True, False),
    (False, "none", False, True),
])
def test_judge_shadow_bucket(owned, answer, used, good):
    assert judge_shadow_bucket(owned, answer, used)[0] is good
