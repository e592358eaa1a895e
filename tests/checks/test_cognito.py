from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"


def pool(aws, name="chat-users", **settings):
    return aws.client("cognito-idp").create_user_pool(PoolName=name, **settings)["UserPool"]["Id"]


# -- MFA -------------------------------------------------------------------------------------------

def test_required_mfa_passes(aws, run_check):
    pool_id = pool(aws)
    aws.client("cognito-idp").set_user_pool_mfa_config(
        UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="ON")
    finding = expect(run_check("cognito.user_pool_mfa_required"), pool_id, Status.PASS)
    assert finding.evidence["factors"] == ["totp"]
    assert finding.resource_arn.endswith(f":userpool/{pool_id}")


def test_optional_mfa_fails(aws, run_check):
    pool_id = pool(aws, MfaConfiguration="OPTIONAL")
    finding = expect(run_check("cognito.user_pool_mfa_required"), pool_id, Status.FAIL)
    assert finding.evidence["mfa"] == "OPTIONAL"


def test_mfa_off_fails(aws, run_check):
    pool_id = pool(aws)
    expect(run_check("cognito.user_pool_mfa_required"), pool_id, Status.FAIL)


def test_mfa_access_denied_is_error(aws, run_check):
    pool_id = pool(aws)
    aws.simulation.fail("cognito-idp", "GetUserPoolMfaConfig", "AccessDeniedException")
    finding = expect(run_check("cognito.user_pool_mfa_required"), pool_id, Status.ERROR)
    assert "cognito-idp:GetUserPoolMfaConfig" in finding.message


# -- threat protection -----------------------------------------------------------------------------

def test_enforced_threat_protection_passes(aws, run_check):
    pool_id = pool(aws, UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"})
    expect(run_check("cognito.user_pool_threat_protection"), pool_id, Status.PASS)


def test_audit_only_threat_protection_fails(aws, run_check):
    pool_id = pool(aws, UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"})
    finding = expect(run_check("cognito.user_pool_threat_protection"), pool_id, Status.FAIL)
    assert finding.evidence["advanced_security_mode"] == "AUDIT"


def test_no_threat_protection_fails(aws, run_check):
    pool_id = pool(aws)
    expect(run_check("cognito.user_pool_threat_protection"), pool_id, Status.FAIL)


def test_threat_protection_access_denied_is_error(aws, run_check):
    pool_id = pool(aws)
    aws.simulation.fail("cognito-idp", "DescribeUserPool", "AccessDeniedException")
    expect(run_check("cognito.user_pool_threat_protection"), pool_id, Status.ERROR)


def test_listing_access_denied_is_one_account_error(aws, run_check):
    pool(aws)
    aws.simulation.fail("cognito-idp", "ListUserPools", "AccessDeniedException")
    expect(run_check("cognito.user_pool_threat_protection"), ACCOUNT, Status.ERROR)


# -- identity pools: guest access to AI -------------------------------------------------------------
GUEST = "cognito.identity_pool_no_guest_access"
TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
    "Action": "sts:AssumeRoleWithWebIdentity"}]}


def identity_pool(aws, guests=True, classic=False):
    return aws.client("cognito-identity").create_identity_pool(
        IdentityPoolName="chat_guests", AllowUnauthenticatedIdentities=guests,
        AllowClassicFlow=classic)["IdentityPoolId"]


def guest_role(aws, pool_id, actions):
    import json

    iam = aws.client("iam")
    arn = iam.create_role(RoleName="chat-guest", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    iam.put_role_policy(RoleName="chat-guest", PolicyName="guest", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}))
    aws.simulation.put("cognito-identity", "GetIdentityPoolRoles", {
        "IdentityPoolId": pool_id, "Roles": {"unauthenticated": arn}})
    return arn


def test_guest_role_that_can_invoke_an_endpoint_fails(aws, run_check):
    pool_id = identity_pool(aws)
    guest_role(aws, pool_id, ["sagemaker:InvokeEndpoint*", "bedrock:InvokeModel", "s3:GetObject"])
    finding = expect(run_check(GUEST), pool_id, Status.FAIL)
    # enhanced flow (moto keeps no AllowClassicFlow): Cognito's session policy leaves the endpoint only
    assert finding.evidence["guest_ai_actions"] == ["sagemaker:InvokeEndpoint"]
    assert finding.resource_arn.endswith(f":identitypool/{pool_id}")


def test_guest_role_without_ai_passes_and_says_so(aws, run_check):
    pool_id = identity_pool(aws)
    # the enhanced flow's session policy cuts bedrock:* away from guest credentials
    guest_role(aws, pool_id, ["bedrock:InvokeModel", "polly:SynthesizeSpeech"])
    finding = expect(run_check(GUEST), pool_id, Status.PASS)
    assert "cannot reach AI" in finding.message


def test_disabled_guest_access_passes(aws, run_check):
    pool_id = identity_pool(aws, guests=False)
    finding = expect(run_check(GUEST), pool_id, Status.PASS)
    assert finding.evidence["guest_access"] is False


def test_identity_pool_roles_denied_is_error(aws, run_check):
    pool_id = identity_pool(aws)
    aws.simulation.fail("cognito-identity", "GetIdentityPoolRoles", "AccessDeniedException")
    finding = expect(run_check(GUEST), pool_id, Status.ERROR)
    assert "cognito-identity:GetIdentityPoolRoles" in finding.message


def test_guest_reach_follows_flow_boundary_and_session_policy():
    from posture.checks import _policy
    from posture.checks.cognito import guest_ai_actions

    def allow(*actions):
        return _policy.statements({"Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}]})

    everything = allow("*")
    # enhanced flow: only sagemaker:InvokeEndpoint survives Cognito's guest session policy
    assert guest_ai_actions(everything, None, classic_flow=False) == ["sagemaker:InvokeEndpoint"]
    # basic flow: no session policy, the role's grants are the guest's
    assert "bedrock:InvokeAgent" in guest_ai_actions(everything, None, classic_flow=True)
    # a permissions boundary without sagemaker takes the endpoint away
    assert guest_ai_actions(everything, allow("s3:*"), classic_flow=False) == []
    # an explicit Deny wins
    deny = _policy.statements({"Statement": [{"Effect": "Deny", "Action": "sagemaker:*", "Resource": "*"}]})
    assert guest_ai_actions(everything + deny, None, classic_flow=False) == []
    assert guest_ai_actions(allow("polly:*"), None, classic_flow=True) == []


def test_pool_answer_without_the_guest_flag_is_error_not_pass(aws, run_check):
    """The fault matrix's missing-fields case: no AllowUnauthenticatedIdentities is not 'guests disabled'."""
    pool_id = identity_pool(aws)
    aws.simulation.simulate("cognito-identity", "DescribeIdentityPool", None)
    try:
        aws.simulation.put("cognito-identity", "DescribeIdentityPool",
                           {"IdentityPoolId": pool_id, "IdentityPoolName": "chat_guests"},
                           off_model="a malformed answer: the model requires AllowUnauthenticatedIdentities")
        finding = expect(run_check(GUEST), pool_id, Status.ERROR)
    finally:
        aws.simulation.forget("cognito-identity", "DescribeIdentityPool")
    assert "guest access" in finding.message
