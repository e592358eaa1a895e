"""Amazon API Gateway: the front door of the LLM application."""

from __future__ import annotations

from typing import Any

from posture.context import CheckContext
from posture.registry import check


def rest_apis(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(ctx.paginate("apigateway", "get_rest_apis").get("items", []))


def stages(ctx: CheckContext, api_id: str) -> list[dict[str, Any]]:
    return list(ctx.call("apigateway", "get_stages", restApiId=api_id).get("item", []))


def stage_arn(ctx: CheckContext, api_id: str, stage: str) -> str:
    return f"arn:{ctx.partition}:apigateway:{ctx.region}::/restapis/{api_id}/stages/{stage}"


@check(
    id="apigateway.stage_waf_attached",
    title="API Gateway REST stages are behind a WAF web ACL",
    description="Every stage of every REST API has an AWS WAF web ACL associated.",
    rationale=(
        "The API is where prompts enter. A web ACL filters bots, known-bad inputs and floods before "
        "they reach the model, and carries the rate-based rules that bound consumption."
    ),
    remediation="Associate a web ACL: `aws wafv2 associate-web-acl --web-acl-arn <acl> --resource-arn "
    "arn:aws:apigateway:<region>::/restapis/<api-id>/stages/<stage>`.",
    service="apigateway",
    scope="regional",
    resource_type="AwsApiGatewayStage",
    severity="high",
    boundaries=["user_interface"],
    csf=["PR.IR-01", "DE.CM-01"],
    owasp_llm=["LLM01", "LLM04", "LLM01:2025", "LLM10:2025"],
    securityhub_controls=["APIGateway.4"],
    permissions=["apigateway:GET"],
)
def stage_waf_attached(ctx: CheckContext) -> None:
    for api in rest_apis(ctx):
        for stage in stages(ctx, api["id"]):
            resource_id = f"{api['id']}/{stage['stageName']}"
            with ctx.resource(resource_id, arn=stage_arn(ctx, api["id"], stage["stageName"])):
                acl = stage.get("webAclArn")
                if acl:
                    ctx.passed("a WAF web ACL is associated", {"web_acl": acl.rsplit("/", 2)[-2]})
                else:
                    ctx.failed("no WAF web ACL is associated", {"api_name": api.get("name")})
