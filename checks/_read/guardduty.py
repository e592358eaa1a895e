"""Amazon GuardDuty reads: the region's detectors with their features, and its Malware Protection for S3 plans."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Kind, Service
from posture.checks._read import every_page

GUARDDUTY = Service("guardduty")
LIST_DETECTORS = GUARDDUTY.read("ListDetectors", path="DetectorIds", paginate=True)
GET_DETECTOR = GUARDDUTY.read("GetDetector", param="DetectorId")
DETECTOR = Kind("detector", list=LIST_DETECTORS, id="DetectorId", details=(GET_DETECTOR,))
# botocore has no paginator for it: its pages are followed by NextToken (`every_page`)
LIST_MALWARE_PLANS = GUARDDUTY.read("ListMalwareProtectionPlans", path="MalwareProtectionPlans")
GET_MALWARE_PLAN = GUARDDUTY.read("GetMalwareProtectionPlan", param="MalwareProtectionPlanId")
MALWARE_PLAN = Kind("malware protection plan", list=LIST_MALWARE_PLANS, id="MalwareProtectionPlanId",
                    details=(GET_MALWARE_PLAN,))


def detectors(ctx: CheckContext) -> list[dict[str, Any]]:
    """Each GuardDuty detector of the region in full, with its id (`DetectorId`); read side by side."""
    ids = [str(i) for i in LIST_DETECTORS(ctx)]
    return ctx.fan_out(lambda i: {"DetectorId": i, **GET_DETECTOR(ctx, i)}, ids)


def malware_protection_plans(ctx: CheckContext) -> list[dict[str, Any]]:
    """The region's Malware Protection for S3 plans, each in full; read side by side."""
    ids = [p["MalwareProtectionPlanId"] for p in every_page(ctx, LIST_MALWARE_PLANS, "NextToken")]
    return ctx.fan_out(lambda i: {"MalwareProtectionPlanId": i, **GET_MALWARE_PLAN(ctx, i)}, ids)
