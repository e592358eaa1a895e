"""Amazon CloudWatch Logs: the log groups where AI services write prompts, responses and jobs.

Which log groups are AI log groups is decided in `checks._scope`: under a prefix AWS AI
services write to, the destination of Bedrock invocation logging, or an agent tool's log group.
"""

from __future__ import annotations

import json
from typing import Any

from posture.api import CheckContext, Family
from posture.checks import _scope
from posture.checks._read import logs, read_ahead

check = Family(
    service="logs",
    scope="regional",
    resource_type="AwsLogsLogGroup",
    boundaries=["data"],
    service_docs="https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/security.html",
    maps=["PR.DS-01", "LLM02:2025", "LLM06", "MEASURE 2.10", "A.6.2.8"],
    reads=[_scope.AI_LOG_GROUP_READS],  # every check judges the AI log groups
)


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
    severity="medium",
    maps=["AML.M0012", "AML.T0025", "AML.T0036", "MEASURE 2.7", "Art. 15"],
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
    severity="low",
    maps=["PR.PS-04", "AML.M0024", "AML.T0024", "AML.T0051", "MANAGE 4.3", "Art. 12"],
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


# -- data protection ------------------------------------------------------------------------------
def _identifier(value: Any) -> str:
    """`arn:aws:dataprotection::aws:data-identifier/EmailAddress` -> `EmailAddress` (custom ones stay)."""
    return str(value).rsplit("/", 1)[-1]


def protection_operations(document: Any) -> tuple[set[str], set[str]]:
    """(data identifiers audited, data identifiers masked) by a CloudWatch Logs data-protection policy
    (a data-protection document, not an IAM policy: it has no principals or actions). A document that is
    not JSON raises ValueError."""
    parsed = json.loads(document) if isinstance(document, str) else document
    audited: set[str] = set()
    masked: set[str] = set()
    for statement in (parsed or {}).get("Statement") or []:
        operation = statement.get("Operation") or {}
        identifiers = {_identifier(i) for i in statement.get("DataIdentifier") or []}
        if "Audit" in operation:
            audited |= identifiers
        if "MaskConfig" in (operation.get("Deidentify") or {}):
            masked |= identifiers
    return audited, masked


def judge_data_protection(documents: list[Any]) -> tuple[bool, str, dict[str, Any]]:
    """(protected, why, evidence) for the documents that apply to one log group (its own and the account's)."""
    audited: set[str] = set()
    masked: set[str] = set()
    for document in documents:
        found_audited, found_masked = protection_operations(document)
        audited |= found_audited
        masked |= found_masked
    evidence: dict[str, Any] = {"masked_identifiers": sorted(masked)[:20], "audited_identifiers": sorted(audited)[:20]}
    if not documents:
        return False, "no data-protection policy applies: prompts and responses are stored unmasked", evidence
    if not masked:
        return False, "the data-protection policy only audits: sensitive data is found but stored unmasked", evidence
    unmasked = sorted(audited - masked)
    if unmasked:
        return False, f"audited but not masked: {', '.join(unmasked[:5])}", {**evidence, "unmasked": unmasked[:20]}
    return True, f"{len(masked)} data identifier(s) are masked", evidence


@check(
    id="logs.invocation_log_data_protection",
    title="AI log groups mask sensitive data with a data-protection policy",
    description="Every CloudWatch Logs log group of Bedrock invocation logging, SageMaker, Bedrock, AgentCore "
    "or a Bedrock agent's tool function has a data-protection policy (its own or the account's) that masks "
    "(Deidentify) every data identifier it audits.",
    rationale=(
        "Invocation logs hold every prompt and response in full: names, emails, card numbers and keys users "
        "pasted in. Masking keeps them out of sight of everyone who can read logs (the attacker with a "
        "leaked read-only role, the analyst running Logs Insights); only logs:Unmask reveals them."
    ),
    remediation="`aws logs put-data-protection-policy --log-group-identifier <name> --policy-document "
                "file://policy.json` with an Audit statement and a Deidentify statement (`\"MaskConfig\": {}`) on "
                "the same data identifiers (or an account policy: `aws logs put-account-policy --policy-name "
                "<policy-name> --policy-document <policy-document> --policy-type DATA_PROTECTION_POLICY`).",
    severity="medium",
    boundaries=["data", "model"],
    maps=["PR.DS-10", "LLM07:2025", "AML.M0012", "AML.T0024", "AML.T0036", "AML.T0057", "MANAGE 2.4", "A.7.2",
        "Art. 10", "Art. 12"],
    reads=[logs.DATA_PROTECTION_POLICY, logs.ACCOUNT_POLICIES],
    docs_url="https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/mask-sensitive-log-data.html",
)
def invocation_log_data_protection(ctx: CheckContext) -> None:
    groups = _scope.judged(ctx, _scope.ai_log_groups(ctx))
    read_ahead(ctx, [g.name for g in groups], logs.data_protection_policy)
    for group in groups:
        with ctx.resource(group.name, arn=group.arn):
            own = logs.data_protection_policy(ctx, group.name)
            documents = [own] if own is not None else []
            try:
                ok, why, evidence = judge_data_protection(documents)
                if not ok:  # the account's policies apply too; read them only where they can change the verdict
                    documents += logs.account_data_protection_policies(ctx)
                    ok, why, evidence = judge_data_protection(documents)
            except (ValueError, AttributeError) as exc:
                ctx.error(f"the data-protection policy could not be read as JSON ({type(exc).__name__})")
                continue
            evidence = {**evidence, "own_policy": own is not None, "ai_log_because": group.why}
            if ok:
                ctx.passed(why, evidence)
            else:
                ctx.failed(why, evidence)
