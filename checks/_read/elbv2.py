"""Elastic Load Balancing (v2) reads: load balancers and their listeners."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Kind, Service

ELBV2 = Service("elbv2", iam="elasticloadbalancing")
DESCRIBE_LOAD_BALANCERS = ELBV2.read("DescribeLoadBalancers", path="LoadBalancers", paginate=True)
DESCRIBE_LISTENERS = ELBV2.read("DescribeListeners", path="Listeners", param="LoadBalancerArn", paginate=True)
LOAD_BALANCER = Kind("load_balancer", list=DESCRIBE_LOAD_BALANCERS, id="LoadBalancerName", arn="LoadBalancerArn",
                     details=(DESCRIBE_LISTENERS,))


def load_balancers(ctx: CheckContext) -> list[dict[str, Any]]:
    return LOAD_BALANCER.all(ctx)


def internet_facing_albs(ctx: CheckContext) -> list[dict[str, Any]]:
    """The region's internet-facing Application Load Balancers (the front doors among them)."""
    return [lb for lb in load_balancers(ctx)
            if lb.get("Type") == "application" and lb.get("Scheme") == "internet-facing"]


def listeners(ctx: CheckContext, lb_arn: str) -> list[dict[str, Any]]:
    return list(DESCRIBE_LISTENERS(ctx, lb_arn))
