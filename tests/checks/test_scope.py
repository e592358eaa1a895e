"""The AI scope (checks/_scope.py): one failed source is one gap, the other sources still count.

Issue 9: one denied `bedrock:ListAgentActionGroups` turned every AI-role, AI-VPC and agent-tool
check into one account ERROR, so roles trusted by SageMaker with `Action: *` were never judged.
"""

import json

from posture.checks._scope import Gap
from posture.core.models import Status
from tests.checks.test_awslambda import make_agent_tool, make_function, make_role
from tests.support.findings import expect

ACCOUNT = "123456789012"
REGIONS = ("us-east-1", "us-west-2")


def admin_policy(aws, role: str) -> None:
    aws.client("iam").put_role_policy(RoleName=role, PolicyName="app", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))


def scope_errors(findings, check_id):
    return [f for f in findings if f.check_id == check_id and f.resource_id.startswith("ai-scope/")]


def test_denied_action_groups_leave_roles_trusted_by_ai_services_judged(aws, run_check):
    """Regression: deny bedrock:ListAgentActionGroups in one region; the SageMaker and Bedrock roles
    are judged (FAIL and PASS), the agent tool's role cannot be found, and exactly one ERROR names
    the missing source and its region."""
    make_role(aws, "sm-role", "sagemaker.amazonaws.com")
    admin_policy(aws, "sm-role")
    make_role(aws, "kb-role", "bedrock.amazonaws.com")
    tool_role = make_role(aws, "tool-role")
    admin_policy(aws, "tool-role")
    make_agent_tool(aws, make_function(aws, "kb-search", role=tool_role, region="us-west-2"), region="us-west-2")
    aws.simulation.fail("bedrock-agent", "ListAgentActionGroups", "AccessDeniedException", status=403,
                        region="us-west-2")
    findings = run_check("iam.ai_role_no_admin_access", regions=REGIONS)
    expect(findings, "sm-role", Status.FAIL)
    expect(findings, "kb-role", Status.PASS)
    assert [f.resource_id for f in findings if f.resource_id == "tool-role"] == []
    assert [f.resource_id for f in findings if f.status is Status.ERROR] == ["ai-scope/agent-tools"]
    gap = expect(findings, "ai-scope/agent-tools", Status.ERROR)
    assert gap.region == "us-west-2"
    assert gap.message.startswith("AI roles from Bedrock agent tools in us-west-2 could not be read: access denied")
    assert "bedrock:ListAgentActionGroups" in gap.message


def test_without_the_fault_the_tool_role_is_judged_and_no_gap(aws, run_check):
    tool_role = make_role(aws, "tool-role")
    admin_policy(aws, "tool-role")
    make_agent_tool(aws, make_function(aws, "kb-search", role=tool_role, region="us-west-2"), region="us-west-2")
    findings = run_check("iam.ai_role_no_admin_access", regions=REGIONS)
    expect(findings, "tool-role", Status.FAIL)
    assert scope_errors(findings, "iam.ai_role_no_admin_access") == []


def test_denied_action_groups_leave_tagged_vpcs_judged(aws, run_check):
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": [
        {"Key": "posture:ai-workload", "Value": "rag"}]}])["Vpc"]["VpcId"]
    make_agent_tool(aws, make_function(aws, "kb-search"))
    aws.simulation.fail("bedrock-agent", "ListAgentActionGroups", "AccessDeniedException", status=403)
    findings = run_check("ec2.ai_vpc_flow_logs_enabled")
    expect(findings, vpc, Status.FAIL)
    [gap] = scope_errors(findings, "ec2.ai_vpc_flow_logs_enabled")
    assert gap.status is Status.ERROR
    assert gap.message.startswith("AI VPCs from Bedrock agent tools in us-east-1 could not be read")


def test_denied_knowledge_bases_leave_tagged_buckets_judged(aws, run_check):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="acme-train")
    s3.put_bucket_tagging(Bucket="acme-train", Tagging={"TagSet": [{"Key": "posture:ai-data", "Value": "x"}]})
    aws.simulation.fail("bedrock-agent", "ListKnowledgeBases", "AccessDeniedException", status=403)
    findings = run_check("s3.ai_bucket_versioning_enabled")
    expect(findings, "acme-train", Status.FAIL)
    [gap] = scope_errors(findings, "s3.ai_bucket_versioning_enabled")
    assert gap.region == "us-east-1"
    assert "AI buckets from Bedrock knowledge-base data sources in us-east-1" in gap.message


def test_denied_invocation_logging_leaves_prefixed_log_groups_judged(aws, run_check):
    aws.client("logs").create_log_group(logGroupName="/aws/bedrock/agents/support")
    aws.simulation.fail("bedrock", "GetModelInvocationLoggingConfiguration", "AccessDeniedException", status=403)
    findings = run_check("logs.ai_log_group_retention_set")
    expect(findings, "/aws/bedrock/agents/support", Status.FAIL)
    [gap] = scope_errors(findings, "logs.ai_log_group_retention_set")
    assert "AI log groups from Bedrock invocation logging" in gap.message


def test_gap_message_names_source_and_region():
    gap = Gap("agent-tools", "AI roles from Bedrock agent tools", ("bedrock-agent",), "eu-west-1", "access denied")
    assert gap.message == "AI roles from Bedrock agent tools in eu-west-1 could not be read: access denied"
