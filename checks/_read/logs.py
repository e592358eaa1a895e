"""Amazon CloudWatch Logs reads: the region's log groups and the data-protection policies that apply to them."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Kind, Service

LOGS = Service("logs")
DATA_PROTECTION = "DATA_PROTECTION_POLICY"
DESCRIBE_LOG_GROUPS = LOGS.read("DescribeLogGroups", path="logGroups", paginate=True)
DATA_PROTECTION_POLICY = LOGS.read("GetDataProtectionPolicy", path="policyDocument", param="logGroupIdentifier",
                                   absent={"ResourceNotFoundException"}, default=None)
ACCOUNT_POLICIES = LOGS.read("DescribeAccountPolicies", path="accountPolicies", params={"policyType": DATA_PROTECTION},
                             default=[])
LOG_GROUP = Kind("log group", list=DESCRIBE_LOG_GROUPS, id="logGroupName", arn="logGroupArn",
                 details=(DATA_PROTECTION_POLICY,))


def log_groups(ctx: CheckContext) -> list[dict[str, Any]]:
    return LOG_GROUP.all(ctx)


def log_group(ctx: CheckContext, name: str) -> dict[str, Any] | None:
    """The region's log group of that name, None when there is none (read from the one listing)."""
    return next((g for g in log_groups(ctx) if g.get("logGroupName") == name), None)


def data_protection_policy(ctx: CheckContext, name: str) -> Any | None:
    """The log group's own data-protection policy document; None when it has none."""
    return DATA_PROTECTION_POLICY(ctx, name) or None


def account_data_protection_policies(ctx: CheckContext) -> list[Any]:
    """The account-wide data-protection policies of the region (they apply to every log group)."""
    return [p.get("policyDocument") for p in ACCOUNT_POLICIES(ctx) if p.get("policyDocument")]
