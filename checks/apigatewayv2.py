"""Amazon API Gateway v2 (HTTP and WebSocket APIs): front doors of chat and streaming UIs.

HTTP APIs cannot take an AWS WAF web ACL, so their own throttling is the only bound on
request floods; WebSocket APIs authorize once, on the `$connect` route.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from posture.api import AwsReadError, CheckContext, Family, Resource
from posture.checks._front_door import AI_PATH_HINTS
from posture.checks._read import apigatewayv2
from posture.checks._read.apigateway import ACCOUNT_DEFAULT_RATE
from posture.checks._read.apigatewayv2 import api_arn, apis, each_stage
from posture.checks._read.tags import AI_WORKLOAD, flagged

check = Family(
    service="apigatewayv2",
    scope="regional",
    resource_type="AwsApiGatewayV2Stage",
    boundaries=["user_interface"],
    service_docs="https://docs.aws.amazon.com/apigateway/latest/developerguide/security.html",
    maps=["AML.T0034"],
    reads=[apigatewayv2.GET_APIS],
)


def stage_scope(
    ctx: CheckContext, api: dict[str, Any], stage: dict[str, Any]
) -> AbstractContextManager[Resource]:
    name = stage["StageName"]
    return ctx.resource(f"{api['ApiId']}/{name}", arn=f"{api_arn(ctx, api['ApiId'])}/stages/{name}")


def routes_needing_auth(api: dict[str, Any], found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The routes where authorization is decided: every HTTP route but CORS preflight; for a
    WebSocket API only `$connect` (its other routes cannot carry an authorizer)."""
    if api.get("ProtocolType") == "WEBSOCKET":
        return [r for r in found if r.get("RouteKey") == "$connect"]
    return [r for r in found if not str(r.get("RouteKey", "")).upper().startswith("OPTIONS ")]


@check(
    id="apigatewayv2.routes_require_authorization",
    title="API Gateway HTTP and WebSocket routes require authorization",
    description=(
        "No route of an HTTP API (other than OPTIONS) has authorization type NONE; a WebSocket API's "
        "$connect route has an authorizer."
    ),
    rationale=(
        "An open route lets anyone stream prompts to the model: no identity to hold accountable, no "
        "per-user limit, and a free path to scrape the model or run up its cost."
    ),
    remediation="`aws apigatewayv2 update-route --api-id <api> --route-id <route> --authorization-type JWT "
    "--authorizer-id <authorizer>` (or AWS_IAM / CUSTOM); for WebSocket APIs, on the $connect route.",
    resource_type="AwsApiGatewayV2Api",
    severity="high",
    maps=["PR.AA-03", "PR.AA-05", "LLM02:2025", "LLM06", "LLM10", "LLM10:2025", "APIGateway.8", "AML.M0019",
        "AML.T0040", "AML.T0049", "MEASURE 2.7", "A.6.2.6"],
    reads=[apigatewayv2.GET_ROUTES],
)
def routes_require_authorization(ctx: CheckContext) -> None:
    found = apis(ctx)
    for api, got in zip(found, apigatewayv2.routes_of(ctx, found), strict=True):
        with ctx.resource(api["ApiId"], arn=api_arn(ctx, api["ApiId"])):
            judged = routes_needing_auth(api, got.get())
            open_routes = [str(r.get("RouteKey")) for r in judged if r.get("AuthorizationType", "NONE") == "NONE"]
            evidence = {"api_name": api.get("Name"), "protocol": api.get("ProtocolType"), "routes": len(judged)}
            if not judged:
                ctx.skip()  # no route where authorization applies: nothing is exposed
            elif open_routes:
                ctx.failed(f"{len(open_routes)} route(s) accept unauthenticated calls",
                           {**evidence, "open_routes": open_routes[:20]})
            else:
                ctx.passed("every route requires authorization", evidence)


@check(
    id="apigatewayv2.stage_access_logging",
    title="API Gateway HTTP and WebSocket stages write access logs",
    description="Every HTTP and WebSocket API stage has access logging configured to a destination.",
    rationale=(
        "Access logs record who sent prompts, from where and how often: the trail to investigate "
        "prompt-injection campaigns, scraping and abuse of a chat UI."
    ),
    remediation="`aws apigatewayv2 update-stage --api-id <api> --stage-name <stage> --access-log-settings "
                "DestinationArn=<log-group-arn>,Format='<json-format>'`.",
    severity="medium",
    maps=["DE.CM-01", "PR.PS-04", "LLM01", "LLM01:2025", "LLM02:2025", "LLM06", "APIGateway.9", "AML.M0024",
        "AML.T0040", "AML.T0049", "MANAGE 4.1", "MEASURE 2.4", "A.6.2.8"],
    reads=[apigatewayv2.GET_STAGES],
)
def stage_access_logging(ctx: CheckContext) -> None:
    for api, stage in each_stage(ctx):
        with stage_scope(ctx, api, stage):
            destination = (stage.get("AccessLogSettings") or {}).get("DestinationArn")
            if destination:
                ctx.passed("access logs are written", {"destination": destination.split(":")[-1]})
            else:
                ctx.failed("access logging is not configured", {"api_name": api.get("Name")})


@check(
    id="apigatewayv2.stage_throttling_configured",
    title="API Gateway HTTP and WebSocket stages set default route throttling",
    description=(
        "Every HTTP and WebSocket API stage sets a default route rate and burst limit below the account "
        "default. HTTP APIs cannot take a WAF web ACL, so this is their bound on floods."
    ),
    rationale=(
        "Each message costs model tokens. Without stage throttling, request floods are bounded only by the "
        "account-wide limit, and an HTTP API has no WAF rate-based rule to fall back on."
    ),
    remediation="`aws apigatewayv2 update-stage --api-id <api> --stage-name <stage> --default-route-settings "
    "ThrottlingRateLimit=50,ThrottlingBurstLimit=100`.",
    severity="medium",
    maps=["PR.IR-04", "LLM04", "LLM10:2025", "AML.M0004", "AML.T0029", "AML.T0034.000", "AML.T0046", "MEASURE 2.7",
        "A.4.5", "A.6.2.6"],
    reads=[apigatewayv2.GET_STAGES],
)
def stage_throttling_configured(ctx: CheckContext) -> None:
    for api, stage in each_stage(ctx):
        with stage_scope(ctx, api, stage):
            settings = stage.get("DefaultRouteSettings") or {}
            rate, burst = settings.get("ThrottlingRateLimit"), settings.get("ThrottlingBurstLimit")
            evidence = {"rate_limit": rate, "burst_limit": burst, "protocol": api.get("ProtocolType")}
            if rate is None or burst is None:
                ctx.failed("no default route throttling is set; only the account default applies", evidence)
            elif float(rate) >= ACCOUNT_DEFAULT_RATE:
                ctx.failed(f"the default route rate limit ({rate}/s) is the account default", evidence)
            else:
                ctx.passed(f"default route throttling is {rate}/s with a burst of {burst}", evidence)


# -- per-route throttling on AI APIs ----------------------------------------------------------------
def ai_api_because(api: dict[str, Any], found: list[dict[str, Any]]) -> str | None:
    """Why an HTTP or WebSocket API fronts AI: tagged `posture:ai-workload`, or a route key that names
    an AI path (chat, invoke, completion, prompt, agent, model, ...); None when neither."""
    if flagged(api.get("Tags") or {}, AI_WORKLOAD):
        return "tagged"
    for route in found:
        key = str(route.get("RouteKey", "")).lower()
        if any(hint in key for hint in AI_PATH_HINTS):
            return f"route {route.get('RouteKey')}"
    return None


def route_limits(stage: dict[str, Any], route_keys: list[str]) -> dict[str, tuple[float | None, float | None]]:
    """Route key -> the (rate, burst) limit in force on the stage: the route's own RouteSettings where
    set, else the stage's default route settings; None where neither sets it."""
    default = stage.get("DefaultRouteSettings") or {}
    overrides = stage.get("RouteSettings") or {}
    found = {}
    for key in route_keys:
        own = overrides.get(key) or {}
        rate = own.get("ThrottlingRateLimit", default.get("ThrottlingRateLimit"))
        burst = own.get("ThrottlingBurstLimit", default.get("ThrottlingBurstLimit"))
        found[key] = (None if rate is None else float(rate), None if burst is None else float(burst))
    return found


def unbounded_routes(limits: dict[str, tuple[float | None, float | None]],
                     ceiling: float = ACCOUNT_DEFAULT_RATE) -> dict[str, str]:
    """Route key -> why its limit bounds nothing: no rate or burst, or a rate at the account default or above."""
    found = {}
    for key, (rate, burst) in sorted(limits.items()):
        if rate is None or burst is None:
            found[key] = "no throttling limit"
        elif rate >= ceiling:
            found[key] = f"rate {rate:g}/s is not below the account default"
    return found


@check(
    id="apigatewayv2.route_throttling",
    title="Every route of HTTP and WebSocket APIs that front AI is throttled",
    description=(
        "On every stage of an HTTP or WebSocket API that fronts AI (tagged posture:ai-workload, or with a "
        "route such as /chat, /invoke, /prompt), each route has a rate and burst limit below the account "
        "default in force: its own route settings, else the stage's default route settings. A route override "
        "that lifts the limit fails even where the stage default is set."
    ),
    rationale=(
        "Each call to a chat or completion route costs model tokens. One unthrottled route, or one whose "
        "override lifts the stage limit, is enough to run up spend, starve other users or extract the model "
        "through volume; HTTP APIs cannot take a WAF rate-based rule to fall back on."
    ),
    remediation="`aws apigatewayv2 update-stage --api-id <api> --stage-name <stage> --route-settings "
    "'{\"POST /chat\":{\"ThrottlingRateLimit\":20,\"ThrottlingBurstLimit\":40}}'` (or "
    "`--default-route-settings ThrottlingRateLimit=..,ThrottlingBurstLimit=..` and remove the lifting override).",
    severity="medium",
    maps=["PR.IR-04", "LLM04", "LLM10", "LLM10:2025", "AML.M0004", "AML.T0024.002", "AML.T0029", "AML.T0034.000",
        "MANAGE 2.4", "MEASURE 2.7", "A.4.5", "A.6.2.6", "Art. 15"],
    reads=[apigatewayv2.GET_ROUTES, apigatewayv2.GET_STAGES],
    docs_url="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html",
)
def route_throttling(ctx: CheckContext) -> None:
    listed = apis(ctx)
    route_reads = apigatewayv2.routes_of(ctx, listed)
    # The stages of the APIs that front AI, read side by side (a failed read raises where the loop reaches it).
    fronting = [api for api, got in zip(listed, route_reads, strict=True)
                if got.error is None and ai_api_because(api, got.get()) is not None]
    stage_reads = dict(zip([api["ApiId"] for api in fronting], apigatewayv2.stages_of(ctx, fronting), strict=True))
    for api, got in zip(listed, route_reads, strict=True):
        try:
            found = got.get()
        except AwsReadError as exc:  # whether the API fronts AI is unknown: one ERROR on the API
            with ctx.resource(api["ApiId"], arn=api_arn(ctx, api["ApiId"]), type="AwsApiGatewayV2Api"):
                ctx.error(f"its routes could not be read ({exc})")
            continue
        why = ai_api_because(api, found)
        if why is None:
            continue
        # CORS preflight never reaches the model: it is not judged.
        keys = [str(r.get("RouteKey")) for r in found if not str(r.get("RouteKey", "")).upper().startswith("OPTIONS ")]
        for stage in stage_reads[api["ApiId"]].get():
            with stage_scope(ctx, api, stage):
                weak = unbounded_routes(route_limits(stage, keys))
                evidence: dict[str, Any] = {"api_name": api.get("Name"), "routes": len(keys), "ai_api_because": why}
                if not keys:
                    ctx.skip()  # no route: nothing is served
                elif weak:
                    ctx.failed(f"{len(weak)} route(s) without a throttle below the account default",
                               {**evidence, "unthrottled_routes": sorted(weak)[:20],
                                "why": [f"{k}: {v}" for k, v in sorted(weak.items())][:20]})
                else:
                    ctx.passed(f"all {len(keys)} route(s) are throttled", evidence)
