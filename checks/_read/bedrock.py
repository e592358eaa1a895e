"""Amazon Bedrock reads (the bedrock API): invocation logging, custom and imported models, guardrails,
foundation models, inference profiles, provisioned throughputs and enforced guardrails.

Also the reads of what Bedrock settings name elsewhere and no other read module declares yet: the
invocation-log bucket and CloudWatch delivery role (do they exist?), and the organization's effective
Bedrock policy (the guardrails it enforces).
"""

from __future__ import annotations

import json
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
GUARDRAIL = Kind("guardrail", list=LIST_GUARDRAILS, id="id", arn="arn", details=(GET_GUARDRAIL,))

# What invocation logging names: its bucket (GetBucketLocation answers NoSuchBucket or 404 when it is gone)
# and its CloudWatch delivery role.
S3 = Service("s3")
IAM = Service("iam")
BUCKET_LOCATION = S3.read("GetBucketLocation", param="Bucket", absent={"NoSuchBucket", "404"}, default=None)
GET_ROLE = IAM.read("GetRole", path="Role", param="RoleName", absent={"NoSuchEntity"}, default=None)

# The organization's effective Bedrock policy; these codes say there is no organization, or no such policy
# applies to this account.
ORGANIZATIONS = Service("organizations")
NO_ORG_POLICY = ("AWSOrganizationsNotInUseException", "EffectivePolicyNotFoundException", "TargetNotFoundException")
ORG_BEDROCK_POLICY = ORGANIZATIONS.read("DescribeEffectivePolicy", path="EffectivePolicy",
                                        params={"PolicyType": "BEDROCK_POLICY"}, absent=NO_ORG_POLICY, default=None)


# -- invocation logging ------------------------------------------------------------------------
def invocation_logging(ctx: CheckContext) -> dict[str, Any]:
    """The region's model invocation logging configuration ({} when it was never set)."""
    return dict(LOGGING(ctx) or {})


def bucket_exists(ctx: CheckContext, name: str) -> bool:
    return BUCKET_LOCATION(ctx, name) is not None


def role_trust(ctx: CheckContext, arn: str) -> Any | None:
    """The trust policy of the role `arn` names, or None when there is no such role."""
    role = GET_ROLE(ctx, arn.rsplit("/", 1)[-1])
    return None if role is None else role.get("AssumeRolePolicyDocument")


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


def org_bedrock_policy(ctx: CheckContext) -> dict[str, Any]:
    """The content of the organization's effective Bedrock policy for this account ({} when none applies)."""
    policy = ORG_BEDROCK_POLICY(ctx) or {}
    return dict(json.loads(policy.get("PolicyContent") or "{}"))


# -- model access ------------------------------------------------------------------------------
def foundation_models(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(LIST_FOUNDATION_MODELS(ctx))


def model_availability(ctx: CheckContext, model_id: str) -> dict[str, Any]:
    return dict(MODEL_AVAILABILITY(ctx, model_id))


def inference_profiles(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(LIST_INFERENCE_PROFILES(ctx))


def provisioned_throughputs(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(LIST_PROVISIONED_THROUGHPUTS(ctx))
