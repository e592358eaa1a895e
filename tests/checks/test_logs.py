from posture.core.models import Status
from tests.conftest import only

KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"


def test_encrypted_sagemaker_log_group_passes(aws, run_check):
    aws.client("logs").create_log_group(logGroupName="/aws/sagemaker/TrainingJobs", kmsKeyId=KEY)
    finding = only(run_check("logs.ai_log_group_kms_encrypted"), "/aws/sagemaker/TrainingJobs")
    assert finding.status is Status.PASS
    assert finding.evidence["kms_key"] == KEY


def test_unencrypted_bedrock_log_group_fails(aws, run_check):
    aws.client("logs").create_log_group(logGroupName="/aws/bedrock/agents/acme")
    assert only(run_check("logs.ai_log_group_kms_encrypted"), "/aws/bedrock/agents/acme").status is Status.FAIL


def test_invocation_logging_group_is_in_scope(aws, run_check):
    aws.client("logs").create_log_group(logGroupName="acme-invocations")
    aws.client("bedrock").put_model_invocation_logging_configuration(loggingConfig={
        "cloudWatchConfig": {"logGroupName": "acme-invocations",
                             "roleArn": "arn:aws:iam::123456789012:role/bedrock-logs"},
        "textDataDeliveryEnabled": True})
    finding = only(run_check("logs.ai_log_group_kms_encrypted"), "acme-invocations")
    assert finding.status is Status.FAIL
    assert finding.evidence["ai_log_because"] == "bedrock invocation logging"


def test_other_log_groups_are_out_of_scope(aws, run_check):
    aws.client("logs").create_log_group(logGroupName="/aws/lambda/marketing-site")
    assert run_check("logs.ai_log_group_kms_encrypted") == []


def test_log_group_listing_denied_is_error(aws, run_check):
    aws.client("logs").create_log_group(logGroupName="/aws/sagemaker/Endpoints/acme", kmsKeyId=KEY)
    aws.simulation.fail("logs", "DescribeLogGroups", "AccessDeniedException")
    [finding] = run_check("logs.ai_log_group_kms_encrypted")
    assert finding.status is Status.ERROR
    assert "logs:DescribeLogGroups" in finding.message


def test_retention_set_passes(aws, run_check):
    logs = aws.client("logs")
    logs.create_log_group(logGroupName="/aws/sagemaker/Endpoints/acme")
    logs.put_retention_policy(logGroupName="/aws/sagemaker/Endpoints/acme", retentionInDays=365)
    finding = only(run_check("logs.ai_log_group_retention_set"), "/aws/sagemaker/Endpoints/acme")
    assert finding.status is Status.PASS
    assert finding.evidence["retention_days"] == 365


def test_never_expire_fails(aws, run_check):
    aws.client("logs").create_log_group(logGroupName="/aws/sagemaker/Endpoints/acme")
    assert only(run_check("logs.ai_log_group_retention_set"), "/aws/sagemaker/Endpoints/acme").status is Status.FAIL


def test_retention_listing_denied_is_error(aws, run_check):
    aws.client("logs").create_log_group(logGroupName="/aws/sagemaker/Endpoints/acme")
    aws.simulation.fail("logs", "DescribeLogGroups", "AccessDeniedException")
    [finding] = run_check("logs.ai_log_group_retention_set")
    assert finding.status is Status.ERROR


def agent_with_tool(aws, function_name="acme-kb-search-tool", region="us-east-1"):
    """A Bedrock agent whose action group runs `function_name` (action groups are simulated)."""
    agent = aws.client("bedrock-agent", region).create_agent(
        agentName="acme-agent", foundationModel="anthropic.claude-3-haiku-20240307-v1:0",
        agentResourceRoleArn="arn:aws:iam::123456789012:role/agent")["agent"]["agentId"]
    function_arn = f"arn:aws:lambda:{region}:123456789012:function:{function_name}"
    aws.simulation.put("bedrock-agent", "ListAgentActionGroups", {"actionGroupSummaries": [
        {"actionGroupId": "AG00000001", "actionGroupName": "tools", "actionGroupState": "ENABLED",
         "updatedAt": "2026-11-01T00:00:00Z"}]}, region=region, agentId=agent, agentVersion="DRAFT")
    aws.simulation.put("bedrock-agent", "GetAgentActionGroup", {"agentActionGroup": {
        "agentId": agent, "agentVersion": "DRAFT", "actionGroupId": "AG00000001", "actionGroupName": "tools",
        "actionGroupState": "ENABLED", "actionGroupExecutor": {"lambda": function_arn},
        "createdAt": "2026-11-01T00:00:00Z", "updatedAt": "2026-11-01T00:00:00Z"}},
        region=region, agentId=agent, agentVersion="DRAFT", actionGroupId="AG00000001")
    return agent


def test_agent_tool_log_group_is_in_scope(aws, run_check):
    logs = aws.client("logs")
    logs.create_log_group(logGroupName="/aws/lambda/acme-kb-search-tool")
    logs.create_log_group(logGroupName="/aws/lambda/acme-marketing")
    agent_with_tool(aws)
    findings = run_check("logs.ai_log_group_retention_set")
    finding = only(findings, "/aws/lambda/acme-kb-search-tool")
    assert finding.status is Status.FAIL
    assert finding.evidence["ai_log_because"] == "agent tool"
    assert [f.resource_id for f in findings] == ["/aws/lambda/acme-kb-search-tool"]


def test_agent_tool_read_denied_is_error(aws, run_check):
    aws.client("logs").create_log_group(logGroupName="/aws/lambda/acme-kb-search-tool")
    agent_with_tool(aws)
    aws.simulation.fail("bedrock-agent", "GetAgentActionGroup", "AccessDeniedException", status=403)
    [finding] = run_check("logs.ai_log_group_kms_encrypted")
    assert finding.status is Status.ERROR
