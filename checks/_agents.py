"""Bedrock agents as they run: per alias, the versions it routes to, and what those versions use.

An alias routes to numbered agent versions (`routingConfiguration[].agentVersion`); only
the test alias `TSTALIASID` routes to DRAFT. A version is what callers reach, so its
guardrail, action groups and their executors are what counts, not the DRAFT a team
edits. AWS lists the test alias with the others; an agent whose alias list comes back
empty is taken to be reachable through that test alias alone (DRAFT).

Shared by the checks that scope to what an agent can reach: the Lambda functions that
run the action groups of every version in use (`tool_executors` with qualified ARNs,
`tool_functions` by function), their execution roles and the VPCs they run in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from posture.api import CheckContext

DRAFT = "DRAFT"
TEST_ALIAS = "TSTALIASID"
# IAM actions the helpers below need (bedrock-agent's actions are in the bedrock namespace).
ROUTE_PERMISSIONS = ("bedrock:ListAgents", "bedrock:ListAgentAliases")
VERSION_PERMISSIONS = ("bedrock:GetAgent", "bedrock:GetAgentVersion")
AGENT_TOOL_PERMISSIONS = (*ROUTE_PERMISSIONS, "bedrock:ListAgentActionGroups", "bedrock:GetAgentActionGroup")


def agents(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(ctx.paginate("bedrock-agent", "list_agents").get("agentSummaries", []))


def agent_aliases(ctx: CheckContext, agent_id: str) -> list[dict[str, Any]]:
    return list(ctx.paginate("bedrock-agent", "list_agent_aliases", agentId=agent_id).get("agentAliasSummaries", []))


aliases = agent_aliases


def routed_versions(alias: dict[str, Any]) -> list[str]:
    """Every agent version an alias routes to, in routing order (DRAFT for the test alias)."""
    found = [str(r["agentVersion"]) for r in alias.get("routingConfiguration") or [] if r.get("agentVersion")]
    if not found and alias.get("agentAliasId") == TEST_ALIAS:
        found = [DRAFT]
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Route:
    """One (agent alias, agent version it routes to)."""

    agent_id: str
    agent_name: str
    alias_id: str
    alias_name: str
    version: str

    @property
    def label(self) -> str:
        return f"agent {self.agent_name} alias {self.alias_name} (version {self.version})"


def agent_routes(ctx: CheckContext, agent: dict[str, Any]) -> list[Route]:
    agent_id, name = agent["agentId"], str(agent.get("agentName") or agent["agentId"])
    listed = aliases(ctx, agent_id) or [{"agentAliasId": TEST_ALIAS, "agentAliasName": "AgentTestAlias"}]
    return [Route(agent_id, name, str(a["agentAliasId"]), str(a.get("agentAliasName") or a["agentAliasId"]), v)
            for a in listed for v in routed_versions(a)]


def routes(ctx: CheckContext) -> list[Route]:
    """Every (alias, version) of every agent of the region."""
    return [route for agent in agents(ctx) for route in agent_routes(ctx, agent)]


def versions_in_use(ctx: CheckContext, agent_id: str) -> list[str]:
    """DRAFT (the test alias routes to it) and every version an alias of the agent routes to."""
    return list(dict.fromkeys([DRAFT, *(r.version for r in agent_routes(ctx, {"agentId": agent_id}))]))


def agent_version(ctx: CheckContext, agent_id: str, version: str) -> dict[str, Any]:
    """One agent version in full: its guardrail, instruction, prompt overrides (DRAFT is the agent itself)."""
    if version == DRAFT:
        return dict(ctx.call("bedrock-agent", "get_agent", agentId=agent_id)["agent"])
    return dict(ctx.call("bedrock-agent", "get_agent_version", agentId=agent_id,
                         agentVersion=version)["agentVersion"])


def guardrail_of(version: dict[str, Any]) -> tuple[str, str] | None:
    """(guardrail identifier, guardrail version) a version names, or None (the key is absent then)."""
    config = version.get("guardrailConfiguration") or {}
    if not config.get("guardrailIdentifier"):
        return None
    return str(config["guardrailIdentifier"]), str(config.get("guardrailVersion") or DRAFT)


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


def tool_executors(ctx: CheckContext) -> dict[str, str]:
    """Executor Lambda ARN as an action group names it (qualified with an alias or version, or not) -> id of
    the first agent that runs it, over the action groups of every agent version in use in this region."""
    found: dict[str, str] = {}
    for agent in agents(ctx):
        for version in versions_in_use(ctx, agent["agentId"]):
            for group in action_groups(ctx, agent["agentId"], version):
                arn = (group.get("actionGroupExecutor") or {}).get("lambda")
                if arn:
                    found.setdefault(str(arn), agent["agentId"])
    return found


def tool_functions(ctx: CheckContext) -> dict[str, str]:
    """Lambda function ARN (unqualified) -> id of the first agent whose version in use runs it, in this region
    (`tool_executors` keeps the qualified ARNs)."""
    found: dict[str, str] = {}
    for arn, agent_id in tool_executors(ctx).items():
        found.setdefault(function_arn(arn), agent_id)
    return found
