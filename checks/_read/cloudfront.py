"""Amazon CloudFront reads: the account's distributions."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Service

CLOUDFRONT = Service("cloudfront")
# Paged by hand (`Marker`): botocore's paginator merges the nested `DistributionList.Items` and would
# hide an answer of the wrong shape.
LIST_DISTRIBUTIONS = CLOUDFRONT.read("ListDistributions", path="DistributionList", default={})


def distributions(ctx: CheckContext) -> list[dict[str, Any]]:
    """Every distribution, page by page."""
    found: list[dict[str, Any]] = []
    marker: str | None = None
    while True:
        listing = LIST_DISTRIBUTIONS(ctx, **({"Marker": marker} if marker else {})) or {}
        found += listing.get("Items") or []
        marker = listing.get("NextMarker")
        if not listing.get("IsTruncated") or not marker:
            return found


def distribution_arn(ctx: CheckContext, dist: dict[str, Any]) -> str:
    return str(dist.get("ARN") or f"arn:{ctx.partition}:cloudfront::{ctx.account_id}:distribution/{dist['Id']}")
