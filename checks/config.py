"""AWS Config: the inventory and change history of the resources an AI workload is made of."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Family
from posture.checks._read import config
from posture.checks._read.config import delivery_channels, recorder_statuses, recorders

check = Family(
    service="config",
    scope="regional",
    resource_type="AwsAccount",
    boundaries=["organizational"],
    service_docs="https://docs.aws.amazon.com/config/latest/developerguide/security.html",
    maps=["ID.AM-02", "PR.PS-04", "LLM03:2025", "LLM05", "Config.1", "AML.T0081", "GOVERN 1.6", "A.4.2"],
)

# Resource-type prefixes of the AI services that Config can record.
AI_TYPE_PREFIXES = ("AWS::SageMaker::", "AWS::Bedrock::", "AWS::BedrockAgentCore::")


def ai_coverage(group: dict[str, Any]) -> tuple[bool, str]:
    """(whether the recording group records AI resource types, how it was decided)."""
    strategy = (group.get("recordingStrategy") or {}).get("useOnly")
    if strategy == "EXCLUSION_BY_RESOURCE_TYPES":
        excluded = (group.get("exclusionByResourceTypes") or {}).get("resourceTypes", [])
        ai_excluded = [t for t in excluded if t.startswith(AI_TYPE_PREFIXES)]
        return not ai_excluded, f"all types except {len(excluded)}" + (", AI types among them" if ai_excluded else "")
    if group.get("allSupported") or strategy == "ALL_SUPPORTED_RESOURCE_TYPES":
        return True, "all supported types"
    included = [t for t in group.get("resourceTypes", []) if t.startswith(AI_TYPE_PREFIXES)]
    return bool(included), f"{len(included)} AI type(s) of {len(group.get('resourceTypes', []))} listed"


@check(
    id="config.recorder_recording_ai_resources",
    title="AWS Config records the region's AI resources",
    description="A configuration recorder is recording in the region, for all supported resource types or at "
    "least the SageMaker and Bedrock ones.",
    rationale=(
        "Config is the inventory and change history of notebooks, endpoints, models, guardrails and the "
        "buckets and roles around them: which model served on a given day, and who loosened a setting when."
    ),
    remediation="`aws configservice put-configuration-recorder --configuration-recorder "
                "name=default,roleARN=<service-linked-role-arn> --recording-group "
                "allSupported=true,includeGlobalResourceTypes=true` then `aws configservice "
                "start-configuration-recorder --configuration-recorder-name default`.",
    severity="medium",
    maps=["DE.CM-09", "LLM04:2025", "MANAGE 4.1", "A.6.2.8"],
    reads=[config.DESCRIBE_CONFIGURATION_RECORDERS, config.DESCRIBE_CONFIGURATION_RECORDER_STATUS],
)
def recorder_recording_ai_resources(ctx: CheckContext) -> None:
    with ctx.account_resource():
        found = recorders(ctx)
        if not found:
            ctx.failed("no configuration recorder in this region", {"recorders": []})
            return
        statuses = recorder_statuses(ctx)
        gaps: dict[str, str] = {}
        for recorder in found:
            covers, how = ai_coverage(recorder.get("recordingGroup") or {})
            if not statuses.get(recorder["name"], {}).get("recording"):
                gaps[recorder["name"]] = "not recording"
            elif not covers:
                gaps[recorder["name"]] = f"records {how}, no AI types"
            else:
                ctx.passed(f"recorder {recorder['name']} is recording {how}", {"recorder": recorder["name"]})
                return
        ctx.failed("; ".join(f"{name}: {gap}" for name, gap in gaps.items()), {"recorders": sorted(gaps)})


@check(
    id="config.delivery_channel_configured",
    title="AWS Config delivers its records to S3",
    description="The region has a Config delivery channel with an S3 bucket for configuration snapshots and "
    "history.",
    rationale=(
        "Without a delivery channel the recorder cannot run, and the configuration history of the AI "
        "resources is not kept anywhere an investigation can read it later."
    ),
    remediation="`aws configservice put-delivery-channel --delivery-channel "
    "name=default,s3BucketName=<config-bucket>`.",
    severity="low",
    reads=[config.DESCRIBE_DELIVERY_CHANNELS],
)
def delivery_channel_configured(ctx: CheckContext) -> None:
    with ctx.account_resource():
        channels = [c for c in delivery_channels(ctx) if c.get("s3BucketName")]
        if channels:
            ctx.passed(f"delivery channel {channels[0]['name']} delivers to S3",
                       {"channel": channels[0]["name"], "bucket": channels[0]["s3BucketName"]})
        else:
            ctx.failed("no delivery channel with an S3 bucket in this region", {"channels": []})
