"""Elastic Load Balancing (ALBs): the internet-facing front door of self-hosted LLM apps.

Every internet-facing Application Load Balancer is judged: it is the path by which prompts
reach a model served on EC2, ECS, EKS or a SageMaker-backed web app.
"""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Family, each
from posture.checks._read import elbv2, wafv2
from posture.checks._read.elbv2 import internet_facing_albs

check = Family(
    service="elbv2",
    scope="regional",
    resource_type="AwsElbv2LoadBalancer",
    boundaries=["user_interface"],
    service_docs="https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/security.html",
    maps=["MEASURE 2.7", "A.6.2.6"],
    reads=[elbv2.DESCRIBE_LOAD_BALANCERS],
)


def redirects_to_https(listener: dict[str, Any]) -> bool:
    actions = sorted(listener.get("DefaultActions", []), key=lambda a: a.get("Order", 0))
    first = actions[0] if actions else {}
    return first.get("Type") == "redirect" and (first.get("RedirectConfig") or {}).get("Protocol") == "HTTPS"


@check(
    id="elbv2.alb_waf_attached",
    title="Internet-facing Application Load Balancers are behind a WAF web ACL",
    description="Every internet-facing Application Load Balancer has an AWS WAF web ACL associated.",
    rationale=(
        "An ALB in front of a self-hosted model or chat UI takes prompts straight from the internet. A web "
        "ACL filters known-bad inputs and bots and carries the rate-based rules that bound consumption."
    ),
    remediation="`aws wafv2 associate-web-acl --web-acl-arn <acl> --resource-arn <load-balancer-arn>`.",
    severity="high",
    maps=["DE.CM-01", "PR.IR-01", "LLM01", "LLM01:2025", "LLM04", "LLM10:2025", "ELB.16", "AML.T0029", "AML.T0046",
        "AML.T0049"],
    reads=[wafv2.GET_WEB_ACL_FOR_RESOURCE],
)
def alb_waf_attached(ctx: CheckContext) -> None:
    albs = internet_facing_albs(ctx)
    for lb, got in zip(albs, each(ctx, lambda lb: wafv2.web_acl_for(ctx, lb["LoadBalancerArn"]), albs), strict=True):
        with ctx.resource(lb["LoadBalancerName"], arn=lb["LoadBalancerArn"]):
            acl = got.get()
            if acl:
                ctx.passed(f"web ACL {acl.get('Name')} is associated", {"web_acl": acl.get("Name")})
            else:
                ctx.failed("no WAF web ACL is associated", {"dns_name": lb.get("DNSName")})


@check(
    id="elbv2.alb_http_redirects_to_https",
    title="Internet-facing ALBs redirect HTTP to HTTPS",
    description="Every HTTP listener of an internet-facing Application Load Balancer redirects to HTTPS.",
    rationale=(
        "Prompts, completions and session tokens sent over plain HTTP can be read and altered on the way; "
        "a redirect keeps every conversation with the model on TLS."
    ),
    remediation="`aws elbv2 modify-listener --listener-arn <http-listener> --default-actions "
    "Type=redirect,RedirectConfig='{Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'`.",
    severity="medium",
    maps=["PR.DS-02", "LLM02:2025", "LLM06", "ELB.1", "AML.M0012", "AML.T0025", "AML.T0063"],
    reads=[elbv2.DESCRIBE_LISTENERS],
)
def alb_http_redirects_to_https(ctx: CheckContext) -> None:
    albs = internet_facing_albs(ctx)
    for lb, got in zip(albs, each(ctx, lambda lb: elbv2.listeners(ctx, lb["LoadBalancerArn"]), albs), strict=True):
        with ctx.resource(lb["LoadBalancerName"], arn=lb["LoadBalancerArn"]):
            found = got.get()
            plain = [f"{x.get('Protocol')}:{x.get('Port')}" for x in found
                     if x.get("Protocol") == "HTTP" and not redirects_to_https(x)]
            if not found:
                ctx.skip()  # no listener: nothing is served
            elif plain:
                ctx.failed(f"{len(plain)} HTTP listener(s) serve without redirecting to HTTPS",
                           {"plain_http_listeners": plain})
            else:
                ctx.passed("no listener serves plain HTTP", {"listeners": len(found)})
