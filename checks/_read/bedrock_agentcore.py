"""Amazon Bedrock AgentCore reads (the bedrock-agentcore-control API): runtimes and their endpoints,
gateways and their targets, memories, custom browsers and code interpreters, the token vault and the
resource policies of runtimes, runtime endpoints and gateways."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Kind, Service

SERVICE = "bedrock-agentcore-control"
AGENTCORE = Service(SERVICE, iam="bedrock-agentcore")  # the model's signing name, which is also the IAM prefix
IAM = AGENTCORE.prefix
GONE = ("DELETING", "DELETED")  # resources on their way out are not judged
NOT_FOUND = ("ResourceNotFoundException",)

RUNTIME = Kind("agent runtime", list=AGENTCORE.read("ListAgentRuntimes", path="agentRuntimes", paginate=True),
               id="agentRuntimeId", arn="agentRuntimeArn",
               details=(AGENTCORE.read("GetAgentRuntime", param="agentRuntimeId"),))
GATEWAY = Kind("gateway", list=AGENTCORE.read("ListGateways", path="items", paginate=True), id="gatewayId",
               details=(AGENTCORE.read("GetGateway", param="gatewayIdentifier"),))  # ARN: gateway_arn
MEMORY = Kind("memory", list=AGENTCORE.read("ListMemories", path="memories", paginate=True), id="id", arn="arn",
              details=(AGENTCORE.read("GetMemory", path="memory", param="memoryId"),))
# Browsers and code interpreters the account created (the AWS built-in ones are SYSTEM and not configurable).
BROWSER = Kind("browser", list=AGENTCORE.read("ListBrowsers", path="browserSummaries", params={"type": "CUSTOM"},
                                              paginate=True),
               id="browserId", arn="browserArn", details=(AGENTCORE.read("GetBrowser", param="browserId"),))
CODE_INTERPRETER = Kind("code interpreter",
                        list=AGENTCORE.read("ListCodeInterpreters", path="codeInterpreterSummaries",
                                            params={"type": "CUSTOM"}, paginate=True),
                        id="codeInterpreterId", arn="codeInterpreterArn",
                        details=(AGENTCORE.read("GetCodeInterpreter", param="codeInterpreterId"),))
LIST_RUNTIMES = RUNTIME.list
LIST_GATEWAYS = GATEWAY.list
LIST_RUNTIME_ENDPOINTS = AGENTCORE.read("ListAgentRuntimeEndpoints", path="runtimeEndpoints", param="agentRuntimeId",
                                        paginate=True)
LIST_GATEWAY_TARGETS = AGENTCORE.read("ListGatewayTargets", path="items", param="gatewayIdentifier", paginate=True)
GET_GATEWAY_TARGET = AGENTCORE.read("GetGatewayTarget", param="targetId")  # with gatewayIdentifier
TOKEN_VAULT = AGENTCORE.read("GetTokenVault", absent=NOT_FOUND, default=None)
RESOURCE_POLICY = AGENTCORE.read("GetResourcePolicy", param="resourceArn", absent=NOT_FOUND, default=None)


def _live(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if r.get("status") not in GONE]


def runtimes(ctx: CheckContext) -> list[dict[str, Any]]:
    return _live(RUNTIME.all(ctx))


def runtime(ctx: CheckContext, runtime_id: str) -> dict[str, Any]:
    """One runtime in full (its role, network, authorizer and environment)."""
    return dict(RUNTIME.details[0](ctx, runtime_id))


def gateways(ctx: CheckContext) -> list[dict[str, Any]]:
    return _live(GATEWAY.all(ctx))


def memories(ctx: CheckContext) -> list[dict[str, Any]]:
    return _live(MEMORY.all(ctx))


def custom_browsers(ctx: CheckContext) -> list[dict[str, Any]]:
    return _live(BROWSER.all(ctx))


def custom_code_interpreters(ctx: CheckContext) -> list[dict[str, Any]]:
    return _live(CODE_INTERPRETER.all(ctx))


def runtime_endpoints(ctx: CheckContext, runtime_id: str) -> list[dict[str, Any]]:
    return _live(list(LIST_RUNTIME_ENDPOINTS(ctx, runtime_id)))


def gateway_targets(ctx: CheckContext, gateway_id: str) -> list[dict[str, Any]]:
    return _live(list(LIST_GATEWAY_TARGETS(ctx, gateway_id)))


def gateway_target(ctx: CheckContext, gateway_id: str, target_id: str) -> dict[str, Any]:
    return dict(GET_GATEWAY_TARGET(ctx, target_id, gatewayIdentifier=gateway_id))


def gateway_arn(ctx: CheckContext, gateway_id: str) -> str:
    return ctx.arn(IAM, f"gateway/{gateway_id}")


def token_vault(ctx: CheckContext) -> dict[str, Any] | None:
    """The region's token vault (AgentCore Identity's store of OAuth tokens and API keys); None when the
    account never created one there."""
    vault = TOKEN_VAULT(ctx)
    return None if vault is None else dict(vault)


def resource_policy(ctx: CheckContext, arn: str) -> str | None:
    """The resource-based policy of a runtime, runtime endpoint or gateway; None when it has none."""
    answer = RESOURCE_POLICY(ctx, arn)
    # The answer's only member: an answer without it says nothing (ResourceNotFoundException says "none").
    return None if answer is None else answer["policy"] or None


def require(detail: dict[str, Any], *members: str) -> dict[str, Any]:
    """`detail`, when it has every one of `members` (members the model marks required); else KeyError,
    which the resource's scope turns into an ERROR naming the field."""
    for member in members:
        if member not in detail:
            raise KeyError(member)
    return detail
