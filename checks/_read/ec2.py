"""Amazon VPC reads (the ec2 API): VPCs, subnets, VPC endpoints, flow logs and the instances running in VPCs."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Kind, Service

EC2 = Service("ec2")
DESCRIBE_VPCS = EC2.read("DescribeVpcs", path="Vpcs", paginate=True)
DESCRIBE_SUBNETS = EC2.read("DescribeSubnets", path="Subnets", paginate=True)
DESCRIBE_VPC_ENDPOINTS = EC2.read("DescribeVpcEndpoints", path="VpcEndpoints", paginate=True)
DESCRIBE_FLOW_LOGS = EC2.read("DescribeFlowLogs", path="FlowLogs", paginate=True)
DESCRIBE_INSTANCES = EC2.read("DescribeInstances", path="Reservations", paginate=True)
VPC = Kind("vpc", list=DESCRIBE_VPCS, id="VpcId")
SUBNET = Kind("subnet", list=DESCRIBE_SUBNETS, id="SubnetId")
# An endpoint's policy document comes with its listing (PolicyDocument): no read of its own.
VPC_ENDPOINT = Kind("vpc endpoint", list=DESCRIBE_VPC_ENDPOINTS, id="VpcEndpointId")
FLOW_LOG = Kind("flow log", list=DESCRIBE_FLOW_LOGS, id="FlowLogId")


def vpcs(ctx: CheckContext) -> list[dict[str, Any]]:
    return VPC.all(ctx)


def subnets(ctx: CheckContext) -> list[dict[str, Any]]:
    return SUBNET.all(ctx)


def vpc_endpoints(ctx: CheckContext) -> list[dict[str, Any]]:
    return VPC_ENDPOINT.all(ctx)


def flow_logs(ctx: CheckContext) -> list[dict[str, Any]]:
    return FLOW_LOG.all(ctx)


def endpoint_service(ctx: CheckContext, endpoint: dict[str, Any]) -> str | None:
    """The service suffix of an endpoint in this region (`bedrock-runtime`), None for another region's."""
    name = str(endpoint.get("ServiceName", ""))
    for prefix in (f"com.amazonaws.{ctx.region}.", f"cn.com.amazonaws.{ctx.region}."):
        if name.startswith(prefix):
            return name[len(prefix):]
    return None


def interface_endpoint(ctx: CheckContext, vpc_id: str, service_suffix: str) -> dict[str, Any] | None:
    """The VPC's interface endpoint for the service (`bedrock-runtime`) in this region, if it has one."""
    for endpoint in vpc_endpoints(ctx):
        if (endpoint.get("VpcId") == vpc_id and endpoint_service(ctx, endpoint) == service_suffix
                and endpoint.get("VpcEndpointType") == "Interface"):
            return endpoint
    return None


def instances_in(ctx: CheckContext, vpc_ids: list[str]) -> list[dict[str, Any]]:
    """Running or pending EC2 instances in the VPCs (one read for all of them)."""
    if not vpc_ids:
        return []
    reservations = DESCRIBE_INSTANCES(ctx, Filters=[
        {"Name": "vpc-id", "Values": sorted(vpc_ids)},
        {"Name": "instance-state-name", "Values": ["pending", "running"]}])
    return [i for r in reservations for i in r.get("Instances", [])]
