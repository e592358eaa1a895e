"""Amazon Bedrock: model invocation logging, guardrails, custom and imported models."""

from __future__ import annotations

from typing import Any

# logs and s3 import this module too: refer to them as modules, read at call time.
from checks import bedrock_agent, logs, s3
from checks._agents import agents
from checks.kms import judge_cmk
from posture.core.context import CheckContext
from posture.core.models import EvidenceValue
from posture.core.registry import check

# Content filters a guardrail needs against harmful input and output (PROMPT_ATTACK is judged apart).
HARM_FILTERS = ("HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT")
MIN_LOG_RETENTION_DAYS = 90
LOGGING_PERMISSIONS = ("bedrock:GetModelInvocationLoggingConfiguration",)
GUARDRAIL_PERMISSIONS = ("bedrock:ListGuardrails", "bedrock:GetGuardrail")
# What tells that a region runs Bedrock workloads (bedrock-agent's actions are in the bedrock namespace).
USAGE_PERMISSIONS = (
    "bedrock:GetModelInvocationLoggingConfiguration", "bedrock:ListAgents", "bedrock:ListKnowledgeBases",
    "bedrock:ListCustomModels", "bedrock:ListImportedModels",
)


# -- reading ---------------------------------------------------------------------------------
def invocation_logging(ctx: CheckContext) -> dict[str, Any]:
    """The region's model invocation logging configuration ({} when it was never set)."""
    return dict(ctx.call("bedrock", "get_model_invocation_logging_configuration").get("loggingConfig") or {})


def custom_model_summaries(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(ctx.paginate("bedrock", "list_custom_models").get("modelSummaries", []))


def custom_models(ctx: CheckContext) -> list[dict[str, Any]]:
    # By name: an ARN holds slashes, and a name identifies the model as well.
    return [ctx.call("bedrock", "get_custom_model", modelIdentifier=m["modelName"])
            for m in custom_model_summaries(ctx)]


def imported_model_summaries(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(ctx.paginate("bedrock", "list_imported_models").get("modelSummaries", []))


def imported_models(ctx: CheckContext) -> list[dict[str, Any]]:
    return [ctx.call("bedrock", "get_imported_model", modelIdentifier=m["modelName"])
            for m in imported_model_summaries(ctx)]


def guardrails(ctx: CheckContext) -> list[dict[str, Any]]:
    """The region's guardrails (their working DRAFT, which list_guardrails returns)."""
    return list(ctx.paginate("bedrock", "list_guardrails").get("guardrails", []))


def guardrail(ctx: CheckContext, guardrail_id: str) -> dict[str, Any]:
    return ctx.call("bedrock", "get_guardrail", guardrailIdentifier=guardrail_id)


def s3_uris(ctx: CheckContext) -> list[str]:
    """S3 locations Bedrock reads or writes in this region: invocation logs, custom-model data."""
    uris = []
    bucket = (invocation_logging(ctx).get("s3Config") or {}).get("bucketName")
    if bucket:
        uris.append(f"s3://{bucket}")
    for model in custom_models(ctx):
        for key in ("trainingDataConfig", "validationDataConfig", "outputDataConfig"):
            uri = (model.get(key) or {}).get("s3Uri")
            if uri:
                uris.append(uri)
    return uris


def usage(ctx: CheckContext) -> list[str]:
    """What shows that this region runs Bedrock workloads (empty: it does not)."""
    signs = []
    if invocation_logging(ctx):
        signs.append("invocation logging")
    if agents(ctx):
        signs.append("agents")
    if _has_knowledge_bases(ctx):
        signs.append("knowledge bases")
    if custom_model_summaries(ctx):
        signs.append("custom models")
    if imported_model_summaries(ctx):
        signs.append("imported models")
    return signs


def _has_knowledge_bases(ctx: CheckContext) -> bool:
    return bool(bedrock_agent.knowledge_bases(ctx))


# -- invocation logging ----------------------------------------------------------------------
@check(
    id="bedrock.model_invocation_logging_enabled",
    title="Bedrock model invocation logging is on",
    description="The region's Bedrock model invocation logging sends prompts and responses to S3 or CloudWatch Logs.",
    rationale=(
        "Invocation logs are the only record of what users asked the model and what it answered: the "
        "evidence for prompt injection attempts, data leaks in responses and abuse of the model."
    ),
    remediation="Configure logging: `aws bedrock put-model-invocation-logging-configuration` with an "
    "s3Config and/or cloudWatchConfig and textDataDeliveryEnabled=true.",
    service="bedrock",
    scope="regional",
    resource_type="AwsAccount",
    severity="high",
    boundaries=["model"],
    csf=["PR.PS-04", "DE.CM-09"],
    owasp_llm=["LLM01", "LLM06", "LLM01:2025", "LLM02:2025", "LLM10:2025"],
    permissions=["bedrock:GetModelInvocationLoggingConfiguration"],
)
def model_invocation_logging_enabled(ctx: CheckContext) -> None:
    with ctx.account_resource():
        config = invocation_logging(ctx)
        destinations = [name for name, key in (("s3", "s3Config"), ("cloudwatch", "cloudWatchConfig"))
                        if (config.get(key) or {})]
        if destinations and config.get("textDataDeliveryEnabled", True):
            ctx.passed(f"invocation logs go to {' and '.join(destinations)}", {"destinations": destinations})
        elif destinations:
            ctx.failed("invocation logging is configured but text data delivery is off",
                       {"destinations": destinations, "text_data_delivery": False})
        else:
            ctx.failed("model invocation logging is not configured", {"destinations": []})


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
    service="bedrock",
    scope="regional",
    resource_type="Other",
    severity="medium",
    boundaries=["model", "data"],
    csf=["PR.DS-01"],
    owasp_llm=["LLM06", "LLM02:2025"],
    permissions=[*LOGGING_PERMISSIONS, "s3:GetEncryptionConfiguration", "logs:DescribeLogGroups"],
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
    service="bedrock",
    scope="regional",
    resource_type="AwsLogsLogGroup",
    severity="low",
    boundaries=["model"],
    csf=["PR.PS-04", "PR.DS-01"],
    owasp_llm=["LLM01", "LLM06", "LLM01:2025", "LLM02:2025"],
    permissions=[*LOGGING_PERMISSIONS, "logs:DescribeLogGroups"],
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
    "console, Guardrails), then `aws bedrock create-guardrail-version` and point agents and applications at it."


def _filters(detail: dict[str, Any], policy: str) -> dict[str, dict[str, Any]]:
    return {f.get("type", ""): f for f in (detail.get(policy) or {}).get("filters", [])}


@check(
    id="bedrock.guardrail_in_ai_regions",
    title="Regions that run Bedrock workloads have a guardrail",
    description="Every region with Bedrock agents, knowledge bases, custom or imported models or invocation "
    "logging has at least one Bedrock guardrail.",
    rationale=(
        "Guardrails are the model-side filter for prompt attacks, harmful content and personal data in "
        "prompts and answers. A region running AI without any guardrail has no such filter to attach."
    ),
    remediation="`aws bedrock create-guardrail --name <n> --content-policy-config ... "
    "--sensitive-information-policy-config ... --blocked-input-messaging ... --blocked-outputs-messaging ...`.",
    service="bedrock",
    scope="regional",
    resource_type="AwsAccount",
    severity="high",
    boundaries=["model"],
    csf=["PR.PS-01", "PR.DS-10"],
    owasp_llm=["LLM01", "LLM06", "LLM01:2025", "LLM02:2025", "LLM05:2025"],
    permissions=[*USAGE_PERMISSIONS, "bedrock:ListGuardrails"],
)
def guardrail_in_ai_regions(ctx: CheckContext) -> None:
    with ctx.account_resource():
        signs = usage(ctx)
        found = [g["id"] for g in guardrails(ctx)]
        if not signs:
            ctx.skip()  # no Bedrock workload in this region
        elif found:
            ctx.passed(f"{len(found)} guardrail(s) exist", {"guardrails": found, "bedrock_in_use": signs})
        else:
            ctx.failed("the region runs Bedrock workloads but has no guardrail", {"bedrock_in_use": signs})


@check(
    id="bedrock.guardrail_prompt_attack_filter",
    title="Bedrock guardrails filter prompt attacks",
    description="Each Bedrock guardrail has a PROMPT_ATTACK content filter whose input strength is not NONE.",
    rationale=(
        "The prompt-attack filter detects jailbreaks and prompt injection in user input before the model "
        "acts on it: the model-side layer against OWASP's first LLM risk."
    ),
    remediation=f"Add a content filter of type PROMPT_ATTACK with inputStrength HIGH: {GUARDRAIL_REMEDIATION}",
    service="bedrock",
    scope="regional",
    resource_type="Other",
    severity="high",
    boundaries=["model"],
    csf=["PR.DS-10", "PR.PS-01"],
    owasp_llm=["LLM01", "LLM01:2025", "LLM07:2025"],
    permissions=list(GUARDRAIL_PERMISSIONS),
)
def guardrail_prompt_attack_filter(ctx: CheckContext) -> None:
    for summary in guardrails(ctx):
        with ctx.resource(summary["id"], arn=summary.get("arn")):
            attack = _filters(guardrail(ctx, summary["id"]), "contentPolicy").get("PROMPT_ATTACK", {})
            strength = attack.get("inputStrength", "NONE")
            if strength != "NONE" and attack.get("inputEnabled", True):
                ctx.passed(f"prompt attacks are filtered at {strength} strength", {"input_strength": strength})
            else:
                ctx.failed("no prompt-attack filter on input", {"input_strength": strength if attack else None})


@check(
    id="bedrock.guardrail_content_filters",
    title="Bedrock guardrails filter harmful content",
    description="Each Bedrock guardrail filters HATE, INSULTS, SEXUAL, VIOLENCE and MISCONDUCT content in both "
    "prompts and responses (strength not NONE).",
    rationale=(
        "Content filters stop a model from being steered into producing abusive, violent or criminal "
        "instructions, and stop such content in answers from reaching users or downstream systems."
    ),
    remediation=f"Add content filters for each harm category with input and output strength: "
    f"{GUARDRAIL_REMEDIATION}",
    service="bedrock",
    scope="regional",
    resource_type="Other",
    severity="medium",
    boundaries=["model"],
    csf=["PR.DS-10", "PR.PS-01"],
    owasp_llm=["LLM01", "LLM02", "LLM01:2025", "LLM05:2025"],
    permissions=list(GUARDRAIL_PERMISSIONS),
)
def guardrail_content_filters(ctx: CheckContext) -> None:
    for summary in guardrails(ctx):
        with ctx.resource(summary["id"], arn=summary.get("arn")):
            filters = _filters(guardrail(ctx, summary["id"]), "contentPolicy")
            missing = [
                name for name in HARM_FILTERS
                if name not in filters
                or filters[name].get("inputStrength", "NONE") == "NONE"
                or filters[name].get("outputStrength", "NONE") == "NONE"
            ]
            if missing:
                ctx.failed(f"no input and output filter for {', '.join(missing)}", {"missing_filters": missing})
            else:
                ctx.passed("all harm categories are filtered on input and output", {"filters": list(HARM_FILTERS)})


def _pii_active(item: dict[str, Any]) -> bool:
    actions = [item.get("action"), item.get("inputAction"), item.get("outputAction")]
    return any(a and a != "NONE" for a in actions)


@check(
    id="bedrock.guardrail_sensitive_information_filter",
    title="Bedrock guardrails filter sensitive information",
    description="Each Bedrock guardrail has a sensitive-information policy with at least one PII entity or "
    "regex that blocks or masks.",
    rationale=(
        "Models repeat what they were given or trained on. A PII filter blocks or anonymises personal data "
        "in prompts and answers, so one conversation cannot leak another customer's data."
    ),
    remediation=f"Add PII entities (EMAIL, PHONE, US_SOCIAL_SECURITY_NUMBER, ...) with action ANONYMIZE or "
    f"BLOCK: {GUARDRAIL_REMEDIATION}",
    service="bedrock",
    scope="regional",
    resource_type="Other",
    severity="high",
    boundaries=["model", "data"],
    csf=["PR.DS-10", "PR.DS-02"],
    owasp_llm=["LLM06", "LLM02:2025"],
    permissions=list(GUARDRAIL_PERMISSIONS),
)
def guardrail_sensitive_information_filter(ctx: CheckContext) -> None:
    for summary in guardrails(ctx):
        with ctx.resource(summary["id"], arn=summary.get("arn")):
            policy = guardrail(ctx, summary["id"]).get("sensitiveInformationPolicy") or {}
            entities = [e.get("type", "?") for e in policy.get("piiEntities", []) if _pii_active(e)]
            regexes = [r.get("name", "?") for r in policy.get("regexes", []) if _pii_active(r)]
            evidence: dict[str, EvidenceValue] = {"pii_entities": entities, "regexes": regexes}
            if entities or regexes:
                ctx.passed(f"{len(entities)} PII type(s) and {len(regexes)} pattern(s) are filtered", evidence)
            else:
                ctx.failed("no sensitive-information filter", evidence)


@check(
    id="bedrock.guardrail_contextual_grounding",
    title="Bedrock guardrails check grounding in regions with knowledge bases",
    description="In regions with Bedrock knowledge bases (RAG), each guardrail has a contextual grounding "
    "filter of type GROUNDING with a threshold above zero.",
    rationale=(
        "A grounding check blocks answers that the retrieved sources do not support: hallucinated policies, "
        "prices or instructions that users would otherwise act on."
    ),
    remediation=f"Add a contextual grounding policy with GROUNDING (and RELEVANCE) thresholds such as 0.75: "
    f"{GUARDRAIL_REMEDIATION}",
    service="bedrock",
    scope="regional",
    resource_type="Other",
    severity="medium",
    boundaries=["model"],
    csf=["PR.PS-01", "ID.RA-05"],
    owasp_llm=["LLM09", "LLM09:2025", "LLM08:2025"],
    permissions=[*GUARDRAIL_PERMISSIONS, "bedrock:ListKnowledgeBases"],
)
def guardrail_contextual_grounding(ctx: CheckContext) -> None:
    if not _has_knowledge_bases(ctx):
        return  # no knowledge base here: no retrieved context to ground answers in
    for summary in guardrails(ctx):
        with ctx.resource(summary["id"], arn=summary.get("arn")):
            filters = _filters(guardrail(ctx, summary["id"]), "contextualGroundingPolicy")
            grounding = filters.get("GROUNDING", {})
            threshold = grounding.get("threshold", 0)
            evidence: dict[str, EvidenceValue] = {"grounding_threshold": threshold if grounding else None,
                                                  "relevance_filter": "RELEVANCE" in filters}
            if threshold > 0 and grounding.get("enabled", True):
                ctx.passed(f"answers must be grounded (threshold {threshold})", evidence)
            else:
                ctx.failed("no contextual grounding filter", evidence)


@check(
    id="bedrock.guardrail_cmk",
    title="Bedrock guardrails are encrypted with a customer managed key",
    description="Each Bedrock guardrail names a KMS key (kmsKeyArn), and that key is customer managed.",
    rationale=(
        "A guardrail's denied topics, word lists and regexes describe what the application must never say "
        "or reveal; a customer managed key puts who can read or change them under the account's key policy."
    ),
    remediation="Recreate or update the guardrail with `--kms-key-id <customer-managed-key-arn>`.",
    service="bedrock",
    scope="regional",
    resource_type="Other",
    severity="low",
    boundaries=["model"],
    csf=["PR.DS-01"],
    owasp_llm=["LLM06", "LLM02:2025", "LLM07:2025"],
    permissions=[*GUARDRAIL_PERMISSIONS, "kms:DescribeKey"],
)
def guardrail_cmk(ctx: CheckContext) -> None:
    for summary in guardrails(ctx):
        with ctx.resource(summary["id"], arn=summary.get("arn")):
            judge_cmk(ctx, guardrail(ctx, summary["id"]).get("kmsKeyArn"), "the guardrail")


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
    service="bedrock",
    scope="regional",
    resource_type="Other",
    severity="medium",
    boundaries=["model", "data"],
    csf=["PR.DS-01"],
    owasp_llm=["LLM10", "LLM06", "LLM02:2025"],
    permissions=["bedrock:ListCustomModels", "bedrock:GetCustomModel", "kms:DescribeKey"],
)
def custom_model_cmk(ctx: CheckContext) -> None:
    for summary in custom_model_summaries(ctx):
        with ctx.resource(summary["modelName"], arn=summary.get("modelArn")):
            model = ctx.call("bedrock", "get_custom_model", modelIdentifier=summary["modelName"])
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
    remediation="Re-import the model with `aws bedrock create-model-import-job ... --imported-model-kms-key-id "
    "<customer-managed-key>` and delete the old import.",
    service="bedrock",
    scope="regional",
    resource_type="Other",
    severity="medium",
    boundaries=["model", "data"],
    csf=["PR.DS-01"],
    owasp_llm=["LLM10", "LLM05", "LLM02:2025", "LLM03:2025"],
    permissions=["bedrock:ListImportedModels", "bedrock:GetImportedModel", "kms:DescribeKey"],
)
def imported_model_cmk(ctx: CheckContext) -> None:
    for summary in imported_model_summaries(ctx):
        with ctx.resource(summary["modelName"], arn=summary.get("modelArn")):
            model = ctx.call("bedrock", "get_imported_model", modelIdentifier=summary["modelName"])
            judge_cmk(ctx, model.get("modelKmsKeyArn"), "the imported model")
