"""Amazon API Gateway reads (REST APIs): APIs, their stages, resources and methods, usage plans.

The management API is authorized per HTTP method (`apigateway:GET`), not per operation.
"""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Kind, Outcome, Service, each

APIGATEWAY = Service("apigateway", per_method=True)
GET_REST_APIS = APIGATEWAY.read("GetRestApis", path="items", paginate=True)
GET_STAGES = APIGATEWAY.read("GetStages", path="item", param="restApiId", default=[])
# The API's resources with their methods embedded (one read instead of one per method).
GET_RESOURCES = APIGATEWAY.read("GetResources", path="items", param="restApiId", params={"embed": ["methods"]},
                                paginate=True)
GET_METHOD = APIGATEWAY.read("GetMethod", param="restApiId")  # with resourceId and httpMethod
GET_USAGE_PLANS = APIGATEWAY.read("GetUsagePlans", path="items", paginate=True)
REST_API = Kind("rest_api", list=GET_REST_APIS, id="id", details=(GET_STAGES, GET_RESOURCES, GET_METHOD))

# API Gateway's account-level default (10,000 rps): a stage "throttle" at or above it bounds nothing.
ACCOUNT_DEFAULT_RATE = 10_000.0


def rest_apis(ctx: CheckContext) -> list[dict[str, Any]]:
    return REST_API.all(ctx)


def stages(ctx: CheckContext, api_id: str) -> list[dict[str, Any]]:
    return list(GET_STAGES(ctx, api_id))


def stages_by_api(ctx: CheckContext) -> list[tuple[dict[str, Any], Outcome[list[dict[str, Any]]]]]:
    """(API, its stages) of each REST API in the region; the stages of the APIs are read side by side."""
    apis = rest_apis(ctx)
    return list(zip(apis, each(ctx, lambda api: stages(ctx, api["id"]), apis), strict=True))


def each_stage(ctx: CheckContext) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(API, stage) of every stage of every REST API; a failed read of any raises."""
    return [(api, stage) for api, found in stages_by_api(ctx) for stage in found.get()]


def stage_arn(ctx: CheckContext, api_id: str, stage: str) -> str:
    return f"arn:{ctx.partition}:apigateway:{ctx.region}::/restapis/{api_id}/stages/{stage}"


def api_arn(ctx: CheckContext, api_id: str) -> str:
    return f"arn:{ctx.partition}:apigateway:{ctx.region}::/restapis/{api_id}"


def resources(ctx: CheckContext, api_id: str) -> list[dict[str, Any]]:
    """The API's resources with their methods embedded."""
    return list(GET_RESOURCES(ctx, api_id))


def methods(ctx: CheckContext, api_id: str) -> list[dict[str, Any]]:
    """Every method of the API as {path, httpMethod, authorizationType, apiKeyRequired}.

    A method the embedded listing left without its authorization type is read on its own (those
    reads side by side)."""
    listed = [(resource, verb, method) for resource in resources(ctx, api_id)
              for verb, method in sorted((resource.get("resourceMethods") or {}).items())]

    def complete(entry: tuple[dict[str, Any], str, dict[str, Any]]) -> dict[str, Any]:
        resource, verb, method = entry
        if "authorizationType" in method:
            return method
        return dict(GET_METHOD(ctx, api_id, resourceId=resource["id"], httpMethod=verb))

    found = ctx.fan_out(complete, listed)
    return [{"path": resource.get("path", "?"), "httpMethod": verb,
             "authorizationType": method.get("authorizationType", "NONE"),
             "apiKeyRequired": bool(method.get("apiKeyRequired"))}
            for (resource, verb, _listed), method in zip(listed, found, strict=True)]


def methods_by_api(ctx: CheckContext, apis: list[dict[str, Any]]) -> dict[str, Outcome[list[dict[str, Any]]]]:
    """API id -> its methods (`methods`), the APIs read side by side, each failure kept for its API."""
    ids = list(dict.fromkeys(api["id"] for api in apis))
    return dict(zip(ids, each(ctx, lambda api_id: methods(ctx, api_id), ids), strict=True))


def usage_plans(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(GET_USAGE_PLANS(ctx))
