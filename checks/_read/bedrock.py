"""Amazon Bedrock reads (the bedrock API): invocation logging, custom and imported models, guardrails,
foundation models, inference profiles, provisioned throughputs and enforced guardrails.

What Bedrock settings name elsewhere is read by the read module of its service: the invocation-log bucket
(`_read/s3.py` bucket_exists), the CloudWatch delivery role (`_read/iam.py` role_trust) and the organization's
effective Bedrock policy (`_read/organizations.py` org_bedrock_policy).
"""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Kind, Service

BEDROCK = Service("bedrock")
DRAFT = "DRAFT"  # the working draft of a guardrail, an agent or a flow: what a read without a version answers

LOGGING = BEDROCK.read("GetModelInvocationLoggingConfiguration", path="loggingConfig", default=None)
LIST_CUSTOM_MODELS = BEDROCK.read("ListCustomModels", path="modelSummaries", paginate=True)
GET_CUSTOM_MODEL = BEDROCK.read("GetCustomModel", param="modelIdentifier")
LIST_IMPORTED_MODELS = BEDROCK.read("ListImportedModels", path="modelSummaries", paginate=True)
GET_IMPORTED_MODEL = BEDROCK.read("GetImportedModel", param="modelIdentifier")
LIST_GUARDRAILS = BEDROCK.read("ListGuardrails", path="guardrails", paginate=True)
GET_GUARDRAIL = BEDROCK.read("GetGuardrail", param="guardrailIdentifier")
LIST_FOUNDATION_MODELS = BEDROCK.read("ListFoundationModels", path="modelSummaries", default=[])
MODEL_AVAILABILITY = BEDROCK.read("GetFoundationModelAvailability", param="modelId")
LIST_INFERENCE_PROFILES = BEDROCK.read("ListInferenceProfiles", path="inferenceProfileSummaries", paginate=True)
LIST_PROVISIONED_THROUGHPUTS = BEDROCK.read("ListProvisionedModelThroughputs", path="provisionedModelSummaries",
                                            paginate=True)
LIST_ENFORCED_GUARDRAILS = BEDROCK.read("ListEnforcedGuardrailsConfiguration", path="guardrailsConfig", paginate=True)

# By name: a model's ARN holds slashes, and its name identifies it as well.
CUSTOM_MODEL = Kind("custom model", list=LIST_CUSTOM_MODELS, id="modelName", arn="modelArn",
                    details=(GET_CUSTOM_MODEL,))
IMPORTED_MODEL = Kind("imported model", list=LIST_IMPORTED_MODELS, id="modelName", arn="modelArn",
                      details=(GET_IMPORTED_MODEL,))
# A guardrail's resource policy (cross-account use); a guardrail without one: ResourceNotFoundException, None.
RESOURCE_POLICY = BEDROCK.read("GetResourcePolicy", path="resourcePolicy", param="resourceArn",
                               absent={"ResourceNotFoundException"}, default=None)
GUARDRAIL = Kind("guardrail", list=LIST_GUARDRAILS, id="id", arn="arn", details=(GET_GUARDRAIL,))


# -- invocation logging ------------------------------------------------------------------------
def invocation_logging(ctx: CheckContext) -> dict[str, Any]:
    """The region's model invocation logging configuration ({} when it was never set)."""
    return dict(LOGGING(ctx) or {})


# -- custom and imported models ----------------------------------------------------------------
def custom_model_summaries(ctx: CheckContext) -> list[dict[str, Any]]:
    return CUSTOM_MODEL.all(ctx)


def custom_model(ctx: CheckContext, name: str) -> dict[str, Any]:
    return dict(GET_CUSTOM_MODEL(ctx, name))


def custom_models(ctx: CheckContext) -> list[dict[str, Any]]:
    """Every custom model in full, read side by side."""
    return ctx.fan_out(lambda m: custom_model(ctx, m["modelName"]), custom_model_summaries(ctx))


def imported_model_summaries(ctx: CheckContext) -> list[dict[str, Any]]:
    return IMPORTED_MODEL.all(ctx)


def imported_model(ctx: CheckContext, name: str) -> dict[str, Any]:
    return dict(GET_IMPORTED_MODEL(ctx, name))


def imported_models(ctx: CheckContext) -> list[dict[str, Any]]:
    """Every imported model in full, read side by side."""
    return ctx.fan_out(lambda m: imported_model(ctx, m["modelName"]), imported_model_summaries(ctx))


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


# -- guardrails ----------------------------------------------------------------------------------
def parse_identifier(identifier: str) -> tuple[str, str | None]:
    """(guardrail id, version or None) from an id or an ARN (`...:guardrail/ID` or `...:guardrail/ID:3`)."""
    tail = identifier.split("guardrail/", 1)[1] if "guardrail/" in identifier else identifier
    gid, _, version = tail.partition(":")
    return gid, (version or None)


def guardrails(ctx: CheckContext) -> list[dict[str, Any]]:
    """The region's guardrails (their working DRAFT, which ListGuardrails returns without an identifier)."""
    return GUARDRAIL.all(ctx)


def guardrail(ctx: CheckContext, identifier: str, version: str = DRAFT) -> dict[str, Any]:
    """One guardrail version in full (GetGuardrail without a version is the DRAFT). An ARN of this account
    and region is read by its id (the same guardrail: one read shared by every user of it)."""
    parts = identifier.split(":")
    if identifier.startswith("arn:") and len(parts) >= 6 and parts[3] == ctx.region and parts[4] == ctx.account_id:
        identifier = parse_identifier(identifier)[0]
    if version == DRAFT:
        return dict(GET_GUARDRAIL(ctx, identifier))
    return dict(GET_GUARDRAIL(ctx, identifier, guardrailVersion=version))


def guardrail_versions(ctx: CheckContext, guardrail_id: str) -> list[str]:
    """The versions of one guardrail (ListGuardrails with an identifier lists them; DRAFT included)."""
    listed = LIST_GUARDRAILS(ctx, guardrailIdentifier=guardrail_id)
    return list(dict.fromkeys(str(g["version"]) for g in listed if g.get("id") == guardrail_id and g.get("version")))


def enforced_guardrail_configs(ctx: CheckContext) -> list[dict[str, Any]]:
    """The guardrails enforced on model calls for the account (and those of the organization AWS lists)."""
    return list(LIST_ENFORCED_GUARDRAILS(ctx))


# -- model access ------------------------------------------------------------------------------
def foundation_models(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(LIST_FOUNDATION_MODELS(ctx))


def model_availability(ctx: CheckContext, model_id: str) -> dict[str, Any]:
    return dict(MODEL_AVAILABILITY(ctx, model_id))


def inference_profiles(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(LIST_INFERENCE_PROFILES(ctx))


def provisioned_throughputs(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(LIST_PROVISIONED_THROUGHPUTS(ctx))
