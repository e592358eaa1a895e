from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"
LOG_GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:api-access"
VC = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}


def rest_api(aws, *, auth="AWS_IAM", api_key=True, stage="prod", variables=None, region="us-east-1"):
    """A REST API with POST /chat (auth as given), an open OPTIONS preflight and one stage."""
    apigw = aws.client("apigateway", region)
    api = apigw.create_rest_api(name="chat")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    chat = apigw.create_resource(restApiId=api, parentId=root, pathPart="chat")["id"]
    apigw.put_method(restApiId=api, resourceId=chat, httpMethod="POST", authorizationType=auth,
                     apiKeyRequired=api_key)
    apigw.put_method(restApiId=api, resourceId=chat, httpMethod="OPTIONS", authorizationType="NONE")
    apigw.put_integration(restApiId=api, resourceId=chat, httpMethod="POST", type="MOCK")
    deployment = apigw.create_deployment(restApiId=api)["id"]
    apigw.create_stage(restApiId=api, stageName=stage, deploymentId=deployment, variables=variables or {})
    return apigw, api


def patch_stage(apigw, api, stage="prod", **values):
    paths = {"rate": "/*/*/throttling/rateLimit", "burst": "/*/*/throttling/burstLimit",
             "loglevel": "/*/*/logging/loglevel", "access_log": "/accessLogSettings/destinationArn"}
    apigw.update_stage(restApiId=api, stageName=stage, patchOperations=[
        {"op": "replace", "path": paths[k], "value": str(v)} for k, v in values.items()])


def denied(aws, operation):
    aws.simulation.fail("apigateway", operation, "AccessDeniedException", status=403)


# -- WAF on stages ---------------------------------------------------------------------------------

def test_stage_with_web_acl_passes(aws, run_check):
    _, api = rest_api(aws)
    acl = aws.client("wafv2").create_web_acl(Name="chat-acl", Scope="REGIONAL", DefaultAction={"Allow": {}},
                                             VisibilityConfig=VC)["Summary"]["ARN"]
    aws.client("wafv2").associate_web_acl(WebACLArn=acl,
                                          ResourceArn=f"arn:aws:apigateway:us-east-1::/restapis/{api}/stages/prod")
    finding = expect(run_check("apigateway.stage_waf_attached"), f"{api}/prod", Status.PASS)
    assert finding.evidence["web_acl"] == "chat-acl"


def test_stage_without_web_acl_fails(aws, run_check):
    _, api = rest_api(aws)
    finding = expect(run_check("apigateway.stage_waf_attached"), f"{api}/prod", Status.FAIL)
    assert finding.resource_arn == f"arn:aws:apigateway:us-east-1::/restapis/{api}/stages/prod"


def test_stage_waf_access_denied_is_error(aws, run_check):
    rest_api(aws)
    denied(aws, "GetStages")
    finding = expect(run_check("apigateway.stage_waf_attached"), ACCOUNT, Status.ERROR)
    assert "apigateway" in finding.message


# -- method authorization --------------------------------------------------------------------------

def test_authorized_methods_pass_and_options_preflight_is_ignored(aws, run_check):
    _, api = rest_api(aws, auth="AWS_IAM")
    finding = expect(run_check("apigateway.methods_require_authorization"), api, Status.PASS)
    assert finding.evidence["methods"] == 1


def test_open_method_fails(aws, run_check):
    _, api = rest_api(aws, auth="NONE")
    finding = expect(run_check("apigateway.methods_require_authorization"), api, Status.FAIL)
    assert finding.evidence["open_methods"] == ["POST /chat"]


def test_method_authorization_access_denied_is_error(aws, run_check):
    _, api = rest_api(aws)
    denied(aws, "GetResources")
    expect(run_check("apigateway.methods_require_authorization"), api, Status.ERROR)


def test_methods_read_failing_for_one_api_is_error_on_that_api_only(aws, run_check):
    # The methods of the APIs are read side by side: the failed read is an ERROR on its own API.
    _, first = rest_api(aws, auth="NONE")
    _, second = rest_api(aws, auth="NONE")
    aws.simulation.fail("apigateway", "GetResources", "AccessDeniedException", status=403, times=1)
    findings = run_check("apigateway.methods_require_authorization")
    assert sorted(f.resource_id for f in findings) == sorted([first, second])
    assert sorted(f.status.value for f in findings) == ["ERROR", "FAIL"]


# -- stage throttling ------------------------------------------------------------------------------

def test_stage_throttling_passes(aws, run_check):
    apigw, api = rest_api(aws)
    patch_stage(apigw, api, rate=50, burst=100)
    finding = expect(run_check("apigateway.stage_throttling_configured"), f"{api}/prod", Status.PASS)
    assert finding.evidence["rate_limit"] == 50


def test_stage_without_throttling_fails(aws, run_check):
    _, api = rest_api(aws)
    expect(run_check("apigateway.stage_throttling_configured"), f"{api}/prod", Status.FAIL)


def test_stage_throttling_at_account_default_fails(aws, run_check):
    apigw, api = rest_api(aws)
    patch_stage(apigw, api, rate=10000, burst=5000)
    finding = expect(run_check("apigateway.stage_throttling_configured"), f"{api}/prod", Status.FAIL)
    assert "account default" in finding.message


def test_stage_throttling_access_denied_is_error(aws, run_check):
    rest_api(aws)
    denied(aws, "GetStages")
    expect(run_check("apigateway.stage_throttling_configured"), ACCOUNT, Status.ERROR)


# -- usage plans -----------------------------------------------------------------------------------

def usage_plan(apigw, api, stage="prod", quota=True):
    extra = {"quota": {"limit": 1000, "period": "DAY"}} if quota else {}
    apigw.create_usage_plan(name="per-user", apiStages=[{"apiId": api, "stage": stage}],
                            throttle={"rateLimit": 5, "burstLimit": 10}, **extra)


def test_usage_plan_with_quota_and_api_keys_passes(aws, run_check):
    apigw, api = rest_api(aws, api_key=True)
    usage_plan(apigw, api)
    finding = expect(run_check("apigateway.usage_plan_quota"), f"{api}/prod", Status.PASS)
    assert finding.evidence["plans_with_quota"] == ["per-user"]


def test_stage_without_usage_plan_fails(aws, run_check):
    _, api = rest_api(aws)
    expect(run_check("apigateway.usage_plan_quota"), f"{api}/prod", Status.FAIL)


def test_usage_plan_without_quota_fails(aws, run_check):
    apigw, api = rest_api(aws)
    usage_plan(apigw, api, quota=False)
    expect(run_check("apigateway.usage_plan_quota"), f"{api}/prod", Status.FAIL)


def test_stage_also_served_by_a_plan_without_quota_fails(aws, run_check):
    """Regression (issue 9): one plan with a quota passed a stage that another, unlimited plan also serves."""
    apigw, api = rest_api(aws, api_key=True)
    usage_plan(apigw, api)
    apigw.create_usage_plan(name="partners", apiStages=[{"apiId": api, "stage": "prod"}])
    finding = expect(run_check("apigateway.usage_plan_quota"), f"{api}/prod", Status.FAIL)
    assert finding.evidence["plans_without_quota"] == ["partners"]


def test_quota_that_binds_no_method_fails(aws, run_check):
    apigw, api = rest_api(aws, api_key=False)
    usage_plan(apigw, api)
    finding = expect(run_check("apigateway.usage_plan_quota"), f"{api}/prod", Status.FAIL)
    assert finding.evidence["methods_without_api_key"] == ["POST /chat"]


def test_usage_plan_access_denied_is_error(aws, run_check):
    rest_api(aws)
    denied(aws, "GetUsagePlans")
    expect(run_check("apigateway.usage_plan_quota"), ACCOUNT, Status.ERROR)


# -- logging ---------------------------------------------------------------------------------------

def test_access_logging_passes(aws, run_check):
    apigw, api = rest_api(aws)
    patch_stage(apigw, api, access_log=LOG_GROUP)
    finding = expect(run_check("apigateway.stage_access_logging"), f"{api}/prod", Status.PASS)
    assert finding.evidence["destination"] == "api-access"


def test_no_access_logging_fails(aws, run_check):
    _, api = rest_api(aws)
    expect(run_check("apigateway.stage_access_logging"), f"{api}/prod", Status.FAIL)


def test_access_logging_access_denied_is_error(aws, run_check):
    rest_api(aws)
    denied(aws, "GetStages")
    expect(run_check("apigateway.stage_access_logging"), ACCOUNT, Status.ERROR)


def test_execution_logging_passes(aws, run_check):
    apigw, api = rest_api(aws)
    patch_stage(apigw, api, loglevel="ERROR")
    finding = expect(run_check("apigateway.stage_execution_logging"), f"{api}/prod", Status.PASS)
    assert finding.evidence["logging_level"] == "ERROR"


def test_execution_logging_off_fails(aws, run_check):
    _, api = rest_api(aws)
    finding = expect(run_check("apigateway.stage_execution_logging"), f"{api}/prod", Status.FAIL)
    assert finding.evidence["logging_level"] == "OFF"


def test_execution_logging_access_denied_is_error(aws, run_check):
    rest_api(aws)
    denied(aws, "GetRestApis")
    expect(run_check("apigateway.stage_execution_logging"), ACCOUNT, Status.ERROR)


# -- stage variables -------------------------------------------------------------------------------

def test_harmless_stage_variables_pass(aws, run_check):
    _, api = rest_api(aws, variables={"max_tokens": "512", "model_id": "claude", "secret_arn": "arn:..."})
    finding = expect(run_check("apigateway.stage_variables_no_secrets"), f"{api}/prod", Status.PASS)
    assert finding.evidence["variables"] == 3


def test_secret_looking_stage_variable_fails_and_reports_names_only(aws, run_check):
    _, api = rest_api(aws, variables={"openai_api_key": "sk-live-123", "authToken": "abc", "mode": "chat"})
    finding = expect(run_check("apigateway.stage_variables_no_secrets"), f"{api}/prod", Status.FAIL)
    assert finding.evidence["variable_names"] == ["authToken", "openai_api_key"]
    assert "sk-live-123" not in finding.model_dump_json()


def test_stage_variables_access_denied_is_error(aws, run_check):
    rest_api(aws)
    denied(aws, "GetStages")
    expect(run_check("apigateway.stage_variables_no_secrets"), ACCOUNT, Status.ERROR)


# -- data trace ------------------------------------------------------------------------------------

def test_stage_without_data_trace_passes(aws, run_check):
    apigw, api = rest_api(aws)
    patch_stage(apigw, api, loglevel="ERROR")
    expect(run_check("apigateway.stage_data_trace_off"), f"{api}/prod", Status.PASS)


def test_stage_logging_full_bodies_fails(aws, run_check):
    apigw, api = rest_api(aws)
    apigw.update_stage(restApiId=api, stageName="prod", patchOperations=[
        {"op": "replace", "path": "/*/*/logging/dataTrace", "value": "true"}])
    finding = expect(run_check("apigateway.stage_data_trace_off"), f"{api}/prod", Status.FAIL)
    assert finding.evidence["data_trace_paths"] == ["*/*"]


def test_data_trace_access_denied_is_error(aws, run_check):
    rest_api(aws)
    denied(aws, "GetStages")
    expect(run_check("apigateway.stage_data_trace_off"), ACCOUNT, Status.ERROR)
