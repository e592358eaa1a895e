"""Amazon CloudWatch Logs: the log groups where AI services write prompts, responses and jobs.

Which log groups are AI log groups is decided in `checks._scope`: under a prefix AWS AI
services write to, the destination of Bedrock invocation logging, or an agent tool's log group.
"""

from __future__ import annotations

from typing import Any

from checks import _agents, _scope
from posture.core.context import CheckContext
from posture.core.registry import check

DISCOVERY_PERMISSIONS = ("logs:DescribeLogGroups", "bedrock:GetModelInvocationLoggingConfiguration",
                         *_agents.AGENT_TOOL_PERMISSIONS)


def log_groups(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(ctx.paginate("logs", "describe_log_groups").get("logGroups", []))


def log_group(ctx: CheckContext, name: str) -> dict[str, Any] | None:
    return next((g for g in log_groups(ctx) if g.get("logGroupName") == name), None)


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
    atlas=["AML.T0036", "AML.T0025", "AML.M0012"],
    nist_ai_rmf=["MEASURE 2.10", "MEASURE 2.7"],
    iso42001=["A.6.2.8"],
    eu_ai_act=["Art. 15"],
)
def ai_log_group_kms_encrypted(ctx: CheckContext) -> None:
    for group in _scope.judged(ctx, _scope.ai_log_groups(ctx)):
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
    atlas=["AML.T0051", "AML.T0024", "AML.M0024"],
    nist_ai_rmf=["MANAGE 4.3", "MEASURE 2.10"],
    iso42001=["A.6.2.8"],
    eu_ai_act=["Art. 12"],
)
def ai_log_group_retention_set(ctx: CheckContext) -> None:
    for group in _scope.judged(ctx, _scope.ai_log_groups(ctx)):
        with ctx.resource(group.name, arn=group.arn):
            days = group.record.get("retentionInDays")
            evidence = {"retention_days": days, "ai_log_because": group.why}
            if days:
                ctx.passed(f"events are kept {days} days", evidence)
            else:
                ctx.failed("events never expire", evidence)
