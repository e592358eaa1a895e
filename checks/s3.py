"""Amazon S3: the buckets that hold an LLM application's data.

A bucket counts as AI data when
- it is tagged `posture:ai-data` (training data, RAG sources, model artifacts, logs), or
- a scanned region's AI resources reference it: SageMaker training job inputs,
  outputs and checkpoints, SageMaker model artifacts, Bedrock custom-model training
  and output data, the Bedrock invocation-log bucket, Bedrock knowledge-base S3
  data sources.
Only these buckets are judged by the AI-data checks; other buckets are out of scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checks import bedrock, bedrock_agent, sagemaker
from checks._tags import AI_DATA, flagged, tag_map
from posture.aws import AwsReadError
from posture.context import CheckContext
from posture.registry import check

REFERENCE_SOURCES = (
    ("sagemaker", sagemaker.s3_uris),
    ("bedrock", bedrock.s3_uris),
    ("bedrock-agent", bedrock_agent.s3_uris),
)
DISCOVERY_PERMISSIONS = (
    "s3:ListAllMyBuckets", "s3:GetBucketTagging", "s3:GetBucketLocation",
    "sagemaker:ListTrainingJobs", "sagemaker:DescribeTrainingJob", "sagemaker:ListModels", "sagemaker:DescribeModel",
    "bedrock:GetModelInvocationLoggingConfiguration", "bedrock:ListCustomModels", "bedrock:GetCustomModel",
    "bedrock:ListKnowledgeBases", "bedrock:ListDataSources", "bedrock:GetDataSource",
)


@dataclass(frozen=True)
class AiBucket:
    name: str
    arn: str
    why: str  # "tagged" or the service that references it


def buckets(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(ctx.paginate("s3", "list_buckets").get("Buckets", []))


def bucket_tags(ctx: CheckContext, name: str) -> dict[str, str]:
    try:
        return tag_map(ctx.call("s3", "get_bucket_tagging", Bucket=name).get("TagSet"))
    except AwsReadError as exc:
        if exc.code == "NoSuchTagSet":
            return {}
        raise


def bucket_region(ctx: CheckContext, name: str) -> str:
    location = ctx.call("s3", "get_bucket_location", Bucket=name).get("LocationConstraint")
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(location, location)


def referenced_buckets(ctx: CheckContext) -> dict[str, str]:
    """Bucket name -> the service whose resources reference it, over every scanned region."""
    found: dict[str, str] = {}
    for region in ctx.regions:
        for service, uris in REFERENCE_SOURCES:
            if not ctx.offers(service, region):
                continue
            for uri in uris(ctx.in_region(region)):
                if uri.startswith("s3://"):
                    found.setdefault(uri[5:].split("/", 1)[0], service)
                elif uri.startswith("arn:") and ":s3:::" in uri:
                    found.setdefault(uri.split(":::", 1)[1].split("/", 1)[0], service)
    return found


def ai_buckets(ctx: CheckContext) -> list[AiBucket]:
    """The account's AI-data buckets. A failed read of any source raises: a partial list
    would silently leave buckets unjudged."""
    referenced = referenced_buckets(ctx)
    chosen = []
    for bucket in buckets(ctx):
        name = bucket["Name"]
        why = referenced.get(name) or ("tagged" if flagged(bucket_tags(ctx, name), AI_DATA) else None)
        if why:
            chosen.append(AiBucket(name, f"arn:{ctx.partition}:s3:::{name}", why))
    return chosen


def versioning(ctx: CheckContext, name: str) -> dict[str, Any]:
    return ctx.call("s3", "get_bucket_versioning", Bucket=name)


def object_lock(ctx: CheckContext, name: str) -> dict[str, Any]:
    try:
        return dict(ctx.call("s3", "get_object_lock_configuration", Bucket=name).get("ObjectLockConfiguration", {}))
    except AwsReadError as exc:
        if exc.code == "ObjectLockConfigurationNotFoundError":
            return {}
        raise


@check(
    id="s3.ai_bucket_versioning_enabled",
    title="AI data buckets keep object versions",
    description="Every bucket that holds training data, RAG sources, model artifacts or invocation logs has "
    "versioning enabled.",
    rationale=(
        "Versioning keeps every earlier object: a poisoned training set or a tampered RAG document can be "
        "compared with and rolled back to the version before the change."
    ),
    remediation="`aws s3api put-bucket-versioning --bucket <name> --versioning-configuration Status=Enabled`.",
    service="s3",
    scope="global",
    resource_type="AwsS3Bucket",
    severity="medium",
    boundaries=["data"],
    csf=["PR.DS-01", "PR.DS-11", "RC.RP-03"],
    owasp_llm=["LLM03", "LLM04:2025", "LLM08:2025"],
    securityhub_controls=["S3.14"],
    permissions=[*DISCOVERY_PERMISSIONS, "s3:GetBucketVersioning"],
)
def ai_bucket_versioning_enabled(ctx: CheckContext) -> None:
    for bucket in ai_buckets(ctx):
        with ctx.resource(bucket.name, arn=bucket.arn, region=bucket_region(ctx, bucket.name)):
            status = versioning(ctx, bucket.name).get("Status") or "never enabled"
            evidence = {"versioning": status, "ai_data_because": bucket.why}
            if status == "Enabled":
                ctx.passed("versioning is enabled", evidence)
            else:
                ctx.failed(f"versioning is {status.lower()}", evidence)


@check(
    id="s3.ai_bucket_object_lock_enabled",
    title="AI data buckets have Object Lock",
    description="Every bucket that holds training data, RAG sources, model artifacts or invocation logs has "
    "S3 Object Lock enabled.",
    rationale=(
        "Object Lock makes object versions immutable for a retention period: neither an attacker with "
        "write access nor a careless pipeline can overwrite or delete the data a model is trained on."
    ),
    remediation="Enable Object Lock on the bucket (`aws s3api put-object-lock-configuration`, versioning "
    "must be on) and set a default retention suited to the data.",
    service="s3",
    scope="global",
    resource_type="AwsS3Bucket",
    severity="medium",
    boundaries=["data"],
    csf=["PR.DS-01", "PR.DS-11"],
    owasp_llm=["LLM03", "LLM04:2025"],
    securityhub_controls=["S3.15"],
    permissions=[*DISCOVERY_PERMISSIONS, "s3:GetBucketObjectLockConfiguration"],
)
def ai_bucket_object_lock_enabled(ctx: CheckContext) -> None:
    for bucket in ai_buckets(ctx):
        with ctx.resource(bucket.name, arn=bucket.arn, region=bucket_region(ctx, bucket.name)):
            config = object_lock(ctx, bucket.name)
            retention = config.get("Rule", {}).get("DefaultRetention", {})
            evidence = {"object_lock": config.get("ObjectLockEnabled") or "Disabled",
                        "default_retention_mode": retention.get("Mode"), "ai_data_because": bucket.why}
            if config.get("ObjectLockEnabled") == "Enabled":
                ctx.passed("Object Lock is enabled", evidence)
            else:
                ctx.failed("Object Lock is not enabled", evidence)
