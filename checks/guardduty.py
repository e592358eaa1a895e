"""Amazon GuardDuty: threat detection over the data and compute of AI workloads."""

from __future__ import annotations

from typing import Any

from posture.context import CheckContext
from posture.registry import check


def detectors(ctx: CheckContext) -> list[dict[str, Any]]:
    """(detector id, detector) for each GuardDuty detector in the region."""
    ids = ctx.paginate("guardduty", "list_detectors").get("DetectorIds", [])
    return [{"DetectorId": i, **ctx.call("guardduty", "get_detector", DetectorId=i)} for i in ids]


def feature_status(detector: dict[str, Any], feature: str) -> str:
    for item in detector.get("Features", []):
        if item.get("Name") == feature:
            return str(item.get("Status", "DISABLED"))
    return "DISABLED"


def _detector_arn(ctx: CheckContext, detector_id: str) -> str:
    return ctx.arn("guardduty", f"detector/{detector_id}")


@check(
    id="guardduty.detector_enabled",
    title="GuardDuty is enabled in the region",
    description="The region has a GuardDuty detector whose status is ENABLED.",
    rationale=(
        "GuardDuty is the detective layer under every boundary: credential misuse of AI roles, "
        "exfiltration from data buckets, crypto-mining on training instances."
    ),
    remediation="Enable GuardDuty in every region (`aws guardduty create-detector --enable`), "
    "ideally organization-wide from a delegated administrator.",
    service="guardduty",
    scope="regional",
    resource_type="AwsAccount",
    severity="high",
    boundaries=["data", "organizational"],
    csf=["DE.CM-01", "DE.CM-09"],
    owasp_llm=["LLM03", "LLM10", "LLM04:2025"],
    securityhub_controls=["GuardDuty.1"],
    permissions=["guardduty:ListDetectors", "guardduty:GetDetector"],
)
def detector_enabled(ctx: CheckContext) -> None:
    with ctx.account_resource():
        found = detectors(ctx)
        enabled = [d["DetectorId"] for d in found if d.get("Status") == "ENABLED"]
        if enabled:
            ctx.passed(f"detector {enabled[0]} is enabled", {"detector_id": enabled[0]})
        elif found:
            ctx.failed("the GuardDuty detector is suspended", {"detector_id": found[0]["DetectorId"]})
        else:
            ctx.failed("GuardDuty is not enabled in this region")


@check(
    id="guardduty.s3_protection_enabled",
    title="GuardDuty S3 Protection watches data buckets",
    description="The region's enabled GuardDuty detector has the S3_DATA_EVENTS feature (S3 Protection) enabled.",
    rationale=(
        "Training data and RAG sources live in S3. S3 Protection analyses data-plane events to catch "
        "exfiltration and tampering (data poisoning) that management-plane logging misses."
    ),
    remediation="Enable the S3_DATA_EVENTS feature: `aws guardduty update-detector --detector-id <id> "
    "--features Name=S3_DATA_EVENTS,Status=ENABLED`.",
    service="guardduty",
    scope="regional",
    resource_type="AwsGuardDutyDetector",
    severity="high",
    boundaries=["data"],
    csf=["DE.CM-09"],
    owasp_llm=["LLM03", "LLM06", "LLM04:2025", "LLM02:2025"],
    securityhub_controls=["GuardDuty.10"],
    permissions=["guardduty:ListDetectors", "guardduty:GetDetector"],
)
def s3_protection_enabled(ctx: CheckContext) -> None:
    found = detectors(ctx)
    if not found:
        with ctx.account_resource():
            ctx.failed("GuardDuty is not enabled in this region, so S3 Protection is off")
        return
    for detector in found:
        with ctx.resource(detector["DetectorId"], arn=_detector_arn(ctx, detector["DetectorId"])):
            status = feature_status(detector, "S3_DATA_EVENTS")
            if detector.get("Status") == "ENABLED" and status == "ENABLED":
                ctx.passed("S3 Protection is enabled")
            else:
                ctx.failed(f"S3 Protection is {status.lower()} (detector {detector.get('Status', '?').lower()})",
                           {"s3_data_events": status, "detector_status": detector.get("Status")})
