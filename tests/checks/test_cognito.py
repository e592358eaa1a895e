from posture.core.models import Status
from tests.conftest import only

ACCOUNT = "123456789012"


def pool(aws, name="chat-users", **settings):
    return aws.client("cognito-idp").create_user_pool(PoolName=name, **settings)["UserPool"]["Id"]


# -- MFA -------------------------------------------------------------------------------------------

def test_required_mfa_passes(aws, run_check):
    pool_id = pool(aws)
    aws.client("cognito-idp").set_user_pool_mfa_config(
        UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="ON")
    finding = only(run_check("cognito.user_pool_mfa_required"), pool_id)
    assert finding.status is Status.PASS
    assert finding.evidence["factors"] == ["totp"]
    assert finding.resource_arn.endswith(f":userpool/{pool_id}")


def test_optional_mfa_fails(aws, run_check):
    pool_id = pool(aws, MfaConfiguration="OPTIONAL")
    finding = only(run_check("cognito.user_pool_mfa_required"), pool_id)
    assert finding.status is Status.FAIL
    assert finding.evidence["mfa"] == "OPTIONAL"


def test_mfa_off_fails(aws, run_check):
    pool_id = pool(aws)
    assert only(run_check("cognito.user_pool_mfa_required"), pool_id).status is Status.FAIL


def test_mfa_access_denied_is_error(aws, run_check):
    pool_id = pool(aws)
    aws.simulation.fail("cognito-idp", "GetUserPoolMfaConfig", "AccessDeniedException")
    finding = only(run_check("cognito.user_pool_mfa_required"), pool_id)
    assert finding.status is Status.ERROR
    assert "cognito-idp:GetUserPoolMfaConfig" in finding.message


# -- threat protection -----------------------------------------------------------------------------

def test_enforced_threat_protection_passes(aws, run_check):
    pool_id = pool(aws, UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"})
    assert only(run_check("cognito.user_pool_threat_protection"), pool_id).status is Status.PASS


def test_audit_only_threat_protection_fails(aws, run_check):
    pool_id = pool(aws, UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"})
    finding = only(run_check("cognito.user_pool_threat_protection"), pool_id)
    assert finding.status is Status.FAIL
    assert finding.evidence["advanced_security_mode"] == "AUDIT"


def test_no_threat_protection_fails(aws, run_check):
    pool_id = pool(aws)
    assert only(run_check("cognito.user_pool_threat_protection"), pool_id).status is Status.FAIL


def test_threat_protection_access_denied_is_error(aws, run_check):
    pool_id = pool(aws)
    aws.simulation.fail("cognito-idp", "DescribeUserPool", "AccessDeniedException")
    assert only(run_check("cognito.user_pool_threat_protection"), pool_id).status is Status.ERROR


def test_listing_access_denied_is_one_account_error(aws, run_check):
    pool(aws)
    aws.simulation.fail("cognito-idp", "ListUserPools", "AccessDeniedException")
    assert only(run_check("cognito.user_pool_threat_protection"), ACCOUNT).status is Status.ERROR
