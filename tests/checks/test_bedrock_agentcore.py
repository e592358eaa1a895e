import json

import pytest

from posture.core.models import Status
from tests.support.findings import expect, only

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/agentcore"
NOW = "2026-11-01T00:00:00Z"
SERVICE = "bedrock-agentcore-control"
DENIED = "AccessDeniedException"


def control(aws, region="us-east-1"):
    return aws.client(SERVICE, region)


def cmk(aws, region="us-east-1"):
    return aws.client("kms", region).create_key()["KeyMetadata"]["Arn"]


# -- runtimes ------------------------------------------------------------------------------
def make_runtime(aws, name="support", **network):
    return control(aws).create_agent_runtime(
        agentRuntimeName=name, roleArn=ROLE,
        agentRuntimeArtifact={"containerConfiguration": {
            "containerUri": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/agent:1"}},
        networkConfiguration=network or {"networkMode": "PUBLIC"},
    )["agentRuntimeId"]


def test_runtime_in_vpc_passes(aws, run_check):
    runtime = make_runtime(aws, networkMode="VPC",
                           networkModeConfig={"subnets": ["subnet-0abc"], "securityGroups": ["sg-0abc"]})
    finding = expect(run_check("bedrock_agentcore.runtime_vpc_network_mode"), runtime, Status.PASS)
    assert finding.evidence["subnets"] == 1


def test_public_runtime_fails(aws, run_check):
    runtime = make_runtime(aws)
    finding = expect(run_check("bedrock_agentcore.runtime_vpc_network_mode"), runtime, Status.FAIL)
    assert finding.evidence["network_mode"] == "PUBLIC"


def test_runtime_read_denied_is_error(aws, run_check):
    runtime = make_runtime(aws)
    aws.simulation.fail(SERVICE, "GetAgentRuntime", DENIED, status=403)
    expect(run_check("bedrock_agentcore.runtime_vpc_network_mode"), runtime, Status.ERROR)


def test_runtime_listing_denied_is_error(aws, run_check):
    make_runtime(aws)
    aws.simulation.fail(SERVICE, "ListAgentRuntimes", DENIED, status=403)
    expect(run_check("bedrock_agentcore.runtime_vpc_network_mode"), ACCOUNT, Status.ERROR)


# -- gateways ------------------------------------------------------------------------------
def make_gateway(aws, name="tools", authorizer="AWS_IAM", region="us-east-1", **settings):
    return control(aws, region).create_gateway(
        name=name, roleArn=ROLE, protocolType="MCP", authorizerType=authorizer, **settings)["gatewayId"]


@pytest.mark.parametrize("authorizer", ["AWS_IAM", "CUSTOM_JWT"])
def test_gateway_with_authorizer_passes(aws, run_check, authorizer):
    settings = {"authorizerConfiguration": {"customJWTAuthorizer": {
        "discoveryUrl": "https://idp.example.com/.well-known/openid-configuration",
        "allowedClients": ["support-app"]}}} if authorizer == "CUSTOM_JWT" else {}
    gateway = make_gateway(aws, authorizer=authorizer, **settings)
    finding = expect(run_check("bedrock_agentcore.gateway_authorizer"), gateway, Status.PASS)
    assert finding.evidence["authorizer_type"] == authorizer


def test_gateway_without_authorizer_fails(aws, run_check):
    gateway = make_gateway(aws, authorizer="NONE")
    expect(run_check("bedrock_agentcore.gateway_authorizer"), gateway, Status.FAIL)


def test_gateway_in_second_region_is_judged_there(aws, run_check):
    make_gateway(aws)
    west = make_gateway(aws, "hurried", authorizer="NONE", region="us-west-2")
    findings = run_check("bedrock_agentcore.gateway_authorizer", regions=("us-east-1", "us-west-2"))
    assert only(findings, west).region == "us-west-2"
    expect(findings, west, Status.FAIL)


@pytest.mark.parametrize("check_id", ["bedrock_agentcore.gateway_authorizer", "bedrock_agentcore.gateway_cmk"])
def test_gateway_read_denied_is_error(aws, run_check, check_id):
    gateway = make_gateway(aws, kmsKeyArn=cmk(aws))
    aws.simulation.fail(SERVICE, "GetGateway", DENIED, status=403)
    expect(run_check(check_id), gateway, Status.ERROR)


def test_gateway_with_cmk_passes(aws, run_check):
    gateway = make_gateway(aws, kmsKeyArn=cmk(aws))
    expect(run_check("bedrock_agentcore.gateway_cmk"), gateway, Status.PASS)


def test_gateway_without_cmk_fails(aws, run_check):
    gateway = make_gateway(aws)
    finding = expect(run_check("bedrock_agentcore.gateway_cmk"), gateway, Status.FAIL)
    assert finding.evidence["kms_key"] is None


# -- memory --------------------------------------------------------------------------------
def make_memory(aws, name="support_memory", **settings):
    return control(aws).create_memory(name=name, eventExpiryDuration=30, **settings)["memory"]["id"]


def test_memory_with_cmk_passes(aws, run_check):
    memory = make_memory(aws, encryptionKeyArn=cmk(aws))
    finding = expect(run_check("bedrock_agentcore.memory_cmk"), memory, Status.PASS)
    assert finding.evidence["memory_name"] == "support_memory"


def test_memory_without_cmk_fails(aws, run_check):
    memory = make_memory(aws)
    expect(run_check("bedrock_agentcore.memory_cmk"), memory, Status.FAIL)


def test_memory_read_denied_is_error(aws, run_check):
    memory = make_memory(aws, encryptionKeyArn=cmk(aws))
    aws.simulation.fail(SERVICE, "GetMemory", DENIED, status=403)
    expect(run_check("bedrock_agentcore.memory_cmk"), memory, Status.ERROR)


# -- custom browsers (simulated: moto has no browser tool) ---------------------------------
def put_browser(aws, browser_id="acme_browser-0abc", region="us-east-1", *, mode="VPC", recording=True):
    arn = f"arn:aws:bedrock-agentcore:{region}:{ACCOUNT}:browser-custom/{browser_id}"
    summary = {"browserId": browser_id, "browserArn": arn, "name": browser_id.split("-")[0], "status": "READY",
               "createdAt": NOW, "lastUpdatedAt": NOW}
    detail = {**summary, "executionRoleArn": ROLE, "networkConfiguration": {"networkMode": mode},
              "recording": {"enabled": recording, **({"s3Location": {"bucket": "acme-browser-recordings",
                                                                     "prefix": "sessions/"}} if recording else {})}}
    if mode == "VPC":
        detail["networkConfiguration"]["vpcConfig"] = {"subnets": ["subnet-0abc"], "securityGroups": ["sg-0abc"]}
    aws.simulation.put(SERVICE, "ListBrowsers", {"browserSummaries": [summary]}, region=region)
    aws.simulation.put(SERVICE, "GetBrowser", detail, region=region, browserId=browser_id)
    return browser_id


def test_browser_in_vpc_passes(aws, run_check):
    browser = put_browser(aws)
    finding = expect(run_check("bedrock_agentcore.browser_not_public"), browser, Status.PASS)
    assert finding.evidence["network_mode"] == "VPC"


def test_public_browser_fails(aws, run_check):
    browser = put_browser(aws, mode="PUBLIC")
    expect(run_check("bedrock_agentcore.browser_not_public"), browser, Status.FAIL)


def test_recorded_browser_passes(aws, run_check):
    browser = put_browser(aws)
    finding = expect(run_check("bedrock_agentcore.browser_session_recording"), browser, Status.PASS)
    assert finding.evidence["recording_bucket"] == "acme-browser-recordings"


def test_unrecorded_browser_fails(aws, run_check):
    browser = put_browser(aws, recording=False)
    expect(run_check("bedrock_agentcore.browser_session_recording"), browser, Status.FAIL)


@pytest.mark.parametrize("check_id", ["bedrock_agentcore.browser_not_public",
                                      "bedrock_agentcore.browser_session_recording"])
def test_browser_read_denied_is_error(aws, run_check, check_id):
    browser = put_browser(aws)
    aws.simulation.fail(SERVICE, "GetBrowser", DENIED, status=403)
    expect(run_check(check_id), browser, Status.ERROR)


def test_browser_listing_denied_is_error(aws, run_check):
    put_browser(aws)
    aws.simulation.fail(SERVICE, "ListBrowsers", DENIED, status=403)
    expect(run_check("bedrock_agentcore.browser_not_public"), ACCOUNT, Status.ERROR)


def test_no_custom_browser_no_finding(aws, run_check):
    assert [f for f in run_check("bedrock_agentcore.browser_not_public") if f.status is not Status.PASS] == []


# -- custom code interpreters (simulated) --------------------------------------------------
def put_interpreter(aws, interpreter_id="acme_analysis-0abc", region="us-east-1", *, mode="SANDBOX"):
    arn = f"arn:aws:bedrock-agentcore:{region}:{ACCOUNT}:code-interpreter-custom/{interpreter_id}"
    summary = {"codeInterpreterId": interpreter_id, "codeInterpreterArn": arn, "name": interpreter_id.split("-")[0],
               "status": "READY", "createdAt": NOW, "lastUpdatedAt": NOW}
    aws.simulation.put(SERVICE, "ListCodeInterpreters", {"codeInterpreterSummaries": [summary]}, region=region)
    aws.simulation.put(SERVICE, "GetCodeInterpreter", {**summary, "executionRoleArn": ROLE,
                       "networkConfiguration": {"networkMode": mode}}, region=region, codeInterpreterId=interpreter_id)
    return interpreter_id


@pytest.mark.parametrize("mode", ["SANDBOX", "VPC"])
def test_private_code_interpreter_passes(aws, run_check, mode):
    interpreter = put_interpreter(aws, mode=mode)
    finding = expect(run_check("bedrock_agentcore.code_interpreter_private_network"), interpreter, Status.PASS)
    assert finding.evidence["network_mode"] == mode


def test_public_code_interpreter_fails(aws, run_check):
    interpreter = put_interpreter(aws, mode="PUBLIC")
    expect(run_check("bedrock_agentcore.code_interpreter_private_network"), interpreter, Status.FAIL)


def test_code_interpreter_read_denied_is_error(aws, run_check):
    interpreter = put_interpreter(aws)
    aws.simulation.fail(SERVICE, "GetCodeInterpreter", DENIED, status=403)
    expect(run_check("bedrock_agentcore.code_interpreter_private_network"), interpreter, Status.ERROR)


# -- inbound auth of runtimes --------------------------------------------------------------
from posture.checks import bedrock_agentcore as agentcore  # noqa: E402

IDP = "https://login.acme.example/.well-known/openid-configuration"


def jwt(**fields):
    return {"customJWTAuthorizer": {"discoveryUrl": IDP, **fields}}


def make_jwt_runtime(aws, authorizer, name="support_jwt", **settings):
    return control(aws).create_agent_runtime(
        agentRuntimeName=name, roleArn=ROLE, networkConfiguration={"networkMode": "PUBLIC"},
        agentRuntimeArtifact={"containerConfiguration": {
            "containerUri": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/agent:1"}},
        **({"authorizerConfiguration": authorizer} if authorizer else {}), **settings)["agentRuntimeId"]


def test_runtime_with_client_allow_list_passes_and_open_jwt_fails(aws, run_check):
    good = make_jwt_runtime(aws, jwt(allowedClients=["support-app"]))
    loose = make_jwt_runtime(aws, jwt(), name="loose")
    findings = run_check("bedrock_agentcore.runtime_inbound_auth")
    expect(findings, good, Status.PASS)
    assert only(findings, good).evidence["allowed_clients"] == ["support-app"]
    expect(findings, loose, Status.FAIL)
    assert "no allowedAudience or allowedClients" in only(findings, loose).message


def test_runtime_without_authorizer_uses_sigv4_and_passes(aws, run_check):
    runtime = make_jwt_runtime(aws, None)
    finding = expect(run_check("bedrock_agentcore.runtime_inbound_auth"), runtime, Status.PASS)
    assert finding.evidence["inbound_auth"] == "IAM"


def test_runtime_auth_read_denied_is_error(aws, run_check):
    runtime = make_jwt_runtime(aws, jwt(allowedClients=["support-app"]))
    aws.simulation.fail(SERVICE, "GetAgentRuntime", DENIED, status=403)
    expect(run_check("bedrock_agentcore.runtime_inbound_auth"), runtime, Status.ERROR)


def test_jwt_shortfalls_table():
    assert agentcore.jwt_shortfalls(jwt(allowedAudience=["api://support"])) == []
    assert agentcore.jwt_shortfalls(jwt(allowedClients=["a"], allowedAudience=[])) == []
    assert agentcore.jwt_shortfalls(None) == ["no customJWTAuthorizer configuration"]
    assert "wildcard" in agentcore.jwt_shortfalls(jwt(allowedClients=["*"]))[0]
    assert "wildcard" in agentcore.jwt_shortfalls(jwt(allowedAudience=["api://*"]))[0]
    assert "no allowedAudience" in agentcore.jwt_shortfalls(jwt(allowedClients=["", " "]))[0]
    plain = {"customJWTAuthorizer": {"discoveryUrl": "http://idp.example/.well-known/openid-configuration",
                                     "allowedClients": ["a"]}}
    assert "not https" in agentcore.jwt_shortfalls(plain)[0]
    # customClaims alone are not judged as a restriction: FAIL, never PASS on a guess
    claims = jwt(customClaims=[{"inboundTokenClaimName": "client_id"}])
    assert agentcore.jwt_shortfalls(claims)


def test_issuer_allow_list_by_value():
    allowed = ["https://login.acme.example"]
    assert agentcore.issuer_allowed(IDP, allowed)
    assert agentcore.issuer_allowed("https://login.acme.example", allowed)
    assert not agentcore.issuer_allowed("https://login.acme.example.evil.com/.well-known/x", allowed)
    assert not agentcore.issuer_allowed("https://evil.example/login.acme.example", allowed)
    assert agentcore.jwt_shortfalls(jwt(allowedClients=["a"]), ["https://other.example/"]) == [
        f"discovery URL {IDP} is not in the allowed_issuers setting"]


# -- JWT allow-list of gateways ------------------------------------------------------------
def test_gateway_jwt_allow_list_pass_and_fail(aws, run_check):
    good = make_gateway(aws, "good", authorizer="CUSTOM_JWT",
                        authorizerConfiguration=jwt(allowedAudience=["api://tools"]))
    loose = make_gateway(aws, "loose", authorizer="CUSTOM_JWT", authorizerConfiguration=jwt(allowedClients=["*"]))
    iam_gateway = make_gateway(aws, "iam")
    findings = run_check("bedrock_agentcore.gateway_jwt_allow_list")
    expect(findings, good, Status.PASS)
    expect(findings, loose, Status.FAIL)
    assert [f for f in findings if f.resource_id == iam_gateway] == []  # no JWT: not this check's


def test_gateway_issuer_outside_allowed_issuers_fails(aws, run_check):
    gateway = make_gateway(aws, authorizer="CUSTOM_JWT", authorizerConfiguration=jwt(allowedClients=["app"]))
    findings = run_check("bedrock_agentcore.gateway_jwt_allow_list",
                         check_settings={"bedrock_agentcore": {"allowed_issuers": ["https://idp.corp.example"]}})
    finding = expect(findings, gateway, Status.FAIL)
    assert "allowed_issuers" in finding.message


def test_gateway_jwt_read_denied_is_error(aws, run_check):
    gateway = make_gateway(aws, authorizer="CUSTOM_JWT", authorizerConfiguration=jwt(allowedClients=["app"]))
    aws.simulation.fail(SERVICE, "GetGateway", DENIED, status=403)
    expect(run_check("bedrock_agentcore.gateway_jwt_allow_list"), gateway, Status.ERROR)


# -- policy engine -------------------------------------------------------------------------
ENGINE = f"arn:aws:bedrock-agentcore:us-east-1:{ACCOUNT}:policy-engine/tools-0abc"


def test_policy_engine_enforce_passes_log_only_fails(aws, run_check):
    enforced = make_gateway(aws, "enforced", policyEngineConfiguration={"arn": ENGINE, "mode": "ENFORCE"})
    logged = make_gateway(aws, "logged", policyEngineConfiguration={"arn": ENGINE, "mode": "LOG_ONLY"})
    findings = run_check("bedrock_agentcore.gateway_policy_engine_enforced")
    expect(findings, enforced, Status.PASS)
    expect(findings, logged, Status.FAIL)
    assert "LOG_ONLY" in only(findings, logged).message


def test_gateway_without_policy_engine_fails(aws, run_check):
    gateway = make_gateway(aws)
    finding = expect(run_check("bedrock_agentcore.gateway_policy_engine_enforced"), gateway, Status.FAIL)
    assert finding.evidence["policy_engine"] is None


def test_policy_engine_read_denied_is_error(aws, run_check):
    gateway = make_gateway(aws, policyEngineConfiguration={"arn": ENGINE, "mode": "ENFORCE"})
    aws.simulation.fail(SERVICE, "GetGateway", DENIED, status=403)
    expect(run_check("bedrock_agentcore.gateway_policy_engine_enforced"), gateway, Status.ERROR)


def test_policy_engine_verdict_table():
    assert agentcore.policy_engine_verdict({"arn": ENGINE, "mode": "ENFORCE"})[0]
    assert not agentcore.policy_engine_verdict({"arn": ENGINE, "mode": "LOG_ONLY"})[0]
    assert not agentcore.policy_engine_verdict({"arn": ENGINE})[0]
    assert not agentcore.policy_engine_verdict({"mode": "ENFORCE"})[0]  # no engine named
    assert not agentcore.policy_engine_verdict(None)[0]


# -- gateway target credentials ------------------------------------------------------------
API_KEY_PROVIDER = f"arn:aws:bedrock-agentcore:us-east-1:{ACCOUNT}:token-vault/default/apikeycredentialprovider/crm"
OPENAPI = '{"openapi": "3.0.0", "info": {"title": "crm", "version": "1"}, "paths": {}}'


def make_target(aws, gateway_id, name="crm", *, schema=OPENAPI, credentials=None):
    credentials = credentials if credentials is not None else [{
        "credentialProviderType": "API_KEY",
        "credentialProvider": {"apiKeyCredentialProvider": {"providerArn": API_KEY_PROVIDER}}}]
    return control(aws).create_gateway_target(
        gatewayIdentifier=gateway_id, name=name,
        targetConfiguration={"mcp": {"openApiSchema": {"inlinePayload": schema}}},
        credentialProviderConfigurations=credentials)["targetId"]


def test_target_with_vault_provider_passes_and_inline_key_fails(aws, run_check):
    gateway = make_gateway(aws)
    good = make_target(aws, gateway)
    leaky = make_target(aws, gateway, "leaky", schema=OPENAPI.replace('"paths"', '"x-key": "sk-live0123456789abcd", '
                                                                                 '"paths"'))
    findings = run_check("bedrock_agentcore.gateway_target_credentials")
    expect(findings, f"{gateway}/{good}", Status.PASS)
    bad = expect(findings, f"{gateway}/{leaky}", Status.FAIL)
    assert bad.evidence["secret_shaped_fields"] == ["targetConfiguration.mcp.openApiSchema.inlinePayload"]
    assert "sk-live" not in bad.message and "sk-live" not in str(bad.evidence)


def test_target_read_denied_is_error(aws, run_check):
    gateway = make_gateway(aws)
    target = make_target(aws, gateway)
    aws.simulation.fail(SERVICE, "GetGatewayTarget", DENIED, status=403)
    expect(run_check("bedrock_agentcore.gateway_target_credentials"), f"{gateway}/{target}", Status.ERROR)


def test_target_listing_denied_is_error_on_the_gateway(aws, run_check):
    gateway = make_gateway(aws)
    make_target(aws, gateway)
    aws.simulation.fail(SERVICE, "ListGatewayTargets", DENIED, status=403)
    expect(run_check("bedrock_agentcore.gateway_target_credentials"), gateway, Status.ERROR)


def test_target_credential_shortfalls_table():
    vault = {"credentialProviderType": "OAUTH", "credentialProvider": {"oauthCredentialProvider": {
        "providerArn": API_KEY_PROVIDER.replace("apikey", "oauth2"), "scopes": ["read"]}}}
    assert agentcore.target_credential_shortfalls({"credentialProviderConfigurations": [vault]}) == ([], [])
    role = {"credentialProviderType": "GATEWAY_IAM_ROLE"}
    assert agentcore.target_credential_shortfalls({"credentialProviderConfigurations": [role]}) == ([], [])
    no_arn = {"credentialProviderType": "API_KEY", "credentialProvider": {"apiKeyCredentialProvider": {}}}
    assert "no token-vault provider ARN" in agentcore.target_credential_shortfalls(
        {"credentialProviderConfigurations": [no_arn]})[0][0]
    assert agentcore.target_credential_shortfalls({})[0] == ["no credential provider configuration"]
    inline = {"credentialProviderConfigurations": [role], "targetConfiguration": {"http": {"passthrough": {
        "endpoint": "https://api.example/v1?api_key=abc123", "staticQueryParameters": {"token": "ghp_abcdef0123"}}}}}
    assert agentcore.target_credential_shortfalls(inline)[1] == [
        "targetConfiguration.http.passthrough.endpoint",
        "targetConfiguration.http.passthrough.staticQueryParameters.token"]
    oauth_param = {**vault, "credentialProvider": {"oauthCredentialProvider": {
        **vault["credentialProvider"]["oauthCredentialProvider"], "customParameters": {"x": "password=hunter2"}}}}
    assert agentcore.target_credential_shortfalls({"credentialProviderConfigurations": [oauth_param]})[1] == [
        "credentialProviderConfigurations[0].oauthCredentialProvider.customParameters.x"]


# -- token vault (simulated: moto has no AgentCore Identity) --------------------------------
def put_vault(aws, key_type="CustomerManagedKey", key=None, region="us-east-1"):
    make_gateway(aws, "vault-user")  # the vault is judged where an agent can use it
    kms = {"keyType": key_type, **({"kmsKeyArn": key} if key else {})}
    aws.simulation.put(SERVICE, "GetTokenVault", {"tokenVaultId": "default", "kmsConfiguration": kms,
                                                  "lastModifiedDate": NOW}, region=region)


def test_token_vault_with_cmk_passes(aws, run_check):
    put_vault(aws, key=cmk(aws))
    finding = expect(run_check("bedrock_agentcore.token_vault_cmk"), "default", Status.PASS)
    assert finding.evidence["key_type"] == "CustomerManagedKey"


def test_token_vault_with_service_key_fails(aws, run_check):
    put_vault(aws, "ServiceManagedKey")
    expect(run_check("bedrock_agentcore.token_vault_cmk"), "default", Status.FAIL)


def test_token_vault_read_denied_is_error_and_absent_vault_gives_nothing(aws, run_check):
    make_gateway(aws)
    aws.simulation.fail(SERVICE, "GetTokenVault", DENIED, status=403, times=1)
    expect(run_check("bedrock_agentcore.token_vault_cmk"), "default", Status.ERROR)
    assert run_check("bedrock_agentcore.token_vault_cmk") == []


# -- resource policies (simulated: moto has no GetResourcePolicy) ---------------------------
def policy(principal, condition=None):
    statement = {"Effect": "Allow", "Principal": principal, "Action": "bedrock-agentcore:InvokeAgentRuntime",
                 "Resource": "*", **({"Condition": condition} if condition else {})}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def put_policy(aws, arn, document):
    aws.simulation.put(SERVICE, "GetResourcePolicy", {"policy": document}, resourceArn=arn)


def runtime_arn(aws, runtime_id):
    return control(aws).get_agent_runtime(agentRuntimeId=runtime_id)["agentRuntimeArn"]


def test_public_runtime_policy_fails_org_restricted_passes(aws, run_check):
    public, private = make_runtime(aws, "public_rt"), make_runtime(aws, "private_rt")
    put_policy(aws, runtime_arn(aws, public), policy("*"))
    put_policy(aws, runtime_arn(aws, private), policy("*", {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}))
    findings = run_check("bedrock_agentcore.resource_policy_not_public")
    expect(findings, public, Status.FAIL)
    assert only(findings, public).evidence["public_statements"]
    expect(findings, private, Status.PASS)


def test_no_resource_policy_passes(aws, run_check):
    gateway = make_gateway(aws)  # no policy put: GetResourcePolicy answers ResourceNotFoundException
    finding = expect(run_check("bedrock_agentcore.resource_policy_not_public"), gateway, Status.PASS)
    assert finding.evidence["has_policy"] is False


def test_resource_policy_read_denied_is_error(aws, run_check):
    gateway = make_gateway(aws)
    aws.simulation.fail(SERVICE, "GetResourcePolicy", DENIED, status=403)
    expect(run_check("bedrock_agentcore.resource_policy_not_public"), gateway, Status.ERROR)


def test_policy_exposure_table():
    assert agentcore.policy_exposure(policy("*"), ACCOUNT)[0]
    assert agentcore.policy_exposure(policy({"AWS": "*"}, {"StringEquals": {"aws:userid": "x"}}), ACCOUNT)[0]
    assert agentcore.policy_exposure(policy({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), ACCOUNT) == ([], [])
    public, outside = agentcore.policy_exposure(policy({"AWS": "arn:aws:iam::210987654321:root"}), ACCOUNT)
    assert public == [] and outside
    assert agentcore.policy_exposure(policy("*", {"StringEquals": {"aws:SourceVpce": "vpce-0abc"}}), ACCOUNT)[0] \
        == []


# -- VPC endpoints -------------------------------------------------------------------------
def vpc_runtime(aws, with_endpoint=True):
    ec2 = aws.client("ec2", "us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.8.1.0/24")["Subnet"]["SubnetId"]
    if with_endpoint:
        ec2.create_vpc_endpoint(VpcId=vpc, VpcEndpointType="Interface", SubnetIds=[subnet],
                                ServiceName="com.amazonaws.us-east-1.bedrock-agentcore")
    make_runtime(aws, f"rt_{vpc[-6:]}", networkMode="VPC",
                 networkModeConfig={"subnets": [subnet], "securityGroups": ["sg-0abc"]})
    return vpc


def test_runtime_vpc_with_endpoint_passes_without_fails(aws, run_check):
    good, bare = vpc_runtime(aws), vpc_runtime(aws, with_endpoint=False)
    findings = run_check("bedrock_agentcore.vpc_endpoints")
    expect(findings, good, Status.PASS)
    expect(findings, bare, Status.FAIL)
    assert only(findings, bare).evidence["endpoints_missing"] == ["bedrock-agentcore"]
    aws.simulation.fail("ec2", "DescribeVpcEndpoints", "UnauthorizedOperation", status=403)
    expect(run_check("bedrock_agentcore.vpc_endpoints"), good, Status.ERROR)  # the same VPCs


def test_unreadable_runtime_is_error_and_region_without_vpc_runtimes_gives_nothing(aws, run_check):
    runtime = make_runtime(aws)
    assert run_check("bedrock_agentcore.vpc_endpoints") == []  # a PUBLIC runtime has no VPC to judge
    aws.simulation.fail(SERVICE, "GetAgentRuntime", DENIED, status=403)
    expect(run_check("bedrock_agentcore.vpc_endpoints"), runtime, Status.ERROR)


def test_missing_endpoints_table():
    def endpoint(suffix, vpc="vpc-1", state="available", kind="Interface"):
        return {"VpcId": vpc, "ServiceName": f"com.amazonaws.us-east-1.{suffix}", "State": state,
                "VpcEndpointType": kind}
    wanted = ["bedrock-agentcore", "bedrock-agentcore.gateway"]
    assert agentcore.missing_endpoints([endpoint("bedrock-agentcore"), endpoint("bedrock-agentcore.gateway")],
                                       "us-east-1", "vpc-1", wanted) == []
    assert agentcore.missing_endpoints([endpoint("bedrock-agentcore")], "us-east-1", "vpc-1", wanted) == [
        "bedrock-agentcore.gateway"]
    assert agentcore.missing_endpoints([endpoint("bedrock-agentcore", state="pendingAcceptance")],
                                       "us-east-1", "vpc-1", wanted[:1]) == wanted[:1]
    assert agentcore.missing_endpoints([endpoint("bedrock-agentcore", vpc="vpc-2")], "us-east-1", "vpc-1",
                                       wanted[:1]) == wanted[:1]
    assert agentcore.missing_endpoints([endpoint("bedrock-agentcore-control")], "us-east-1", "vpc-1",
                                       wanted[:1]) == wanted[:1]


# -- secrets in runtime environment variables ------------------------------------------------
def test_runtime_env_secret_fails_by_name_and_clean_passes(aws, run_check):
    leaky = make_jwt_runtime(aws, None, name="leaky", environmentVariables={
        "OPENAI_API_KEY": "sk-proj0123456789abcdef", "LOG_LEVEL": "info"})
    clean = make_jwt_runtime(aws, None, name="clean", environmentVariables={"LOG_LEVEL": "info"})
    findings = run_check("bedrock_agentcore.runtime_env_secrets")
    bad = expect(findings, leaky, Status.FAIL)
    assert bad.evidence["secret_shaped_variables"] == ["OPENAI_API_KEY"]
    assert "sk-proj" not in bad.message and "sk-proj" not in str(bad.evidence)
    expect(findings, clean, Status.PASS)


def test_runtime_env_read_denied_is_error(aws, run_check):
    runtime = make_jwt_runtime(aws, None, environmentVariables={"LOG_LEVEL": "info"})
    aws.simulation.fail(SERVICE, "GetAgentRuntime", DENIED, status=403)
    expect(run_check("bedrock_agentcore.runtime_env_secrets"), runtime, Status.ERROR)


def test_secret_variables_table():
    assert agentcore.secret_variables(None) == []
    assert agentcore.secret_variables({"A": "AKIAABCDEFGHIJKLMNOP", "B": "plain", "C": "password=x"}) == ["A", "C"]
    assert agentcore.secret_variables({"DB_PASSWORD_PARAM": "/prod/db/password"}) == []  # a name, not a value
