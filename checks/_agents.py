"""Bedrock agents and the tools they call (their action groups), read once per region.

Shared by the checks that scope to what an agent can reach: the Lambda functions that
run its action groups, their execution roles and the VPCs they run in. Only the DRAFT
version is read: it is the working copy every published version was made from, and
the one a team edits.
"""

from __future__ import annotations

from typing import Any

from posture.core.context import CheckContext

DRAFT = "DRAFT"
# IAM actions the helpers below need (bedrock-agent's actions are in the bedrock namespace).
AGENT_TOOL_PERMISSIONS = ("bedrock:ListAgents", "bedrock:ListAgentActionGroups", "bedrock:GetAgentActionGroup")


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


def function_arn(arn: str) -> str:
    """A Lambda ARN without its version or alias qualifier."""
    return ":".join(arn.split(":")[:7])


def tool_functions(ctx: CheckContext) -> dict[str, str]:
    """Lambda function ARN (unqualified) -> id of the first agent whose action group runs it, in this region."""
    found: dict[str, str] = {}
    for agent in agents(ctx):
        for group in action_groups(ctx, agent["agentId"]):
            arn = group.get("actionGroupExecutor", {}).get("lambda")
            if arn:
                found.setdefault(function_arn(arn), agent["agentId"])
    return found
