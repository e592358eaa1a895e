from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"
KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"


def test_encrypted_sagemaker_log_group_passes(aws, run_check):
    aws.client("logs").create_log_group(logGroupName="/aws/sagemaker/TrainingJobs", kmsKeyId=KEY)
    finding = expect(run_check("logs.ai_log_group_kms_encrypted"), "/aws/sagemaker/TrainingJobs", Status.PASS)
    assert finding.evidence["kms_key"] == KEY


def test_unencrypted_bedrock_log_group_fails(aws, run_check):
    aws.client("logs").create_log_group(logGroupName="/aws/bedrock/agents/acme")
    expect(run_check("logs.ai_log_group_kms_encrypted"), "/aws/bedrock/agents/acme", Status.FAIL)


def test_invocation_logging_group_is_in_scope(aws, run_check):
    aws.client("logs").create_log_group(logGroupName="acme-invocations")
    aws.client("bedrock").put_model_invocation_logging_configuration(loggingConfig={
        "cloudWatchConfig": {"logGroupName": "acme-invocations",
                             "roleArn": "arn:aws:iam::123456789012:role/bedrock-logs"},
        "textDataDeliveryEnabled": True})
    finding = expect(run_check("logs.ai_log_group_kms_encrypted"), "acme-invocations", Status.FAIL)
    assert finding.evidence["ai_log_because"] == "bedrock invocation logging"


def test_other_log_groups_are_out_of_scope(aws, run_check):
    aws.client("logs").create_log_group(logGroupName="/aws/lambda/marketing-site")
    assert run_check("logs.ai_log_group_kms_encrypted") == []


def test_log_group_listing_denied_is_error(aws, run_check):
    aws.client("logs").create_log_group(logGroupName="/aws/sagemaker/Endpoints/acme", kmsKeyId=KEY)
    aws.simulation.fail("logs", "DescribeLogGroups", "AccessDeniedException")
    finding = expect(run_check("logs.ai_log_group_kms_encrypted"), ACCOUNT, Status.ERROR)
    assert "logs:DescribeLogGroups" in finding.message


def test_retention_set_passes(aws, run_check):
    logs = aws.client("logs")
    logs.create_log_group(logGroupName="/aws/sagemaker/Endpoints/acme")
    logs.put_retention_policy(logGroupName="/aws/sagemaker/Endpoints/acme", retentionInDays=365)
    finding = expect(run_check("logs.ai_log_group_retention_set"), "/aws/sagemaker/Endpoints/acme", Status.PASS)
    assert finding.evidence["retention_days"] == 365


def test_never_expire_fails(aws, run_check):
    aws.client("logs").create_log_group(logGroupName="/aws/sagemaker/Endpoints/acme")
    expect(run_check("logs.ai_log_group_retention_set"), "/aws/sagemaker/Endpoints/acme", Status.FAIL)


def test_retention_listing_denied_is_error(aws, run_check):
    aws.client("logs").create_log_group(logGroupName="/aws/sagemaker/Endpoints/acme")
    aws.simulation.fail("logs", "DescribeLogGroups", "AccessDeniedException")
    expect(run_check("logs.ai_log_group_retention_set"), ACCOUNT, Status.ERROR)


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
    finding = expect(findings, "/aws/lambda/acme-kb-search-tool", Status.FAIL)
    assert finding.evidence["ai_log_because"] == "agent tool"
    assert [f.resource_id for f in findings] == ["/aws/lambda/acme-kb-search-tool"]


def test_agent_tool_read_denied_is_error(aws, run_check):
    aws.client("logs").create_log_group(logGroupName="/aws/lambda/acme-kb-search-tool")
    agent_with_tool(aws)
    aws.simulation.fail("bedrock-agent", "GetAgentActionGroup", "AccessDeniedException", status=403)
    expect(run_check("logs.ai_log_group_kms_encrypted"), "ai-scope/agent-tools", Status.ERROR)


# -- data protection -------------------------------------------------------------------------------
PROTECTION = "logs.invocation_log_data_protection"
EMAIL = "arn:aws:dataprotection::aws:data-identifier/EmailAddress"
CARD = "arn:aws:dataprotection::aws:data-identifier/CreditCardNumber"


def protection_document(audited=(EMAIL, CARD), masked=(EMAIL, CARD)) -> str:
    import json

    statements = [{"Sid": "audit", "DataIdentifier": list(audited),
                   "Operation": {"Audit": {"FindingsDestination": {}}}}]
    if masked:
        statements.append({"Sid": "redact", "DataIdentifier": list(masked),
                           "Operation": {"Deidentify": {"MaskConfig": {}}}})
    return json.dumps({"Name": "mask-prompts", "Version": "2021-06-01", "Statement": statements})


def invocation_group(aws, name="acme-invocations"):
    aws.client("logs").create_log_group(logGroupName=name)
    aws.client("bedrock").put_model_invocation_logging_configuration(loggingConfig={
        "cloudWatchConfig": {"logGroupName": name, "roleArn": "arn:aws:iam::123456789012:role/bedrock-logs"},
        "textDataDeliveryEnabled": True})


def test_invocation_log_group_that_masks_passes(aws, run_check):
    invocation_group(aws)
    aws.simulation.put("logs", "GetDataProtectionPolicy", {
        "logGroupIdentifier": "acme-invocations", "policyDocument": protection_document()})
    finding = expect(run_check(PROTECTION), "acme-invocations", Status.PASS)
    assert finding.evidence["masked_identifiers"] == ["CreditCardNumber", "EmailAddress"]
    assert finding.evidence["ai_log_because"] == "bedrock invocation logging"


def test_ai_log_group_without_policy_fails(aws, run_check):
    aws.client("logs").create_log_group(logGroupName="/aws/bedrock/agents/acme")
    finding = expect(run_check(PROTECTION), "/aws/bedrock/agents/acme", Status.FAIL)
    assert finding.evidence["own_policy"] is False


def test_account_policy_that_masks_counts(aws, run_check):
    aws.client("logs").create_log_group(logGroupName="/aws/sagemaker/Endpoints/acme")
    aws.simulation.put("logs", "DescribeAccountPolicies", {"accountPolicies": [{
        "policyName": "org-mask", "policyType": "DATA_PROTECTION_POLICY", "scope": "ALL",
        "policyDocument": protection_document()}]})
    expect(run_check(PROTECTION), "/aws/sagemaker/Endpoints/acme", Status.PASS)


def test_data_protection_read_denied_is_error(aws, run_check):
    invocation_group(aws)
    aws.simulation.fail("logs", "GetDataProtectionPolicy", "AccessDeniedException")
    finding = expect(run_check(PROTECTION), "acme-invocations", Status.ERROR)
    assert "logs:GetDataProtectionPolicy" in finding.message


def test_data_protection_judging():
    from posture.checks.logs import judge_data_protection

    assert judge_data_protection([protection_document()])[0] is True
    ok, why, _ = judge_data_protection([protection_document(masked=())])
    assert not ok and "only audits" in why
    ok, why, evidence = judge_data_protection([protection_document(masked=(EMAIL,))])
    assert not ok and evidence["unmasked"] == ["CreditCardNumber"]
    assert judge_data_protection([])[0] is False
    # the log group's own policy audits, the account's masks: together they protect
    assert judge_data_protection([protection_document(masked=()), protection_document(audited=())])[0] is True
    # a Deidentify without MaskConfig masks nothing
    weird = '{"Statement": [{"DataIdentifier": ["x"], "Operation": {"Deidentify": {}}}]}'
    assert judge_data_protection([weird])[0] is False


def test_data_protection_document_that_is_not_json_raises():
    import pytest

    from posture.checks.logs import judge_data_protection

    with pytest.raises(ValueError):
        judge_data_protection(["{not json"])
