import pytest

from posture.core.models import Status
from tests.conftest import only

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
    finding = only(run_check("bedrock_agentcore.runtime_vpc_network_mode"), runtime)
    assert finding.status is Status.PASS
    assert finding.evidence["subnets"] == 1


def test_public_runtime_fails(aws, run_check):
    runtime = make_runtime(aws)
    finding = only(run_check("bedrock_agentcore.runtime_vpc_network_mode"), runtime)
    assert finding.status is Status.FAIL
    assert finding.evidence["network_mode"] == "PUBLIC"


def test_runtime_read_denied_is_error(aws, run_check):
    runtime = make_runtime(aws)
    aws.simulation.fail(SERVICE, "GetAgentRuntime", DENIED, status=403)
    assert only(run_check("bedrock_agentcore.runtime_vpc_network_mode"), runtime).status is Status.ERROR


def test_runtime_listing_denied_is_error(aws, run_check):
    make_runtime(aws)
    aws.simulation.fail(SERVICE, "ListAgentRuntimes", DENIED, status=403)
    assert only(run_check("bedrock_agentcore.runtime_vpc_network_mode"), ACCOUNT).status is Status.ERROR


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
    finding = only(run_check("bedrock_agentcore.gateway_authorizer"), gateway)
    assert finding.status is Status.PASS
    assert finding.evidence["authorizer_type"] == authorizer


def test_gateway_without_authorizer_fails(aws, run_check):
    gateway = make_gateway(aws, authorizer="NONE")
    assert only(run_check("bedrock_agentcore.gateway_authorizer"), gateway).status is Status.FAIL


def test_gateway_in_second_region_is_judged_there(aws, run_check):
    make_gateway(aws)
    west = make_gateway(aws, "hurried", authorizer="NONE", region="us-west-2")
    findings = run_check("bedrock_agentcore.gateway_authorizer", regions=("us-east-1", "us-west-2"))
    assert only(findings, west).region == "us-west-2"
    assert only(findings, west).status is Status.FAIL


@pytest.mark.parametrize("check_id", ["bedrock_agentcore.gateway_authorizer", "bedrock_agentcore.gateway_cmk"])
def test_gateway_read_denied_is_error(aws, run_check, check_id):
    gateway = make_gateway(aws, kmsKeyArn=cmk(aws))
    aws.simulation.fail(SERVICE, "GetGateway", DENIED, status=403)
    assert only(run_check(check_id), gateway).status is Status.ERROR


def test_gateway_with_cmk_passes(aws, run_check):
    gateway = make_gateway(aws, kmsKeyArn=cmk(aws))
    assert only(run_check("bedrock_agentcore.gateway_cmk"), gateway).status is Status.PASS


def test_gateway_without_cmk_fails(aws, run_check):
    gateway = make_gateway(aws)
    finding = only(run_check("bedrock_agentcore.gateway_cmk"), gateway)
    assert finding.status is Status.FAIL
    assert finding.evidence["kms_key"] is None


# -- memory --------------------------------------------------------------------------------
def make_memory(aws, name="support_memory", **settings):
    return control(aws).create_memory(name=name, eventExpiryDuration=30, **settings)["memory"]["id"]


def test_memory_with_cmk_passes(aws, run_check):
    memory = make_memory(aws, encryptionKeyArn=cmk(aws))
    finding = only(run_check("bedrock_agentcore.memory_cmk"), memory)
    assert finding.status is Status.PASS
    assert finding.evidence["memory_name"] == "support_memory"


def test_memory_without_cmk_fails(aws, run_check):
    memory = make_memory(aws)
    assert only(run_check("bedrock_agentcore.memory_cmk"), memory).status is Status.FAIL


def test_memory_read_denied_is_error(aws, run_check):
    memory = make_memory(aws, encryptionKeyArn=cmk(aws))
    aws.simulation.fail(SERVICE, "GetMemory", DENIED, status=403)
    assert only(run_check("bedrock_agentcore.memory_cmk"), memory).status is Status.ERROR


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
    finding = only(run_check("bedrock_agentcore.browser_not_public"), browser)
    assert finding.status is Status.PASS
    assert finding.evidence["network_mode"] == "VPC"


def test_public_browser_fails(aws, run_check):
    browser = put_browser(aws, mode="PUBLIC")
    assert only(run_check("bedrock_agentcore.browser_not_public"), browser).status is Status.FAIL


def test_recorded_browser_passes(aws, run_check):
    browser = put_browser(aws)
    finding = only(run_check("bedrock_agentcore.browser_session_recording"), browser)
    assert finding.status is Status.PASS
    assert finding.evidence["recording_bucket"] == "acme-browser-recordings"


def test_unrecorded_browser_fails(aws, run_check):
    browser = put_browser(aws, recording=False)
    assert only(run_check("bedrock_agentcore.browser_session_recording"), browser).status is Status.FAIL


@pytest.mark.parametrize("check_id", ["bedrock_agentcore.browser_not_public",
                                      "bedrock_agentcore.browser_session_recording"])
def test_browser_read_denied_is_error(aws, run_check, check_id):
    browser = put_browser(aws)
    aws.simulation.fail(SERVICE, "GetBrowser", DENIED, status=403)
    assert only(run_check(check_id), browser).status is Status.ERROR


def test_browser_listing_denied_is_error(aws, run_check):
    put_browser(aws)
    aws.simulation.fail(SERVICE, "ListBrowsers", DENIED, status=403)
    assert only(run_check("bedrock_agentcore.browser_not_public"), ACCOUNT).status is Status.ERROR


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
    finding = only(run_check("bedrock_agentcore.code_interpreter_private_network"), interpreter)
    assert finding.status is Status.PASS
    assert finding.evidence["network_mode"] == mode


def test_public_code_interpreter_fails(aws, run_check):
    interpreter = put_interpreter(aws, mode="PUBLIC")
    assert only(run_check("bedrock_agentcore.code_interpreter_private_network"), interpreter).status is Status.FAIL


def test_code_interpreter_read_denied_is_error(aws, run_check):
    interpreter = put_interpreter(aws)
    aws.simulation.fail(SERVICE, "GetCodeInterpreter", DENIED, status=403)
    assert only(run_check("bedrock_agentcore.code_interpreter_private_network"), interpreter).status is Status.ERROR
