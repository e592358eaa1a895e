import json

from posture.checks.kms import public_statements
from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"


def test_rotation_enabled_passes(aws, run_check):
    kms = aws.client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=key)
    expect(run_check("kms.cmk_rotation_enabled"), key, Status.PASS)


def test_rotation_disabled_fails(aws, run_check):
    key = aws.client("kms").create_key()["KeyMetadata"]["KeyId"]
    finding = expect(run_check("kms.cmk_rotation_enabled"), key, Status.FAIL)
    assert finding.resource_arn.endswith(key)


def test_asymmetric_and_disabled_keys_are_out_of_scope(aws, run_check):
    kms = aws.client("kms")
    kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    disabled = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=disabled)
    assert run_check("kms.cmk_rotation_enabled") == []


def test_access_denied_on_rotation_is_error_not_pass(aws, run_check):
    key = aws.client("kms").create_key()["KeyMetadata"]["KeyId"]
    aws.simulation.fail("kms", "GetKeyRotationStatus", "AccessDeniedException", status=400)
    finding = expect(run_check("kms.cmk_rotation_enabled"), key, Status.ERROR)
    assert "access denied" in finding.message and "kms:GetKeyRotationStatus" in finding.message


def test_access_denied_on_listing_is_one_account_error(aws, run_check):
    aws.client("kms").create_key()
    aws.simulation.fail("kms", "ListKeys", "AccessDeniedException")
    finding = expect(run_check("kms.cmk_rotation_enabled"), ACCOUNT, Status.ERROR)
    assert finding.resource_id == "123456789012"


# -- keys pending deletion ---------------------------------------------------------------------------

def test_key_not_pending_deletion_passes(aws, run_check):
    key = aws.client("kms").create_key()["KeyMetadata"]["KeyId"]
    finding = expect(run_check("kms.no_key_pending_deletion"), key, Status.PASS)
    assert finding.evidence["key_state"] == "Enabled"


def test_key_pending_deletion_fails(aws, run_check):
    kms = aws.client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    finding = expect(run_check("kms.no_key_pending_deletion"), key, Status.FAIL)
    assert finding.evidence["key_state"] == "PendingDeletion"


def test_pending_deletion_describe_denied_is_error(aws, run_check):
    key = aws.client("kms").create_key()["KeyMetadata"]["KeyId"]
    aws.simulation.fail("kms", "DescribeKey", "AccessDeniedException")
    findings = run_check("kms.no_key_pending_deletion")
    expect(findings, ACCOUNT, Status.ERROR)
    assert key not in [f.resource_id for f in findings if f.status is Status.PASS]


# -- public key policies -----------------------------------------------------------------------------

def _policy(statement):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
         "Action": "kms:*", "Resource": "*"}, statement]})


def test_default_key_policy_passes(aws, run_check):
    key = aws.client("kms").create_key()["KeyMetadata"]["KeyId"]
    expect(run_check("kms.key_policy_not_public"), key, Status.PASS)


def test_conditioned_star_principal_passes(aws, run_check):
    kms = aws.client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=_policy({
        "Sid": "Org", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}))
    expect(run_check("kms.key_policy_not_public"), key, Status.PASS)


def test_unconditioned_star_principal_fails(aws, run_check):
    kms = aws.client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=_policy({
        "Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}))
    finding = expect(run_check("kms.key_policy_not_public"), key, Status.FAIL)
    assert finding.evidence["public_statements"] == ["Everyone"]


def test_key_policy_denied_is_error(aws, run_check):
    key = aws.client("kms").create_key()["KeyMetadata"]["KeyId"]
    aws.simulation.fail("kms", "GetKeyPolicy", "AccessDeniedException")
    finding = expect(run_check("kms.key_policy_not_public"), key, Status.ERROR)
    assert "kms:GetKeyPolicy" in finding.message


def test_public_statements_logic():
    assert public_statements({"Statement": {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "kms:*"}}) == [
        "statement 0"]
    assert public_statements({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "kms:*"}]}) == []


def test_star_principal_with_only_secure_transport_fails(aws, run_check):
    """Regression (issue 9): any condition used to clear Principal "*", even one that names no caller."""
    kms = aws.client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=_policy({
        "Sid": "TlsOnly", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "true"}}}))
    finding = expect(run_check("kms.key_policy_not_public"), key, Status.FAIL)
    assert finding.evidence["public_statements"] == ["TlsOnly"]


def test_public_statements_judge_conditions_by_value():
    def policy(condition):
        return {"Statement": [{"Sid": "S", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt",
                               "Resource": "*", "Condition": condition}]}

    account = "123456789012"
    assert public_statements(policy({"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}})) == ["S"]
    assert public_statements(policy({"StringEqualsIfExists": {"kms:CallerAccount": account}})) == ["S"]
    assert public_statements(policy({"StringEquals": {"kms:CallerAccount": account,
                                                      "kms:ViaService": "s3.us-east-1.amazonaws.com"}})) == []
    assert public_statements(policy({"StringEquals": {"kms:CallerAccount": "999999999999"}})) == []


def test_foreign_caller_account_is_evidence_not_public(aws, run_check):
    kms = aws.client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=_policy({
        "Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*",
        "Condition": {"StringEquals": {"kms:CallerAccount": "999999999999"}}}))
    finding = expect(run_check("kms.key_policy_not_public"), key, Status.PASS)
    assert finding.evidence["outside_account"] == ["account 999999999999"]
