from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"
LOG_GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:http-access"


def http_api(aws, *, auth="JWT", stage=None, region="us-east-1"):
    v2 = aws.client("apigatewayv2", region)
    api = v2.create_api(Name="chat-http", ProtocolType="HTTP")["ApiId"]
    extra = {"AuthorizerId": "auth123"} if auth != "NONE" else {}
    v2.create_route(ApiId=api, RouteKey="POST /chat", AuthorizationType=auth, **extra)
    v2.create_route(ApiId=api, RouteKey="OPTIONS /chat", AuthorizationType="NONE")
    if stage is not None:
        v2.create_stage(ApiId=api, StageName="prod", **stage)
    return v2, api


def denied(aws, operation):
    aws.simulation.fail("apigatewayv2", operation, "AccessDeniedException", status=403)


# -- routes ----------------------------------------------------------------------------------------

def test_authorized_routes_pass(aws, run_check):
    _, api = http_api(aws, auth="JWT")
    finding = expect(run_check("apigatewayv2.routes_require_authorization"), api, Status.PASS)
    assert finding.evidence["routes"] == 1


def test_open_route_fails(aws, run_check):
    _, api = http_api(aws, auth="NONE")
    finding = expect(run_check("apigatewayv2.routes_require_authorization"), api, Status.FAIL)
    assert finding.evidence["open_routes"] == ["POST /chat"]


def test_websocket_is_judged_on_its_connect_route(aws, run_check):
    v2 = aws.client("apigatewayv2")
    api = v2.create_api(Name="chat-ws", ProtocolType="WEBSOCKET",
                        RouteSelectionExpression="$request.body.action")["ApiId"]
    v2.create_route(ApiId=api, RouteKey="$connect", AuthorizationType="NONE")
    v2.create_route(ApiId=api, RouteKey="sendmessage")
    finding = expect(run_check("apigatewayv2.routes_require_authorization"), api, Status.FAIL)
    assert finding.evidence["open_routes"] == ["$connect"]


def test_routes_access_denied_is_error(aws, run_check):
    _, api = http_api(aws)
    denied(aws, "GetRoutes")
    expect(run_check("apigatewayv2.routes_require_authorization"), api, Status.ERROR)


# -- access logging --------------------------------------------------------------------------------

def test_stage_access_logging_passes(aws, run_check):
    _, api = http_api(aws, stage={"AccessLogSettings": {"DestinationArn": LOG_GROUP, "Format": "$context.requestId"}})
    finding = expect(run_check("apigatewayv2.stage_access_logging"), f"{api}/prod", Status.PASS)
    assert finding.resource_arn == f"arn:aws:apigateway:us-east-1::/apis/{api}/stages/prod"


def test_stage_without_access_logging_fails(aws, run_check):
    _, api = http_api(aws, stage={})
    expect(run_check("apigatewayv2.stage_access_logging"), f"{api}/prod", Status.FAIL)


def test_stage_access_logging_access_denied_is_error(aws, run_check):
    http_api(aws, stage={})
    denied(aws, "GetStages")
    expect(run_check("apigatewayv2.stage_access_logging"), ACCOUNT, Status.ERROR)


# -- throttling ------------------------------------------------------------------------------------

def test_default_route_throttling_passes(aws, run_check):
    _, api = http_api(aws, stage={"DefaultRouteSettings": {"ThrottlingRateLimit": 20.0, "ThrottlingBurstLimit": 40}})
    finding = expect(run_check("apigatewayv2.stage_throttling_configured"), f"{api}/prod", Status.PASS)
    assert finding.evidence["protocol"] == "HTTP"


def test_stage_without_throttling_fails(aws, run_check):
    _, api = http_api(aws, stage={})
    expect(run_check("apigatewayv2.stage_throttling_configured"), f"{api}/prod", Status.FAIL)


def test_throttling_at_account_default_fails(aws, run_check):
    _, api = http_api(aws, stage={"DefaultRouteSettings": {"ThrottlingRateLimit": 10000.0,
                                                           "ThrottlingBurstLimit": 5000}})
    expect(run_check("apigatewayv2.stage_throttling_configured"), f"{api}/prod", Status.FAIL)


def test_throttling_access_denied_is_error(aws, run_check):
    http_api(aws, stage={})
    denied(aws, "GetApis")
    expect(run_check("apigatewayv2.stage_throttling_configured"), ACCOUNT, Status.ERROR)


# -- per-route throttling on AI APIs -----------------------------------------------------------------
ROUTES = "apigatewayv2.route_throttling"
LIMIT = {"ThrottlingRateLimit": 20, "ThrottlingBurstLimit": 40}


def test_ai_api_with_default_route_throttle_passes(aws, run_check):
    _, api = http_api(aws, stage={"DefaultRouteSettings": LIMIT})
    finding = expect(run_check(ROUTES), f"{api}/prod", Status.PASS)
    assert finding.evidence["ai_api_because"] == "route POST /chat"
    assert finding.evidence["routes"] == 1  # OPTIONS preflight is not judged


def test_route_override_that_lifts_the_limit_fails(aws, run_check):
    _, api = http_api(aws, stage={"DefaultRouteSettings": LIMIT, "RouteSettings": {
        "POST /chat": {"ThrottlingRateLimit": 10000, "ThrottlingBurstLimit": 5000}}})
    finding = expect(run_check(ROUTES), f"{api}/prod", Status.FAIL)
    assert finding.evidence["unthrottled_routes"] == ["POST /chat"]


def test_apis_that_do_not_front_ai_are_out_of_scope(aws, run_check):
    v2 = aws.client("apigatewayv2")
    api = v2.create_api(Name="status", ProtocolType="HTTP")["ApiId"]
    v2.create_route(ApiId=api, RouteKey="GET /health", AuthorizationType="NONE")
    v2.create_stage(ApiId=api, StageName="prod")
    assert run_check(ROUTES) == []


def test_routes_denied_is_error_on_the_api(aws, run_check):
    _, api = http_api(aws, stage={"DefaultRouteSettings": LIMIT})
    denied(aws, "GetRoutes")
    finding = expect(run_check(ROUTES), api, Status.ERROR)
    assert "apigateway:GET" in finding.message


def test_route_limits_in_force():
    from posture.checks.apigatewayv2 import ai_api_because, route_limits, unbounded_routes

    stage = {"DefaultRouteSettings": {"ThrottlingRateLimit": 50, "ThrottlingBurstLimit": 100},
             "RouteSettings": {"POST /chat": {"ThrottlingRateLimit": 5},  # burst comes from the default
                               "$default": {"ThrottlingRateLimit": 10000, "ThrottlingBurstLimit": 5000}}}
    limits = route_limits(stage, ["POST /chat", "$default", "GET /models"])
    assert limits == {"POST /chat": (5.0, 100.0), "$default": (10000.0, 5000.0), "GET /models": (50.0, 100.0)}
    assert unbounded_routes(limits) == {"$default": "rate 10000/s is not below the account default"}
    # no default and no override: no limit at all
    assert unbounded_routes(route_limits({}, ["POST /ask"])) == {"POST /ask": "no throttling limit"}
    # rate 0 blocks every call: a limit
    assert unbounded_routes(route_limits({"DefaultRouteSettings": {"ThrottlingRateLimit": 0,
                                                                   "ThrottlingBurstLimit": 0}}, ["x"])) == {}
    assert ai_api_because({"Tags": {"posture:ai-workload": "chat"}}, []) == "tagged"
    assert ai_api_because({}, [{"RouteKey": "GET /health"}]) is None
    assert ai_api_because({}, [{"RouteKey": "sendMessage"}, {"RouteKey": "POST /v1/completions"}]) == \
        "route POST /v1/completions"
