"""Amazon CloudWatch Logs: the log groups where AI services write prompts, responses and jobs.

A log group counts as an AI log group when it is
- under a prefix AWS AI services write to (/aws/sagemaker/, /aws/bedrock/, /aws/bedrock-agentcore/),
- the CloudWatch destination of the region's Bedrock model invocation logging, or
- the log group of a Lambda function that runs a Bedrock agent's action group (an agent tool).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checks import _agents, bedrock
from posture.core.context import CheckContext
from posture.core.registry import check

AI_PREFIXES = ("/aws/sagemaker/", "/aws/bedrock/", "/aws/bedrock-agentcore/")
DISCOVERY_PERMISSIONS = ("logs:DescribeLogGroups", "bedrock:GetModelInvocationLoggingConfiguration",
                         *_agents.AGENT_TOOL_PERMISSIONS)


@dataclass(frozen=True)
class AiLogGroup:
    name: str
    arn: str
    why: str  # the prefix matched, or "bedrock invocation logging"
    record: dict[str, Any]


def log_groups(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(ctx.paginate("logs", "describe_log_groups").get("logGroups", []))


def log_group(ctx: CheckContext, name: str) -> dict[str, Any] | None:
    return next((g for g in log_groups(ctx) if g.get("logGroupName") == name), None)


def invocation_log_group(ctx: CheckContext) -> str | None:
    """The log group Bedrock invocation logging writes to in this region, if any."""
    if not ctx.offers("bedrock", ctx.region):
        return None
    name = (bedrock.invocation_logging(ctx).get("cloudWatchConfig") or {}).get("logGroupName")
    return str(name) if name else None


def agent_tool_log_groups(ctx: CheckContext) -> set[str]:
    """/aws/lambda/<function> of each Lambda function a Bedrock agent calls as a tool in this region."""
    if not ctx.offers("bedrock-agent", ctx.region):
        return set()
    return {f"/aws/lambda/{arn.split(':')[6]}" for arn in _agents.tool_functions(ctx) if arn.count(":") >= 6}


def ai_log_groups(ctx: CheckContext) -> list[AiLogGroup]:
    invocation = invocation_log_group(ctx)
    tools = agent_tool_log_groups(ctx)
    chosen = []
    for group in log_groups(ctx):
        name = group["logGroupName"]
        if name == invocation:
            why: str | None = "bedrock invocation logging"
        elif name in tools:
            why = "agent tool"
        else:
            why = next((p for p in AI_PREFIXES if name.startswith(p)), None)
        if why:
            arn = group.get("logGroupArn") or ctx.arn("logs", f"log-group:{name}")
            chosen.append(AiLogGroup(name, arn, why, group))
    return chosen


@check(
    id="logs.ai_log_group_kms_encrypted",
    title="AI log groups are encrypted with a KMS key",
    description="Every CloudWatch Logs log group of SageMaker, Bedrock, AgentCore, Bedrock invocation logging "
    "or a Bedrock agent's tool function is encrypted with a KMS key.",
    rationale=(
        "These log groups hold prompts, model responses, training-job output and agent traces: personal data "
        "and secrets users pasted in. A KMS key adds an audited decrypt permission on top of logs:GetLogEvents."
    ),
    remediation="`aws logs associate-kms-key --log-group-name <name> --kms-key-id <key-arn>` (the key policy "
    "must allow logs.<region>.amazonaws.com).",
    service="logs",
    scope="regional",
    resource_type="AwsLogsLogGroup",
    severity="medium",
    boundaries=["data"],
    csf=["PR.DS-01"],
    owasp_llm=["LLM06", "LLM02:2025"],
    permissions=list(DISCOVERY_PERMISSIONS),
)
def ai_log_group_kms_encrypted(ctx: CheckContext) -> None:
    for group in ai_log_groups(ctx):
        with ctx.resource(group.name, arn=group.arn):
            key = group.record.get("kmsKeyId")
            evidence = {"kms_key": key, "ai_log_because": group.why}
            if key:
                ctx.passed("encrypted with a KMS key", evidence)
            else:
                ctx.failed("not encrypted with a KMS key", evidence)


@check(
    id="logs.ai_log_group_retention_set",
    title="AI log groups have a retention period",
    description="Every CloudWatch Logs log group of SageMaker, Bedrock, AgentCore, Bedrock invocation logging "
    "or a Bedrock agent's tool function has a retention period set instead of keeping events forever.",
    rationale=(
        "Prompts and responses often carry personal data: a retention period decided on purpose keeps them "
        "as long as investigations need and no longer. Note: Security Hub CloudWatch.16 judges a minimum "
        "retention instead, and accepts 'never expire'."
    ),
    remediation="`aws logs put-retention-policy --log-group-name <name> --retention-in-days <days>`.",
    service="logs",
    scope="regional",
    resource_type="AwsLogsLogGroup",
    severity="low",
    boundaries=["data"],
    csf=["PR.DS-01", "PR.PS-04"],
    owasp_llm=["LLM06", "LLM02:2025"],
    permissions=list(DISCOVERY_PERMISSIONS),
)
def ai_log_group_retention_set(ctx: CheckContext) -> None:
    for group in ai_log_groups(ctx):
        with ctx.resource(group.name, arn=group.arn):
            days = group.record.get("retentionInDays")
            evidence = {"retention_days": days, "ai_log_because": group.why}
            if days:
                ctx.passed(f"events are kept {days} days", evidence)
            else:
                ctx.failed("events never expire", evidence)
