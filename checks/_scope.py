"""The AI scope of an account, computed in one place: which roles, buckets, log groups, VPCs
and agent tools belong to its LLM applications.

Each part of the scope is the union of INDEPENDENT sources:

- AI roles: roles whose trust policy lets an AI service assume them (Bedrock, SageMaker,
  AgentCore), roles tagged `posture:ai-workload`, and the execution roles of the Lambda
  functions Bedrock agents call as tools (in every scanned region). Service-linked roles are
  AWS's own and out of scope.
- AI buckets: buckets tagged `posture:ai-data`, and buckets the AI resources of a scanned
  region reference (SageMaker training jobs and models; Bedrock invocation logging and custom
  models; Bedrock knowledge-base data sources).
- AI VPCs: VPCs tagged `posture:ai-workload`, VPCs SageMaker notebooks, jobs, models and
  domains run in, and VPCs an agent tool function runs in.
- AI log groups: the prefixes AI services write to, the Bedrock invocation-logging
  destination, and the log groups of agent tool functions.
- Agent tools: the Lambda functions named as an agent's action-group executor, and the functions whose own
  resource policy lets an AI service (Bedrock, AgentCore, SageMaker) invoke them.
- AI keys: the customer managed keys AI resources use (guardrails, agents, knowledge-base data sources, SageMaker
  notebooks and training jobs, AI buckets' default encryption), even when the resource that uses them is all
  that names them.

The listing a part is drawn from (IAM's roles, S3's buckets, the region's VPCs or log groups)
is the base: when it cannot be read nothing can be judged, and it raises as any read does.
Each other source is read on its own: one that fails becomes a `Gap` (source, region, reason)
and the others still count. A check judges every resource found and reports each gap as ONE
ERROR finding in the gap's region, naming the source (`judged` does both), so a denied
`bedrock:ListAgentActionGroups` leaves the roles trusted by SageMaker judged and says, once,
which roles could not be looked for.

The reads are the read layer's (`checks/_read/`); trust policies are read by the policy evaluator
(`checks/_policy.py`); judging stays in the check modules: this module only chooses. Each scope function
exports what it reads (`AI_ROLE_READS`, `AI_BUCKET_READS`, ...) for the checks that call it to name in their
`reads=`, and makes its per-resource reads (bucket tags and locations, EKS cluster descriptions) side by
side over the scan's read pool: one after another, they set the wall time of a scan of an account with many
buckets (issue 16).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Generic, TypeVar

from posture.api import AwsReadError, CheckContext, Reads, error_reason, fan_out
from posture.checks import _policy
from posture.checks._read import awslambda, bedrock, bedrock_agent, ec2, eks, iam, logs, read_ahead, s3, sagemaker
from posture.checks._read.tags import AI_DATA, AI_WORKLOAD, flagged, tag_map

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
AI_LOG_PREFIXES = ("/aws/sagemaker/", "/aws/bedrock/", "/aws/bedrock-agentcore/")


@dataclass(frozen=True)
class Gap:
    """A source of the AI scope that could not be read in one region."""

    key: str  # short and stable, part of the finding's resource id: "agent-tools"
    source: str  # what it would have found: "AI roles from Bedrock agent tools"
    services: tuple[str, ...]  # the AWS services (botocore names) the source reads
    region: str
    reason: str

    @property
    def message(self) -> str:
        return f"{self.source} in {self.region} could not be read: {self.reason}"


@dataclass(frozen=True)
class Scoped(Generic[T_co]):
    """What the sources that answered found, and the sources that did not."""

    found: T_co
    gaps: tuple[Gap, ...] = field(default=())


@dataclass(frozen=True)
class Source:
    key: str
    what: str  # "Bedrock agent tools"
    services: tuple[str, ...]


AGENT_TOOLS = Source("agent-tools", "Bedrock agent tools", ("bedrock-agent", "lambda"))
TOOL_POLICIES = Source("agent-tool-policies", "Lambda functions' resource policies", ("lambda",))
AGENT_TOOL_FUNCTIONS = Source("agent-tools", "Bedrock agent action groups", ("bedrock-agent",))
# (source, the read function that lists the S3 locations its resources use in a region)
BUCKET_SOURCES: tuple[tuple[Source, Callable[[CheckContext], list[str]]], ...] = (
    (Source("sagemaker", "SageMaker training jobs and models", ("sagemaker",)), sagemaker.s3_uris),
    (Source("bedrock", "Bedrock invocation logging and custom models", ("bedrock",)), bedrock.s3_uris),
    (Source("bedrock-agent", "Bedrock knowledge-base data sources", ("bedrock-agent",)), bedrock_agent.s3_uris),
)
SAGEMAKER_VPCS = Source("sagemaker", "SageMaker notebooks, jobs, models and domains", ("sagemaker",))
INVOCATION_LOGGING = Source("bedrock-invocation-logging", "Bedrock invocation logging", ("bedrock",))

# What each scope function reads, for the checks that call it to name in their `reads=`.
# `agent_tools`: the functions the action groups of the agents' versions in use name, and the region's functions
AGENT_TOOL_READS = Reads(bedrock_agent.AGENT_TOOL_READS, awslambda.LIST_FUNCTIONS, awslambda.FUNCTION_POLICY)
# `ai_roles`: IAM's roles (their trust policies and tags come with them) and the agent tools' execution roles
AI_ROLE_READS = Reads(iam.ROLE_DETAILS, AGENT_TOOL_READS)
# `ai_buckets`: S3's buckets, the tags of those no AI resource references, each AI bucket's location, and the
# S3 locations SageMaker training jobs and models, Bedrock invocation logging and custom models and
# knowledge-base data sources name (`BUCKET_SOURCES`)
AI_BUCKET_READS = Reads(s3.LIST_BUCKETS, s3.TAGGING, s3.LOCATION, sagemaker.TRAINING_JOB, sagemaker.MODEL,
                        bedrock.LOGGING, bedrock.CUSTOM_MODEL, bedrock_agent.DATA_SOURCE_READS)
# `ai_vpcs`: the region's VPCs and subnets, the SageMaker resources that run in them, and the agent tools
AI_VPC_READS = Reads(ec2.VPC, ec2.SUBNET, sagemaker.NOTEBOOK, sagemaker.TRAINING_JOB, sagemaker.MODEL,
                     sagemaker.DOMAIN, AGENT_TOOL_READS)
# `ai_log_groups`: the region's log groups, the invocation-logging destination, the agent tools' functions
AI_LOG_GROUP_READS = Reads(logs.DESCRIBE_LOG_GROUPS, bedrock.LOGGING, bedrock_agent.AGENT_TOOL_READS)
# `ai_eks_clusters`: the region's clusters in full, the HyperPod clusters, and the AI VPCs
AI_EKS_CLUSTER_READS = Reads(eks.CLUSTER, sagemaker.CLUSTER, AI_VPC_READS)


class _Gaps:
    """Collects the gaps of one scope computation."""

    def __init__(self) -> None:
        self.gaps: list[Gap] = []

    def read(self, source: Source, region: str, what: str, read: Callable[[], T]) -> T | None:
        """`read()`, or None with a gap recorded when it fails."""
        try:
            return read()
        except (AwsReadError, KeyError) as exc:  # a missing field is the source's failure too
            reason = exc.reason if isinstance(exc, AwsReadError) else error_reason(exc)
            self.gaps.append(Gap(source.key, f"{what} from {source.what}", source.services, region, reason))
            return None


def judged(ctx: CheckContext, scoped: Scoped[T]) -> T:
    """The resources to judge; each gap becomes one ERROR finding of the check, in the gap's region."""
    report_gaps(ctx, scoped.gaps)
    return scoped.found


def report_gaps(ctx: CheckContext, gaps: Sequence[Gap]) -> None:
    for gap in gaps:
        with ctx.resource(f"ai-scope/{gap.key}", arn=f"arn:{ctx.partition}:iam::{ctx.account_id}:root",
                          region=gap.region, type="AwsAccount"):
            ctx.error(gap.message, {"scope_source": gap.source, "unread_services": list(gap.services)})


def _regions_offering(ctx: CheckContext, services: Sequence[str]) -> Iterator[str]:
    return (r for r in ctx.regions if all(ctx.offers(s, r) for s in services))


# -- agent tools ------------------------------------------------------------------------------
def agent_tools(ctx: CheckContext) -> Scoped[list[tuple[dict[str, Any], str]]]:
    """(function, why it is a tool: the id of an agent that calls it, or the AI service its own policy lets
    invoke it) for each agent tool function in this region. A function whose resource policy lets an AI service
    invoke it is a tool even when the agents' action groups cannot be read (that failure is one gap)."""
    gaps = _Gaps()
    found = gaps.read(AGENT_TOOLS, ctx.region, "agent tool functions",
                      partial(_agent_tools, ctx, gaps, "agent tool functions"))
    return Scoped(found or [], tuple(gaps.gaps))


def invoking_ai_services(policy: Any) -> list[str]:
    """The AI services (`_policy.AI_SERVICE_PRINCIPALS`) a function's resource policy lets invoke it."""
    if not policy:
        return []
    return sorted({a.principal for a in _policy.who_can(policy, "lambda:InvokeFunction", account_id="")
                   if a.kind == "service" and a.principal in _policy.AI_SERVICE_PRINCIPALS})


def _agent_tools(ctx: CheckContext, gaps: _Gaps, what: str) -> list[tuple[dict[str, Any], str]]:
    """The agent tools of the region (see `agent_tools`); the agents' action groups that cannot be read are a gap
    in `gaps` (`what` the caller looked for), the functions found from their own policies still count."""
    if not ctx.offers("lambda", ctx.region):
        return []
    named: dict[str, str] = {}
    if ctx.offers("bedrock-agent", ctx.region):
        named = gaps.read(AGENT_TOOLS, ctx.region, what, partial(bedrock_agent.tool_functions, ctx)) or {}
    functions = awslambda.functions(ctx)

    unnamed = [f for f in functions if bedrock_agent.function_arn(f["FunctionArn"]) not in named]
    unread: list[str] = []

    def invokers(function: dict[str, Any]) -> list[str]:
        try:
            return invoking_ai_services(awslambda.resource_policy(ctx, function["FunctionName"]))
        except AwsReadError as exc:
            unread.append(exc.reason)
            return []

    by_policy = dict(zip([f["FunctionArn"] for f in unnamed], fan_out(ctx, invokers, unnamed), strict=True))
    if unread:  # one gap for the source, however many functions' policies could not be read
        gaps.gaps.append(Gap(TOOL_POLICIES.key, f"{what} from {TOOL_POLICIES.what}", TOOL_POLICIES.services,
                             ctx.region, f"{len(unread)} function policies: {sorted(unread)[0]}"))
    found = []
    for function in functions:
        agent = named.get(bedrock_agent.function_arn(function["FunctionArn"]))
        if agent:
            found.append((function, agent))
        elif by_policy.get(function["FunctionArn"]):
            found.append((function, f"its policy lets {by_policy[function['FunctionArn']][0]} invoke it"))
    return found


# -- AI roles ---------------------------------------------------------------------------------
def ai_roles(ctx: CheckContext) -> Scoped[list[tuple[dict[str, Any], str]]]:
    """(role detail, why it is an AI role) for each AI role of the account."""
    gaps = _Gaps()
    tools: dict[str, str] = {}
    for region in _regions_offering(ctx, AGENT_TOOLS.services):
        here = ctx.in_region(region)
        found = gaps.read(AGENT_TOOLS, region, "AI roles", partial(_agent_tools, here, gaps, "AI roles")) or []
        for function, _agent in found:
            tools.setdefault(function["Role"], f"execution role of agent tool {function['FunctionName']}")
    chosen = []
    for role in iam.roles(ctx):
        if role.get("Path", "/").startswith("/aws-service-role/"):
            continue
        trust = role.get("AssumeRolePolicyDocument")
        trusted = sorted(set(_policy.trusted_services(trust)) & set(_policy.AI_SERVICE_PRINCIPALS))
        why = (f"trusted by {trusted[0]}" if trusted else tools.get(role["Arn"])
               or ("tagged" if flagged(tag_map(role.get("Tags")), AI_WORKLOAD) else None))
        if why:
            chosen.append((role, why))
    return Scoped(chosen, tuple(gaps.gaps))


# -- AI buckets -------------------------------------------------------------------------------
@dataclass(frozen=True)
class AiBucket:
    name: str
    arn: str
    why: str  # "tagged" or the service that references it


def _bucket_of(uri: str) -> str | None:
    if uri.startswith("s3://"):
        return uri[5:].split("/", 1)[0]
    if uri.startswith("arn:") and ":s3:::" in uri:
        return uri.split(":::", 1)[1].split("/", 1)[0]
    return None


def referenced_buckets(ctx: CheckContext) -> Scoped[dict[str, str]]:
    """Bucket name -> the service whose resources reference it, over every scanned region."""
    gaps = _Gaps()
    found: dict[str, str] = {}
    for region in ctx.regions:
        for source, s3_uris in BUCKET_SOURCES:
            service = source.services[0]
            if not ctx.offers(service, region):
                continue
            here = ctx.in_region(region)
            uris = gaps.read(source, region, "AI buckets", partial(s3_uris, here)) or []
            for uri in uris:
                name = _bucket_of(uri)
                if name:
                    found.setdefault(name, service)
    return Scoped(found, tuple(gaps.gaps))


def ai_buckets(ctx: CheckContext, *details: Callable[[CheckContext, str], object]) -> Scoped[list[AiBucket]]:
    """The account's AI-data buckets: tagged ones always; referenced ones from the sources that answered.

    The tags of the buckets no AI resource references are read side by side first; then each AI bucket's
    location (every check of an AI bucket reads it) and `details` (the read functions of `_read.s3`, taking a
    bucket name, that the calling check judges). Answers and failures stay in the context: the loops that
    read them again, each bucket in its own scope, find them made, and a failure is raised there."""
    referenced = referenced_buckets(ctx)
    names = [bucket["Name"] for bucket in s3.buckets(ctx)]
    read_ahead(ctx, [name for name in names if name not in referenced.found], s3.bucket_tags)
    chosen = []
    for name in names:
        why = referenced.found.get(name) or ("tagged" if flagged(s3.bucket_tags(ctx, name), AI_DATA) else None)
        if why:
            chosen.append(AiBucket(name, f"arn:{ctx.partition}:s3:::{name}", why))
    read_ahead(ctx, [bucket.name for bucket in chosen], s3.bucket_region, *details)
    return Scoped(chosen, referenced.gaps)


# -- AI VPCs ----------------------------------------------------------------------------------
def ai_vpcs(ctx: CheckContext) -> Scoped[dict[str, str]]:
    """VPC id -> why it counts as running AI workloads: a tag, the SageMaker resources in it, or a
    Lambda function in it that a Bedrock agent calls as a tool (this region)."""
    gaps = _Gaps()
    found = {v["VpcId"]: "tagged" for v in ec2.vpcs(ctx) if flagged(tag_map(v.get("Tags")), AI_WORKLOAD)}
    subnet_vpc = {s["SubnetId"]: s["VpcId"] for s in ec2.subnets(ctx)}

    def from_sagemaker() -> list[str]:
        vpcs = [subnet_vpc[s] for s in sagemaker.subnet_ids(ctx) if s in subnet_vpc]
        return vpcs + sagemaker.vpc_ids(ctx)

    if ctx.offers("sagemaker", ctx.region):
        for vpc in gaps.read(SAGEMAKER_VPCS, ctx.region, "AI VPCs", from_sagemaker) or []:
            found.setdefault(vpc, "sagemaker")
    tools = gaps.read(AGENT_TOOLS, ctx.region, "AI VPCs", partial(_agent_tools, ctx, gaps, "AI VPCs")) or []
    for function, _agent in tools:
        config = function.get("VpcConfig") or {}
        tool_vpcs = {config.get("VpcId")} | {subnet_vpc.get(s) for s in config.get("SubnetIds", [])}
        for vpc in sorted(v for v in tool_vpcs if v):
            found.setdefault(vpc, f"agent tool {function['FunctionName']}")
    return Scoped(found, tuple(gaps.gaps))


# -- AI log groups ----------------------------------------------------------------------------
@dataclass(frozen=True)
class AiLogGroup:
    name: str
    arn: str
    why: str  # the prefix matched, "bedrock invocation logging" or "agent tool"
    record: dict[str, Any]


def _invocation_log_group(ctx: CheckContext) -> str | None:
    if not ctx.offers("bedrock", ctx.region):
        return None
    name = (bedrock.invocation_logging(ctx).get("cloudWatchConfig") or {}).get("logGroupName")
    return str(name) if name else None


def _tool_function_arns(ctx: CheckContext) -> list[str]:
    if not ctx.offers("bedrock-agent", ctx.region):
        return []
    return list(bedrock_agent.tool_functions(ctx))


def ai_log_groups(ctx: CheckContext) -> Scoped[list[AiLogGroup]]:
    """The region's AI log groups (see the module docstring for the sources)."""
    gaps = _Gaps()
    invocation = gaps.read(INVOCATION_LOGGING, ctx.region, "AI log groups", lambda: _invocation_log_group(ctx))
    tool_arns = gaps.read(AGENT_TOOL_FUNCTIONS, ctx.region, "AI log groups", lambda: _tool_function_arns(ctx)) or []
    tools = {f"/aws/lambda/{arn.split(':')[6]}" for arn in tool_arns if arn.count(":") >= 6}
    chosen = []
    for group in logs.log_groups(ctx):
        name = group["logGroupName"]
        if name == invocation:
            why: str | None = "bedrock invocation logging"
        elif name in tools:
            why = "agent tool"
        else:
            why = next((p for p in AI_LOG_PREFIXES if name.startswith(p)), None)
        if why:
            arn = group.get("logGroupArn") or ctx.arn("logs", f"log-group:{name}")
            chosen.append(AiLogGroup(name, arn, why, group))
    return Scoped(chosen, tuple(gaps.gaps))


# -- AI EKS clusters --------------------------------------------------------------------------
AI_VPC_SOURCE = Source("ai-vpcs", "AI VPCs", ("ec2", "sagemaker", "bedrock-agent", "lambda"))
HYPERPOD = Source("sagemaker-hyperpod", "SageMaker HyperPod clusters", ("sagemaker",))


def _hyperpod_eks_arns(ctx: CheckContext) -> set[str]:
    """The EKS clusters SageMaker HyperPod clusters of this region orchestrate with."""
    if not ctx.offers("sagemaker", ctx.region):
        return set()
    return set(sagemaker.hyperpod_eks_cluster_arns(ctx))


def _cluster_vpc(ctx: CheckContext, detail: dict[str, Any]) -> str | None:
    """The cluster's VPC: as EKS names it, else the VPC of its subnets."""
    config = detail.get("resourcesVpcConfig") or {}
    if config.get("vpcId"):
        return str(config["vpcId"])
    subnet_vpc = {s["SubnetId"]: s["VpcId"] for s in ec2.subnets(ctx)}
    return next((subnet_vpc[s] for s in config.get("subnetIds") or [] if s in subnet_vpc), None)


def ai_eks_clusters(ctx: CheckContext) -> Scoped[list[tuple[dict[str, Any], str]]]:
    """(cluster detail, why it runs AI workloads) for the region's EKS clusters that are tagged
    `posture:ai-workload`, orchestrate a SageMaker HyperPod cluster, or run in an AI VPC. The other
    sources are read only for clusters the tag does not already decide. The clusters are described side by
    side (the first failure raises, as reading them one by one would)."""
    if not ctx.offers("eks", ctx.region):
        return Scoped([])
    gaps = _Gaps()
    details = fan_out(ctx, lambda name: eks.cluster(ctx, name), eks.cluster_names(ctx))
    why: dict[str, str] = {str(d.get("name")): "tagged" for d in details if flagged(d.get("tags") or {}, AI_WORKLOAD)}
    rest = [d for d in details if str(d.get("name")) not in why]
    if rest:
        hyperpod = gaps.read(HYPERPOD, ctx.region, "AI EKS clusters", lambda: _hyperpod_eks_arns(ctx)) or set()
        why.update({str(d.get("name")): "orchestrates a SageMaker HyperPod cluster" for d in rest
                    if d.get("arn") in hyperpod})
        rest = [d for d in rest if str(d.get("name")) not in why]
    if rest:
        vpcs = gaps.read(AI_VPC_SOURCE, ctx.region, "AI EKS clusters", lambda: ai_vpcs(ctx))
        if vpcs is not None:
            gaps.gaps.extend(vpcs.gaps)
            for detail in rest:
                vpc = _cluster_vpc(ctx, detail) if vpcs.found else None
                if vpc in vpcs.found:
                    why[str(detail.get("name"))] = f"runs in AI VPC {vpc}"
    chosen = [(d, why[str(d.get("name"))]) for d in details if str(d.get("name")) in why]
    return Scoped(chosen, tuple(gaps.gaps))


# -- AI keys ----------------------------------------------------------------------------------
def _guardrail_keys(ctx: CheckContext) -> list[tuple[str, str]]:
    found = fan_out(ctx, lambda g: bedrock.guardrail(ctx, g["id"]), bedrock.guardrails(ctx))
    return [(str(g["kmsKeyArn"]), f"guardrail {g.get('name')}") for g in found if g.get("kmsKeyArn")]


def _agent_keys(ctx: CheckContext) -> list[tuple[str, str]]:
    found = fan_out(ctx, lambda a: bedrock_agent.agent(ctx, a["agentId"]), bedrock_agent.agents(ctx))
    return [(str(a["customerEncryptionKeyArn"]), f"agent {a.get('agentName')}") for a in found
            if a.get("customerEncryptionKeyArn")]


def _knowledge_base_keys(ctx: CheckContext) -> list[tuple[str, str]]:
    found = []
    for kb in bedrock_agent.knowledge_bases(ctx):
        for source in bedrock_agent.data_sources(ctx, kb["knowledgeBaseId"]):
            key = (source.get("serverSideEncryptionConfiguration") or {}).get("kmsKeyArn")
            if key:
                found.append((str(key), f"data source {source.get('name')} of knowledge base {kb.get('name')}"))
    return found


def _sagemaker_keys(ctx: CheckContext) -> list[tuple[str, str]]:
    found = []
    for notebook in sagemaker.notebooks(ctx):
        if notebook.get("KmsKeyId"):
            found.append((str(notebook["KmsKeyId"]), f"SageMaker notebook {notebook.get('NotebookInstanceName')}"))
    for job in sagemaker.training_jobs(ctx):
        key = (job.get("OutputDataConfig") or {}).get("KmsKeyId")
        if key:
            found.append((str(key), f"SageMaker training job {job.get('TrainingJobName')}"))
    return found


KEY_SOURCES: tuple[tuple[Source, Callable[[CheckContext], list[tuple[str, str]]]], ...] = (
    (Source("bedrock-guardrails", "Bedrock guardrails", ("bedrock",)), _guardrail_keys),
    (Source("bedrock-agents", "Bedrock agents", ("bedrock-agent",)), _agent_keys),
    (Source("knowledge-bases", "Bedrock knowledge-base data sources", ("bedrock-agent",)), _knowledge_base_keys),
    (Source("sagemaker", "SageMaker notebooks and training jobs", ("sagemaker",)), _sagemaker_keys),
)
AI_BUCKET_KEYS = Source("ai-bucket-encryption", "AI buckets' default encryption", ("s3",))
# `ai_keys`: the guardrails, agents and knowledge-base data sources in full, SageMaker notebooks and training
# jobs, the AI buckets and their default encryption
AI_KEY_READS = Reads(bedrock.GUARDRAIL, bedrock_agent.AGENT, bedrock_agent.DATA_SOURCE_READS, sagemaker.NOTEBOOK,
                     sagemaker.TRAINING_JOB, AI_BUCKET_READS, s3.ENCRYPTION)


def _bucket_keys(ctx: CheckContext) -> list[tuple[str, str]]:
    found = []
    for bucket in ai_buckets(ctx, s3.encryption_rules).found:  # its gaps: the AI bucket checks' own
        if s3.bucket_region(ctx, bucket.name) != ctx.region:
            continue
        for rule in s3.encryption_rules(ctx, bucket.name):
            key = (rule.get("ApplyServerSideEncryptionByDefault") or {}).get("KMSMasterKeyID")
            if key:
                found.append((str(key), f"default encryption of AI bucket {bucket.name}"))
    return found


def ai_keys(ctx: CheckContext) -> Scoped[dict[str, str]]:
    """Key id, ARN or alias -> the AI resource that uses it, in this region (see the module docstring)."""
    gaps = _Gaps()
    found: dict[str, str] = {}
    for source, keys_of in KEY_SOURCES:
        if not all(ctx.offers(s, ctx.region) for s in source.services):
            continue
        for key, why in gaps.read(source, ctx.region, "AI keys", partial(keys_of, ctx)) or []:
            found.setdefault(key, why)
    for key, why in gaps.read(AI_BUCKET_KEYS, ctx.region, "AI keys", partial(_bucket_keys, ctx)) or []:
        found.setdefault(key, why)
    return Scoped(found, tuple(gaps.gaps))


def uses_key(used: dict[str, str], key: dict[str, Any]) -> str | None:
    """Why a listed key (KeyId, KeyArn) is an AI key, when an AI resource names it by id or ARN."""
    return used.get(str(key.get("KeyId"))) or used.get(str(key.get("KeyArn")))
