from posture.models import Status
from tests.conftest import only


def test_rotation_enabled_passes(aws, run_check):
    kms = aws.client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=key)
    assert only(run_check("kms.cmk_rotation_enabled"), key).status is Status.PASS


def test_rotation_disabled_fails(aws, run_check):
    key = aws.client("kms").create_key()["KeyMetadata"]["KeyId"]
    finding = only(run_check("kms.cmk_rotation_enabled"), key)
    assert finding.status is Status.FAIL
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
    finding = only(run_check("kms.cmk_rotation_enabled"), key)
    assert finding.status is Status.ERROR
    assert "access denied" in finding.message and "kms:GetKeyRotationStatus" in finding.message


def test_access_denied_on_listing_is_one_account_error(aws, run_check):
    aws.client("kms").create_key()
    aws.simulation.fail("kms", "ListKeys", "AccessDeniedException")
    [finding] = run_check("kms.cmk_rotation_enabled")
    assert finding.status is Status.ERROR
    assert finding.resource_id == "123456789012"
