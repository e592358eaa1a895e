import json

import pytest

from posture.checks.ec2 import grants_everything
from posture.core.models import Status
from tests.checks.test_awslambda import make_agent_tool, make_function
from tests.support.findings import expect, only

ACCOUNT = "123456789012"
REGION = "us-east-1"


def ai_vpc(aws, region: str = REGION) -> tuple[str, str]:
    """(vpc id, subnet id) of a VPC tagged as running AI workloads."""
    ec2 = aws.client("ec2", region)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "posture:ai-workload", "Value": "chatbot"}])
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    return vpc, subnet


def endpoint(aws, vpc: str, subnet: str, suffix: str, policy: dict | None = None) -> str:
    params = {"VpcId": vpc, "ServiceName": f"com.amazonaws.{REGION}.{suffix}", "VpcEndpointType": "Interface",
              "SubnetIds": [subnet]}
    if policy:
        params["PolicyDocument"] = json.dumps(policy)
    return aws.client("ec2").create_vpc_endpoint(**params)["VpcEndpoint"]["VpcEndpointId"]


# -- which VPCs are AI VPCs ------------------------------------------------------------------
def test_untagged_vpc_without_ai_workloads_is_out_of_scope(aws, run_check):
    aws.client("ec2").create_vpc(CidrBlock="10.9.0.0/16")
    assert run_check("ec2.ai_vpc_bedrock_runtime_endpoint") == []


def test_vpc_of_an_agent_tool_counts(aws, run_check):
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    make_agent_tool(aws, make_function(aws, "kb-search", subnets=[subnet]))
    finding = expect(run_check("ec2.ai_vpc_bedrock_runtime_endpoint"), vpc, Status.FAIL)
    assert finding.evidence["ai_workload_because"] == "agent tool kb-search"


def test_vpc_of_a_sagemaker_notebook_counts(aws, run_check):
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.2.1.0/24")["Subnet"]["SubnetId"]
    aws.client("sagemaker").create_notebook_instance(
        NotebookInstanceName="research", InstanceType="ml.t3.medium", SubnetId=subnet, SecurityGroupIds=[],
        RoleArn="arn:aws:iam::123456789012:role/sm")
    assert only(run_check("ec2.ai_vpc_flow_logs_enabled"), vpc).evidence["ai_workload_because"] == "sagemaker"


# -- interface endpoints ---------------------------------------------------------------------
ENDPOINT_CHECKS = [
    ("ec2.ai_vpc_bedrock_runtime_endpoint", "bedrock-runtime"),
    ("ec2.ai_vpc_bedrock_agent_runtime_endpoint", "bedrock-agent-runtime"),
    ("ec2.ai_vpc_sagemaker_runtime_endpoint", "sagemaker.runtime"),
]


@pytest.mark.parametrize(("check_id", "suffix"), ENDPOINT_CHECKS)
def test_interface_endpoint_passes(aws, run_check, check_id, suffix):
    vpc, subnet = ai_vpc(aws)
    endpoint(aws, vpc, subnet, suffix)
    expect(run_check(check_id), vpc, Status.PASS)


@pytest.mark.parametrize(("check_id", "suffix"), ENDPOINT_CHECKS)
def test_missing_interface_endpoint_fails(aws, run_check, check_id, suffix):
    vpc, subnet = ai_vpc(aws)
    other = "sagemaker.runtime" if suffix != "sagemaker.runtime" else "bedrock-runtime"
    endpoint(aws, vpc, subnet, other)  # an endpoint for another service does not count
    finding = expect(run_check(check_id), vpc, Status.FAIL)
    assert suffix in finding.message


@pytest.mark.parametrize(("check_id", "suffix"), ENDPOINT_CHECKS)
def test_endpoint_access_denied_is_error(aws, run_check, check_id, suffix):
    vpc, subnet = ai_vpc(aws)
    endpoint(aws, vpc, subnet, suffix)
    aws.simulation.fail("ec2", "DescribeVpcEndpoints", "UnauthorizedOperation", status=403)
    finding = expect(run_check(check_id), vpc, Status.ERROR)
    assert "ec2:DescribeVpcEndpoints" in finding.message


# -- endpoint policies -----------------------------------------------------------------------
POLICY = "ec2.ai_endpoint_policy_restricted"
RESTRICTED = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": "*", "Action": ["bedrock:InvokeModel"],
    "Resource": ["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"],
    "Condition": {"StringEquals": {"aws:PrincipalAccount": "123456789012"}}}]}


def test_restricted_endpoint_policy_passes(aws, run_check):
    vpc, subnet = ai_vpc(aws)
    endpoint_id = endpoint(aws, vpc, subnet, "bedrock-runtime", RESTRICTED)
    expect(run_check(POLICY), endpoint_id, Status.PASS)


def test_default_endpoint_policy_fails(aws, run_check):
    vpc, subnet = ai_vpc(aws)
    endpoint_id = endpoint(aws, vpc, subnet, "bedrock-agent-runtime")
    finding = expect(run_check(POLICY), endpoint_id, Status.FAIL)
    assert finding.evidence["service"] == "bedrock-agent-runtime"


def test_endpoints_of_other_services_and_vpcs_are_out_of_scope(aws, run_check):
    vpc, subnet = ai_vpc(aws)
    endpoint(aws, vpc, subnet, "ssm")
    ec2 = aws.client("ec2")
    plain = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    plain_subnet = ec2.create_subnet(VpcId=plain, CidrBlock="10.5.1.0/24")["Subnet"]["SubnetId"]
    endpoint(aws, plain, plain_subnet, "bedrock-runtime")
    assert run_check(POLICY) == []


def test_endpoint_policy_access_denied_is_error(aws, run_check):
    vpc, subnet = ai_vpc(aws)
    endpoint(aws, vpc, subnet, "bedrock-runtime")
    aws.simulation.fail("ec2", "DescribeVpcEndpoints", "UnauthorizedOperation", status=403)
    expect(run_check(POLICY), ACCOUNT, Status.ERROR)


def test_grants_everything():
    assert grants_everything(None)
    assert grants_everything(json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*", "Resource": "*"}]}))
    assert not grants_everything(RESTRICTED)


def test_endpoint_policy_for_aws_star_list_fails(aws, run_check):
    """Regression (issue 9): {"AWS": ["*"]} was not seen as everyone."""
    vpc, subnet = ai_vpc(aws)
    endpoint_id = endpoint(aws, vpc, subnet, "bedrock-runtime", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "*", "Resource": "*"}]})
    expect(run_check(POLICY), endpoint_id, Status.FAIL)


def test_grants_everything_judges_conditions_by_value():
    def policy(condition):
        return {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
                               "Condition": condition}]}

    assert grants_everything(policy({"Bool": {"aws:SecureTransport": "true"}}))
    assert not grants_everything(policy({"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}))
    assert grants_everything(policy({"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123"}}))


# -- flow logs -------------------------------------------------------------------------------
FLOW = "ec2.ai_vpc_flow_logs_enabled"


def flow_log(aws, vpc: str) -> None:
    aws.client("s3").create_bucket(Bucket="acme-flow-logs")
    created = aws.client("ec2").create_flow_logs(
        ResourceType="VPC", ResourceIds=[vpc], TrafficType="ALL", LogDestinationType="s3",
        LogDestination="arn:aws:s3:::acme-flow-logs")
    assert created["FlowLogIds"]


def test_vpc_with_flow_log_passes(aws, run_check):
    vpc, _ = ai_vpc(aws)
    flow_log(aws, vpc)
    expect(run_check(FLOW), vpc, Status.PASS)


def test_vpc_without_flow_log_fails(aws, run_check):
    vpc, _ = ai_vpc(aws)
    flow_log(aws, aws.client("ec2").create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"])  # another VPC's
    expect(run_check(FLOW), vpc, Status.FAIL)


def test_flow_logs_access_denied_is_error(aws, run_check):
    vpc, _ = ai_vpc(aws)
    aws.simulation.fail("ec2", "DescribeFlowLogs", "UnauthorizedOperation", status=403)
    finding = expect(run_check(FLOW), vpc, Status.ERROR)
    assert "ec2:DescribeFlowLogs" in finding.message
