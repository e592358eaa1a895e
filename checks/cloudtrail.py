"""AWS CloudTrail: the account's record of every API call, AI services included."""

from __future__ import annotations

from typing import Any

from posture.context import CheckContext
from posture.registry import check


def trails(ctx: CheckContext) -> list[dict[str, Any]]:
    """Every trail that logs this account, including multi-region trails homed elsewhere."""
    return list(ctx.call("cloudtrail", "describe_trails", includeShadowTrails=True).get("trailList", []))


def trail_status(ctx: CheckContext, trail: dict[str, Any]) -> dict[str, Any]:
    home = trail.get("HomeRegion")
    reader = ctx.in_region(home) if home in ctx.regions and home != ctx.region else ctx
    return reader.call("cloudtrail", "get_trail_status", Name=trail["TrailARN"])


@check(
    id="cloudtrail.multi_region_trail_logging",
    title="A multi-region CloudTrail trail is logging with log file validation",
    description="At least one trail covers every region, is currently logging, and validates its log files.",
    rationale=(
        "Who changed a guardrail, read a training bucket or assumed an agent's role is answered only by "
        "CloudTrail; validation proves the logs were not edited after the fact."
    ),
    remediation="Create or fix a trail: `aws cloudtrail create-trail --is-multi-region-trail "
    "--enable-log-file-validation ...` then `aws cloudtrail start-logging`.",
    service="cloudtrail",
    scope="global",
    resource_type="AwsAccount",
    severity="high",
    boundaries=["organizational", "application"],
    csf=["PR.PS-04", "DE.CM-03"],
    owasp_llm=["LLM08", "LLM10", "LLM06:2025"],
    securityhub_controls=["CloudTrail.1", "CloudTrail.4"],
    permissions=["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"],
)
def multi_region_trail_logging(ctx: CheckContext) -> None:
    with ctx.account_resource():
        gaps: dict[str, list[str]] = {}
        for trail in trails(ctx):
            missing = []
            if not trail.get("IsMultiRegionTrail"):
                missing.append("not multi-region")
            if not trail.get("LogFileValidationEnabled"):
                missing.append("no log file validation")
            if not missing and not trail_status(ctx, trail).get("IsLogging"):
                missing.append("not logging")
            gaps[trail["Name"]] = missing
        good = [name for name, missing in gaps.items() if not missing]
        if good:
            ctx.passed(f"trail {good[0]} is multi-region, logging and validated", {"trails": good})
        elif gaps:
            detail = "; ".join(f"{name}: {', '.join(missing)}" for name, missing in gaps.items())
            ctx.failed(f"no trail meets all three ({detail})", {"trails": sorted(gaps)})
        else:
            ctx.failed("no CloudTrail trail logs this account", {"trails": []})
