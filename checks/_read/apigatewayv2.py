"""Amazon API Gateway v2 reads (HTTP and WebSocket APIs): APIs, their routes and stages.

Its IAM actions are API Gateway's, per HTTP method (`apigateway:GET`).
"""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Kind, Outcome, Service, each

APIGATEWAYV2 = Service("apigatewayv2", iam="apigateway", per_method=True)
GET_APIS = APIGATEWAYV2.read("GetApis", path="Items", paginate=True)
GET_ROUTES = APIGATEWAYV2.read("GetRoutes", path="Items", param="ApiId", paginate=True)
GET_STAGES = APIGATEWAYV2.read("GetStages", path="Items", param="ApiId", paginate=True)
API = Kind("api", list=GET_APIS, id="ApiId", details=(GET_ROUTES, GET_STAGES))


def apis(ctx: CheckContext) -> list[dict[str, Any]]:
    return API.all(ctx)


def routes(ctx: CheckContext, api_id: str) -> list[dict[str, Any]]:
    return list(GET_ROUTES(ctx, api_id))


def stages(ctx: CheckContext, api_id: str) -> list[dict[str, Any]]:
    return list(GET_STAGES(ctx, api_id))


def api_arn(ctx: CheckContext, api_id: str) -> str:
    return f"arn:{ctx.partition}:apigateway:{ctx.region}::/apis/{api_id}"


def routes_of(ctx: CheckContext, found: list[dict[str, Any]]) -> list[Outcome[list[dict[str, Any]]]]:
    """The routes of each API, read side by side, each failure kept for its API."""
    return each(ctx, lambda api: routes(ctx, api["ApiId"]), found)


def stages_of(ctx: CheckContext, found: list[dict[str, Any]]) -> list[Outcome[list[dict[str, Any]]]]:
    """The stages of each API, read side by side, each failure kept for its API."""
    return each(ctx, lambda api: stages(ctx, api["ApiId"]), found)


def each_stage(ctx: CheckContext) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(API, stage) of every stage of every HTTP and WebSocket API; a failed read of any raises."""
    found = apis(ctx)
    return [(api, stage) for api, got in zip(found, stages_of(ctx, found), strict=True) for stage in got.get()]
