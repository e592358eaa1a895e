"""AWS Lambda: the functions an LLM application runs, above all the tools a Bedrock agent calls.

Agent tools are the Lambda functions named as the executor of an agent's action
group (see `checks._scope.agent_tools`). The function-URL, secret and runtime checks judge
every function: any of them can hold a model provider's key or front the model.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from posture.api import CheckContext, Family, ahead
from posture.checks import _exposure, _scope
from posture.checks._read import awslambda, bedrock_agent
from posture.checks._read.awslambda import function_url, functions, resource_policy

check = Family(
    service="lambda",
    scope="regional",
    resource_type="AwsLambdaFunction",
    boundaries=["application"],
    service_docs="https://docs.aws.amazon.com/lambda/latest/dg/lambda-security.html",
    maps=["MEASURE 2.7", "A.6.2.6"],
    reads=[awslambda.LIST_FUNCTIONS],
)

# A variable whose NAME says it holds a credential.
SECRET_NAME = re.compile(r"secret|token|passw(or)?d|pwd|api[_-]?key|apikey|private[_-]?key|access[_-]?key|credential",
                         re.IGNORECASE)
# ...unless the name says it only points at where the secret lives.
REFERENCE_NAME = re.compile(r"(_ARN|_SECRET_ID|_SECRET_NAME|_PARAM|_PARAMETER|_PARAMETER_NAME|_SSM_PATH|_TTL)$",
                            re.IGNORECASE)
# ...or its value is a pointer or a setting rather than a credential.
REFERENCE_VALUE = re.compile(r"^(arn:aws[a-z-]*:(secretsmanager|ssm|kms):|\{\{resolve:|\d+$|true$|false$)",
                             re.IGNORECASE)
# Lambda runtime -> the day it was deprecated (Lambda's published schedule). Only dates
# already announced are listed; a runtime not here is taken as supported.
DEPRECATED_RUNTIMES: dict[str, date] = {
    "python2.7": date(2021, 7, 15), "python3.6": date(2022, 7, 18), "python3.7": date(2023, 12, 4),
    "python3.8": date(2024, 10, 14), "python3.9": date(2025, 12, 15), "python3.10": date(2026, 6, 30),
    "nodejs": date(2016, 10, 31), "nodejs4.3": date(2020, 3, 5), "nodejs4.3-edge": date(2019, 4, 30),
    "nodejs6.10": date(2019, 8, 12), "nodejs8.10": date(2020, 3, 6), "nodejs10.x": date(2021, 7, 30),
    "nodejs12.x": date(2023, 3, 31), "nodejs14.x": date(2023, 12, 4), "nodejs16.x": date(2024, 6, 12),
    "nodejs18.x": date(2025, 9, 1), "nodejs20.x": date(2026, 4, 30),
    "java8": date(2024, 1, 8), "go1.x": date(2024, 1, 8), "provided": date(2024, 1, 8),
    "dotnetcore1.0": date(2019, 7, 30), "dotnetcore2.0": date(2019, 5, 30), "dotnetcore2.1": date(2022, 1, 5),
    "dotnetcore3.1": date(2023, 4, 3), "dotnet5.0": date(2022, 5, 10), "dotnet6": date(2024, 12, 20),
    "dotnet7": date(2024, 5, 14), "ruby2.5": date(2021, 7, 30), "ruby2.7": date(2023, 12, 7),
    "ruby3.2": date(2026, 3, 31),
}
INVOKE_ACTION = "lambda:InvokeFunction"


def qualifier(arn: str) -> str | None:
    """The alias or version a Lambda ARN is qualified with (`...:function:name:live` -> `live`)."""
    parts = arn.split(":")
    return parts[7] if len(parts) > 7 and parts[7] else None


def tool_qualifiers(ctx: CheckContext) -> dict[str, list[str]]:
    """Unqualified ARN of each agent tool -> the aliases or versions its agents' action groups name."""
    found: dict[str, list[str]] = {}
    for arn in bedrock_agent.tool_executors(ctx):
        named = found.setdefault(bedrock_agent.function_arn(arn), [])
        q = qualifier(arn)
        if q and q not in named:
            named.append(q)
    return found


def plain_secret_names(variables: dict[str, str]) -> list[str]:
    """Names of variables that look like credentials and hold a literal value (values are never returned)."""
    return sorted(
        name for name, value in variables.items()
        if SECRET_NAME.search(name) and not REFERENCE_NAME.search(name)
        and value.strip() and not REFERENCE_VALUE.match(value.strip())
    )


def invoke_grants_beyond_agent(policy: Any, account_id: str, org_id: str | None = None) -> list[str]:
    """Who, besides a Bedrock agent (or another service) acting for this account and this account's own
    principals, may invoke under this policy: anyone, another account, an organization, or a service with
    no source condition naming this account."""
    outside = _exposure.exposure(policy, (INVOKE_ACTION,), account_id=account_id, org_id=org_id)
    return sorted({outsider.principal for outsider in outside})


def runtime_deprecated(runtime: str, today: date | None = None) -> date | None:
    """The deprecation date of `runtime` when it has passed, else None."""
    deprecated = DEPRECATED_RUNTIMES.get(runtime)
    today = today or datetime.now(UTC).date()
    return deprecated if deprecated and deprecated <= today else None


@check(
    id="lambda.function_url_auth_required",
    title="Lambda function URLs require IAM authentication",
    description="Every Lambda function with a function URL has AuthType AWS_IAM, not NONE.",
    rationale=(
        "A function URL with AuthType NONE is a public HTTPS endpoint: anyone on the internet can call a "
        "function that reaches the model, an agent's tools or the data behind them, and run up its bill."
    ),
    remediation="`aws lambda update-function-url-config --function-name <name> --auth-type AWS_IAM` (or put "
    "the function behind API Gateway with an authorizer and WAF, and delete the URL).",
    severity="high",
    boundaries=["application", "user_interface"],
    maps=["PR.AA-05", "PR.IR-01", "LLM04", "LLM06:2025", "LLM07", "LLM10:2025", "Lambda.1", "AML.M0019", "AML.T0034",
        "AML.T0040", "AML.T0049"],
    reads=[awslambda.FUNCTION_URL],
)
def function_url_auth_required(ctx: CheckContext) -> None:
    listed = functions(ctx)
    ahead(ctx, lambda function: function_url(ctx, function["FunctionName"]), listed)
    for function in listed:
        with ctx.resource(function["FunctionName"], arn=function["FunctionArn"]):
            url = function_url(ctx, function["FunctionName"])
            if url is None:
                ctx.skip()  # no URL: nothing exposed this way
            elif url.get("AuthType") == "AWS_IAM":
                ctx.passed("the function URL requires IAM authentication", {"auth_type": "AWS_IAM"})
            else:
                ctx.failed("the function URL is public: AuthType is NONE",
                           {"auth_type": url.get("AuthType"), "function_url": url.get("FunctionUrl")})


@check(
    id="lambda.no_plaintext_secret_env_vars",
    title="Lambda functions keep no credentials in environment variables",
    description="No environment variable whose name says it holds a secret (secret, token, password, api_key, "
    "private_key, ...) holds a literal value instead of a reference to Secrets Manager or Parameter Store.",
    rationale=(
        "Model provider and tool API keys in environment variables are readable by anyone with "
        "lambda:GetFunctionConfiguration, land in IaC templates and never rotate. A leaked provider key "
        "lets others use the model on the account's bill and read what it was sent."
    ),
    remediation="Move the value to AWS Secrets Manager, pass the secret's ARN in the variable and read it at "
    "runtime (or with the Parameters and Secrets Lambda extension); then rotate the exposed key.",
    severity="high",
    maps=["PR.AA-01", "PR.DS-01", "LLM02:2025", "LLM06", "AML.T0034", "AML.T0055", "AML.T0098"],
)
def no_plaintext_secret_env_vars(ctx: CheckContext) -> None:
    for function in functions(ctx):
        with ctx.resource(function["FunctionName"], arn=function["FunctionArn"]):
            variables = (function.get("Environment") or {}).get("Variables") or {}
            names = plain_secret_names(variables)
            evidence = {"variables": len(variables), "kms_key": function.get("KMSKeyArn")}
            if names:
                ctx.failed(f"{len(names)} environment variable(s) named like a credential hold a literal value",
                           {**evidence, "secret_named_variables": names})
            else:
                ctx.passed("no environment variable named like a credential holds a literal value", evidence)


@check(
    id="lambda.agent_tool_invoke_scoped",
    title="Agent tool functions can be invoked only by their agent",
    description="The resource policy of every Lambda function that runs an action group of an agent version in "
    "use (and of the alias or version an executor ARN names) grants invocation to bedrock.amazonaws.com only "
    "under an aws:SourceArn or aws:SourceAccount condition whose value names this account, and to nobody "
    "public, in another account or organization-wide.",
    rationale=(
        "An agent tool acts with its own role on the agent's behalf. If anyone, any account or any Bedrock "
        "agent (confused deputy) can invoke it, the checks the agent applies before calling a tool are "
        "bypassed."
    ),
    remediation="Remove open statements (`aws lambda remove-permission`) and grant bedrock.amazonaws.com with `aws "
                "lambda add-permission --function-name <function-name> --statement-id <statement-id> --action "
                "<action> --principal bedrock.amazonaws.com --source-arn <agent-arn> --source-account <account>`.",
    severity="high",
    maps=["PR.AA-05", "LLM02", "LLM05:2025", "LLM06:2025", "LLM07", "LLM08", "Lambda.1", "AML.M0028", "AML.T0053",
        "AML.T0085.001", "ASI02", "ASI03", "Art. 15"],
    reads=[_scope.AGENT_TOOL_READS, awslambda.FUNCTION_POLICY],
)
def agent_tool_invoke_scoped(ctx: CheckContext) -> None:
    def tool_policies(function: dict[str, Any]) -> tuple[list[str], dict[str | None, Any]]:
        """The qualifiers agents name the tool by, and the function's own policy and that of each alias or
        version an agent calls it through."""
        qualifiers = tool_qualifiers(ctx)  # memoised reads; a failure is this tool's ERROR
        named = qualifiers.get(bedrock_agent.function_arn(function["FunctionArn"]), [])
        return named, {q: resource_policy(ctx, function["FunctionName"], q) for q in [None, *named]}

    tools = _scope.judged(ctx, _scope.agent_tools(ctx))
    ahead(ctx, lambda tool: tool_policies(tool[0]), tools)
    for function, agent_id in tools:
        with ctx.resource(function["FunctionName"], arn=function["FunctionArn"]):
            named, policies = tool_policies(function)
            problems = sorted({(f"{p} (via {q})" if q else p) for q, policy in policies.items()
                               for p in invoke_grants_beyond_agent(policy, ctx.account_id)})
            evidence: dict[str, Any] = {"agent_id": agent_id, "resource_policy": policies[None] is not None,
                                        "qualifiers": named}
            if problems:
                ctx.failed("invocation is granted beyond the agent: " + "; ".join(problems),
                           {**evidence, "grants": problems})
            elif all(p is None for p in policies.values()):
                ctx.passed("no resource policy: only principals of this account can invoke it", evidence)
            else:
                ctx.passed("invocation is limited to services acting for this account and its own principals",
                           evidence)


@check(
    id="lambda.supported_runtime",
    title="Lambda functions run on a supported runtime",
    description="No Lambda function uses a runtime that Lambda has deprecated (it gets no security patches).",
    rationale=(
        "Tools and orchestration code that handle prompts, model output and credentials run in the "
        "runtime: a deprecated one no longer receives security fixes for the language or its base image."
    ),
    remediation="Upgrade the function to a supported runtime (`aws lambda update-function-configuration "
    "--function-name <name> --runtime <runtime>`) after testing the code on it.",
    severity="medium",
    maps=["ID.RA-01", "PR.PS-02", "LLM03:2025", "LLM05", "Lambda.2", "AML.T0010.001", "MANAGE 3.1"],
)
def supported_runtime(ctx: CheckContext) -> None:
    for function in functions(ctx):
        with ctx.resource(function["FunctionName"], arn=function["FunctionArn"]):
            runtime = function.get("Runtime")
            if not runtime:
                ctx.skip()  # a container image: its runtime is the image's business
                continue
            deprecated = runtime_deprecated(runtime)
            if deprecated:
                ctx.failed(f"runtime {runtime} was deprecated on {deprecated.isoformat()}",
                           {"runtime": runtime, "deprecated_on": deprecated.isoformat()})
            else:
                ctx.passed(f"runtime {runtime} is supported", {"runtime": runtime})


@check(
    id="lambda.agent_tool_outside_access",
    title="No one outside the account or its organization can invoke or change an agent tool",
    description="The resource policy of every agent tool function (named by an agent's action group, or whose "
    "own policy lets Bedrock, AgentCore or SageMaker invoke it) lets no one outside this account and its "
    "organization invoke or change it: no Principal *, other account or organization, no AI service with no "
    "source condition naming this account. Judged by the one exposure question (checks/_exposure.py).",
    rationale=(
        "A tool acts with its own role on an agent's behalf. Anyone outside who may invoke it skips the agent, its "
        "guardrail and its instructions; any Bedrock agent of any account may use it as a confused deputy."
    ),
    remediation="`aws lambda remove-permission --function-name <f> --statement-id <sid>` for the outside "
    "statements; grant the AI service with `--source-arn <agent-arn> --source-account <account>`.",
    severity="high",
    maps=["PR.AA-05", "LLM06:2025", "LLM07", "LLM08", "Lambda.1", "AML.T0053", "ASI02", "MEASURE 2.7", "A.6.2.6"],
    reads=[_scope.AGENT_TOOL_READS, _exposure.AGENT_TOOL.reads],
)
def agent_tool_outside_access(ctx: CheckContext) -> None:
    tools = _scope.judged(ctx, _scope.agent_tools(ctx))
    _exposure.judge(ctx, _exposure.AGENT_TOOL, [_exposure.Target(f["FunctionName"], f["FunctionArn"], why)
                                               for f, why in tools])
