import io
import json
import zipfile
from datetime import date

import pytest

from posture.checks.awslambda import invoke_grants_beyond_agent, plain_secret_names, runtime_deprecated
from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"
OTHER = "999999999999"
FAKE_KEY = "sk-proj-FAKE0000notarealkey0000"


def make_role(aws, name: str, service: str = "lambda.amazonaws.com") -> str:
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}
    return aws.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]


def make_function(aws, name: str, *, role: str | None = None, region: str = "us-east-1", runtime: str = "python3.12",
                  variables: dict | None = None, subnets: list | None = None) -> str:
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("handler.py", "def handle(event, context):\n    return {}\n")
    params: dict = {"FunctionName": name, "Runtime": runtime, "Handler": "handler.handle",
                    "Role": role or make_role(aws, f"{name}-role"), "Code": {"ZipFile": code.getvalue()}}
    if variables is not None:
        params["Environment"] = {"Variables": variables}
    if subnets:
        params["VpcConfig"] = {"SubnetIds": subnets, "SecurityGroupIds": []}
    return aws.client("lambda", region).create_function(**params)["FunctionArn"]


def make_agent_tool(aws, function_arn: str, region: str = "us-east-1") -> str:
    """A Bedrock agent whose DRAFT action group runs `function_arn` (action groups are simulated)."""
    agent = aws.client("bedrock-agent", region).create_agent(
        agentName=f"agent-{function_arn.rsplit(':', 1)[-1]}", foundationModel="anthropic.claude-3-haiku-20240307-v1:0",
        agentResourceRoleArn=f"arn:aws:iam::{ACCOUNT}:role/agent-role")["agent"]["agentId"]
    aws.simulation.put("bedrock-agent", "ListAgentActionGroups", {"actionGroupSummaries": [
        {"actionGroupId": "AG00000001", "actionGroupName": "tools", "actionGroupState": "ENABLED",
         "updatedAt": "2026-11-01T00:00:00Z"}]}, region=region, agentId=agent, agentVersion="DRAFT")
    aws.simulation.put("bedrock-agent", "GetAgentActionGroup", {"agentActionGroup": {
        "agentId": agent, "agentVersion": "DRAFT", "actionGroupId": "AG00000001", "actionGroupName": "tools",
        "actionGroupState": "ENABLED", "actionGroupExecutor": {"lambda": function_arn},
        "createdAt": "2026-11-01T00:00:00Z", "updatedAt": "2026-11-01T00:00:00Z"}},
        region=region, agentId=agent, agentVersion="DRAFT", actionGroupId="AG00000001")
    return agent


# -- function URLs ---------------------------------------------------------------------------
URL = "lambda.function_url_auth_required"


def test_function_url_with_iam_auth_passes(aws, run_check):
    make_function(aws, "chat")
    aws.client("lambda").create_function_url_config(FunctionName="chat", AuthType="AWS_IAM")
    expect(run_check(URL), "chat", Status.PASS)


def test_public_function_url_fails(aws, run_check):
    make_function(aws, "research")
    aws.client("lambda").create_function_url_config(FunctionName="research", AuthType="NONE")
    finding = expect(run_check(URL), "research", Status.FAIL)
    assert finding.evidence["auth_type"] == "NONE"


def test_function_without_url_is_out_of_scope(aws, run_check):
    make_function(aws, "internal")
    assert run_check(URL) == []


def test_function_url_access_denied_is_error(aws, run_check):
    make_function(aws, "research")
    aws.simulation.fail("lambda", "GetFunctionUrlConfig", "AccessDeniedException", status=403)
    finding = expect(run_check(URL), "research", Status.ERROR)
    assert "lambda:GetFunctionUrlConfig" in finding.message


# -- secrets in environment variables --------------------------------------------------------
ENV = "lambda.no_plaintext_secret_env_vars"


def test_secret_references_pass(aws, run_check):
    make_function(aws, "tool", variables={
        "OPENAI_API_KEY_SECRET_ARN": f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:openai-AbCdEf",
        "MODEL_ID": "anthropic.claude-3-haiku", "TOKEN_LIMIT": "4096"})
    expect(run_check(ENV), "tool", Status.PASS)


def test_plain_api_key_fails_without_showing_the_value(aws, run_check):
    make_function(aws, "tool", variables={"OPENAI_API_KEY": FAKE_KEY, "LOG_LEVEL": "info"})
    finding = expect(run_check(ENV), "tool", Status.FAIL)
    assert finding.evidence["secret_named_variables"] == ["OPENAI_API_KEY"]
    assert FAKE_KEY not in finding.model_dump_json()


def test_env_listing_access_denied_is_error(aws, run_check):
    make_function(aws, "tool", variables={"OPENAI_API_KEY": FAKE_KEY})
    aws.simulation.fail("lambda", "ListFunctions", "AccessDeniedException", status=403)
    finding = expect(run_check(ENV), ACCOUNT, Status.ERROR)
    assert FAKE_KEY not in finding.model_dump_json()


def test_plain_secret_names_judges_names_and_reference_values():
    variables = {"DB_PASSWORD": "hunter2", "GITHUB_TOKEN": "{{resolve:secretsmanager:gh}}",
                 "HF_TOKEN_PARAMETER": "/acme/hf", "PRIVATE_KEY": "", "ANTHROPIC_API_KEY": "x", "REGION": "eu"}
    assert plain_secret_names(variables) == ["ANTHROPIC_API_KEY", "DB_PASSWORD"]


# -- agent tool resource policies ------------------------------------------------------------
POLICY = "lambda.agent_tool_invoke_scoped"


def test_tool_invocable_only_by_its_agent_passes(aws, run_check):
    arn = make_function(aws, "kb-search")
    agent = make_agent_tool(aws, arn)
    aws.client("lambda").add_permission(
        FunctionName="kb-search", StatementId="agent", Action="lambda:InvokeFunction",
        Principal="bedrock.amazonaws.com", SourceArn=f"arn:aws:bedrock:us-east-1:{ACCOUNT}:agent/{agent}",
        SourceAccount=ACCOUNT)
    finding = expect(run_check(POLICY), "kb-search", Status.PASS)
    assert finding.evidence["agent_id"] == agent


def test_tool_open_to_any_bedrock_agent_fails(aws, run_check):
    arn = make_function(aws, "kb-search")
    make_agent_tool(aws, f"{arn}:live")  # an alias-qualified executor names the same function
    aws.client("lambda").add_permission(FunctionName="kb-search", StatementId="agent",
                                        Action="lambda:InvokeFunction", Principal="bedrock.amazonaws.com")
    finding = expect(run_check(POLICY), "kb-search", Status.FAIL)
    assert "bedrock.amazonaws.com" in finding.message


def test_functions_that_are_no_tools_are_out_of_scope(aws, run_check):
    make_function(aws, "unrelated")
    assert run_check(POLICY) == []


def test_tool_policy_access_denied_is_error(aws, run_check):
    make_agent_tool(aws, make_function(aws, "kb-search"))
    aws.simulation.fail("lambda", "GetPolicy", "AccessDeniedException", status=403)
    finding = expect(run_check(POLICY), "kb-search", Status.ERROR)
    assert "lambda:GetPolicy" in finding.message


def test_action_group_access_denied_is_error_not_pass(aws, run_check):
    make_agent_tool(aws, make_function(aws, "kb-search"))
    aws.simulation.fail("bedrock-agent", "GetAgentActionGroup", "AccessDeniedException", status=403)
    expect(run_check(POLICY), "ai-scope/agent-tools", Status.ERROR)


def _invoke_policy(principal, condition=None):
    statement = {"Effect": "Allow", "Principal": principal, "Action": "lambda:InvokeFunction", "Resource": "*"}
    if condition:
        statement["Condition"] = condition
    return {"Statement": [statement]}


def test_invoke_grants_beyond_agent():
    policy = _invoke_policy
    assert invoke_grants_beyond_agent(policy("*"), ACCOUNT) == ["anyone (Principal *)"]
    assert invoke_grants_beyond_agent(policy({"AWS": "arn:aws:iam::999999999999:root"}), ACCOUNT) == [
        "account 999999999999"]
    assert invoke_grants_beyond_agent(policy({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), ACCOUNT) == []
    scoped = {"StringEquals": {"AWS:SourceAccount": ACCOUNT}}
    assert invoke_grants_beyond_agent(policy({"Service": "bedrock.amazonaws.com"}, scoped), ACCOUNT) == []
    assert invoke_grants_beyond_agent(None, ACCOUNT) == []
    assert invoke_grants_beyond_agent(json.dumps(policy("*")), ACCOUNT) == ["anyone (Principal *)"]


def test_scoping_condition_counts_by_value_not_by_key():
    """Regression (issue 9): any SourceAccount/SourceArn key used to count, whatever its value or operator."""
    bedrock = {"Service": "bedrock.amazonaws.com"}
    assert invoke_grants_beyond_agent(_invoke_policy(bedrock, {"StringEquals": {"aws:SourceAccount": OTHER}}),
                                      ACCOUNT) == [f"bedrock.amazonaws.com for {OTHER} (another account)"]
    assert invoke_grants_beyond_agent(
        _invoke_policy(bedrock, {"StringEqualsIfExists": {"aws:SourceAccount": ACCOUNT}}), ACCOUNT)
    assert invoke_grants_beyond_agent(
        _invoke_policy(bedrock, {"ArnLike": {"aws:SourceArn": "arn:aws:bedrock:*:*:agent/*"}}), ACCOUNT)
    assert invoke_grants_beyond_agent(_invoke_policy("*", {"StringEquals": {"aws:PrincipalOrgID": "o-x"}}), ACCOUNT)
    assert invoke_grants_beyond_agent(
        _invoke_policy(bedrock, {"ArnLike": {"aws:SourceArn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:agent/*"}}),
        ACCOUNT) == []


def test_tool_with_foreign_source_account_fails(aws, run_check):
    """Regression (issue 9): a SourceAccount of another account passed as "limited to ... this account"."""
    arn = make_function(aws, "kb-search")
    make_agent_tool(aws, arn)
    aws.client("lambda").add_permission(FunctionName="kb-search", StatementId="agent",
                                        Action="lambda:InvokeFunction", Principal="bedrock.amazonaws.com",
                                        SourceAccount=OTHER)
    finding = expect(run_check(POLICY), "kb-search", Status.FAIL)
    assert f"bedrock.amazonaws.com for {OTHER} (another account)" in finding.evidence["grants"]


def test_tool_invocable_by_cross_account_role_fails(aws, run_check):
    """Regression (issue 9): a role ARN of another account as principal passed."""
    arn = make_function(aws, "kb-search")
    make_agent_tool(aws, arn)
    aws.client("lambda").add_permission(FunctionName="kb-search", StatementId="partner",
                                        Action="lambda:InvokeFunction", Principal=f"arn:aws:iam::{OTHER}:role/caller")
    finding = expect(run_check(POLICY), "kb-search", Status.FAIL)
    assert finding.evidence["grants"] == [f"arn:aws:iam::{OTHER}:role/caller (account {OTHER})"]


@pytest.fixture
def simulated_get_policy(aws):
    """Lambda GetPolicy answered by the simulation layer for this test only (moto keeps one policy per
    function, whatever the qualifier)."""
    def simulate(default):
        aws.simulation.simulate("lambda", "GetPolicy", default)
    yield simulate
    with aws.simulation._lock:
        aws.simulation._defaults.pop(("lambda", "GetPolicy"), None)


def test_qualified_executor_is_judged_by_its_alias_policy(aws, run_check, simulated_get_policy):
    """Regression (issue 9): an executor `...:function:name:live` was judged by the unqualified policy only."""
    arn = make_function(aws, "kb-search")
    agent = make_agent_tool(aws, f"{arn}:live")
    scoped = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "agent", "Effect": "Allow", "Principal": {"Service": "bedrock.amazonaws.com"},
        "Action": "lambda:InvokeFunction", "Resource": arn,
        "Condition": {"ArnLike": {"AWS:SourceArn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:agent/{agent}"}}}]})
    open_alias = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "open", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction",
        "Resource": f"{arn}:live"}]})
    simulated_get_policy({"Policy": scoped, "RevisionId": "1"})
    aws.simulation.put("lambda", "GetPolicy", {"Policy": open_alias, "RevisionId": "2"},
                       FunctionName="kb-search:live")
    finding = expect(run_check(POLICY), "kb-search", Status.FAIL)
    assert finding.evidence["grants"] == ["anyone (Principal *) (via live)"]
    assert finding.evidence["qualifiers"] == ["live"]


def test_action_groups_of_routed_versions_are_read(aws, run_check):
    """Regression (issue 9): only DRAFT action groups were read; a live alias on version 3 runs another tool."""
    make_agent_tool(aws, make_function(aws, "draft-tool"))
    agent = aws.client("bedrock-agent").list_agents()["agentSummaries"][0]["agentId"]
    live = make_function(aws, "live-tool")
    aws.simulation.put("bedrock-agent", "ListAgentAliases", {"agentAliasSummaries": [{
        "agentAliasId": "LIVE000001", "agentAliasName": "live", "agentAliasStatus": "PREPARED",
        "routingConfiguration": [{"agentVersion": "3"}], "createdAt": "2026-11-01T00:00:00Z",
        "updatedAt": "2026-11-01T00:00:00Z"}]}, agentId=agent)
    aws.simulation.put("bedrock-agent", "ListAgentActionGroups", {"actionGroupSummaries": [
        {"actionGroupId": "AG00000003", "actionGroupName": "tools", "actionGroupState": "ENABLED",
         "updatedAt": "2026-11-01T00:00:00Z"}]}, agentId=agent, agentVersion="3")
    aws.simulation.put("bedrock-agent", "GetAgentActionGroup", {"agentActionGroup": {
        "agentId": agent, "agentVersion": "3", "actionGroupId": "AG00000003", "actionGroupName": "tools",
        "actionGroupState": "ENABLED", "actionGroupExecutor": {"lambda": live},
        "createdAt": "2026-11-01T00:00:00Z", "updatedAt": "2026-11-01T00:00:00Z"}},
        agentId=agent, agentVersion="3", actionGroupId="AG00000003")
    aws.client("lambda").add_permission(FunctionName="live-tool", StatementId="open",
                                        Action="lambda:InvokeFunction", Principal="*")
    findings = run_check(POLICY)
    expect(findings, "live-tool", Status.FAIL)
    expect(findings, "draft-tool", Status.PASS)


# -- runtimes --------------------------------------------------------------------------------
RUNTIME = "lambda.supported_runtime"


def test_supported_runtime_passes(aws, run_check):
    make_function(aws, "tool", runtime="python3.12")
    expect(run_check(RUNTIME), "tool", Status.PASS)


def test_deprecated_runtime_fails(aws, run_check):
    make_function(aws, "legacy", runtime="python3.8")
    finding = expect(run_check(RUNTIME), "legacy", Status.FAIL)
    assert finding.evidence["deprecated_on"] == "2024-10-14"


def test_runtime_listing_access_denied_is_error(aws, run_check):
    make_function(aws, "legacy", runtime="python3.8")
    aws.simulation.fail("lambda", "ListFunctions", "AccessDeniedException", status=403)
    expect(run_check(RUNTIME), ACCOUNT, Status.ERROR)


def test_runtime_deprecation_is_by_date():
    assert runtime_deprecated("nodejs20.x", today=date(2026, 4, 29)) is None
    assert runtime_deprecated("nodejs20.x", today=date(2026, 4, 30)) == date(2026, 4, 30)
    assert runtime_deprecated("python3.13", today=date(2030, 1, 1)) is None
