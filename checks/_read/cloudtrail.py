"""AWS CloudTrail reads: the trails that log the account, their status and event selectors, and the event
history (LookupEvents, bounded)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from posture.api import CheckContext, Kind, Service

CLOUDTRAIL = Service("cloudtrail")
# Every trail that logs this account, including multi-region trails homed elsewhere (shadow trails).
DESCRIBE_TRAILS = CLOUDTRAIL.read("DescribeTrails", path="trailList", params={"includeShadowTrails": True},
                                  default=[])
TRAIL_STATUS = CLOUDTRAIL.read("GetTrailStatus", param="Name")
EVENT_SELECTORS = CLOUDTRAIL.read("GetEventSelectors", param="TrailName")
TRAIL = Kind("trail", list=DESCRIBE_TRAILS, id="Name", arn="TrailARN", details=(TRAIL_STATUS, EVENT_SELECTORS))
LOOKUP_EVENTS = CLOUDTRAIL.read("LookupEvents")
LOOKUP_PAGES = 5  # LookupEvents answers 50 events a page and allows 2 calls a second: keep the scan bounded
LOOKUP_PAGE_SIZE = 50


def trails(ctx: CheckContext) -> list[dict[str, Any]]:
    """Every trail that logs this account, as seen from the context's region."""
    return TRAIL.all(ctx)


def _home(ctx: CheckContext, trail: dict[str, Any]) -> CheckContext:
    """The context of the trail's home region when it is scanned (a trail's state is read there)."""
    home = trail.get("HomeRegion")
    return ctx.in_region(home) if home in ctx.regions and home != ctx.region else ctx


def trail_status(ctx: CheckContext, trail: dict[str, Any]) -> dict[str, Any]:
    return dict(TRAIL_STATUS(_home(ctx, trail), trail["TrailARN"]))


def event_selectors(ctx: CheckContext, trail: dict[str, Any]) -> dict[str, Any]:
    return dict(EVENT_SELECTORS(_home(ctx, trail), trail["TrailARN"]))


def trails_covering(ctx: CheckContext, region: str) -> list[dict[str, Any]]:
    """The trails that record events of `region`: multi-region ones and those homed there."""
    listed = trails(ctx.in_region(region)) if region in ctx.regions else trails(ctx)
    return [t for t in listed if t.get("IsMultiRegionTrail") or t.get("HomeRegion") == region]


def logging_trails_covering(ctx: CheckContext, region: str) -> list[dict[str, Any]]:
    """The trails that record events of `region` and are logging now (their status read side by side)."""
    covering = trails_covering(ctx, region)
    statuses = ctx.fan_out(lambda trail: trail_status(ctx, trail), covering)
    return [t for t, status in zip(covering, statuses, strict=True) if status.get("IsLogging")]


def lookup_events(ctx: CheckContext, attribute: str, value: str, start: datetime, end: datetime
                  ) -> tuple[list[dict[str, Any]], bool]:
    """Up to LOOKUP_PAGES pages of events with `attribute` = `value`, and whether more were left unread."""
    events: list[dict[str, Any]] = []
    token: str | None = None
    for _ in range(LOOKUP_PAGES):
        params: dict[str, Any] = {"LookupAttributes": [{"AttributeKey": attribute, "AttributeValue": value}],
                                  "StartTime": start, "EndTime": end, "MaxResults": LOOKUP_PAGE_SIZE}
        if token:
            params["NextToken"] = token
        page = LOOKUP_EVENTS(ctx, **params)
        events += page.get("Events", [])
        token = page.get("NextToken")
        if not token:
            return events, False
    return events, True
