"""Amazon Bedrock: model invocation logging, guardrails, custom and imported models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from posture.api import AwsReadError, CheckContext, EvidenceValue, Family, Reads, ahead
from posture.checks import _coverage, _exposure, _guardrails, _policy
from posture.checks._guardrails import Thresholds, Verdict
from posture.checks._keys import CMK_READS, judge_cmk
from posture.checks._principals import POLICY_READS, grants_of, judge_principals
from posture.checks._read import bedrock, bedrock_agent, iam, logs, s3
from posture.checks._read.bedrock import invocation_logging

check = Family(
    service="bedrock",
    scope="regional",
    resource_type="Other",
    boundaries=["model"],
    service_docs="https://docs.aws.amazon.com/bedrock/latest/userguide/security.html",
)

MIN_LOG_RETENTION_DAYS = 90
# What tells that a region runs Bedrock workloads.
USAGE_READS = Reads(bedrock.LOGGING, bedrock_agent.LIST_AGENTS, bedrock_agent.LIST_KNOWLEDGE_BASES,
                    bedrock.LIST_CUSTOM_MODELS, bedrock.LIST_IMPORTED_MODELS)


def usage(ctx: CheckContext) -> list[str]:
    """What shows that this region runs Bedrock workloads (empty: it does not)."""
    signs = []
    if invocation_logging(ctx):
        signs.append("invocation logging")
    if bedrock_agent.agents(ctx):
        signs.append("agents")
    if _has_knowledge_bases(ctx):
        signs.append("knowledge bases")
    if bedrock.custom_model_summaries(ctx):
        signs.append("custom models")
    if bedrock.imported_model_summaries(ctx):
        signs.append("imported models")
    return signs


def _has_knowledge_bases(ctx: CheckContext) -> bool:
    return bool(bedrock_agent.knowledge_bases(ctx))


# -- invocation logging ----------------------------------------------------------------------
def trusts_bedrock(trust: Any, account_id: str) -> bool:
    return any(a.kind == "service" and a.principal == "bedrock.amazonaws.com"
               for a in _policy.who_can(trust, "sts:AssumeRole", account_id=account_id))


def logging_problems(config: dict[str, Any], *, bucket: bool | None, group: bool | None,
                     role: Any | None, role_trusts_bedrock: bool) -> list[str]:
    """Why invocation logging is not in force (empty: it is). `bucket`/`group`: whether the configured
    destination exists (None: not configured); `role`: the CloudWatch role's trust policy (None: no role)."""
    problems = []
    if bucket is None and group is None:
        return ["model invocation logging is not configured"]
    if bucket is False:
        problems.append(f"the log bucket {(config.get('s3Config') or {}).get('bucketName')} does not exist")
    cloudwatch = config.get("cloudWatchConfig") or {}
    if group is False:
        problems.append(f"the log group {cloudwatch.get('logGroupName')} does not exist")
    if group is not None:
        if not cloudwatch.get("roleArn") or role is None:
            problems.append("the CloudWatch delivery role does not exist")
        elif not role_trusts_bedrock:
            problems.append("the CloudWatch delivery role does not trust bedrock.amazonaws.com")
    if config.get("textDataDeliveryEnabled") is not True:
        problems.append("text data delivery is not on (textDataDeliveryEnabled is "
                        f"{'absent' if 'textDataDeliveryEnabled' not in config else 'false'})")
    return problems


@check(
    id="bedrock.model_invocation_logging_enabled",
    title="Bedrock model invocation logging is in force",
    description="The region's Bedrock model invocation logging delivers text (textDataDeliveryEnabled true) to an "
    "S3 bucket or CloudWatch log group that exists, and the CloudWatch delivery role exists and trusts "
    "bedrock.amazonaws.com.",
    rationale=(
        "Invocation logs are the only record of what users asked the model and what it answered: the "
        "evidence for prompt injection attempts, data leaks in responses and abuse of the model. A "
        "configuration whose bucket, group or role is gone, or that delivers no text, records nothing."
    ),
    remediation="Configure logging: `aws bedrock put-model-invocation-logging-configuration` with an "
    "s3Config and/or cloudWatchConfig (a role that trusts bedrock.amazonaws.com) and textDataDeliveryEnabled=true; "
    "create the bucket, group or role it names if they are gone.",
    resource_type="AwsAccount",
    severity="high",
    maps=["DE.CM-09", "PR.PS-04", "LLM01", "LLM01:2025", "LLM02:2025", "LLM06", "LLM10:2025", "AML.M0024", "AML.T0024",
        "AML.T0034", "AML.T0040", "AML.T0051", "AML.T0054", "MANAGE 4.1", "MANAGE 4.3", "MEASURE 2.4", "A.6.2.6",
        "A.6.2.8", "Art. 12", "Art. 26"],
    reads=[bedrock.LOGGING, s3.LOCATION, logs.DESCRIBE_LOG_GROUPS, iam.GET_ROLE],
)
def model_invocation_logging_enabled(ctx: CheckContext) -> None:
    with ctx.account_resource():
        config = invocation_logging(ctx)
        bucket_name = (config.get("s3Config") or {}).get("bucketName")
        cloudwatch = config.get("cloudWatchConfig") or {}
        group_name, role_arn = cloudwatch.get("logGroupName"), cloudwatch.get("roleArn")
        bucket = s3.bucket_exists(ctx, bucket_name) if bucket_name else None
        group = logs.log_group(ctx, group_name) is not None if group_name else None
        trust = iam.role_trust(ctx, role_arn) if group_name and role_arn else None
        problems = logging_problems(config, bucket=bucket, group=group, role=trust,
                                    role_trusts_bedrock=trust is not None and trusts_bedrock(trust, ctx.account_id))
        destinations = [name for name, given in (("s3", bucket_name), ("cloudwatch", group_name)) if given]
        evidence: dict[str, EvidenceValue] = {
            "destinations": destinations, "text_data_delivery": config.get("textDataDeliveryEnabled") is True,
            "bucket_exists": bucket, "log_group_exists": group, "role": role_arn}
        if problems:
            ctx.failed("; ".join(problems), evidence)
        else:
            ctx.passed(f"invocation logs with text go to {' and '.join(destinations)}", evidence)


@check(
    id="bedrock.invocation_logs_encrypted",
    title="Bedrock invocation logs are encrypted with KMS",
    description="The S3 bucket that receives Bedrock invocation logs encrypts by default with KMS, and the "
    "CloudWatch log group that receives them has a KMS key.",
    rationale=(
        "Invocation logs hold every prompt and completion, including personal data users typed and data the "
        "model retrieved. KMS puts reading them under a key policy and leaves an audit trail of decryptions."
    ),
    remediation="S3: `aws s3api put-bucket-encryption --bucket <b> --server-side-encryption-configuration "
    "'{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":"
    "\"<key>\"}}]}'`; CloudWatch: `aws logs associate-kms-key --log-group-name <g> --kms-key-id <key-arn>`.",
    severity="medium",
    boundaries=["model", "data"],
    maps=["PR.DS-01", "LLM02:2025", "LLM06", "AML.M0012", "AML.T0025", "AML.T0036", "MEASURE 2.10", "MEASURE 2.7",
        "A.6.2.8", "Art. 15"],
    reads=[bedrock.LOGGING, s3.ENCRYPTION, logs.DESCRIBE_LOG_GROUPS],
)
def invocation_logs_encrypted(ctx: CheckContext) -> None:
    config = invocation_logging(ctx)
    bucket = (config.get("s3Config") or {}).get("bucketName")
    if bucket:
        with ctx.resource(bucket, arn=f"arn:{ctx.partition}:s3:::{bucket}", type="AwsS3Bucket"):
            algorithms = [r.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm")
                          for r in s3.encryption_rules(ctx, bucket)]
            evidence: dict[str, EvidenceValue] = {"sse_algorithms": [a for a in algorithms if a]}
            if any(a and a.startswith("aws:kms") for a in algorithms):
                ctx.passed("the invocation-log bucket encrypts by default with KMS", evidence)
            else:
                ctx.failed("the invocation-log bucket does not encrypt by default with KMS", evidence)
    group_name = (config.get("cloudWatchConfig") or {}).get("logGroupName")
    if group_name:
        with ctx.resource(group_name, arn=ctx.arn("logs", f"log-group:{group_name}"), type="AwsLogsLogGroup"):
            group = logs.log_group(ctx, group_name)
            if group is None:
                ctx.failed("the invocation-log group does not exist", {"log_group": group_name})
            elif group.get("kmsKeyId"):
                ctx.passed("the invocation-log group is encrypted with KMS", {"kms_key": group["kmsKeyId"]})
            else:
                ctx.failed("the invocation-log group has no KMS key", {"kms_key": None})


@check(
    id="bedrock.invocation_logs_retained",
    title="Bedrock invocation logs in CloudWatch have a defined retention",
    description=f"The CloudWatch log group that receives Bedrock invocation logs keeps them for a set period "
    f"of at least {MIN_LOG_RETENTION_DAYS} days, not forever.",
    rationale=(
        "Prompts and completions often contain personal data: kept forever they grow a store an attacker "
        "wants, and kept too briefly they cannot support the investigation of an abuse found weeks later."
    ),
    remediation="`aws logs put-retention-policy --log-group-name <g> --retention-in-days 365` (or the "
    "period your data retention policy sets).",
    resource_type="AwsLogsLogGroup",
    severity="low",
    maps=["PR.DS-01", "PR.PS-04", "LLM01", "LLM01:2025", "LLM02:2025", "LLM06", "AML.M0024", "AML.T0024", "AML.T0051",
        "MANAGE 4.3", "MEASURE 2.10", "A.6.2.8", "Art. 12"],
    reads=[bedrock.LOGGING, logs.DESCRIBE_LOG_GROUPS],
)
def invocation_logs_retained(ctx: CheckContext) -> None:
    group_name = (invocation_logging(ctx).get("cloudWatchConfig") or {}).get("logGroupName")
    if not group_name:
        return  # no CloudWatch destination: nothing to judge (logging itself is judged apart)
    with ctx.resource(group_name, arn=ctx.arn("logs", f"log-group:{group_name}")):
        group = logs.log_group(ctx, group_name)
        days = group.get("retentionInDays") if group else None
        if group is None:
            ctx.failed("the invocation-log group does not exist", {"log_group": group_name})
        elif days is None:
            ctx.failed("invocation logs never expire", {"retention_days": None})
        elif days < MIN_LOG_RETENTION_DAYS:
            ctx.failed(f"invocation logs are kept only {days} days", {"retention_days": days})
        else:
            ctx.passed(f"invocation logs are kept {days} days", {"retention_days": days})


# -- guardrails ------------------------------------------------------------------------------
GUARDRAIL_REMEDIATION = "`aws bedrock update-guardrail --guardrail-identifier <id> ...` (or the Bedrock " \
    "console, Guardrails), then `aws bedrock create-guardrail-version` and point agents, flows, enforced " \
    "configurations and IAM conditions at the new version."
THRESHOLD_NOTE = " Minimum strengths and thresholds are set in posture.toml [checks.bedrock]."


@check(
    id="bedrock.guardrail_in_ai_regions",
    title="Regions that run Bedrock workloads have a guardrail",
    description="Every region with Bedrock agents, knowledge bases, custom or imported models or invocation "
    "logging has at least one Bedrock guardrail.",
    rationale=(
        "Guardrails are the model-side filter for prompt attacks, harmful content and personal data in "
        "prompts and answers. A region running AI without any guardrail has no such filter to attach."
    ),
    remediation="`aws bedrock create-guardrail --name <n> --content-policy-config <content-policy-config> "
                "--sensitive-information-policy-config <sensitive-information-policy-config> "
                "--blocked-input-messaging <blocked-input-messaging> --blocked-outputs-messaging "
                "<blocked-outputs-messaging>`.",
    resource_type="AwsAccount",
    severity="high",
    maps=["PR.DS-10", "PR.PS-01", "LLM01", "LLM01:2025", "LLM02:2025", "LLM05:2025", "LLM06", "AML.M0020", "AML.T0051",
        "AML.T0054", "MANAGE 1.3", "MEASURE 2.7", "A.6.2.6", "Art. 15"],
    reads=[USAGE_READS, bedrock.LIST_GUARDRAILS],
)
def guardrail_in_ai_regions(ctx: CheckContext) -> None:
    with ctx.account_resource():
        signs = usage(ctx)
        found = [g["id"] for g in bedrock.guardrails(ctx)]
        if not signs:
            ctx.skip()  # no Bedrock workload in this region
        elif found:
            ctx.passed(f"{len(found)} guardrail(s) exist", {"guardrails": found, "bedrock_in_use": signs})
        else:
            ctx.failed("the region runs Bedrock workloads but has no guardrail", {"bedrock_in_use": signs})


def _used_by(users: list[str]) -> str:
    more = f" and {len(users) - 1} more" if len(users) > 1 else ""
    return f"used by {users[0]}{more}"


def judge_versions_in_use(ctx: CheckContext, judge: Callable[[dict[str, Any], Thresholds], Verdict]) -> None:
    """Judge each guardrail version in use in the region (DRAFT only where something uses it), one
    finding per version naming what uses it."""
    found = _coverage.coverage(ctx, "guardrail versions")
    uses = found.uses()
    ahead(ctx, lambda ref: bedrock.guardrail(ctx, ref.read_as, ref.version), uses)
    for ref, users in uses.items():
        arn = ref.read_as if ref.read_as.startswith("arn:") else ctx.arn("bedrock", f"guardrail/{ref.guardrail_id}")
        with ctx.resource(ref.label, arn=arn):
            limits = _guardrails.thresholds(ctx)
            verdict = judge(bedrock.guardrail(ctx, ref.read_as, ref.version), limits)
            evidence: dict[str, EvidenceValue] = {"guardrail": ref.guardrail_id, "guardrail_version": ref.version,
                                                  "used_by": users[:20], **verdict.evidence}
            message = f"guardrail {ref.guardrail_id} version {ref.version} ({_used_by(users)}): {verdict.message}"
            if verdict.ok:
                ctx.passed(message, evidence)
            else:
                ctx.failed(message, evidence)


@check(
    id="bedrock.guardrail_prompt_attack_filter",
    title="Bedrock guardrails in use block prompt attacks",
    description="Each guardrail version in use (by an agent alias, a flow, an enforced configuration or an IAM "
    "condition) has an enabled PROMPT_ATTACK filter on input that blocks (action not NONE) at HIGH strength."
    + THRESHOLD_NOTE,
    rationale=(
        "The prompt-attack filter stops jailbreaks and prompt injection in user input before the model acts "
        "on it: the model-side layer against OWASP's first LLM risk. It protects only in the version callers "
        "reach, and only when it blocks: action NONE detects and logs, and lets the attack through."
    ),
    remediation="Add a content filter of type PROMPT_ATTACK with inputStrength HIGH and inputAction BLOCK: `aws "
                "bedrock update-guardrail --guardrail-identifier <id> --name <name> --blocked-input-messaging "
                "<blocked-input-messaging> --blocked-outputs-messaging <blocked-outputs-messaging>` (or the Bedrock "
                "console, Guardrails), then `aws bedrock create-guardrail-version` and point agents, flows, enforced "
                "configurations and IAM conditions at the new version.",
    severity="high",
    maps=["PR.DS-10", "PR.PS-01", "LLM01", "LLM01:2025", "LLM07:2025", "AML.M0020", "AML.T0051", "AML.T0051.000",
        "AML.T0054", "MANAGE 1.3", "MEASURE 2.7", "A.6.2.6", "ASI01", "Art. 15"],
    reads=[_coverage.COVERAGE_READS],
)
def guardrail_prompt_attack_filter(ctx: CheckContext) -> None:
    judge_versions_in_use(ctx, _guardrails.judge_prompt_attack)


@check(
    id="bedrock.guardrail_content_filters",
    title="Bedrock guardrails in use block harmful content",
    description="Each guardrail version in use blocks HATE, INSULTS, SEXUAL, VIOLENCE and MISCONDUCT content in "
    "both prompts and responses, enabled, with an action that blocks, at MEDIUM strength or above."
    + THRESHOLD_NOTE,
    rationale=(
        "Content filters stop a model from being steered into producing abusive, violent or criminal "
        "instructions, and stop such content in answers from reaching users or downstream systems. A filter "
        "in detect-only mode (action NONE) lets all of it through."
    ),
    remediation="Add content filters for each harm category with input and output strength MEDIUM or HIGH and action "
                "BLOCK: `aws bedrock update-guardrail --guardrail-identifier <id> --name <name> "
                "--blocked-input-messaging <blocked-input-messaging> --blocked-outputs-messaging "
                "<blocked-outputs-messaging>` (or the Bedrock console, Guardrails), then `aws bedrock "
                "create-guardrail-version` and point agents, flows, enforced configurations and IAM conditions at "
                "the new version.",
    severity="medium",
    maps=["PR.DS-10", "PR.PS-01", "LLM01", "LLM01:2025", "LLM02", "LLM05:2025", "AML.M0020", "AML.T0048.003",
        "AML.T0051", "AML.T0054", "MANAGE 1.3", "MEASURE 2.6", "MEASURE 2.7", "A.6.2.6", "Art. 15"],
    reads=[_coverage.COVERAGE_READS],
)
def guardrail_content_filters(ctx: CheckContext) -> None:
    judge_versions_in_use(ctx, _guardrails.judge_harm)


@check(
    id="bedrock.guardrail_sensitive_information_filter",
    title="Bedrock guardrails in use block or mask sensitive information",
    description="Each guardrail version in use has a sensitive-information policy with at least one PII entity "
    "or regex whose action blocks or masks (BLOCK or ANONYMIZE, not NONE).",
    rationale=(
        "Models repeat what they were given or trained on. A PII filter blocks or anonymises personal data "
        "in prompts and answers, so one conversation cannot leak another customer's data; in detect-only "
        "mode it only reports the leak."
    ),
    remediation="Add PII entities (EMAIL, PHONE, US_SOCIAL_SECURITY_NUMBER, ...) with action ANONYMIZE or BLOCK: "
                "`aws bedrock update-guardrail --guardrail-identifier <id> --name <name> --blocked-input-messaging "
                "<blocked-input-messaging> --blocked-outputs-messaging <blocked-outputs-messaging>` (or the Bedrock "
                "console, Guardrails), then `aws bedrock create-guardrail-version` and point agents, flows, enforced "
                "configurations and IAM conditions at the new version.",
    severity="high",
    boundaries=["model", "data"],
    maps=["PR.DS-02", "PR.DS-10", "LLM02:2025", "LLM06", "AML.M0020", "AML.T0024", "AML.T0057", "MEASURE 2.10",
        "MEASURE 2.7", "A.6.2.6", "Art. 15"],
    reads=[_coverage.COVERAGE_READS],
)
def guardrail_sensitive_information_filter(ctx: CheckContext) -> None:
    judge_versions_in_use(ctx, lambda detail, _limits: _guardrails.judge_pii(detail))


@check(
    id="bedrock.guardrail_contextual_grounding",
    title="Bedrock guardrails in use block ungrounded answers in regions with knowledge bases",
    description="In regions with Bedrock knowledge bases (RAG), each guardrail version in use has contextual "
    "GROUNDING and RELEVANCE filters, enabled, with action BLOCK and a threshold above 0." + THRESHOLD_NOTE,
    rationale=(
        "A grounding check blocks answers that the retrieved sources do not support: hallucinated policies, "
        "prices or instructions that users would otherwise act on; the relevance check blocks answers that "
        "do not address the question."
    ),
    remediation="Add a contextual grounding policy with GROUNDING and RELEVANCE thresholds such as 0.75 and action "
                "BLOCK: `aws bedrock update-guardrail --guardrail-identifier <id> --name <name> "
                "--blocked-input-messaging <blocked-input-messaging> --blocked-outputs-messaging "
                "<blocked-outputs-messaging>` (or the Bedrock console, Guardrails), then `aws bedrock "
                "create-guardrail-version` and point agents, flows, enforced configurations and IAM conditions at "
                "the new version.",
    severity="medium",
    maps=["ID.RA-05", "PR.PS-01", "LLM08:2025", "LLM09", "LLM09:2025", "AML.M0020", "AML.T0048.003", "AML.T0062",
        "MEASURE 2.5", "MEASURE 2.6", "A.6.2.6", "Art. 15"],
    reads=[_coverage.COVERAGE_READS, bedrock_agent.LIST_KNOWLEDGE_BASES],
)
def guardrail_contextual_grounding(ctx: CheckContext) -> None:
    if not _has_knowledge_bases(ctx):
        return  # no knowledge base here: no retrieved context to ground answers in
    judge_versions_in_use(ctx, _guardrails.judge_grounding)


@check(
    id="bedrock.guardrail_coverage",
    title="Every path to a Bedrock model is guarded by a guardrail that blocks",
    description="Each path to a model in the region — each agent alias (per version it routes to), each flow "
    "alias (its prompt and knowledge-base nodes) and each IAM role or user allowed bedrock:InvokeModel* or "
    "bedrock:Converse* — has a guardrail version that blocks: attached, required by a "
    "bedrock:GuardrailIdentifier condition on every allowing statement, or enforced for the account "
    "(ListEnforcedGuardrailsConfiguration) or the organization (BEDROCK_POLICY) on its model.",
    rationale=(
        "A guardrail protects only the calls that go through it. An application role allowed InvokeModel "
        "without a guardrail condition, an agent alias on a version without one, or a flow node without one "
        "reaches the model unfiltered however strong the guardrails that exist."
    ),
    remediation="Attach a guardrail to the agent version and publish it (`aws bedrock-agent update-agent --agent-id "
                "<agent-id> --agent-name <agent-name> --foundation-model <foundation-model> "
                "--agent-resource-role-arn <agent-resource-role-arn> --guardrail-configuration "
                "<guardrail-configuration>`, `create-agent-version`, `update-agent-alias`); add "
                "guardrailConfiguration to flow prompt nodes; require `bedrock:GuardrailIdentifier` (StringEquals, "
                "the guardrail ARN with its version) on every Allow of bedrock:InvokeModel*/Converse*; or enforce a "
                "guardrail for the account (`aws bedrock put-enforced-guardrail-configuration`) or the organization "
                "(a Bedrock policy).",
    severity="high",
    boundaries=["model", "application"],
    maps=["PR.AA-05", "PR.DS-10", "PR.PS-01", "LLM01", "LLM01:2025", "LLM02", "LLM05:2025", "LLM06:2025", "AML.M0020",
        "AML.T0051", "AML.T0053", "AML.T0054", "AML.T0057", "MANAGE 1.3", "MEASURE 2.6", "MEASURE 2.7", "A.6.2.5",
        "A.6.2.6", "ASI01", "Art. 15"],
    reads=[_coverage.COVERAGE_READS],
    section={"title": "Guardrail coverage of every path to a model",
             "columns": ["path", "guardrail", "blocking_filters", "verdict"]},
)
def guardrail_coverage(ctx: CheckContext) -> None:
    found = _coverage.coverage(ctx, "paths to a model")
    enforcement_unknown = [s for s in ("account enforced guardrails", "organization Bedrock policy")
                           if s in found.failures]
    # The versions each path names and the enforced ones covering its model, read side by side.
    refs_of = {id(path): list(dict.fromkeys([*path.guardrails, *(e.guardrail for e in found.enforced
                                                                  if e.covers(path.models))]))
               for path in found.paths}
    ahead(ctx, lambda ref: bedrock.guardrail(ctx, ref.read_as, ref.version),
          dict.fromkeys(ref for refs in refs_of.values() for ref in refs))
    for path in found.paths:
        kind = {"direct caller": "AwsIamRole" if ":role/" in path.resource_id else "AwsIamUser"}.get(path.kind)
        with ctx.resource(path.resource_id, arn=path.arn, type=kind):
            # Read (again: answered by the context) in the path's own scope: a failure is this path's ERROR.
            details = {ref: bedrock.guardrail(ctx, ref.read_as, ref.version) for ref in refs_of[id(path)]}
            verdict = _coverage.judge_path(path, found.enforced, details)
            evidence: dict[str, EvidenceValue] = {
                "path": path.label, "kind": path.kind, "guardrail": verdict.applies or None,
                "blocking_filters": verdict.blocking_filters,
                "verdict": "guarded" if verdict.guarded else "UNGUARDED: " + "; ".join(verdict.reasons)}
            if verdict.guarded:
                ctx.passed(f"{path.label} is guarded by {', '.join(verdict.applies)}", evidence)
            elif enforcement_unknown:
                reasons = "; ".join(f"{source}: {found.failures[source]}" for source in enforcement_unknown)
                ctx.error(f"{path.label} names no guardrail that blocks, and whether one is enforced on it is "
                          f"unknown ({reasons})", evidence)
            else:
                ctx.failed(f"{path.label} reaches a model unguarded: {'; '.join(verdict.reasons)}", evidence)


@check(
    id="bedrock.guardrail_cmk",
    title="Bedrock guardrails are encrypted with a customer managed key",
    description="Each Bedrock guardrail names a KMS key (kmsKeyArn), and that key is customer managed.",
    rationale=(
        "A guardrail's denied topics, word lists and regexes describe what the application must never say "
        "or reveal; a customer managed key puts who can read or change them under the account's key policy."
    ),
    remediation="Recreate or update the guardrail with `--kms-key-id <customer-managed-key-arn>`.",
    severity="low",
    maps=["PR.DS-01", "LLM02:2025", "LLM06", "LLM07:2025", "AML.M0012", "AML.T0065", "AML.T0069", "MEASURE 2.7",
        "A.6.2.6", "Art. 15"],
    reads=[bedrock.GUARDRAIL, CMK_READS],
)
def guardrail_cmk(ctx: CheckContext) -> None:
    listed = bedrock.guardrails(ctx)
    ahead(ctx, lambda summary: bedrock.guardrail(ctx, summary["id"]), listed)
    for summary in listed:
        with ctx.resource(summary["id"], arn=summary.get("arn")):
            judge_cmk(ctx, bedrock.guardrail(ctx, summary["id"]).get("kmsKeyArn"), "the guardrail")


# -- custom and imported models --------------------------------------------------------------
@check(
    id="bedrock.custom_model_cmk",
    title="Bedrock custom models are encrypted with a customer managed key",
    description="Each fine-tuned or continued-pre-training Bedrock custom model is encrypted with a customer "
    "managed KMS key (modelKmsKeyArn).",
    rationale=(
        "A custom model's weights encode its training data and are the organisation's intellectual property: "
        "a customer managed key keeps their use under the account's key policy and audit."
    ),
    remediation="Custom model encryption is fixed at creation: rerun the customization job with "
    "`--custom-model-kms-key-id <customer-managed-key>` and delete the old model.",
    severity="medium",
    boundaries=["model", "data"],
    maps=["PR.DS-01", "LLM02:2025", "LLM06", "LLM10", "AML.M0005", "AML.M0012", "AML.T0035", "AML.T0044",
        "AML.T0048.004", "MEASURE 2.7", "A.6.2.6", "Art. 15"],
    reads=[bedrock.CUSTOM_MODEL, CMK_READS],
)
def custom_model_cmk(ctx: CheckContext) -> None:
    listed = bedrock.custom_model_summaries(ctx)
    ahead(ctx, lambda summary: bedrock.custom_model(ctx, summary["modelName"]), listed)
    for summary in listed:
        with ctx.resource(summary["modelName"], arn=summary.get("modelArn")):
            model = bedrock.custom_model(ctx, summary["modelName"])
            judge_cmk(ctx, model.get("modelKmsKeyArn"), "the custom model")


@check(
    id="bedrock.imported_model_cmk",
    title="Bedrock imported models are encrypted with a customer managed key",
    description="Each model brought in through Bedrock Custom Model Import is encrypted with a customer managed "
    "KMS key (modelKmsKeyArn).",
    rationale=(
        "Imported weights are often fine-tuned on private data; without a customer managed key their "
        "decryption is outside the account's key policy and audit."
    ),
    remediation="Re-import the model with `aws bedrock create-model-import-job --job-name <job-name> "
                "--imported-model-name <imported-model-name> --role-arn <role-arn> --model-data-source "
                "<model-data-source> --imported-model-kms-key-id <customer-managed-key>` and delete the old import.",
    severity="medium",
    boundaries=["model", "data"],
    maps=["PR.DS-01", "LLM02:2025", "LLM03:2025", "LLM05", "LLM10", "AML.M0005", "AML.M0012", "AML.T0035", "AML.T0044",
        "AML.T0048.004", "MEASURE 2.7", "A.6.2.6", "Art. 15"],
    reads=[bedrock.IMPORTED_MODEL, CMK_READS],
)
def imported_model_cmk(ctx: CheckContext) -> None:
    listed = bedrock.imported_model_summaries(ctx)
    ahead(ctx, lambda summary: bedrock.imported_model(ctx, summary["modelName"]), listed)
    for summary in listed:
        with ctx.resource(summary["modelName"], arn=summary.get("modelArn")):
            model = bedrock.imported_model(ctx, summary["modelName"])
            judge_cmk(ctx, model.get("modelKmsKeyArn"), "the imported model")


# -- model access: approved models and data residency ------------------------------------------
INVOKE_ACTIONS = ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream")
# What the model access checks read besides IAM's principals and their policies (`POLICY_READS`).
MODEL_ACCESS_READS = Reads(bedrock.LIST_FOUNDATION_MODELS, bedrock.MODEL_AVAILABILITY,
                           bedrock.LIST_PROVISIONED_THROUGHPUTS, bedrock.CUSTOM_MODEL, bedrock.LIST_IMPORTED_MODELS,
                           bedrock.LIST_INFERENCE_PROFILES)
PROFILE_READS = Reads(bedrock.LIST_INFERENCE_PROFILES, bedrock_agent.ROUTE_READS, bedrock_agent.VERSION_READS)


def model_id_of(arn_or_id: str) -> str:
    """`anthropic.claude-3-5-sonnet-20240620-v1:0` from a foundation-model ARN (or the id itself)."""
    return arn_or_id.split("foundation-model/", 1)[1] if "foundation-model/" in arn_or_id else arn_or_id


def approved(model: str, patterns: list[str]) -> bool:
    """Whether a model id (or ARN) matches an approved pattern (`*` and `?` wildcards; a cross-region
    profile id such as `eu.anthropic.claude...` is judged by the model it names)."""
    model_id = model_id_of(model)
    bare = model_id.split(".", 1)[1] if model_id.split(".", 1)[0] in PROFILE_GEOGRAPHIES else model_id
    return any(_policy.resource_matches(p, model_id) or _policy.resource_matches(p, bare) or
               _policy.resource_matches(p, model) for p in patterns)


def accessible(availability: dict[str, Any]) -> bool:
    """Whether the account can invoke a foundation model, by GetFoundationModelAvailability. It can unless AWS
    says it cannot: not authorized, no entitlement, or not offered in the region (an agreement still PENDING
    does not stop a subscription that IAM allows, so it counts as access)."""
    return not (availability.get("authorizationStatus") == "NOT_AUTHORIZED"
                or availability.get("entitlementAvailability") == "NOT_AVAILABLE"
                or availability.get("regionAvailability") == "NOT_AVAILABLE")


def _verdict(ctx: CheckContext, what: str, models: list[str], patterns: list[str]) -> None:
    unapproved = sorted({model_id_of(m) for m in models if not approved(m, patterns)})
    evidence: dict[str, EvidenceValue] = {"models": sorted({model_id_of(m) for m in models})[:20],
                                          "not_approved": unapproved[:20]}
    if unapproved:
        ctx.failed(f"{what} uses models that are not approved: {', '.join(unapproved[:5])}", evidence)
    elif not models:
        ctx.error(f"{what} names no model to judge", evidence)
    else:
        ctx.passed(f"{what} uses only approved models", evidence)


@check(
    id="bedrock.approved_models",
    title="Only approved Bedrock models are reachable",
    description="Opt-in: with [checks.bedrock] approved_models (model id patterns such as "
    "\"anthropic.claude-3-5-sonnet*\") set, the region's foundation models that the account can access "
    "(GetFoundationModelAvailability) are all approved; each provisioned throughput, custom model (its base "
    "model), imported model (its name) and application inference profile (its models) uses only approved "
    "models; and no role or user is allowed bedrock:InvokeModel* on a listed foundation model that is not "
    "approved (by the policy evaluator: foundation-model/* grants them all). Without the setting the check "
    "gives no finding.",
    rationale=(
        "A model review decides which providers may see the organization's prompts and data and which models "
        "are fit for its users. A model outside that list, reachable through an old grant, a fine-tune of it or "
        "a profile, brings unknown training data, licences and failure modes into production."
    ),
    remediation="Remove model access: deny bedrock:InvokeModel* on non-approved foundation-model ARNs (an SCP "
    "or the identity policy, naming approved ARNs instead of foundation-model/*), delete custom models, imported "
    "models, provisioned throughputs and inference profiles built on non-approved models, and restrict "
    "aws-marketplace:Subscribe by aws-marketplace:ProductId.",
    severity="medium",
    boundaries=["model", "organizational"],
    maps=["GV.SC-07", "ID.AM-08", "PR.AA-05", "LLM03:2025", "LLM05", "AML.M0014", "AML.M0019", "AML.T0010",
        "AML.T0010.003", "AML.T0058", "GOVERN 6.1", "MANAGE 3.1", "MAP 4.1", "A.10.3", "A.4.2", "A.6.2.5", "Art. 25"],
    reads=[MODEL_ACCESS_READS, POLICY_READS],
    docs_url="https://docs.aws.amazon.com/bedrock/latest/userguide/model-access.html",
)
def approved_models(ctx: CheckContext) -> None:
    patterns = [p for p in ctx.setting("approved_models", [""]) if p]
    if not patterns:
        return  # opt-in: no approved list, nothing to judge

    listed: list[dict[str, Any]] = []
    with ctx.account_resource():
        listed = bedrock.foundation_models(ctx)
        others = [m["modelId"] for m in listed if not approved(m["modelId"], patterns)]
        availability = ctx.fan_out(lambda m: bedrock.model_availability(ctx, m), others)
        reachable = [m for m, found in zip(others, availability, strict=True) if accessible(found)]
        evidence: dict[str, EvidenceValue] = {"approved_patterns": patterns, "not_approved_accessible": reachable[:20],
                                              "not_approved_listed": len(others)}
        if reachable:
            ctx.failed(f"{len(reachable)} foundation models that are not approved are accessible: "
                       f"{', '.join(reachable[:5])}", evidence)
        else:
            ctx.passed("only approved foundation models are accessible", evidence)
    for throughput in _listed(ctx, "provisioned throughputs", bedrock.provisioned_throughputs):
        with ctx.resource(throughput["provisionedModelName"], arn=throughput.get("provisionedModelArn")):
            _verdict(ctx, f"provisioned throughput {throughput['provisionedModelName']}",
                     [str(throughput.get("foundationModelArn") or throughput.get("modelArn") or "")], patterns)
    for summary in _listed(ctx, "custom models", bedrock.custom_model_summaries):
        with ctx.resource(summary["modelName"], arn=summary.get("modelArn")):
            base = summary.get("baseModelArn") or bedrock.custom_model(ctx, summary["modelName"]).get("baseModelArn")
            _verdict(ctx, f"custom model {summary['modelName']} (its base model)", [str(base)] if base else [],
                     patterns)
    for summary in _listed(ctx, "imported models", bedrock.imported_model_summaries):
        with ctx.resource(summary["modelName"], arn=summary.get("modelArn")):
            _verdict(ctx, f"imported model {summary['modelName']}", [str(summary.get("modelArn"))], patterns)
    for profile in _listed(ctx, "inference profiles", bedrock.inference_profiles):
        if profile.get("type") != "APPLICATION":
            continue  # AWS's system profiles: the models behind them are judged as foundation models
        with ctx.resource(profile["inferenceProfileId"], arn=profile.get("inferenceProfileArn")):
            _verdict(ctx, f"inference profile {profile['inferenceProfileName']}",
                     [str(m.get("modelArn")) for m in profile.get("models", []) if m.get("modelArn")], patterns)
    unapproved_arns = [str(m["modelArn"]) for m in listed if not approved(m["modelId"], patterns)]

    def grants(principal: Any, policies: Any) -> list[str]:
        return [f"{action} on {model_id_of(arn)} via {label}" for arn in unapproved_arns for action in INVOKE_ACTIONS
                for label in grants_of(policies, action, arn)][:20]

    if unapproved_arns:
        _judge_callers(ctx, grants, "no principal may invoke a foundation model that is not approved",
                       "may invoke foundation models that are not approved")


def _listed(ctx: CheckContext, what: str, read: Callable[[CheckContext], list[dict[str, Any]]]
            ) -> list[dict[str, Any]]:
    """`read(ctx)`, or one ERROR naming what could not be listed (and nothing to judge)."""
    try:
        return read(ctx)
    except AwsReadError as exc:
        _not_read(ctx, what, exc, "bedrock-agent" if what == "agents" else "bedrock")
        return []


def _not_read(ctx: CheckContext, what: str, exc: AwsReadError, service: str) -> None:
    """One ERROR naming a source that could not be read (what the others found is still judged)."""
    with ctx.resource(f"not-read/{what.replace(' ', '-')}", arn=f"arn:{ctx.partition}:iam::{ctx.account_id}:root",
                      type="AwsAccount"):
        ctx.error(f"the region's {what} could not be listed: {exc.reason}", {"unread_services": [service]})


def _judge_callers(ctx: CheckContext, grants: Callable[[Any, Any], list[str]], passed: str, failed: str) -> None:
    """The account's roles and users, each judged by `grants` (`_principals.judge_principals`); one ERROR when
    IAM cannot be read."""

    try:
        found = iam.principals(ctx)
    except AwsReadError as exc:
        _not_read(ctx, "IAM roles and users", exc, "iam")
        return
    judge_principals(ctx, found, grants, passed, failed, summary_id="principals")


# Prefixes of AWS's cross-region inference profile ids, by geography (`global.` reaches every commercial region).
PROFILE_GEOGRAPHIES = ("us", "eu", "apac", "jp", "au", "ca", "us-gov", "global")
GLOBAL_PROFILE = "global."


def region_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 else ""


def region_allowed(region: str, residency: list[str]) -> bool:
    """Whether a region is inside the pinned residency: a region named, or its geography (`eu` for
    eu-west-1, `us` for us-east-1, `ap` for ap-northeast-1; `apac` is the ap- regions)."""
    geography = region.split("-", 1)[0]
    names = {r.lower() for r in residency}
    return region in names or geography in names or (geography == "ap" and "apac" in names)


def leaves_residency(profile: dict[str, Any], residency: list[str]) -> list[str]:
    """Why an inference profile routes outside the pinned residency (empty: it stays inside)."""
    why = []
    if str(profile.get("inferenceProfileId", "")).startswith(GLOBAL_PROFILE):
        why.append("a global profile routes to any commercial region")
    outside = sorted({region_of(str(m.get("modelArn"))) for m in profile.get("models", [])
                      if m.get("modelArn") and not region_allowed(region_of(str(m["modelArn"])), residency)})
    if outside:
        why.append(f"routes to {', '.join(outside)}")
    return why


def _names_profile(model: str) -> bool:
    """Whether a model identifier names an inference profile (an ARN of one, or a `geo.` profile id)."""
    return "inference-profile/" in model or model.split(".", 1)[0] in PROFILE_GEOGRAPHIES


@check(
    id="bedrock.inference_profile_residency",
    title="Inference profiles in use keep requests in the pinned geography",
    description="Opt-in: with [checks.bedrock] data_residency set (geographies such as \"eu\" or region "
    "names), no application inference profile copies a profile that routes outside it, no agent version in "
    "use (an alias routes to it, or DRAFT) runs on such a profile, and no role or user is allowed "
    "bedrock:InvokeModel* on one. A profile routes outside when its id starts with `global.` or one of its "
    "models is in a region outside the residency. Without the setting the check gives no finding.",
    rationale=(
        "Cross-region inference sends prompts, retrieved documents and answers to whichever region has "
        "capacity: a global profile takes EU personal data out of the EU, which the data's legal basis or a "
        "customer contract may forbid, with no error and no log in the source region saying so."
    ),
    remediation="Use a geographic profile (`eu.` ids) or an in-region model ID: `aws bedrock-agent update-agent "
                "--foundation-model eu.<model-id> --agent-id <agent-id> --agent-name <agent-name> "
                "--agent-resource-role-arn <agent-resource-role-arn>` and prepare a new version; recreate "
                "application profiles from an in-geography profile; deny bedrock:InvokeModel* on "
                "arn:aws:bedrock:*:*:inference-profile/global.* (an SCP does it for the organization).",
    severity="medium",
    boundaries=["model", "data"],
    maps=["GV.OC-03", "PR.DS-02", "LLM02:2025", "LLM06", "AML.M0019", "AML.T0025", "AML.T0057", "GOVERN 1.1",
        "MEASURE 2.10", "A.2.3", "A.7.2", "Art. 10"],
    reads=[PROFILE_READS, POLICY_READS],
    docs_url="https://docs.aws.amazon.com/bedrock/latest/userguide/cross-region-inference.html",
)
def inference_profile_residency(ctx: CheckContext) -> None:
    residency = [r for r in ctx.setting("data_residency", [""]) if r]
    if not residency:
        return  # opt-in: no pinned geography, nothing to judge

    try:
        profiles: list[dict[str, Any]] | None = bedrock.inference_profiles(ctx)
    except AwsReadError as exc:
        _not_read(ctx, "inference profiles", exc, "bedrock")
        profiles = None
    leaving = {p["inferenceProfileArn"]: why for p in profiles or [] if (why := leaves_residency(p, residency))}
    leaving_ids = {p["inferenceProfileId"]: p["inferenceProfileArn"] for p in profiles or []
                   if p["inferenceProfileArn"] in leaving}
    for profile in profiles or []:
        if profile.get("type") != "APPLICATION":
            continue
        with ctx.resource(profile["inferenceProfileId"], arn=profile.get("inferenceProfileArn")):
            why = leaves_residency(profile, residency)
            evidence: dict[str, EvidenceValue] = {"residency": residency, "routes_outside": why}
            if why:
                ctx.failed(f"application profile {profile['inferenceProfileName']}: {'; '.join(why)}", evidence)
            else:
                ctx.passed(f"application profile {profile['inferenceProfileName']} stays in {', '.join(residency)}",
                           evidence)
    if ctx.offers("bedrock-agent", ctx.region):
        # Read in each agent's scope, not ahead: this check's other verdicts (profiles, principals) do not
        # rest on the agents' reads.
        for agent in _listed(ctx, "agents", bedrock_agent.agents):
            with ctx.resource(agent["agentId"], arn=ctx.arn("bedrock", f"agent/{agent['agentId']}")):
                models = {version: str(bedrock_agent.agent_version(ctx, agent["agentId"], version)
                                       .get("foundationModel") or "")
                          for version in bedrock_agent.versions_in_use(ctx, agent["agentId"])}
                outside = {v: m for v, m in models.items()
                           if m in leaving or m in leaving_ids or m.startswith(GLOBAL_PROFILE)}
                unknown = sorted({m for m in models.values() if profiles is None and _names_profile(m)} -
                                 set(outside.values()))
                evidence = {"residency": residency, "versions": sorted(models),
                            "outside": sorted(set(outside.values()))}
                name = agent.get("agentName") or agent["agentId"]
                if unknown and not outside:
                    ctx.error(f"agent {name} runs on inference profiles whose routing is unknown (the region's "
                              f"inference profiles could not be listed): {', '.join(unknown)}", evidence)
                elif outside:
                    ctx.failed(f"agent {name} versions {', '.join(sorted(outside))} run on a profile that routes "
                               f"outside {', '.join(residency)}", evidence)
                else:
                    ctx.passed("the agent's versions in use stay in the pinned geography", evidence)
    if not leaving:
        return

    def grants(principal: Any, policies: Any) -> list[str]:
        return [f"{action} on {arn.rsplit('/', 1)[-1]} via {label}" for arn in sorted(leaving)
                for action in INVOKE_ACTIONS for label in grants_of(policies, action, arn)][:20]

    _judge_callers(ctx, grants, "no principal may invoke an inference profile that routes outside the pinned "
                   "geography", "may invoke inference profiles that route outside the pinned geography")


@check(
    id="bedrock.guardrail_outside_access",
    title="No one outside the account or its organization can use or change a guardrail",
    description="The resource policy of every guardrail (bedrock GetResourcePolicy, which shares a guardrail "
    "across accounts) lets no one outside this account and its organization apply, read, change or delete it. "
    "Judged by the one exposure question (checks/_exposure.py) over the guardrail actions.",
    rationale=(
        "A guardrail's filters, denied topics and word lists are the application's safety policy. Read from "
        "outside they show an attacker what to avoid; changed from outside they switch it off."
    ),
    remediation="`aws bedrock put-resource-policy --resource-arn <guardrail-arn> --resource-policy file://p.json` "
    "naming only this organization's accounts, or `aws bedrock delete-resource-policy --resource-arn <arn>`.",
    severity="medium",
    resource_type="Other",
    maps=["PR.AA-05", "LLM01", "LLM01:2025", "AML.M0020", "AML.T0054", "MEASURE 2.7", "A.6.2.6"],
    reads=[bedrock.GUARDRAIL, _exposure.GUARDRAIL.reads],
)
def guardrail_outside_access(ctx: CheckContext) -> None:
    _exposure.judge(ctx, _exposure.GUARDRAIL, [_exposure.Target(g["id"], g.get("arn"), "guardrail", g)
                                              for g in bedrock.guardrails(ctx)])
