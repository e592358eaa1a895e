"""Bedrock agents and the tools they call (their action groups), read once per region.

Shared by the checks that scope to what an agent can reach: the Lambda functions that
run its action groups, their execution roles and the VPCs they run in. The action groups
of every version in use are read: each version an alias routes to, and DRAFT (the test
alias TSTALIASID always routes to it).
"""

from __future__ import annotations

from typing import Any

from posture.core.context import CheckContext

DRAFT = "DRAFT"
# IAM actions the helpers below need (bedrock-agent's actions are in the bedrock namespace).
AGENT_TOOL_PERMISSIONS = ("bedrock:ListAgents", "bedrock:ListAgentAliases", "bedrock:ListAgentActionGroups",
                          "bedrock:GetAgentActionGroup")


def agents(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(ctx.paginate("bedrock-agent", "list_agents").get("agentSummaries", []))


def action_groups(ctx: CheckContext, agent_id: str, agent_version: str = DRAFT) -> list[dict[str, Any]]:
    """The full action groups of one agent version (the summaries lack the executor)."""
    summaries = ctx.paginate("bedrock-agent", "list_agent_action_groups", agentId=agent_id,
                             agentVersion=agent_version).get("actionGroupSummaries", [])
    return [
        dict(ctx.call("bedrock-agent", "get_agent_action_group", agentId=agent_id, agentVersion=agent_version,
                      actionGroupId=s["actionGroupId"])["agentActionGroup"])
        for s in summaries
    ]


def agent_aliases(ctx: CheckContext, agent_id: str) -> list[dict[str, Any]]:
    return list(ctx.paginate("bedrock-agent", "list_agent_aliases", agentId=agent_id).get("agentAliasSummaries", []))


def versions_in_use(ctx: CheckContext, agent_id: str) -> list[str]:
    """DRAFT (the test alias routes to it) and every version an alias of the agent routes to."""
    found = [DRAFT]
    for alias in agent_aliases(ctx, agent_id):
        for route in alias.get("routingConfiguration") or []:
            version = route.get("agentVersion")
            if version and version not in found:
                found.append(str(version))
    return found


def function_arn(arn: str) -> str:
    """A Lambda ARN without its version or alias qualifier."""
    return ":".join(arn.split(":")[:7])


def tool_executors(ctx: CheckContext) -> dict[str, str]:
    """Executor Lambda ARN as an action group names it (qualified with an alias or version, or not) -> id of
    the first agent that runs it, over the action groups of every agent version in use in this region."""
    found: dict[str, str] = {}
    for agent in agents(ctx):
        for version in versions_in_use(ctx, agent["agentId"]):
            for group in action_groups(ctx, agent["agentId"], version):
                arn = group.get("actionGroupExecutor", {}).get("lambda")
                if arn:
                    found.setdefault(str(arn), agent["agentId"])
    return found


def tool_functions(ctx: CheckContext) -> dict[str, str]:
    """Lambda function ARN (unqualified) -> id of the first agent whose action group runs it, in this region."""
    found: dict[str, str] = {}
    for arn, agent_id in tool_executors(ctx).items():
        found.setdefault(function_arn(arn), agent_id)
    return found
