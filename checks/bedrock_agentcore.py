"""Amazon Bedrock AgentCore (the bedrock-agentcore-control API): runtimes, gateways, memory and the
custom browser and code-interpreter tools, judged as Security Hub's AI Security Best Practices do."""

from __future__ import annotations

from typing import Any

from checks.kms import judge_cmk
from posture.core.context import CheckContext
from posture.core.registry import check

SERVICE = "bedrock-agentcore-control"
IAM = "bedrock-agentcore"  # the model's signing name, which is also the IAM prefix
GONE = ("DELETING", "DELETED")  # resources on their way out are not judged
RUNTIME_PERMISSIONS = (f"{IAM}:ListAgentRuntimes", f"{IAM}:GetAgentRuntime")
GATEWAY_PERMISSIONS = (f"{IAM}:ListGateways", f"{IAM}:GetGateway")
BROWSER_PERMISSIONS = (f"{IAM}:ListBrowsers", f"{IAM}:GetBrowser")
INTERPRETER_PERMISSIONS = (f"{IAM}:ListCodeInterpreters", f"{IAM}:GetCodeInterpreter")


def runtimes(ctx: CheckContext) -> list[dict[str, Any]]:
    listed = ctx.paginate(SERVICE, "list_agent_runtimes").get("agentRuntimes", [])
    return [r for r in listed if r.get("status") not in GONE]


def gateways(ctx: CheckContext) -> list[dict[str, Any]]:
    return [g for g in ctx.paginate(SERVICE, "list_gateways").get("items", []) if g.get("status") not in GONE]


def memories(ctx: CheckContext) -> list[dict[str, Any]]:
    return [m for m in ctx.paginate(SERVICE, "list_memories").get("memories", []) if m.get("status") not in GONE]


def custom_browsers(ctx: CheckContext) -> list[dict[str, Any]]:
    """Browsers the account created (the AWS built-in aws.browser.v1 is SYSTEM and not configurable)."""
    listed = ctx.paginate(SERVICE, "list_browsers", type="CUSTOM").get("browserSummaries", [])
    return [b for b in listed if b.get("status") not in GONE]


def custom_code_interpreters(ctx: CheckContext) -> list[dict[str, Any]]:
    listed = ctx.paginate(SERVICE, "list_code_interpreters", type="CUSTOM").get("codeInterpreterSummaries", [])
    return [c for c in listed if c.get("status") not in GONE]


def runtime(ctx: CheckContext, runtime_id: str) -> dict[str, Any]:
    return dict(ctx.call(SERVICE, "get_agent_runtime", agentRuntimeId=runtime_id))


def gateway(ctx: CheckContext, gateway_id: str) -> dict[str, Any]:
    return dict(ctx.call(SERVICE, "get_gateway", gatewayIdentifier=gateway_id))


def _gateway_scope(ctx: CheckContext, summary: dict[str, Any]) -> Any:
    return ctx.resource(summary["gatewayId"], arn=ctx.arn(IAM, f"gateway/{summary['gatewayId']}"))


def memory(ctx: CheckContext, memory_id: str) -> dict[str, Any]:
    return dict(ctx.call(SERVICE, "get_memory", memoryId=memory_id)["memory"])


def browser(ctx: CheckContext, browser_id: str) -> dict[str, Any]:
    return dict(ctx.call(SERVICE, "get_browser", browserId=browser_id))


def code_interpreter(ctx: CheckContext, interpreter_id: str) -> dict[str, Any]:
    return dict(ctx.call(SERVICE, "get_code_interpreter", codeInterpreterId=interpreter_id))


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
    remediation="`aws bedrock-agentcore-control update-agent-runtime --agent-runtime-id <id> ... "
    "--network-configuration 'networkMode=VPC,networkModeConfig={subnets=[<subnet>],securityGroups=[<sg>]}'`.",
    service=SERVICE,
    scope="regional",
    resource_type="Other",
    severity="high",
    boundaries=["application", "model"],
    csf=["PR.IR-01", "PR.AA-05"],
    owasp_llm=["LLM08", "LLM07", "LLM06:2025", "LLM02:2025"],
    securityhub_controls=["BedrockAgentCore.1"],
    permissions=list(RUNTIME_PERMISSIONS),
    atlas=["AML.T0086", "AML.T0025", "AML.T0072", "AML.M0032"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    owasp_agentic=["ASI01", "ASI10"],
    eu_ai_act=["Art. 15"],
)
def runtime_vpc_network_mode(ctx: CheckContext) -> None:
    for summary in runtimes(ctx):
        with ctx.resource(summary["agentRuntimeId"], arn=summary.get("agentRuntimeArn")):
            network = runtime(ctx, summary["agentRuntimeId"]).get("networkConfiguration") or {}
            vpc = network.get("networkModeConfig") or {}
            mode = network.get("networkMode")
            evidence = {"runtime_name": summary.get("agentRuntimeName"), "network_mode": mode,
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
    remediation="Recreate or update the gateway with an authorizer: `aws bedrock-agentcore-control "
    "update-gateway --gateway-identifier <id> ... --authorizer-type CUSTOM_JWT --authorizer-configuration "
    "'customJWTAuthorizer={discoveryUrl=<oidc-url>,allowedClients=[<client>]}'` (or --authorizer-type AWS_IAM).",
    service=SERVICE,
    scope="regional",
    resource_type="Other",
    severity="high",
    boundaries=["application", "user_interface"],
    csf=["PR.AA-03", "PR.AA-05"],
    owasp_llm=["LLM07", "LLM08", "LLM06:2025"],
    securityhub_controls=["BedrockAgentCore.2"],
    permissions=list(GATEWAY_PERMISSIONS),
    atlas=["AML.T0053", "AML.T0085.001", "AML.T0084.001", "AML.M0019"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    owasp_agentic=["ASI02", "ASI03", "ASI07"],
    eu_ai_act=["Art. 15"],
)
def gateway_authorizer(ctx: CheckContext) -> None:
    for summary in gateways(ctx):
        with _gateway_scope(ctx, summary):
            kind = gateway(ctx, summary["gatewayId"]).get("authorizerType")
            evidence = {"gateway_name": summary.get("name"), "authorizer_type": kind}
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
    service=SERVICE,
    scope="regional",
    resource_type="Other",
    severity="medium",
    boundaries=["data", "application"],
    csf=["PR.DS-01"],
    owasp_llm=["LLM06", "LLM02:2025"],
    securityhub_controls=["BedrockAgentCore.3"],
    permissions=[f"{IAM}:ListMemories", f"{IAM}:GetMemory", "kms:DescribeKey"],
    atlas=["AML.T0080.000", "AML.T0085", "AML.M0012"],
    nist_ai_rmf=["MEASURE 2.7", "MEASURE 2.10"],
    iso42001=["A.6.2.6"],
    owasp_agentic=["ASI06"],
    eu_ai_act=["Art. 15"],
)
def memory_cmk(ctx: CheckContext) -> None:
    for summary in memories(ctx):
        with ctx.resource(summary["id"], arn=summary.get("arn")):
            detail = memory(ctx, summary["id"])
            judge_cmk(ctx, detail.get("encryptionKeyArn"), "the memory", {"memory_name": detail.get("name")})


@check(
    id="bedrock_agentcore.gateway_cmk",
    title="Bedrock AgentCore gateways are encrypted with a customer managed key",
    description="Each AgentCore gateway names a customer managed KMS key (kmsKeyArn).",
    rationale=(
        "A gateway stores its configuration, tool schemas and the credentials settings it uses to reach "
        "targets; a customer managed key keeps them under the account's key policy and audit trail."
    ),
    remediation="`aws bedrock-agentcore-control update-gateway --gateway-identifier <id> ... "
    "--kms-key-arn <key-arn>`.",
    service=SERVICE,
    scope="regional",
    resource_type="Other",
    severity="medium",
    boundaries=["application", "data"],
    csf=["PR.DS-01"],
    owasp_llm=["LLM06", "LLM02:2025"],
    securityhub_controls=["BedrockAgentCore.4"],
    permissions=[*GATEWAY_PERMISSIONS, "kms:DescribeKey"],
    atlas=["AML.T0084.001", "AML.T0098", "AML.M0012"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    owasp_agentic=["ASI02", "ASI03"],
    eu_ai_act=["Art. 15"],
)
def gateway_cmk(ctx: CheckContext) -> None:
    for summary in gateways(ctx):
        with _gateway_scope(ctx, summary):
            key = gateway(ctx, summary["gatewayId"]).get("kmsKeyArn")
            judge_cmk(ctx, key, "the gateway", {"gateway_name": summary.get("name")})


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
    "--name <name> --network-configuration 'networkMode=VPC,vpcConfig={subnets=[<subnet>],"
    "securityGroups=[<sg>]}' ...`, then point the agent at it and delete the public one.",
    service=SERVICE,
    scope="regional",
    resource_type="Other",
    severity="high",
    boundaries=["application", "model"],
    csf=["PR.IR-01"],
    owasp_llm=["LLM01", "LLM08", "LLM01:2025", "LLM06:2025"],
    securityhub_controls=["BedrockAgentCore.5"],
    permissions=list(BROWSER_PERMISSIONS),
    atlas=["AML.T0051.001", "AML.T0086", "AML.T0100", "AML.M0032"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    owasp_agentic=["ASI01", "ASI02"],
    eu_ai_act=["Art. 15"],
)
def browser_not_public(ctx: CheckContext) -> None:
    for summary in custom_browsers(ctx):
        with ctx.resource(summary["browserId"], arn=summary.get("browserArn")):
            mode = (browser(ctx, summary["browserId"]).get("networkConfiguration") or {}).get("networkMode")
            evidence = {"browser_name": summary.get("name"), "network_mode": mode}
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
    "--recording 'enabled=true,s3Location={bucket=<bucket>,prefix=<prefix>}' ...` and move the agent to it.",
    service=SERVICE,
    scope="regional",
    resource_type="Other",
    severity="medium",
    boundaries=["application"],
    csf=["DE.CM-09", "PR.PS-04"],
    owasp_llm=["LLM01", "LLM08", "LLM01:2025", "LLM06:2025"],
    securityhub_controls=["BedrockAgentCore.6"],
    permissions=list(BROWSER_PERMISSIONS),
    atlas=["AML.T0051.001", "AML.T0053", "AML.T0100", "AML.M0024"],
    nist_ai_rmf=["MEASURE 2.4", "MANAGE 4.1", "MANAGE 4.3"],
    iso42001=["A.6.2.8"],
    owasp_agentic=["ASI02", "ASI10"],
    eu_ai_act=["Art. 12"],
)
def browser_session_recording(ctx: CheckContext) -> None:
    for summary in custom_browsers(ctx):
        with ctx.resource(summary["browserId"], arn=summary.get("browserArn")):
            recording = browser(ctx, summary["browserId"]).get("recording") or {}
            bucket = (recording.get("s3Location") or {}).get("bucket")
            evidence = {"browser_name": summary.get("name"), "recording_enabled": bool(recording.get("enabled")),
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
    remediation="Network mode is fixed at creation: `aws bedrock-agentcore-control create-code-interpreter "
    "--name <name> --network-configuration networkMode=SANDBOX ...` (or VPC with vpcConfig), then point the "
    "agent at it and delete the public one.",
    service=SERVICE,
    scope="regional",
    resource_type="Other",
    severity="high",
    boundaries=["application", "model"],
    csf=["PR.IR-01", "PR.PS-05"],
    owasp_llm=["LLM02", "LLM08", "LLM05:2025", "LLM06:2025"],
    securityhub_controls=["BedrockAgentCore.7"],
    permissions=list(INTERPRETER_PERMISSIONS),
    atlas=["AML.T0050", "AML.T0072", "AML.T0086", "AML.T0025", "AML.M0032"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    owasp_agentic=["ASI05", "ASI02"],
    eu_ai_act=["Art. 15"],
)
def code_interpreter_private_network(ctx: CheckContext) -> None:
    for summary in custom_code_interpreters(ctx):
        interpreter_id = summary["codeInterpreterId"]
        with ctx.resource(interpreter_id, arn=summary.get("codeInterpreterArn")):
            mode = (code_interpreter(ctx, interpreter_id).get("networkConfiguration") or {}).get("networkMode")
            evidence = {"code_interpreter_name": summary.get("name"), "network_mode": mode}
            if mode in ("SANDBOX", "VPC"):
                ctx.passed(f"the code interpreter runs in {mode} network mode", evidence)
            else:
                ctx.failed(f"the code interpreter uses {mode or 'no'} network mode, with public internet access",
                           evidence)
