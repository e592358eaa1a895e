"""Amazon VPC (the ec2 API): private, watched paths from AI workloads to the model."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Family
from posture.checks import _exposure, _scope
from posture.checks._read import ec2

check = Family(
    service="ec2",
    scope="regional",
    resource_type="AwsEc2Vpc",
    boundaries=["application"],
    service_docs="https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-security.html",
    reads=[_scope.AI_VPC_READS],  # every check judges the AI VPCs
)

# Interface endpoint services an AI workload talks to (suffix after com.amazonaws.<region>.).
AI_ENDPOINT_SERVICES = ("bedrock-runtime", "bedrock-agent-runtime", "sagemaker.runtime", "bedrock", "bedrock-agent")


def grants_everything(policy: Any, service: str = "bedrock-runtime") -> bool:
    """Whether an endpoint policy lets anyone (no condition naming the caller by value) do everything the endpoint
    serves: the default policy, `*`, or the service-wide action of its one service (`bedrock:*`), answered by
    `_exposure` over the endpoint service's action vocabulary."""
    documents = policy or _exposure.DEFAULT_ENDPOINT_POLICY  # no document: AWS's default full-access policy
    found = _exposure.exposure(documents, _exposure.ENDPOINT_ACTIONS[service], account_id="")
    return any(o.public and o.everything for o in found)


def _judge_endpoint(ctx: CheckContext, service_suffix: str) -> None:
    for vpc_id, why in sorted(_scope.judged(ctx, _scope.ai_vpcs(ctx)).items()):
        with ctx.resource(vpc_id, arn=ctx.arn("ec2", f"vpc/{vpc_id}")):
            endpoint = ec2.interface_endpoint(ctx, vpc_id, service_suffix)
            evidence = {"ai_workload_because": why}
            if endpoint and endpoint.get("State", "").lower() == "available":
                ctx.passed(f"interface endpoint {endpoint['VpcEndpointId']} serves {service_suffix}",
                           {**evidence, "vpc_endpoint_id": endpoint["VpcEndpointId"]})
            elif endpoint:
                ctx.failed(f"the {service_suffix} endpoint is {endpoint.get('State')}", evidence)
            else:
                ctx.failed(f"no interface endpoint for {service_suffix}", evidence)


ENDPOINT_META: dict[str, Any] = dict(severity="medium", reads=[ec2.VPC_ENDPOINT])


def _endpoint_remediation(suffix: str) -> str:
    return (f"`aws ec2 create-vpc-endpoint --vpc-endpoint-type Interface --service-name "
            f"com.amazonaws.<region>.{suffix} --vpc-id <vpc> --subnet-ids <subnet-ids> --private-dns-enabled`.")


@check(
    id="ec2.ai_vpc_bedrock_runtime_endpoint",
    title="VPCs running AI workloads reach Bedrock through an interface endpoint",
    description="Every VPC that runs AI workloads has an available interface VPC endpoint for bedrock-runtime.",
    rationale=(
        "Without a PrivateLink endpoint, prompts and completions leave the VPC through a NAT or internet "
        "gateway, and the endpoint policy that could restrict which models are invoked is missing."
    ),
    remediation=_endpoint_remediation("bedrock-runtime"),
    maps=["PR.DS-02", "PR.IR-01", "LLM02:2025", "LLM06", "AML.M0019", "AML.T0025", "AML.T0040", "MEASURE 2.7",
        "A.6.2.6", "Art. 15"],
    **ENDPOINT_META,
)
def ai_vpc_bedrock_runtime_endpoint(ctx: CheckContext) -> None:
    _judge_endpoint(ctx, "bedrock-runtime")


@check(
    id="ec2.ai_vpc_bedrock_agent_runtime_endpoint",
    title="VPCs running AI workloads reach Bedrock Agents through an interface endpoint",
    description="Every VPC that runs AI workloads has an available interface VPC endpoint for "
    "bedrock-agent-runtime (InvokeAgent, Retrieve, RetrieveAndGenerate).",
    rationale=(
        "Agent invocations and knowledge-base retrievals carry user prompts and retrieved documents; without "
        "a PrivateLink endpoint they leave the VPC, and no endpoint policy can limit which agents are called."
    ),
    remediation=_endpoint_remediation("bedrock-agent-runtime"),
    maps=["PR.DS-02", "PR.IR-01", "LLM02:2025", "LLM06", "AML.M0019", "AML.T0025", "AML.T0040", "MEASURE 2.7",
        "A.6.2.6", "Art. 15"],
    **ENDPOINT_META,
)
def ai_vpc_bedrock_agent_runtime_endpoint(ctx: CheckContext) -> None:
    _judge_endpoint(ctx, "bedrock-agent-runtime")


@check(
    id="ec2.ai_vpc_sagemaker_runtime_endpoint",
    title="VPCs running AI workloads reach SageMaker endpoints through an interface endpoint",
    description="Every VPC that runs AI workloads has an available interface VPC endpoint for sagemaker.runtime "
    "(InvokeEndpoint).",
    rationale=(
        "Inference requests to self-hosted models carry prompts and outputs; without a PrivateLink endpoint "
        "they leave the VPC, and no endpoint policy can limit which model endpoints are invoked."
    ),
    remediation=_endpoint_remediation("sagemaker.runtime"),
    maps=["PR.DS-02", "PR.IR-01", "LLM02:2025", "LLM06", "AML.M0019", "AML.T0025", "AML.T0040", "MEASURE 2.7",
        "A.6.2.6", "Art. 15"],
    **ENDPOINT_META,
)
def ai_vpc_sagemaker_runtime_endpoint(ctx: CheckContext) -> None:
    _judge_endpoint(ctx, "sagemaker.runtime")


@check(
    id="ec2.ai_endpoint_policy_restricted",
    title="AI service VPC endpoints have a restrictive endpoint policy",
    description="Every interface endpoint for bedrock-runtime, bedrock-agent-runtime, sagemaker.runtime, bedrock "
    "or bedrock-agent in a VPC that runs AI workloads has an endpoint policy other than the default, which "
    "allows any principal every action on every resource.",
    rationale=(
        "The endpoint policy is the network-side allow list for the model: it can limit invocation to "
        "approved models, agents and principals of the account. The default policy lets stolen credentials "
        "from anywhere, or any workload in the VPC, use any model through the endpoint."
    ),
    remediation="`aws ec2 modify-vpc-endpoint --vpc-endpoint-id <id> --policy-document file://policy.json` with "
    "statements that allow only the needed actions (bedrock:InvokeModel, ...) on the approved model ARNs, "
    "for principals of the organization (aws:PrincipalOrgID).",
    resource_type="Other",
    severity="medium",
    boundaries=["application", "model"],
    maps=["PR.AA-05", "PR.IR-01", "LLM06:2025", "LLM08", "LLM10", "LLM10:2025", "AML.M0019", "AML.T0012", "AML.T0024",
        "AML.T0034", "AML.T0040", "MEASURE 2.7", "A.6.2.6", "Art. 15"],
    reads=[ec2.VPC_ENDPOINT],
)
def ai_endpoint_policy_restricted(ctx: CheckContext) -> None:
    chosen = _scope.judged(ctx, _scope.ai_vpcs(ctx))
    for endpoint in ec2.vpc_endpoints(ctx):
        service = ec2.endpoint_service(ctx, endpoint)
        if endpoint.get("VpcId") not in chosen or service not in AI_ENDPOINT_SERVICES:
            continue
        endpoint_id = endpoint["VpcEndpointId"]
        with ctx.resource(endpoint_id, arn=ctx.arn("ec2", f"vpc-endpoint/{endpoint_id}")):
            evidence = {"vpc_id": endpoint.get("VpcId"), "service": service}
            if grants_everything(endpoint.get("PolicyDocument"), service):
                ctx.failed(f"the {service} endpoint policy allows everything {service} serves to any principal",
                           evidence)
            else:
                ctx.passed(f"the {service} endpoint policy is restricted", evidence)


@check(
    id="ec2.ai_vpc_flow_logs_enabled",
    title="VPCs running AI workloads have flow logs",
    description="Every VPC that runs AI workloads has an active VPC flow log.",
    rationale=(
        "Flow logs record which hosts AI workloads talk to: they show data exfiltration from training "
        "instances, a compromised agent tool calling out, or model traffic that bypasses the endpoint."
    ),
    remediation="`aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc> --traffic-type ALL "
    "--log-destination-type cloud-watch-logs --log-group-name <group> --deliver-logs-permission-arn <role>`.",
    severity="medium",
    maps=["DE.CM-01", "PR.PS-04", "LLM02:2025", "LLM06", "LLM10", "EC2.6", "AML.T0025", "AML.T0072", "MANAGE 4.1",
        "MEASURE 2.4", "A.6.2.8"],
    reads=[ec2.FLOW_LOG],
)
def ai_vpc_flow_logs_enabled(ctx: CheckContext) -> None:
    for vpc_id, why in sorted(_scope.judged(ctx, _scope.ai_vpcs(ctx)).items()):
        with ctx.resource(vpc_id, arn=ctx.arn("ec2", f"vpc/{vpc_id}")):
            logs = [f for f in ec2.flow_logs(ctx) if f.get("ResourceId") == vpc_id]
            active = [f["FlowLogId"] for f in logs if f.get("FlowLogStatus", "ACTIVE") == "ACTIVE"]
            evidence: dict[str, Any] = {"ai_workload_because": why}
            if active:
                ctx.passed(f"flow log {active[0]} is active", {**evidence, "flow_log_ids": active})
            elif logs:
                ctx.failed("the VPC's flow logs are not active", evidence)
            else:
                ctx.failed("the VPC has no flow log", evidence)




def ai_endpoints(ctx: CheckContext) -> list[tuple[_exposure.Target, str]]:
    """(target, the AI service it serves) for each interface endpoint of an AI service in this region."""
    found = []
    for endpoint in ec2.vpc_endpoints(ctx):
        service = ec2.endpoint_service(ctx, endpoint)
        if service in AI_ENDPOINT_SERVICES:
            endpoint_id = endpoint["VpcEndpointId"]
            found.append((_exposure.Target(endpoint_id, ctx.arn("ec2", f"vpc-endpoint/{endpoint_id}"),
                                           f"interface endpoint for {service} in {endpoint.get('VpcId')}", endpoint),
                          service))
    return found


@check(
    id="ec2.ai_endpoint_outside_access",
    title="No one outside the account or its organization can use an AI service through its VPC endpoint",
    description="The policy of every interface VPC endpoint of an AI service (bedrock-runtime, bedrock, "
    "bedrock-agent-runtime, bedrock-agent, sagemaker.runtime) lets no principal outside this account and its "
    "organization call the service through it. Judged by the one exposure question (checks/_exposure.py) over the "
    "actions of the one service the endpoint serves: `bedrock:*` on a Bedrock endpoint is everything it serves.",
    rationale=(
        "A workload in the VPC holding another account's credentials can send prompts, training data or model "
        "output to that account through an open endpoint: exfiltration that never crosses the NAT gateway."
    ),
    remediation="`aws ec2 modify-vpc-endpoint --vpc-endpoint-id <id> --policy-document file://policy.json` with "
    "an aws:PrincipalOrgID (or aws:PrincipalAccount) condition on every Allow statement.",
    resource_type="Other",
    severity="medium",
    boundaries=["application", "model"],
    maps=["PR.AA-05", "PR.IR-01", "LLM06:2025", "LLM10", "AML.T0024", "MEASURE 2.7", "A.6.2.6"],
    reads=[_exposure.AI_ENDPOINT.reads],
)
def ai_endpoint_outside_access(ctx: CheckContext) -> None:
    found = ai_endpoints(ctx)
    served = {target.id: service for target, service in found}
    _exposure.judge(ctx, _exposure.AI_ENDPOINT, [target for target, _ in found],
                    actions=lambda target: _exposure.ENDPOINT_ACTIONS[served[target.id]])
