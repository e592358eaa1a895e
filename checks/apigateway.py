"""Amazon API Gateway (REST APIs): the front door of the LLM application.

Every REST API in the account is judged: the API is where prompts enter, and without a
clear AI tag on an API there is no safe way to tell the chatbot's from another team's.
"""

from __future__ import annotations

import re
from typing import Any

from posture.api import CheckContext, Family
from posture.checks._read import apigateway
from posture.checks._read.apigateway import ACCOUNT_DEFAULT_RATE, each_stage, rest_apis, stage_arn

check = Family(
    service="apigateway",
    scope="regional",
    resource_type="AwsApiGatewayStage",
    boundaries=["user_interface"],
    service_docs="https://docs.aws.amazon.com/apigateway/latest/developerguide/security.html",
    reads=[apigateway.GET_REST_APIS],
)

# Words in a stage-variable NAME that say it holds a credential (matched as whole words, so
# `max_tokens` or `monkey` are not flagged). A trailing arn/id/name word means a reference, not a secret.
SECRET_WORDS = frozenset({"key", "apikey", "secret", "secrets", "token", "password", "passwd", "pwd",
                          "passphrase", "credential", "credentials", "bearer"})
REFERENCE_WORDS = frozenset({"arn", "id", "name", "ref", "path", "region", "alias"})
WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def stage_settings(stage: dict[str, Any]) -> dict[str, Any]:
    """The stage-wide method settings (`*/*`); empty when none were ever set."""
    return dict((stage.get("methodSettings") or {}).get("*/*") or {})


def secret_looking(name: str) -> bool:
    words = [w.lower() for w in WORD.findall(name)]
    return bool(words) and words[-1] not in REFERENCE_WORDS and any(w in SECRET_WORDS for w in words)


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
    severity="high",
    maps=["DE.CM-01", "PR.IR-01", "LLM01", "LLM01:2025", "LLM04", "LLM10:2025", "APIGateway.4", "AML.T0029",
        "AML.T0046", "AML.T0049", "MEASURE 2.7", "A.6.2.6"],
    reads=[apigateway.GET_STAGES],
)
def stage_waf_attached(ctx: CheckContext) -> None:
    for api, found in apigateway.stages_by_api(ctx):
        for stage in found.get():
            resource_id = f"{api['id']}/{stage['stageName']}"
            with ctx.resource(resource_id, arn=stage_arn(ctx, api["id"], stage["stageName"])):
                acl = stage.get("webAclArn")
                if acl:
                    ctx.passed("a WAF web ACL is associated", {"web_acl": acl.rsplit("/", 2)[-2]})
                else:
                    ctx.failed("no WAF web ACL is associated", {"api_name": api.get("name")})


@check(
    id="apigateway.methods_require_authorization",
    title="API Gateway REST methods require authorization",
    description="No method of a REST API (other than CORS preflight OPTIONS) has authorization type NONE.",
    rationale=(
        "An unauthenticated method lets anyone on the internet send prompts: nobody is accountable for "
        "what is asked, per-user limits cannot apply, and the model can be scraped or run up in cost."
    ),
    remediation="Give each method an authorizer: `aws apigateway update-method --rest-api-id <api> "
    "--resource-id <res> --http-method POST --patch-operations op=replace,path=/authorizationType,"
    "value=COGNITO_USER_POOLS op=replace,path=/authorizerId,value=<authorizer>` (or AWS_IAM / CUSTOM), "
    "then redeploy the stage.",
    resource_type="AwsApiGatewayRestApi",
    severity="high",
    maps=["PR.AA-03", "PR.AA-05", "LLM02:2025", "LLM06", "LLM10", "LLM10:2025", "AML.M0019", "AML.T0034", "AML.T0040",
        "AML.T0049", "MEASURE 2.7", "A.6.2.6"],
    reads=[apigateway.GET_RESOURCES, apigateway.GET_METHOD],
)
def methods_require_authorization(ctx: CheckContext) -> None:
    apis = rest_apis(ctx)
    methods = apigateway.methods_by_api(ctx, apis)
    for api in apis:
        with ctx.resource(api["id"], arn=apigateway.api_arn(ctx, api["id"])):
            judged = [m for m in methods[api["id"]].get() if m["httpMethod"] != "OPTIONS"]
            open_methods = [f"{m['httpMethod']} {m['path']}" for m in judged if m["authorizationType"] == "NONE"]
            evidence = {"api_name": api.get("name"), "methods": len(judged)}
            if not judged:
                ctx.skip()  # no method: nothing is exposed
            elif open_methods:
                ctx.failed(f"{len(open_methods)} method(s) accept unauthenticated calls",
                           {**evidence, "open_methods": open_methods[:20]})
            else:
                ctx.passed("every method requires authorization", evidence)


@check(
    id="apigateway.stage_throttling_configured",
    title="API Gateway REST stages set their own throttling",
    description="Every REST API stage sets a stage-wide (`*/*`) rate and burst limit below the account default.",
    rationale=(
        "Each prompt costs model tokens. Without a stage throttle, a flood of requests is bounded only by "
        "the account-wide 10,000 requests per second, far beyond what the model's budget can absorb."
    ),
    remediation="`aws apigateway update-stage --rest-api-id <api> --stage-name <stage> --patch-operations "
    "op=replace,path=/*/*/throttling/rateLimit,value=50 op=replace,path=/*/*/throttling/burstLimit,value=100`.",
    severity="medium",
    maps=["PR.IR-04", "LLM04", "LLM10:2025", "AML.M0004", "AML.T0029", "AML.T0034", "AML.T0034.000", "AML.T0046",
        "MEASURE 2.7", "A.4.5", "A.6.2.6"],
    reads=[apigateway.GET_STAGES],
)
def stage_throttling_configured(ctx: CheckContext) -> None:
    for api, stage in each_stage(ctx):
        with ctx.resource(f"{api['id']}/{stage['stageName']}", arn=stage_arn(ctx, api["id"], stage["stageName"])):
            settings = stage_settings(stage)
            rate, burst = settings.get("throttlingRateLimit"), settings.get("throttlingBurstLimit")
            evidence = {"rate_limit": rate, "burst_limit": burst}
            if rate is None or burst is None:
                ctx.failed("no stage-wide throttling is set; only the account default applies", evidence)
            elif float(rate) >= ACCOUNT_DEFAULT_RATE:
                ctx.failed(f"the stage rate limit ({rate}/s) is the account default", evidence)
            else:
                ctx.passed(f"stage throttling is {rate}/s with a burst of {burst}", evidence)


@check(
    id="apigateway.usage_plan_quota",
    title="API Gateway REST stages enforce per-client quotas",
    description=(
        "Every REST API stage is in a usage plan with a request quota, every usage plan that serves it has "
        "one, and every method (other than OPTIONS) requires an API key, so the quota binds every caller."
    ),
    rationale=(
        "A stage throttle bounds the whole API; a usage-plan quota bounds each client. Without it, one "
        "caller can spend the month's model budget or extract the model through sheer volume."
    ),
    remediation="`aws apigateway create-usage-plan --name <plan> --quota limit=10000,period=DAY "
    "--api-stages apiId=<api>,stage=<stage>`, add API keys to it, and set apiKeyRequired on the methods.",
    severity="medium",
    maps=["PR.AA-05", "PR.IR-04", "LLM04", "LLM10", "LLM10:2025", "AML.M0004", "AML.T0029", "AML.T0034",
        "AML.T0034.000", "AML.T0046", "MEASURE 2.7", "A.4.5", "A.6.2.6"],
    reads=[apigateway.GET_STAGES, apigateway.GET_USAGE_PLANS, apigateway.GET_RESOURCES, apigateway.GET_METHOD],
)
def usage_plan_quota(ctx: CheckContext) -> None:
    plans = apigateway.usage_plans(ctx)
    staged = each_stage(ctx)
    methods = apigateway.methods_by_api(ctx, [api for api, _stage in staged])
    for api, stage in staged:
        name = stage["stageName"]
        with ctx.resource(f"{api['id']}/{name}", arn=stage_arn(ctx, api["id"], name)):
            attached = [p for p in plans
                        if any(s.get("apiId") == api["id"] and s.get("stage") == name for s in p.get("apiStages", []))]
            with_quota = [p.get("name", p.get("id", "?")) for p in attached if (p.get("quota") or {}).get("limit")]
            without_quota = [p.get("name", p.get("id", "?")) for p in attached
                             if not (p.get("quota") or {}).get("limit")]
            keyless = [f"{m['httpMethod']} {m['path']}" for m in methods[api["id"]].get()
                       if m["httpMethod"] != "OPTIONS" and not m["apiKeyRequired"]]
            evidence = {"usage_plans": [p.get("name", "?") for p in attached], "plans_with_quota": with_quota,
                        "plans_without_quota": without_quota}
            if not with_quota:
                ctx.failed("no usage plan with a quota covers this stage", evidence)
            elif without_quota:
                # A key of the plan without a quota calls the stage without limit: every plan must bound it.
                ctx.failed(f"usage plan(s) {', '.join(without_quota)} serve the stage without a quota", evidence)
            elif keyless:
                ctx.failed(f"a quota exists, but {len(keyless)} method(s) need no API key, so it does not bind them",
                           {**evidence, "methods_without_api_key": keyless[:20]})
            else:
                ctx.passed(f"usage plan {with_quota[0]} sets a quota and every method needs an API key", evidence)


@check(
    id="apigateway.stage_access_logging",
    title="API Gateway REST stages write access logs",
    description="Every REST API stage has access logging configured to a destination.",
    rationale=(
        "Access logs record who called the model, from where and how often: the trail to investigate "
        "prompt-injection campaigns, scraping and abuse of the chatbot."
    ),
    remediation="`aws apigateway update-stage --rest-api-id <api> --stage-name <stage> --patch-operations "
                "op=replace,path=/accessLogSettings/destinationArn,value=<log-group-arn> "
                "op=replace,path=/accessLogSettings/format,value='<json-format>'`.",
    severity="medium",
    maps=["DE.CM-01", "PR.PS-04", "LLM01", "LLM01:2025", "LLM02:2025", "LLM06", "AML.M0024", "AML.T0034", "AML.T0040",
        "AML.T0049", "MANAGE 4.1", "MEASURE 2.4", "A.6.2.8"],
    reads=[apigateway.GET_STAGES],
)
def stage_access_logging(ctx: CheckContext) -> None:
    for api, stage in each_stage(ctx):
        with ctx.resource(f"{api['id']}/{stage['stageName']}", arn=stage_arn(ctx, api["id"], stage["stageName"])):
            destination = (stage.get("accessLogSettings") or {}).get("destinationArn")
            if destination:
                ctx.passed("access logs are written", {"destination": destination.split(":")[-1]})
            else:
                ctx.failed("access logging is not configured", {"api_name": api.get("name")})


@check(
    id="apigateway.stage_execution_logging",
    title="API Gateway REST stages have execution logging on",
    description="Every REST API stage logs execution at ERROR or INFO level for all methods (`*/*`).",
    rationale=(
        "Execution logs show authorizer denials, integration errors and throttling of calls to the model, "
        "the signals of an attack on the chatbot's front door."
    ),
    remediation="`aws apigateway update-stage --rest-api-id <api> --stage-name <stage> --patch-operations "
    "op=replace,path=/*/*/logging/loglevel,value=ERROR` (leave dataTrace off: it logs full prompts).",
    severity="medium",
    maps=["DE.CM-01", "PR.PS-04", "LLM02:2025", "LLM06", "APIGateway.1", "AML.M0024", "AML.T0034", "AML.T0040",
        "AML.T0049", "MANAGE 4.1", "MEASURE 2.4", "A.6.2.8"],
    reads=[apigateway.GET_STAGES],
)
def stage_execution_logging(ctx: CheckContext) -> None:
    for api, stage in each_stage(ctx):
        with ctx.resource(f"{api['id']}/{stage['stageName']}", arn=stage_arn(ctx, api["id"], stage["stageName"])):
            level = str(stage_settings(stage).get("loggingLevel") or "OFF").upper()
            if level in ("ERROR", "INFO"):
                ctx.passed(f"execution logging is at {level}", {"logging_level": level})
            else:
                ctx.failed("execution logging is off", {"logging_level": level})


@check(
    id="apigateway.stage_variables_no_secrets",
    title="API Gateway stage variables hold no credentials",
    description=(
        "No REST API stage has a variable whose name says it holds a credential (key, secret, token, "
        "password, ...). Only names are read into the finding, never values."
    ),
    rationale=(
        "LLM apps often pass a model-provider API key to the backend as a stage variable. Stage variables "
        "are plain text to anyone who can read the API's configuration, and they travel in exports and logs."
    ),
    remediation="Move the credential to AWS Secrets Manager, let the integration read it at run time, and remove the "
                "variable: `aws apigateway update-stage --rest-api-id <rest-api-id> --stage-name <stage-name> "
                "--patch-operations op=remove,path=/variables/<name>`.",
    severity="high",
    boundaries=["user_interface", "application"],
    maps=["PR.AA-01", "PR.DS-01", "LLM02:2025", "LLM06", "AML.T0055", "MEASURE 2.7", "A.6.2.6"],
    reads=[apigateway.GET_STAGES],
)
def stage_variables_no_secrets(ctx: CheckContext) -> None:
    for api, stage in each_stage(ctx):
        with ctx.resource(f"{api['id']}/{stage['stageName']}", arn=stage_arn(ctx, api["id"], stage["stageName"])):
            names = sorted((stage.get("variables") or {}).keys())  # names only: values never leave here
            flagged = [n for n in names if secret_looking(n)]
            if flagged:
                ctx.failed(f"{len(flagged)} stage variable(s) look like credentials", {"variable_names": flagged})
            else:
                ctx.passed("no stage variable looks like a credential", {"variables": len(names)})


@check(
    id="apigateway.stage_data_trace_off",
    title="API Gateway REST stages do not log full request and response bodies",
    description="No REST API stage has data tracing (full request/response logging) on, stage-wide or per method.",
    rationale=(
        "Data tracing writes whole request and response bodies to CloudWatch Logs: for a chatbot that is "
        "every prompt and completion, with whatever personal data and secrets users paste, readable by "
        "anyone with access to the log group."
    ),
    remediation="`aws apigateway update-stage --rest-api-id <api> --stage-name <stage> --patch-operations "
    "op=replace,path=/*/*/logging/dataTrace,value=false` (and for each method path that turned it on).",
    severity="medium",
    boundaries=["user_interface", "data"],
    maps=["PR.DS-01", "PR.DS-10", "LLM02:2025", "LLM06", "AML.T0036", "AML.T0055", "MEASURE 2.10", "A.6.2.8"],
    reads=[apigateway.GET_STAGES],
)
def stage_data_trace_off(ctx: CheckContext) -> None:
    for api, stage in each_stage(ctx):
        with ctx.resource(f"{api['id']}/{stage['stageName']}", arn=stage_arn(ctx, api["id"], stage["stageName"])):
            tracing = sorted(path for path, settings in (stage.get("methodSettings") or {}).items()
                             if (settings or {}).get("dataTraceEnabled"))
            if tracing:
                ctx.failed("full request and response bodies (prompts, completions) are logged",
                           {"data_trace_paths": tracing})
            else:
                ctx.passed("data tracing is off", {"method_settings": len(stage.get("methodSettings") or {})})
