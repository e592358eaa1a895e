"""Amazon Bedrock AgentCore (the bedrock-agentcore-control API): runtimes, gateways, memory and the
custom browser and code-interpreter tools, judged as Security Hub's AI Security Best Practices do."""

from __future__ import annotations

from typing import Any

from posture.api import AwsReadError, CheckContext, Detailed, EvidenceValue, Family, detailed, each
from posture.checks import _exposure
from posture.checks._keys import CMK_READS, judge_cmk
from posture.checks._read import bedrock_agentcore as ac
from posture.checks._read import ec2
from posture.checks._read.bedrock_agentcore import gateway_arn, gateways, runtimes
from posture.checks._secrets import secret_fields

check = Family(
    service="bedrock-agentcore-control",
    scope="regional",
    resource_type="Other",
    boundaries=["application", "model"],
    service_docs="https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/security.html",
)

def _gateway_scope(ctx: CheckContext, summary: dict[str, Any]) -> Any:
    return ctx.resource(summary["gatewayId"], arn=gateway_arn(ctx, summary["gatewayId"]))


def checked_runtime(item: Detailed) -> dict[str, Any]:
    """The runtime's detail, for checks that PASS on an absent member: an answer without the members
    AWS always sends (agentRuntimeArn, status) is not evidence of absence, it is an ERROR (KeyError)."""
    return ac.require(item.detail(), "agentRuntimeArn", "status")


@check(
    id="bedrock_agentcore.runtime_vpc_network_mode",
    title="Bedrock AgentCore runtimes run in VPC network mode",
    description="Each AgentCore agent runtime sets networkConfiguration.networkMode to VPC, with subnets and "
    "security groups of the account.",
    rationale=(
        "A runtime hosts the agent's code: it holds the conversation, calls tools and reaches data stores. In "
        "PUBLIC mode it talks to the internet directly, so a prompt-injected agent can exfiltrate context to "
        "any host; in VPC mode its traffic stays under the account's security groups, routes and endpoints."
    ),
    remediation="`aws bedrock-agentcore-control update-agent-runtime --agent-runtime-id <id> "
                "--agent-runtime-artifact <agent-runtime-artifact> --role-arn <role-arn> --network-configuration "
                "'networkMode=VPC,networkModeConfig={subnets=[<subnet>],securityGroups=[<sg>]}'`.",
    severity="high",
    maps=["PR.AA-05", "PR.IR-01", "LLM02:2025", "LLM06:2025", "LLM07", "LLM08", "BedrockAgentCore.1", "AML.M0032",
        "AML.T0025", "AML.T0072", "AML.T0086", "MEASURE 2.7", "A.6.2.6", "ASI01", "ASI10", "Art. 15"],
    reads=[ac.RUNTIME],
)
def runtime_vpc_network_mode(ctx: CheckContext) -> None:
    for item in detailed(ctx, ac.RUNTIME, runtimes(ctx)):
        with ctx.resource(item.id, arn=item.arn):
            network = item.detail().get("networkConfiguration") or {}
            vpc = network.get("networkModeConfig") or {}
            mode = network.get("networkMode")
            evidence = {"runtime_name": item.summary.get("agentRuntimeName"), "network_mode": mode,
                        "subnets": len(vpc.get("subnets") or []),
                        "security_groups": len(vpc.get("securityGroups") or [])}
            if mode == "VPC":
                ctx.passed("the runtime runs in the account's VPC", evidence)
            else:
                ctx.failed(f"the runtime uses {mode or 'no'} network mode, not VPC", evidence)


@check(
    id="bedrock_agentcore.gateway_authorizer",
    title="Bedrock AgentCore gateways require authorization for inbound requests",
    description="Each AgentCore gateway has an inbound authorizer (authorizerType CUSTOM_JWT, AWS_IAM or "
    "AUTHENTICATE_ONLY), not NONE.",
    rationale=(
        "A gateway publishes the agent's tools (Lambda functions, APIs, MCP servers) as one MCP endpoint. "
        "Without an authorizer anyone who finds its URL can list and invoke those tools with the gateway's "
        "role, bypassing the agent and its guardrails."
    ),
    remediation="Recreate or update the gateway with an authorizer: `aws bedrock-agentcore-control update-gateway "
                "--gateway-identifier <id> --name <name> --role-arn <role-arn> --authorizer-type CUSTOM_JWT "
                "--authorizer-configuration "
                "'customJWTAuthorizer={discoveryUrl=<oidc-url>,allowedClients=[<client>]}'` (or --authorizer-type "
                "AWS_IAM).",
    severity="high",
    boundaries=["application", "user_interface"],
    maps=["PR.AA-03", "PR.AA-05", "LLM06:2025", "LLM07", "LLM08", "BedrockAgentCore.2", "AML.M0019", "AML.T0053",
        "AML.T0084.001", "AML.T0085.001", "MEASURE 2.7", "A.6.2.6", "ASI02", "ASI03", "ASI07", "Art. 15"],
    reads=[ac.GATEWAY],
)
def gateway_authorizer(ctx: CheckContext) -> None:
    for item in detailed(ctx, ac.GATEWAY, gateways(ctx)):
        with _gateway_scope(ctx, item.summary):
            kind = item.detail().get("authorizerType")
            evidence = {"gateway_name": item.summary.get("name"), "authorizer_type": kind}
            if kind and kind != "NONE":
                ctx.passed(f"inbound requests are authorized ({kind})", evidence)
            else:
                ctx.failed("the gateway accepts inbound requests without authorization", evidence)


@check(
    id="bedrock_agentcore.memory_cmk",
    title="Bedrock AgentCore memories are encrypted with a customer managed key",
    description="Each AgentCore memory names a customer managed KMS key (encryptionKeyArn).",
    rationale=(
        "AgentCore memory stores conversation events and the long-term facts extracted from them: user "
        "preferences, personal data and summaries of past sessions. A customer managed key keeps them under "
        "the account's key policy, with its own audit trail and the power to revoke access."
    ),
    remediation="Memory encryption is set at creation: create a memory with `aws bedrock-agentcore-control "
    "create-memory --name <name> --event-expiry-duration <days> --encryption-key-arn <key-arn>` and move "
    "the agent to it.",
    severity="medium",
    boundaries=["data", "application"],
    maps=["PR.DS-01", "LLM02:2025", "LLM06", "BedrockAgentCore.3", "AML.M0012", "AML.T0080.000", "AML.T0085",
        "MEASURE 2.10", "MEASURE 2.7", "A.6.2.6", "ASI06", "Art. 15"],
    reads=[ac.MEMORY, CMK_READS],
)
def memory_cmk(ctx: CheckContext) -> None:
    for item in detailed(ctx, ac.MEMORY, ac.memories(ctx)):
        with ctx.resource(item.id, arn=item.arn):
            detail = item.detail()
            judge_cmk(ctx, detail.get("encryptionKeyArn"), "the memory", {"memory_name": detail.get("name")})


@check(
    id="bedrock_agentcore.gateway_cmk",
    title="Bedrock AgentCore gateways are encrypted with a customer managed key",
    description="Each AgentCore gateway names a customer managed KMS key (kmsKeyArn).",
    rationale=(
        "A gateway stores its configuration, tool schemas and the credentials settings it uses to reach "
        "targets; a customer managed key keeps them under the account's key policy and audit trail."
    ),
    remediation="`aws bedrock-agentcore-control update-gateway --gateway-identifier <id> --name <name> --role-arn "
                "<role-arn> --authorizer-type <authorizer-type> --kms-key-arn <key-arn>`.",
    severity="medium",
    boundaries=["application", "data"],
    maps=["PR.DS-01", "LLM02:2025", "LLM06", "BedrockAgentCore.4", "AML.M0012", "AML.T0084.001", "AML.T0098",
        "MEASURE 2.7", "A.6.2.6", "ASI02", "ASI03", "Art. 15"],
    reads=[ac.GATEWAY, CMK_READS],
)
def gateway_cmk(ctx: CheckContext) -> None:
    for item in detailed(ctx, ac.GATEWAY, gateways(ctx)):
        with _gateway_scope(ctx, item.summary):
            key = item.detail().get("kmsKeyArn")
            judge_cmk(ctx, key, "the gateway", {"gateway_name": item.summary.get("name")})


@check(
    id="bedrock_agentcore.browser_not_public",
    title="Bedrock AgentCore custom browsers do not use public network mode",
    description="Each custom AgentCore browser sets networkConfiguration.networkMode to VPC, not PUBLIC.",
    rationale=(
        "The browser tool lets an agent load and act on arbitrary web pages, the classic carrier of indirect "
        "prompt injection. In PUBLIC mode the browser reaches the whole internet outside the account's network "
        "controls; in VPC mode egress passes the account's security groups, proxies and firewalls."
    ),
    remediation="Browser network settings are fixed at creation: `aws bedrock-agentcore-control create-browser "
                "--name <name> --network-configuration "
                "'networkMode=VPC,vpcConfig={subnets=[<subnet>],securityGroups=[<sg>]}'`, then point the agent at it "
                "and delete the public one.",
    severity="high",
    maps=["PR.IR-01", "LLM01", "LLM01:2025", "LLM06:2025", "LLM08", "BedrockAgentCore.5", "AML.M0032", "AML.T0051.001",
        "AML.T0086", "AML.T0100", "MEASURE 2.7", "A.6.2.6", "ASI01", "ASI02", "Art. 15"],
    reads=[ac.BROWSER],
)
def browser_not_public(ctx: CheckContext) -> None:
    for item in detailed(ctx, ac.BROWSER, ac.custom_browsers(ctx)):
        with ctx.resource(item.id, arn=item.arn):
            mode = (item.detail().get("networkConfiguration") or {}).get("networkMode")
            evidence = {"browser_name": item.summary.get("name"), "network_mode": mode}
            if mode and mode != "PUBLIC":
                ctx.passed(f"the browser uses {mode} network mode", evidence)
            else:
                ctx.failed("the browser reaches the internet in PUBLIC network mode", evidence)


@check(
    id="bedrock_agentcore.browser_session_recording",
    title="Bedrock AgentCore custom browsers record their sessions",
    description="Each custom AgentCore browser has session recording enabled, to an S3 location "
    "(recording.enabled and recording.s3Location).",
    rationale=(
        "An agent's browser session is where it reads untrusted pages and acts on them (fills forms, clicks "
        "through). Recordings are the only record of what the agent saw and did, needed to investigate a "
        "prompt injection or an unwanted action."
    ),
    remediation="Recording is set at creation: `aws bedrock-agentcore-control create-browser --name <name> "
                "--recording 'enabled=true,s3Location={bucket=<bucket>,prefix=<prefix>}' --network-configuration "
                "<network-configuration>` and move the agent to it.",
    severity="medium",
    boundaries=["application"],
    maps=["DE.CM-09", "PR.PS-04", "LLM01", "LLM01:2025", "LLM06:2025", "LLM08", "BedrockAgentCore.6", "AML.M0024",
        "AML.T0051.001", "AML.T0053", "AML.T0100", "MANAGE 4.1", "MANAGE 4.3", "MEASURE 2.4", "A.6.2.8", "ASI02",
        "ASI10", "Art. 12"],
    reads=[ac.BROWSER],
)
def browser_session_recording(ctx: CheckContext) -> None:
    for item in detailed(ctx, ac.BROWSER, ac.custom_browsers(ctx)):
        with ctx.resource(item.id, arn=item.arn):
            recording = item.detail().get("recording") or {}
            bucket = (recording.get("s3Location") or {}).get("bucket")
            evidence = {"browser_name": item.summary.get("name"), "recording_enabled": bool(recording.get("enabled")),
                        "recording_bucket": bucket}
            if recording.get("enabled"):
                ctx.passed(f"sessions are recorded to s3://{bucket}", evidence)
            else:
                ctx.failed("browser sessions are not recorded", evidence)


@check(
    id="bedrock_agentcore.code_interpreter_private_network",
    title="Bedrock AgentCore custom code interpreters use a private network configuration",
    description="Each custom AgentCore code interpreter runs in SANDBOX or VPC network mode, not PUBLIC.",
    rationale=(
        "A code interpreter runs code the model wrote, often from user or retrieved input. With PUBLIC network "
        "access that code can download tooling and send data anywhere; SANDBOX or VPC mode confines it to AWS "
        "services or the account's own network."
    ),
    remediation="Network mode is fixed at creation: `aws bedrock-agentcore-control create-code-interpreter --name "
                "<name> --network-configuration networkMode=SANDBOX` (or VPC with vpcConfig), then point the agent "
                "at "
                "it and delete the public one.",
    severity="high",
    maps=["PR.IR-01", "PR.PS-05", "LLM02", "LLM05:2025", "LLM06:2025", "LLM08", "BedrockAgentCore.7", "AML.M0032",
        "AML.T0025", "AML.T0050", "AML.T0072", "AML.T0086", "MEASURE 2.7", "A.6.2.6", "ASI02", "ASI05", "Art. 15"],
    reads=[ac.CODE_INTERPRETER],
)
def code_interpreter_private_network(ctx: CheckContext) -> None:
    for item in detailed(ctx, ac.CODE_INTERPRETER, ac.custom_code_interpreters(ctx)):
        with ctx.resource(item.id, arn=item.arn):
            mode = (item.detail().get("networkConfiguration") or {}).get("networkMode")
            evidence = {"code_interpreter_name": item.summary.get("name"), "network_mode": mode}
            if mode in ("SANDBOX", "VPC"):
                ctx.passed(f"the code interpreter runs in {mode} network mode", evidence)
            else:
                ctx.failed(f"the code interpreter uses {mode or 'no'} network mode, with public internet access",
                           evidence)


DEFAULT_VAULT = "default"


# -- judging: JWT authorizers --------------------------------------------------------------
def _named(values: Any) -> list[str]:
    return [str(v) for v in (values or []) if str(v).strip()]


def issuer_allowed(discovery_url: str, allowed: list[str]) -> bool:
    """Whether `discovery_url` is one of `allowed` or lies under one of them (path boundary, by value)."""
    for entry in allowed:
        base = entry.rstrip("/")
        if discovery_url in (entry, base) or discovery_url.startswith(base + "/"):
            return True
    return False


def jwt_shortfalls(authorizer: dict[str, Any] | None, allowed_issuers: list[str] | None = None) -> list[str]:
    """What a customJWTAuthorizer configuration lets through: [] when it names its issuer over https and
    restricts tokens to named audiences or clients (no wildcard), within the issuer allow-list when one is set."""
    jwt = (authorizer or {}).get("customJWTAuthorizer")
    if not jwt:
        return ["no customJWTAuthorizer configuration"]
    missing = []
    url = str(jwt.get("discoveryUrl") or "")
    if not url.lower().startswith("https://"):
        missing.append(f"discovery URL {url or '(none)'} is not https")
    audiences, clients = _named(jwt.get("allowedAudience")), _named(jwt.get("allowedClients"))
    if any("*" in v for v in audiences + clients):
        missing.append("a wildcard in allowedAudience/allowedClients")
    elif not audiences and not clients:
        missing.append("no allowedAudience or allowedClients: any token of the issuer is accepted")
    if allowed_issuers and url and not issuer_allowed(url, allowed_issuers):
        missing.append(f"discovery URL {url} is not in the allowed_issuers setting")
    return missing


def jwt_evidence(authorizer: dict[str, Any] | None) -> dict[str, EvidenceValue]:
    jwt = (authorizer or {}).get("customJWTAuthorizer") or {}
    return {"discovery_url": jwt.get("discoveryUrl"), "allowed_audience": _named(jwt.get("allowedAudience")),
            "allowed_clients": _named(jwt.get("allowedClients"))}


def allowed_issuers(ctx: CheckContext) -> list[str]:
    default: list[str] = []
    return [str(v) for v in ctx.setting("allowed_issuers", default)]


@check(
    id="bedrock_agentcore.runtime_inbound_auth",
    title="Bedrock AgentCore runtimes authenticate inbound callers",
    description="Each AgentCore runtime either keeps IAM (SigV4) inbound authentication, or has a "
    "customJWTAuthorizer with an https discovery URL that restricts tokens to named allowedAudience or "
    "allowedClients (no wildcard), within `[checks.bedrock_agentcore] allowed_issuers` when set.",
    rationale=(
        "InvokeAgentRuntime starts the agent with its role, tools and memory. A JWT authorizer that names no "
        "audience or client accepts any token the identity provider ever issued, to any application, so every "
        "user of that provider (in a public IdP, anyone who signs up) can drive the agent."
    ),
    remediation="`aws bedrock-agentcore-control update-agent-runtime --agent-runtime-id <id> "
                "--agent-runtime-artifact <agent-runtime-artifact> --role-arn <role-arn> --authorizer-configuration "
                "'customJWTAuthorizer={discoveryUrl=https://<idp>/.well-known/openid-configuration,"
                "allowedClients=[<client-id>]}'` "
                "(or remove the JWT authorizer to require SigV4).",
    severity="high",
    boundaries=["user_interface", "application"],
    maps=["PR.AA-03", "PR.AA-05", "LLM01", "LLM01:2025", "LLM06:2025", "LLM08", "AML.M0019", "AML.T0012", "AML.T0049",
        "MANAGE 2.4", "MEASURE 2.7", "A.6.2.5", "A.6.2.6", "ASI01", "ASI03", "Art. 15"],
    reads=[ac.RUNTIME],
    docs_url="https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/runtime-oauth.html",
)
def runtime_inbound_auth(ctx: CheckContext) -> None:
    issuers = allowed_issuers(ctx)
    for item in detailed(ctx, ac.RUNTIME, runtimes(ctx)):
        with ctx.resource(item.id, arn=item.arn):
            authorizer = checked_runtime(item).get("authorizerConfiguration")
            evidence: dict[str, EvidenceValue] = {"runtime_name": item.summary.get("agentRuntimeName")}
            if not authorizer:
                ctx.passed("inbound calls need IAM (SigV4) authentication", {**evidence, "inbound_auth": "IAM"})
                continue
            evidence = {**evidence, "inbound_auth": "CUSTOM_JWT", **jwt_evidence(authorizer)}
            missing = jwt_shortfalls(authorizer, issuers)
            if missing:
                ctx.failed(f"the runtime's JWT authorizer restricts too little: {'; '.join(missing)}", evidence)
            else:
                ctx.passed("inbound calls need a JWT of a named audience or client", evidence)


@check(
    id="bedrock_agentcore.gateway_jwt_allow_list",
    title="Bedrock AgentCore gateways with a JWT authorizer name their allowed audiences or clients",
    description="Each AgentCore gateway of authorizerType CUSTOM_JWT names non-empty allowedAudience or "
    "allowedClients without a wildcard and an https discovery URL, within `[checks.bedrock_agentcore] "
    "allowed_issuers` (issuer or discovery URLs) when set.",
    rationale=(
        "A gateway's JWT authorizer is the only gate in front of every tool it publishes. Without an audience "
        "or client allow-list, a token issued for any other application of the same identity provider lists "
        "and calls the tools with the gateway's role."
    ),
    remediation="`aws bedrock-agentcore-control update-gateway --gateway-identifier <id> --name <name> --role-arn "
                "<role-arn> --authorizer-type CUSTOM_JWT --authorizer-configuration "
                "'customJWTAuthorizer={discoveryUrl=https://<idp>/.well-known/openid-configuration,allowedClients=["
                "<client-id>]}'`.",
    severity="high",
    boundaries=["user_interface", "application"],
    maps=["PR.AA-03", "PR.AA-05", "LLM06:2025", "LLM07", "LLM08", "AML.M0028", "AML.T0049", "AML.T0053", "MANAGE 2.4",
        "MEASURE 2.7", "A.6.2.5", "A.6.2.6", "ASI02", "ASI03", "Art. 15"],
    reads=[ac.GATEWAY],
    docs_url="https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/gateway-inbound-auth.html",
)
def gateway_jwt_allow_list(ctx: CheckContext) -> None:
    issuers = allowed_issuers(ctx)
    # gateways listed with another authorizer are judged by gateway_authorizer: no JWT to restrict
    jwt = [g for g in gateways(ctx) if g.get("authorizerType") in (None, "CUSTOM_JWT")]
    for item in detailed(ctx, ac.GATEWAY, jwt):
        with _gateway_scope(ctx, item.summary):
            detail = item.detail()
            if detail["authorizerType"] != "CUSTOM_JWT":  # required: an answer without it is an ERROR
                ctx.skip()
                continue
            authorizer = detail.get("authorizerConfiguration")
            evidence = {"gateway_name": item.summary.get("name"), **jwt_evidence(authorizer)}
            missing = jwt_shortfalls(authorizer, issuers)
            if missing:
                ctx.failed(f"the gateway's JWT authorizer restricts too little: {'; '.join(missing)}", evidence)
            else:
                ctx.passed("the gateway accepts only JWTs of named audiences or clients", evidence)


def policy_engine_verdict(config: dict[str, Any] | None) -> tuple[bool, str]:
    """(enforced, why) for a gateway's policyEngineConfiguration."""
    if not config or not config.get("arn"):
        return False, "no policy engine is attached: every tool call the authorizer lets in is allowed"
    mode = config.get("mode")
    if mode == "ENFORCE":
        return True, "the policy engine enforces its Cedar policies on every tool call"
    if mode == "LOG_ONLY":
        return False, "the policy engine is in LOG_ONLY mode: it records denials and blocks nothing"
    return False, f"the policy engine mode {mode or '(none)'} is not ENFORCE"


@check(
    id="bedrock_agentcore.gateway_policy_engine_enforced",
    title="Bedrock AgentCore gateways enforce a policy engine on tool calls",
    description="Each AgentCore gateway has a policyEngineConfiguration whose mode is ENFORCE (LOG_ONLY "
    "detects and does not block).",
    rationale=(
        "Authorization at the gateway says who may connect; a policy engine says which tool, with which "
        "arguments, for which user. Without one in ENFORCE mode, a prompt-injected agent can call any tool "
        "of the gateway with any input, and LOG_ONLY only writes down that it did."
    ),
    remediation="`aws bedrock-agentcore-control update-gateway --gateway-identifier <id> --name <name> --role-arn "
                "<role-arn> --authorizer-type <authorizer-type> --policy-engine-configuration "
                "'arn=<policy-engine-arn>,mode=ENFORCE'` (after testing the policies in LOG_ONLY).",
    severity="medium",
    boundaries=["application"],
    maps=["PR.AA-05", "PR.PS-01", "LLM06:2025", "LLM07", "LLM08", "AML.M0028", "AML.M0030", "AML.T0053", "AML.T0086",
        "MANAGE 2.4", "MEASURE 2.6", "A.6.2.6", "A.9.2", "ASI01", "ASI02", "Art. 14", "Art. 15"],
    reads=[ac.GATEWAY],
    docs_url="https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/policy.html",
)
def gateway_policy_engine_enforced(ctx: CheckContext) -> None:
    for item in detailed(ctx, ac.GATEWAY, gateways(ctx)):
        with _gateway_scope(ctx, item.summary):
            config = item.detail().get("policyEngineConfiguration") or {}
            enforced, why = policy_engine_verdict(config)
            evidence = {"gateway_name": item.summary.get("name"), "policy_engine": config.get("arn"),
                        "mode": config.get("mode")}
            (ctx.passed if enforced else ctx.failed)(why, evidence)


# -- judging: gateway target credentials ---------------------------------------------------
VAULT_PROVIDERS = {"OAUTH": "oauthCredentialProvider", "API_KEY": "apiKeyCredentialProvider"}
# Kinds that store no credential: the gateway's role, or the caller's own identity passed on.
NO_STORED_CREDENTIAL = ("GATEWAY_IAM_ROLE", "CALLER_IAM_CREDENTIALS", "JWT_PASSTHROUGH")


def _strings(value: Any, path: str) -> list[tuple[str, str]]:
    """(dotted path, text) of every string leaf of a configuration tree."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _strings(item, f"{path}.{key}" if path else key)]
    if isinstance(value, list):
        return [leaf for i, item in enumerate(value) for leaf in _strings(item, f"{path}[{i}]")]
    return []


def target_credential_shortfalls(target: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(problems with the target's credential providers, names of fields holding secret-shaped text)."""
    problems = []
    configs = target.get("credentialProviderConfigurations") or []
    if not configs:
        problems.append("no credential provider configuration")
    for config in configs:
        kind = config.get("credentialProviderType")
        if kind in NO_STORED_CREDENTIAL:
            continue
        field = VAULT_PROVIDERS.get(str(kind))
        provider = ((config.get("credentialProvider") or {}).get(field) or {}) if field else {}
        if field is None:
            problems.append(f"unknown credential provider type {kind}")
        elif not str(provider.get("providerArn", "")).startswith("arn:"):
            problems.append(f"{kind} credential provider names no token-vault provider ARN")
    leaves = _strings(target.get("targetConfiguration") or {}, "targetConfiguration")
    for i, config in enumerate(configs):
        leaves += _strings(config.get("credentialProvider") or {}, f"credentialProviderConfigurations[{i}]")
    leaves += _strings(target.get("metadataConfiguration") or {}, "metadataConfiguration")
    return problems, secret_fields(dict(leaves))


@check(
    id="bedrock_agentcore.gateway_target_credentials",
    title="Bedrock AgentCore gateway targets take their credentials from the token vault",
    description="Each target of an AgentCore gateway authenticates to its tool with the gateway's IAM role "
    "(GATEWAY_IAM_ROLE) or an OAuth / API-key credential provider of AgentCore Identity named by ARN, and "
    "holds no credential-shaped literal in its configuration (schemas, endpoints, parameters).",
    rationale=(
        "A gateway target is what the agent reaches with a stored credential. Kept in the token vault the "
        "secret is encrypted, rotated and never shown to the model; pasted into a schema, URL or parameter it "
        "is readable by anyone who can read the target (bedrock-agentcore:GetGatewayTarget) and can leak into "
        "tool descriptions the model sees."
    ),
    remediation="Create a credential provider (`aws bedrock-agentcore-control create-api-key-credential-provider "
                "--name <name> --api-key <key>` or create-oauth2-credential-provider) and update the target to use "
                "it: `aws bedrock-agentcore-control update-gateway-target --gateway-identifier <gw> --target-id <id> "
                "--target-configuration <target-configuration> --credential-provider-configurations "
                "'credentialProviderType=API_KEY,credentialProvider={apiKeyCredentialProvider={providerArn=<arn>}}'"
                "`; "
                "remove the literal and rotate the exposed secret.",
    severity="high",
    boundaries=["application", "data"],
    maps=["PR.AA-01", "PR.DS-01", "LLM02:2025", "LLM06", "LLM07", "LLM07:2025", "AML.M0012", "AML.T0055", "AML.T0083",
        "AML.T0098", "MANAGE 2.4", "MEASURE 2.7", "A.4.4", "A.6.2.5", "ASI02", "ASI03", "Art. 15"],
    reads=[ac.GATEWAY, ac.LIST_GATEWAY_TARGETS, ac.GET_GATEWAY_TARGET],
    docs_url="https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/gateway-outbound-auth.html",
)
def gateway_target_credentials(ctx: CheckContext) -> None:
    listed_gateways = gateways(ctx)
    listings = each(ctx, lambda g: ac.gateway_targets(ctx, g["gatewayId"]), listed_gateways)
    pairs = [(str(g["gatewayId"]), str(t["targetId"])) for g, found in zip(listed_gateways, listings, strict=True)
             if found.error is None for t in found.get() if "targetId" in t]
    read = dict(zip(pairs, each(ctx, lambda pair: ac.gateway_target(ctx, *pair), pairs), strict=True))
    for summary, found in zip(listed_gateways, listings, strict=True):
        gateway_id = summary["gatewayId"]
        try:
            targets = found.get()
        except AwsReadError as exc:
            with _gateway_scope(ctx, summary):
                ctx.error(f"the gateway's targets cannot be listed: {exc.reason}",
                          {"gateway_name": summary.get("name")})
            continue
        for listed in targets:
            target_id = listed["targetId"]
            with ctx.resource(f"{gateway_id}/{target_id}", arn=f"{gateway_arn(ctx, gateway_id)}/target/{target_id}"):
                detail = ac.require(read[gateway_id, target_id].get(), "targetConfiguration")
                problems, secrets = target_credential_shortfalls(detail)
                kinds = [str(c.get("credentialProviderType")) for c in
                         detail.get("credentialProviderConfigurations") or []]
                evidence = {"gateway_id": gateway_id, "target_type": listed.get("targetType"),
                            "credential_provider_types": kinds, "secret_shaped_fields": secrets}
                if secrets:
                    problems.append(f"credential-shaped text in {', '.join(secrets)}")
                if problems:
                    ctx.failed(f"the target does not keep its credentials in the token vault: {'; '.join(problems)}",
                               evidence)
                else:
                    ctx.passed(f"the target authenticates with {', '.join(kinds)}", evidence)


@check(
    id="bedrock_agentcore.token_vault_cmk",
    title="The Bedrock AgentCore token vault is encrypted with a customer managed key",
    description="In a region with AgentCore runtimes or gateways, the AgentCore Identity token vault "
    "(GetTokenVault) has kmsConfiguration keyType CustomerManagedKey with a customer managed KMS key.",
    rationale=(
        "The token vault holds the OAuth tokens, refresh tokens and API keys agents use to act for users on "
        "third-party services. A customer managed key puts every decryption under the account's key policy and "
        "CloudTrail, and lets the account cut off a stolen agent identity by disabling the key."
    ),
    remediation="`aws bedrock-agentcore-control set-token-vault-cmk --kms-configuration "
    "'keyType=CustomerManagedKey,kmsKeyArn=<key-arn>'`.",
    severity="medium",
    boundaries=["data", "application"],
    maps=["PR.AA-01", "PR.DS-01", "LLM02:2025", "LLM06", "AML.M0012", "AML.T0055", "AML.T0098", "MEASURE 2.10",
        "MEASURE 2.7", "A.6.2.5", "A.7.2", "ASI03", "Art. 15"],
    reads=[ac.TOKEN_VAULT, ac.LIST_RUNTIMES, ac.LIST_GATEWAYS, CMK_READS],
    docs_url="https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/data-encryption.html",
)
def token_vault_cmk(ctx: CheckContext) -> None:
    try:
        vault = ac.token_vault(ctx)
    except AwsReadError as exc:
        with ctx.resource(DEFAULT_VAULT, arn=ctx.arn(ac.IAM, f"token-vault/{DEFAULT_VAULT}")):
            ctx.error(f"the token vault cannot be read: {exc.reason}")
        return
    if vault is None or not (runtimes(ctx) or gateways(ctx)):
        return  # AgentCore Identity was never used here, or no agent runs here to use it
    vault_id = str(vault.get("tokenVaultId") or DEFAULT_VAULT)
    with ctx.resource(vault_id, arn=ctx.arn(ac.IAM, f"token-vault/{vault_id}")):
        kms = vault.get("kmsConfiguration") or {}
        evidence = {"token_vault_id": vault_id, "key_type": kms.get("keyType")}
        if kms.get("keyType") == "CustomerManagedKey":
            judge_cmk(ctx, kms.get("kmsKeyArn"), "the token vault", evidence)
        else:
            ctx.failed(f"the token vault uses a {kms.get('keyType') or 'service managed'} key, not a customer "
                       "managed key", {**evidence, "kms_key": kms.get("kmsKeyArn")})


# -- resource policies -----------------------------------------------------------------------
def policy_exposure(document: Any, account_id: str) -> tuple[list[str], list[str]]:
    """(statements letting anyone in without a condition that names the caller by value, principals of
    other accounts it lets in) for a resource policy."""
    found = _exposure.exposure(document, _exposure.AGENTCORE_ACTIONS, account_id=account_id)
    public = sorted({f"{label}: {o.principal}" for o in found if o.public for label in o.statements})
    outside = sorted({o.principal for o in found if not o.public})
    return public, outside


def _policy_resources(ctx: CheckContext) -> list[tuple[str, str, str]]:
    """(resource id, ARN, kind) of every runtime, runtime endpoint and gateway of the region."""
    found = []
    for summary in runtimes(ctx):
        found.append((summary["agentRuntimeId"], summary["agentRuntimeArn"], "runtime"))
    for summary in gateways(ctx):
        found.append((summary["gatewayId"], gateway_arn(ctx, summary["gatewayId"]), "gateway"))
    return found


@check(
    id="bedrock_agentcore.resource_policy_not_public",
    title="Bedrock AgentCore runtimes, endpoints and gateways have no public resource policy",
    description="The resource-based policy (GetResourcePolicy) of each AgentCore runtime, runtime endpoint and "
    "gateway lets no principal `*` in without a condition that names the caller by value (account, "
    "organization, source VPC or endpoint). No policy passes.",
    rationale=(
        "A resource policy is the second door to an agent: a `Principal: *` statement lets any AWS account "
        "invoke the runtime or the gateway's tools, whatever the identity policies of this account say."
    ),
    remediation="Rewrite the statement with named principals or an aws:PrincipalOrgID / aws:SourceVpce "
    "condition (`aws bedrock-agentcore-control put-resource-policy --resource-arn <arn> --policy file://p.json`) "
    "or remove it (`aws bedrock-agentcore-control delete-resource-policy --resource-arn <arn>`).",
    severity="critical",
    boundaries=["application", "organizational"],
    maps=["PR.AA-05", "PR.DS-01", "LLM06:2025", "LLM08", "LLM10", "LLM10:2025", "AML.M0019", "AML.T0034", "AML.T0040",
        "AML.T0049", "MANAGE 2.4", "MEASURE 2.7", "A.6.2.5", "A.6.2.6", "ASI03", "ASI07", "Art. 15"],
    reads=[ac.LIST_RUNTIMES, ac.LIST_RUNTIME_ENDPOINTS, ac.LIST_GATEWAYS, ac.RESOURCE_POLICY],
    docs_url="https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/resource-based-policies.html",
)
def resource_policy_not_public(ctx: CheckContext) -> None:
    resources = _policy_resources(ctx)
    listed = [(runtime_id, arn) for runtime_id, arn, kind in resources if kind == "runtime"]
    listings = each(ctx, lambda runtime: ac.runtime_endpoints(ctx, runtime[0]), listed)
    for (runtime_id, _arn), found in zip(listed, listings, strict=True):
        try:
            endpoints = found.get()
        except AwsReadError as exc:
            with ctx.resource(f"{runtime_id}/endpoints", arn=_arn):
                ctx.error(f"the runtime's endpoints cannot be listed: {exc.reason}")
            continue
        resources += [(f"{runtime_id}/{e['name']}", e["agentRuntimeEndpointArn"], "runtime endpoint")
                      for e in endpoints]
    policies = each(ctx, lambda resource: ac.resource_policy(ctx, resource[1]), resources)
    for (resource_id, arn, kind), policy in zip(resources, policies, strict=True):
        with ctx.resource(resource_id, arn=arn):
            document = policy.get()
            evidence: dict[str, EvidenceValue] = {"kind": kind, "has_policy": document is not None}
            if document is None:
                ctx.passed(f"the {kind} has no resource policy", evidence)
                continue
            public, outside = policy_exposure(document, ctx.account_id)
            evidence = {**evidence, "public_statements": public, "other_accounts": outside}
            if public:
                ctx.failed(f"the {kind}'s resource policy lets anyone in: {'; '.join(public)}", evidence)
            else:
                ctx.passed(f"the {kind}'s resource policy names its callers", evidence)


# -- network -----------------------------------------------------------------------------------
DATA_PLANE_ENDPOINT, GATEWAY_ENDPOINT = "bedrock-agentcore", "bedrock-agentcore.gateway"


def runtime_vpcs(ctx: CheckContext) -> dict[str, list[str]]:
    """VPC id -> the names of the VPC-mode runtimes whose subnets are in it. A runtime that cannot be read
    is one ERROR on it (its VPC is unknown); the others still count."""
    in_vpc: list[tuple[str, list[str]]] = []
    for item in detailed(ctx, ac.RUNTIME, runtimes(ctx)):
        try:
            network = item.detail().get("networkConfiguration") or {}
        except AwsReadError as exc:
            with ctx.resource(item.id, arn=item.arn, type="Other"):
                ctx.error(f"the runtime's network configuration cannot be read: {exc.reason}")
            continue
        if network.get("networkMode") == "VPC":
            in_vpc.append((str(item.summary.get("agentRuntimeName")),
                           list((network.get("networkModeConfig") or {}).get("subnets") or [])))
    if not in_vpc:
        return {}  # no subnet to place: EC2 is not read
    subnet_vpc = {s["SubnetId"]: s["VpcId"] for s in ec2.subnets(ctx)}
    found: dict[str, list[str]] = {}
    for name, subnets in in_vpc:
        for vpc in sorted({subnet_vpc[s] for s in subnets if s in subnet_vpc}):
            found.setdefault(vpc, []).append(name)
    return found


def missing_endpoints(endpoints: list[dict[str, Any]], region: str, vpc_id: str, wanted: list[str]) -> list[str]:
    """The service suffixes of `wanted` with no available interface endpoint in `vpc_id`."""
    have = {str(e.get("ServiceName", "")).rsplit(f"amazonaws.{region}.", 1)[-1] for e in endpoints
            if e.get("VpcId") == vpc_id and e.get("VpcEndpointType") == "Interface"
            and str(e.get("State", "")).lower() == "available"
            and f"amazonaws.{region}." in str(e.get("ServiceName", ""))}
    return [w for w in wanted if w not in have]


@check(
    id="bedrock_agentcore.vpc_endpoints",
    title="VPCs of Bedrock AgentCore runtimes have AgentCore interface endpoints",
    description="Every VPC in which an AgentCore runtime runs in VPC mode (an AI VPC) has available interface "
    "VPC endpoints for com.amazonaws.<region>.bedrock-agentcore (runtime, memory, tools, identity) and, where "
    "the region has gateways, com.amazonaws.<region>.bedrock-agentcore.gateway.",
    rationale=(
        "Without the endpoints, an agent's calls to its memory, token vault, tools and gateways leave the VPC "
        "through a NAT to the public service endpoints: the traffic needs internet egress (which a "
        "prompt-injected agent can use too) and escapes the VPC endpoint policies that could confine it."
    ),
    remediation="`aws ec2 create-vpc-endpoint --vpc-endpoint-type Interface --vpc-id <vpc> --service-name "
    "com.amazonaws.<region>.bedrock-agentcore --subnet-ids <subnets> --security-group-ids <sg> "
    "--private-dns-enabled` (and the same for com.amazonaws.<region>.bedrock-agentcore.gateway).",
    resource_type="AwsEc2Vpc",
    severity="medium",
    boundaries=["application"],
    maps=["PR.DS-02", "PR.IR-01", "LLM02:2025", "LLM06", "AML.M0032", "AML.T0025", "AML.T0086", "MEASURE 2.7", "A.4.5",
        "A.6.2.5", "ASI02", "ASI07", "Art. 15"],
    reads=[ac.RUNTIME, ac.LIST_GATEWAYS, ec2.SUBNET, ec2.VPC_ENDPOINT],
    docs_url="https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/vpc-interface-endpoints.html",
)
def vpc_endpoints(ctx: CheckContext) -> None:
    vpcs = runtime_vpcs(ctx)
    if not vpcs:
        return
    for vpc_id, names in sorted(vpcs.items()):
        with ctx.resource(vpc_id, arn=ctx.arn("ec2", f"vpc/{vpc_id}")):
            wanted = [DATA_PLANE_ENDPOINT] + ([GATEWAY_ENDPOINT] if gateways(ctx) else [])
            missing = missing_endpoints(ec2.vpc_endpoints(ctx), ctx.region, vpc_id, wanted)
            evidence = {"runtimes": sorted(names), "endpoints_needed": wanted, "endpoints_missing": missing}
            if missing:
                ctx.failed(f"no available interface endpoint for {', '.join(missing)}", evidence)
            else:
                ctx.passed(f"interface endpoints serve {', '.join(wanted)}", evidence)


# -- secrets in runtime configuration ------------------------------------------------------------
def secret_variables(variables: dict[str, Any] | None) -> list[str]:
    """The names (never the values) of environment variables holding credential-shaped text."""
    return sorted(secret_fields({str(k): None if v is None else str(v) for k, v in (variables or {}).items()}))


@check(
    id="bedrock_agentcore.runtime_env_secrets",
    title="Bedrock AgentCore runtimes hold no secrets in environment variables",
    description="No environment variable of an AgentCore runtime (GetAgentRuntime environmentVariables) holds "
    "credential-shaped text (API keys, tokens, passwords); findings name the variables, never their values.",
    rationale=(
        "Runtime environment variables are returned to anyone allowed bedrock-agentcore:GetAgentRuntime and "
        "are readable by the agent's own code: a prompt-injected agent that runs code or echoes its environment "
        "hands the key to the attacker. AgentCore Identity or Secrets Manager keep it out of both."
    ),
    remediation="Move the secret to an AgentCore Identity credential provider or AWS Secrets Manager, read it at run "
                "time with the runtime's role, remove it with `aws bedrock-agentcore-control update-agent-runtime "
                "--agent-runtime-id <id> --agent-runtime-artifact <agent-runtime-artifact> --role-arn <role-arn> "
                "--environment-variables <variables-without-it>`, and rotate it.",
    severity="high",
    boundaries=["application", "data"],
    maps=["PR.AA-01", "PR.DS-01", "LLM02:2025", "LLM06", "AML.M0012", "AML.T0055", "AML.T0083", "MEASURE 2.10",
        "MEASURE 2.7", "A.4.4", "A.6.2.5", "ASI03", "Art. 15"],
    reads=[ac.RUNTIME],
    docs_url="https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/runtime-how-it-works.html",
)
def runtime_env_secrets(ctx: CheckContext) -> None:
    for item in detailed(ctx, ac.RUNTIME, runtimes(ctx)):
        with ctx.resource(item.id, arn=item.arn):
            variables = checked_runtime(item).get("environmentVariables") or {}
            found = secret_variables(variables)
            evidence = {"runtime_name": item.summary.get("agentRuntimeName"), "variables": len(variables),
                        "secret_shaped_variables": found}
            if found:
                ctx.failed(f"environment variables {', '.join(found)} hold credential-shaped values", evidence)
            else:
                ctx.passed("no environment variable holds a credential-shaped value", evidence)


@check(
    id="bedrock_agentcore.resource_outside_access",
    title="No one outside the account or its organization can invoke an AgentCore runtime or gateway",
    description="The resource-based policy of every AgentCore runtime and gateway lets no one outside this account "
    "and its organization invoke it or use its memory, browser or code interpreter. Judged by the one exposure "
    "question (checks/_exposure.py) over the AgentCore data-plane actions.",
    rationale=(
        "An agent runtime or gateway acts with its own role and tools: another account that may invoke it uses "
        "them, whatever the identity policies of this account say."
    ),
    remediation="`aws bedrock-agentcore-control put-resource-policy --resource-arn <arn> --policy file://p.json` "
    "naming only this organization's principals, or `delete-resource-policy`.",
    severity="high",
    boundaries=["application", "organizational"],
    maps=["PR.AA-05", "LLM06:2025", "LLM08", "AML.T0040", "ASI03", "MEASURE 2.7", "A.6.2.6"],
    reads=[ac.LIST_RUNTIMES, ac.LIST_GATEWAYS, _exposure.AGENTCORE_RESOURCE.reads],
)
def resource_outside_access(ctx: CheckContext) -> None:
    _exposure.judge(ctx, _exposure.AGENTCORE_RESOURCE, [_exposure.Target(resource_id, arn, kind)
                                                        for resource_id, arn, kind in _policy_resources(ctx)])
