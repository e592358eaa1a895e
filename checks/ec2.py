"""Amazon VPC (the ec2 API): private paths from AI workloads to the model."""

from __future__ import annotations

from typing import Any

from checks import sagemaker
from checks._tags import AI_WORKLOAD, flagged, tag_map
from posture.context import CheckContext
from posture.registry import check


def vpcs(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(ctx.paginate("ec2", "describe_vpcs").get("Vpcs", []))


def subnets(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(ctx.paginate("ec2", "describe_subnets").get("Subnets", []))


def vpc_endpoints(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(ctx.paginate("ec2", "describe_vpc_endpoints").get("VpcEndpoints", []))


def ai_vpcs(ctx: CheckContext) -> dict[str, str]:
    """VPC id -> why it counts as running AI workloads (tag or the SageMaker resources in it)."""
    found = {v["VpcId"]: "tagged" for v in vpcs(ctx) if flagged(tag_map(v.get("Tags")), AI_WORKLOAD)}
    subnet_vpc = {s["SubnetId"]: s["VpcId"] for s in subnets(ctx)}
    for subnet in sagemaker.subnet_ids(ctx):
        if subnet in subnet_vpc:
            found.setdefault(subnet_vpc[subnet], "sagemaker")
    for vpc in sagemaker.vpc_ids(ctx):
        found.setdefault(vpc, "sagemaker")
    return found


def interface_endpoint(ctx: CheckContext, vpc_id: str, service_suffix: str) -> dict[str, Any] | None:
    wanted = {f"com.amazonaws.{ctx.region}.{service_suffix}", f"cn.com.amazonaws.{ctx.region}.{service_suffix}"}
    for endpoint in vpc_endpoints(ctx):
        if (endpoint.get("VpcId") == vpc_id and endpoint.get("ServiceName") in wanted
                and endpoint.get("VpcEndpointType") == "Interface"):
            return endpoint
    return None


@check(
    id="ec2.ai_vpc_bedrock_runtime_endpoint",
    title="VPCs running AI workloads reach Bedrock through an interface endpoint",
    description="Every VPC that runs AI workloads has an available interface VPC endpoint for bedrock-runtime.",
    rationale=(
        "Without a PrivateLink endpoint, prompts and completions leave the VPC through a NAT or internet "
        "gateway, and the endpoint policy that could restrict which models are invoked is missing."
    ),
    remediation="`aws ec2 create-vpc-endpoint --vpc-endpoint-type Interface --service-name "
    "com.amazonaws.<region>.bedrock-runtime --vpc-id <vpc> --subnet-ids ... --private-dns-enabled`.",
    service="ec2",
    scope="regional",
    resource_type="AwsEc2Vpc",
    severity="medium",
    boundaries=["application"],
    csf=["PR.IR-01", "PR.DS-02"],
    owasp_llm=["LLM06", "LLM02:2025"],
    permissions=[
        "ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeVpcEndpoints",
        "sagemaker:ListNotebookInstances", "sagemaker:DescribeNotebookInstance", "sagemaker:ListTrainingJobs",
        "sagemaker:DescribeTrainingJob", "sagemaker:ListModels", "sagemaker:DescribeModel",
        "sagemaker:ListDomains", "sagemaker:DescribeDomain",
    ],
)
def ai_vpc_bedrock_runtime_endpoint(ctx: CheckContext) -> None:
    for vpc_id, why in sorted(ai_vpcs(ctx).items()):
        with ctx.resource(vpc_id, arn=ctx.arn("ec2", f"vpc/{vpc_id}")):
            endpoint = interface_endpoint(ctx, vpc_id, "bedrock-runtime")
            evidence = {"ai_workload_because": why}
            if endpoint and endpoint.get("State", "").lower() == "available":
                ctx.passed(f"interface endpoint {endpoint['VpcEndpointId']} serves bedrock-runtime", evidence)
            elif endpoint:
                ctx.failed(f"the bedrock-runtime endpoint is {endpoint.get('State')}", evidence)
            else:
                ctx.failed("no interface endpoint for bedrock-runtime", evidence)
