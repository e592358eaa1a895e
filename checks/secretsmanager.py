"""AWS Secrets Manager: the keys an LLM application holds for model providers and AI tools.

Only metadata is read (ListSecrets): names, descriptions, tags and the rotation flag.
Secret values are never read.
"""

from __future__ import annotations

import re
from typing import Any

from posture.api import CheckContext, Family
from posture.checks import _exposure
from posture.checks._read import secretsmanager
from posture.checks._read.tags import AI_DATA, flagged, tag_map

check = Family(
    service="secretsmanager",
    scope="regional",
    resource_type="AwsSecretsManagerSecret",
    boundaries=["application"],
    service_docs="https://docs.aws.amazon.com/secretsmanager/latest/userguide/security.html",
    maps=["PR.AA-01", "PR.DS-01", "LLM02:2025", "LLM03:2025", "LLM05", "LLM06", "SecretsManager.1", "AML.T0012",
        "AML.T0034", "AML.T0055", "MANAGE 3.1", "MEASURE 2.7", "A.10.3", "A.6.2.6", "Art. 15"],
)

# Names, descriptions or tags that mark a key for a model provider or an AI service.
MODEL_KEY = re.compile(
    r"openai|anthropic|claude|hugging[-_ ]?face|\bhf[-_]|cohere|mistral|gemini|groq|replicate|perplexity|"
    r"pinecone|llm|model[-_ ]?(api|provider|key)",
    re.IGNORECASE,
)


def model_key_reason(secret: dict[str, Any]) -> str | None:
    """Why a secret looks like a model-provider key (from metadata only), or None."""
    tags = tag_map(secret.get("Tags"))
    if flagged(tags, AI_DATA):
        return "tagged"
    for label, text in (("name", secret.get("Name", "")), ("description", secret.get("Description", "")),
                        ("tags", " ".join(f"{k} {v}" for k, v in tags.items()))):
        if MODEL_KEY.search(str(text)):
            return label
    return None


@check(
    id="secretsmanager.model_key_rotation_enabled",
    title="Model-provider keys in Secrets Manager rotate automatically",
    description="Every secret whose name, description or tags mark it as a model-provider or AI-service key "
    "(OpenAI, Anthropic, Hugging Face, Cohere, LLM, model API, or tag posture:ai-data) has automatic rotation "
    "enabled.",
    rationale=(
        "Provider API keys are bearer credentials: one leaked through a log, a prompt or a tool's output "
        "works for anyone until it is replaced. Rotation bounds how long a leaked key stays useful."
    ),
    remediation="Write a rotation function that asks the provider for a new key, then `aws secretsmanager "
    "rotate-secret --secret-id <id> --rotation-lambda-arn <arn> --rotation-rules AutomaticallyAfterDays=30`.",
    severity="medium",
    reads=[secretsmanager.SECRET],
)
def model_key_rotation_enabled(ctx: CheckContext) -> None:
    for secret in secretsmanager.secrets(ctx):
        with ctx.resource(secret["Name"], arn=secret.get("ARN")):
            why = model_key_reason(secret)
            if why is None:
                ctx.skip()  # not a model-provider key
            elif secret.get("RotationEnabled"):
                days = (secret.get("RotationRules") or {}).get("AutomaticallyAfterDays")
                ctx.passed("automatic rotation is enabled", {"model_key_because": why, "rotation_days": days})
            else:
                ctx.failed("automatic rotation is not enabled", {"model_key_because": why})


@check(
    id="secretsmanager.ai_secret_outside_access",
    title="No one outside the account or its organization can read a model-provider key",
    description="The resource policy of every secret whose name, description or tags mark it as a model-provider "
    "or AI-service key lets no one outside this account and its organization read, change or delete it. Judged by "
    "the one exposure question (checks/_exposure.py) over the Secrets Manager actions on a secret.",
    rationale=(
        "A model-provider key is a bearer credential: whoever outside reads it calls the provider as the "
        "application, on its bill, with its data-retention terms."
    ),
    remediation="`aws secretsmanager put-resource-policy --secret-id <id> --resource-policy file://policy.json "
    "--block-public-policy` naming only this account's principals, or `aws secretsmanager delete-resource-policy`.",
    severity="high",
    reads=[secretsmanager.SECRET, _exposure.AI_SECRET.reads],
)
def ai_secret_outside_access(ctx: CheckContext) -> None:
    _exposure.judge(ctx, _exposure.AI_SECRET,
                    [_exposure.Target(s["Name"], s.get("ARN"), f"model-provider key ({why})", s)
                     for s in secretsmanager.secrets(ctx) if (why := model_key_reason(s))])
