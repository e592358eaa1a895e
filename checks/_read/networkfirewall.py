"""AWS Network Firewall reads: the region's firewalls (listed once, described side by side), their logging
configurations and firewall policies."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Kind, Reads, Service

NETWORK_FIREWALL = Service("network-firewall")
LIST_FIREWALLS = NETWORK_FIREWALL.read("ListFirewalls", path="Firewalls", paginate=True)
DESCRIBE_FIREWALL = NETWORK_FIREWALL.read("DescribeFirewall", path="Firewall", param="FirewallArn", default={})
LOGGING_CONFIGURATION = NETWORK_FIREWALL.read("DescribeLoggingConfiguration", param="FirewallArn")
FIREWALL_POLICY = NETWORK_FIREWALL.read("DescribeFirewallPolicy", path="FirewallPolicy", param="FirewallPolicyArn",
                                        default=None)
FIREWALL = Kind("firewall", list=LIST_FIREWALLS, id="FirewallName", arn="FirewallArn",
                details=(DESCRIBE_FIREWALL, LOGGING_CONFIGURATION))
# A firewall's VPC is known from its description only (ListFirewalls names no VPC).
FIREWALLS_BY_VPC = Reads(LIST_FIREWALLS, DESCRIBE_FIREWALL)


def firewall(ctx: CheckContext, arn: str) -> dict[str, Any]:
    return dict(DESCRIBE_FIREWALL(ctx, arn))


def firewalls_by_vpc(ctx: CheckContext) -> dict[str, list[dict[str, Any]]]:
    """VPC id -> the summaries (name, ARN) of the firewalls deployed in it, in listing order. The region's
    firewalls are listed once and described side by side, instead of listed once per VPC."""
    listed = FIREWALL.all(ctx)
    details = ctx.fan_out(lambda summary: firewall(ctx, summary["FirewallArn"]), listed)
    found: dict[str, list[dict[str, Any]]] = {}
    for summary, detail in zip(listed, details, strict=True):
        if detail.get("VpcId"):
            found.setdefault(str(detail["VpcId"]), []).append(summary)
    return found


def logging_destinations(ctx: CheckContext, arn: str) -> list[dict[str, Any]]:
    answer = LOGGING_CONFIGURATION(ctx, arn)
    return list((answer.get("LoggingConfiguration") or {}).get("LogDestinationConfigs", []))


def firewall_policy(ctx: CheckContext, arn: str) -> dict[str, Any]:
    return dict(FIREWALL_POLICY(ctx, arn) or {})
