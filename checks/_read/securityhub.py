"""AWS Security Hub reads: the region's hub and its enabled standards."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Service

SECURITYHUB = Service("securityhub")
NOT_ENABLED = "InvalidAccessException"  # what DescribeHub answers in an account without Security Hub
DESCRIBE_HUB = SECURITYHUB.read("DescribeHub", absent={NOT_ENABLED})  # not enabled: None
GET_ENABLED_STANDARDS = SECURITYHUB.read("GetEnabledStandards", path="StandardsSubscriptions", paginate=True)


def hub(ctx: CheckContext) -> dict[str, Any] | None:
    """The region's hub, or None when Security Hub is not enabled there."""
    found: dict[str, Any] | None = DESCRIBE_HUB(ctx)
    return found


def enabled_standards(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(GET_ENABLED_STANDARDS(ctx))
