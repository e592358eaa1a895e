"""Amazon Bedrock: model invocation logging, custom models."""

from __future__ import annotations

from typing import Any

from posture.context import CheckContext
from posture.registry import check


def invocation_logging(ctx: CheckContext) -> dict[str, Any]:
    """The region's model invocation logging configuration ({} when it was never set)."""
    return dict(ctx.call("bedrock", "get_model_invocation_logging_configuration").get("loggingConfig") or {})


def custom_models(ctx: CheckContext) -> list[dict[str, Any]]:
    summaries = ctx.paginate("bedrock", "list_custom_models").get("modelSummaries", [])
    return [ctx.call("bedrock", "get_custom_model", modelIdentifier=m["modelArn"]) for m in summaries]


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
