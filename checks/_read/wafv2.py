"""AWS WAF (v2) reads: web ACLs, their logging and rule groups, and the web ACLs in front of the
account's front doors (REST API stages, internet-facing ALBs, CloudFront distributions).

Web ACLs of REGIONAL scope are read in each region; CLOUDFRONT-scope web ACLs live in us-east-1 and
are read there only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from posture.api import CheckContext, Reads, Service
from posture.checks._read import apigateway, cloudfront, elbv2

WAFV2 = Service("wafv2")
# Paged by hand (`NextMarker`): botocore has no paginator for it. Called with Scope (and NextMarker).
LIST_WEB_ACLS = WAFV2.read("ListWebACLs", path="WebACLs", params={"Limit": 100})
GET_WEB_ACL = WAFV2.read("GetWebACL", path="WebACL")  # with Name, Scope and Id
GET_LOGGING_CONFIGURATION = WAFV2.read("GetLoggingConfiguration", path="LoggingConfiguration", param="ResourceArn",
                                       absent={"WAFNonexistentItemException"})  # never configured: None
GET_RULE_GROUP = WAFV2.read("GetRuleGroup", path="RuleGroup", param="ARN")
GET_WEB_ACL_FOR_RESOURCE = WAFV2.read("GetWebACLForResource", path="WebACL", param="ResourceArn", default=None)

FRONT_DOORS = Reads(apigateway.GET_REST_APIS, apigateway.GET_STAGES, elbv2.DESCRIBE_LOAD_BALANCERS,
                    GET_WEB_ACL_FOR_RESOURCE, cloudfront.LIST_DISTRIBUTIONS)  # what fronting_acls reads

CLOUDFRONT_HOME = {"aws": "us-east-1"}  # where CLOUDFRONT-scope web ACLs are managed


@dataclass(frozen=True)
class AclRef:
    arn: str
    name: str
    id: str
    scope: str  # REGIONAL | CLOUDFRONT

    @property
    def resource_id(self) -> str:
        return f"{'global' if self.scope == 'CLOUDFRONT' else 'regional'}/{self.name}"

    @classmethod
    def from_arn(cls, arn: str) -> AclRef:
        # arn:aws:wafv2:<region>:<account>:<regional|global>/webacl/<name>/<id>
        kind, _, name, acl_id = arn.split(":", 5)[5].split("/")
        return cls(arn, name, acl_id, "CLOUDFRONT" if kind == "global" else "REGIONAL")


def scopes(ctx: CheckContext) -> list[str]:
    return ["REGIONAL", "CLOUDFRONT"] if CLOUDFRONT_HOME.get(ctx.partition) == ctx.region else ["REGIONAL"]


def web_acls(ctx: CheckContext) -> list[AclRef]:
    """The region's web ACLs (and, in us-east-1, the CLOUDFRONT-scope ones), every page."""
    found = []
    for scope in scopes(ctx):
        marker: str | None = None
        while True:
            page = LIST_WEB_ACLS.answer(ctx, Scope=scope, **({"NextMarker": marker} if marker else {}))
            found += [AclRef(a["ARN"], a["Name"], a["Id"], scope) for a in page.get("WebACLs", [])]
            marker = page.get("NextMarker")
            if not marker or not page.get("WebACLs"):
                break
    return found


def web_acl(ctx: CheckContext, acl: AclRef) -> dict[str, Any]:
    return dict(GET_WEB_ACL(ctx, Name=acl.name, Scope=acl.scope, Id=acl.id))


def logging_configuration(ctx: CheckContext, acl: AclRef) -> dict[str, Any] | None:
    """The web ACL's logging configuration; None when logging was never configured."""
    config = GET_LOGGING_CONFIGURATION(ctx, acl.arn)
    return None if config is None else dict(config)


def rule_group(ctx: CheckContext, arn: str) -> dict[str, Any]:
    return dict(GET_RULE_GROUP(ctx, arn))


def web_acl_for(ctx: CheckContext, resource_arn: str) -> dict[str, Any] | None:
    """The WAF web ACL associated with a regional resource, or None."""
    acl = GET_WEB_ACL_FOR_RESOURCE(ctx, resource_arn)
    return dict(acl) if acl else None


def acl_rules(acl: dict[str, Any]) -> list[dict[str, Any]]:
    """The web ACL's own rules and the Firewall Manager rule groups around them, as rules."""
    rules = list(acl.get("Rules", []))
    for key in ("PreProcessFirewallManagerRuleGroups", "PostProcessFirewallManagerRuleGroups"):
        for group in acl.get(key) or []:
            rules.append({"Name": f"firewall-manager:{group.get('Name', '?')}",
                          "Statement": group.get("FirewallManagerStatement") or {},
                          "OverrideAction": group.get("OverrideAction")})
    return rules


def referenced_rule_groups(ctx: CheckContext, acl: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Rule group ARN -> the rule group, for each rule group the web ACL's rules (and Firewall Manager
    rule groups) reference; the groups are read side by side and a failed read raises."""
    arns = list(dict.fromkeys(str((rule.get("Statement") or {})["RuleGroupReferenceStatement"]["ARN"])
                              for rule in acl_rules(acl)
                              if "RuleGroupReferenceStatement" in (rule.get("Statement") or {})))
    return dict(zip(arns, ctx.fan_out(lambda arn: rule_group(ctx, arn), arns), strict=True))


def fronting_acls(ctx: CheckContext) -> dict[str, list[str]]:
    """Web ACL ARN -> the front doors it is attached to (REST stages, internet-facing ALBs and,
    in us-east-1, CloudFront distributions). A failed read raises: a partial map would hide ACLs.
    The web ACL of each ALB is read side by side."""
    found: dict[str, list[str]] = {}
    for api, stage in apigateway.each_stage(ctx):
        if stage.get("webAclArn"):
            found.setdefault(stage["webAclArn"], []).append(f"apigateway:{api['id']}/{stage['stageName']}")
    albs = elbv2.internet_facing_albs(ctx)
    for lb, acl in zip(albs, ctx.fan_out(lambda lb: web_acl_for(ctx, lb["LoadBalancerArn"]), albs), strict=True):
        if acl and acl.get("ARN"):
            found.setdefault(acl["ARN"], []).append(f"alb:{lb['LoadBalancerName']}")
    if "CLOUDFRONT" in scopes(ctx):
        for dist in cloudfront.distributions(ctx):
            acl_id = str(dist.get("WebACLId") or "")
            if acl_id.startswith("arn:"):  # a WAF Classic id is not a v2 web ACL
                found.setdefault(acl_id, []).append(f"cloudfront:{dist['Id']}")
    return found
