"""Amazon Bedrock Agents, Knowledge Bases, Prompt management and Flows reads (the bedrock-agent API; its IAM
actions are in the bedrock namespace).

Agents as they run: an alias routes to numbered agent versions (`routingConfiguration[].agentVersion`); only
the test alias `TSTALIASID` routes to DRAFT. A version is what callers reach, so its guardrail, action groups
and their executors are what counts, not the DRAFT a team edits. AWS lists the test alias with the others; an
agent whose alias list comes back empty is taken to be reachable through that test alias alone (DRAFT).

The Lambda functions that run the action groups of every version in use (`tool_executors` with qualified
ARNs, `tool_functions` by function) are what the checks that scope to an agent's tools read.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from posture.api import CheckContext, Kind, Reads, Service, ahead
from posture.checks._read.bedrock import DRAFT

BEDROCK_AGENT = Service("bedrock-agent", iam="bedrock")
TEST_ALIAS = "TSTALIASID"

LIST_AGENTS = BEDROCK_AGENT.read("ListAgents", path="agentSummaries", paginate=True)
GET_AGENT = BEDROCK_AGENT.read("GetAgent", path="agent", param="agentId")
LIST_AGENT_ALIASES = BEDROCK_AGENT.read("ListAgentAliases", path="agentAliasSummaries", param="agentId",
                                        paginate=True)
GET_AGENT_VERSION = BEDROCK_AGENT.read("GetAgentVersion", path="agentVersion", param="agentId")
LIST_ACTION_GROUPS = BEDROCK_AGENT.read("ListAgentActionGroups", path="actionGroupSummaries", param="agentId",
                                        paginate=True)
GET_ACTION_GROUP = BEDROCK_AGENT.read("GetAgentActionGroup", path="agentActionGroup", param="agentId")
LIST_KNOWLEDGE_BASES = BEDROCK_AGENT.read("ListKnowledgeBases", path="knowledgeBaseSummaries", paginate=True)
GET_KNOWLEDGE_BASE = BEDROCK_AGENT.read("GetKnowledgeBase", path="knowledgeBase", param="knowledgeBaseId")
LIST_DATA_SOURCES = BEDROCK_AGENT.read("ListDataSources", path="dataSourceSummaries", param="knowledgeBaseId",
                                       paginate=True)
GET_DATA_SOURCE = BEDROCK_AGENT.read("GetDataSource", path="dataSource", param="knowledgeBaseId")
# The most recent ingestion job of a data source only.
LIST_INGESTION_JOBS = BEDROCK_AGENT.read("ListIngestionJobs", path="ingestionJobSummaries", param="knowledgeBaseId",
                                         params={"sortBy": {"attribute": "STARTED_AT", "order": "DESCENDING"},
                                                 "maxResults": 1}, default=None)
LIST_PROMPTS = BEDROCK_AGENT.read("ListPrompts", path="promptSummaries", paginate=True)
GET_PROMPT = BEDROCK_AGENT.read("GetPrompt", param="promptIdentifier")
LIST_FLOWS = BEDROCK_AGENT.read("ListFlows", path="flowSummaries", paginate=True)
GET_FLOW = BEDROCK_AGENT.read("GetFlow", param="flowIdentifier")
LIST_FLOW_ALIASES = BEDROCK_AGENT.read("ListFlowAliases", path="flowAliasSummaries", param="flowIdentifier",
                                       paginate=True)
GET_FLOW_VERSION = BEDROCK_AGENT.read("GetFlowVersion", param="flowIdentifier")

# A knowledge base's resource policy (agents have none); without one: ResourceNotFoundException, None.
RESOURCE_POLICY = BEDROCK_AGENT.read("GetResourcePolicy", path="policy", param="resourceArn",
                                     absent={"ResourceNotFoundException"}, default=None)
AGENT = Kind("agent", list=LIST_AGENTS, id="agentId", details=(GET_AGENT,))
KNOWLEDGE_BASE = Kind("knowledge base", list=LIST_KNOWLEDGE_BASES, id="knowledgeBaseId", arn="knowledgeBaseArn",
                      details=(GET_KNOWLEDGE_BASE,))
PROMPT = Kind("prompt", list=LIST_PROMPTS, id="id", arn="arn", details=(GET_PROMPT,))
FLOW = Kind("flow", list=LIST_FLOWS, id="id", arn="arn", details=(GET_FLOW,))

# What the helpers below read, for the checks that call them.
ROUTE_READS = Reads(LIST_AGENTS, LIST_AGENT_ALIASES)  # routes, agent_routes, versions_in_use
VERSION_READS = Reads(GET_AGENT, GET_AGENT_VERSION)  # agent_version
AGENT_TOOL_READS = Reads(ROUTE_READS, LIST_ACTION_GROUPS, GET_ACTION_GROUP)  # tool_executors, tool_functions
DATA_SOURCE_READS = Reads(LIST_KNOWLEDGE_BASES, LIST_DATA_SOURCES, GET_DATA_SOURCE)  # data_sources, s3_uris
FLOW_READS = Reads(LIST_FLOWS, GET_FLOW, LIST_FLOW_ALIASES, GET_FLOW_VERSION)  # flows, flow_aliases, flow_version


# -- agents --------------------------------------------------------------------------------------
def agents(ctx: CheckContext) -> list[dict[str, Any]]:
    return AGENT.all(ctx)


def agent(ctx: CheckContext, agent_id: str) -> dict[str, Any]:
    """One agent in full (the list's summaries lack its guardrail, key, role and session settings)."""
    return dict(GET_AGENT(ctx, agent_id))


def agent_aliases(ctx: CheckContext, agent_id: str) -> list[dict[str, Any]]:
    return list(LIST_AGENT_ALIASES(ctx, agent_id))


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


def agent_routes(ctx: CheckContext, summary: dict[str, Any]) -> list[Route]:
    agent_id, name = summary["agentId"], str(summary.get("agentName") or summary["agentId"])
    listed = agent_aliases(ctx, agent_id) or [{"agentAliasId": TEST_ALIAS, "agentAliasName": "AgentTestAlias"}]
    return [Route(agent_id, name, str(a["agentAliasId"]), str(a.get("agentAliasName") or a["agentAliasId"]), v)
            for a in listed for v in routed_versions(a)]


def routes(ctx: CheckContext) -> list[Route]:
    """Every (alias, version) of every agent of the region; the agents' aliases are listed side by side."""
    return [route for found in ctx.fan_out(lambda a: agent_routes(ctx, a), agents(ctx)) for route in found]


def versions_in_use(ctx: CheckContext, agent_id: str) -> list[str]:
    """DRAFT (the test alias routes to it) and every version an alias of the agent routes to."""
    return list(dict.fromkeys([DRAFT, *(r.version for r in agent_routes(ctx, {"agentId": agent_id}))]))


def agent_version(ctx: CheckContext, agent_id: str, version: str) -> dict[str, Any]:
    """One agent version in full: its guardrail, instruction, prompt overrides (DRAFT is the agent itself)."""
    if version == DRAFT:
        return agent(ctx, agent_id)
    return dict(GET_AGENT_VERSION(ctx, agent_id, agentVersion=version))


def action_groups(ctx: CheckContext, agent_id: str, agent_version: str = DRAFT) -> list[dict[str, Any]]:
    """The full action groups of one agent version (the summaries lack the executor), read side by side."""
    summaries = LIST_ACTION_GROUPS(ctx, agent_id, agentVersion=agent_version)
    return ctx.fan_out(lambda s: dict(GET_ACTION_GROUP(ctx, agent_id, agentVersion=agent_version,
                                                       actionGroupId=s["actionGroupId"])), summaries)


def function_arn(arn: str) -> str:
    """A Lambda ARN without its version or alias qualifier."""
    return ":".join(arn.split(":")[:7])


def tool_executors(ctx: CheckContext) -> dict[str, str]:
    """Executor Lambda ARN as an action group names it (qualified with an alias or version, or not) -> id of
    the first agent that runs it, over the action groups of every agent version in use in this region."""
    listed = agents(ctx)
    in_use = ctx.fan_out(lambda a: versions_in_use(ctx, a["agentId"]), listed)
    pairs = [(str(a["agentId"]), version) for a, versions in zip(listed, in_use, strict=True) for version in versions]
    groups = ctx.fan_out(lambda pair: action_groups(ctx, *pair), pairs)
    found: dict[str, str] = {}
    for (agent_id, _version), version_groups in zip(pairs, groups, strict=True):
        for group in version_groups:
            arn = (group.get("actionGroupExecutor") or {}).get("lambda")
            if arn:
                found.setdefault(str(arn), agent_id)
    return found


def tool_functions(ctx: CheckContext) -> dict[str, str]:
    """Lambda function ARN (unqualified) -> id of the first agent whose version in use runs it, in this region
    (`tool_executors` keeps the qualified ARNs)."""
    found: dict[str, str] = {}
    for arn, agent_id in tool_executors(ctx).items():
        found.setdefault(function_arn(arn), agent_id)
    return found


# -- knowledge bases -------------------------------------------------------------------------------
def knowledge_bases(ctx: CheckContext) -> list[dict[str, Any]]:
    return KNOWLEDGE_BASE.all(ctx)


def knowledge_base(ctx: CheckContext, knowledge_base_id: str) -> dict[str, Any]:
    """One knowledge base in full (the list's summaries lack its storage configuration)."""
    return dict(GET_KNOWLEDGE_BASE(ctx, knowledge_base_id))


def data_source_summaries(ctx: CheckContext, knowledge_base_id: str) -> list[dict[str, Any]]:
    return list(LIST_DATA_SOURCES(ctx, knowledge_base_id))


def data_source(ctx: CheckContext, knowledge_base_id: str, data_source_id: str) -> dict[str, Any]:
    return dict(GET_DATA_SOURCE(ctx, knowledge_base_id, dataSourceId=data_source_id))


def data_sources(ctx: CheckContext, knowledge_base_id: str) -> list[dict[str, Any]]:
    """The data sources of one knowledge base in full, read side by side."""
    return ctx.fan_out(lambda s: data_source(ctx, knowledge_base_id, s["dataSourceId"]),
                       data_source_summaries(ctx, knowledge_base_id))


def s3_uris(ctx: CheckContext) -> list[str]:
    """S3 buckets (as ARNs) that knowledge bases ingest in this region."""
    uris = []
    for sources in ctx.fan_out(lambda kb: data_sources(ctx, kb["knowledgeBaseId"]), knowledge_bases(ctx)):
        for source in sources:
            arn = source.get("dataSourceConfiguration", {}).get("s3Configuration", {}).get("bucketArn")
            if arn:
                uris.append(arn)
    return uris


def data_sources_ahead(ctx: CheckContext, knowledge_base_ids: list[str],
                       read: Callable[[CheckContext, str, str], object]) -> None:
    """`read(ctx, knowledge base id, data source id)` of every data source of the knowledge bases, side by side
    (their data sources listed side by side first). Answers and failures stay in the context: a check that
    lists and reads them again, each in its own scope, gets them there."""
    ahead(ctx, lambda kb_id: data_source_summaries(ctx, kb_id), knowledge_base_ids)
    pairs: list[tuple[str, str]] = []
    for kb_id in knowledge_base_ids:
        with suppress(Exception):  # raised again where the check lists them
            pairs += [(kb_id, str(s["dataSourceId"])) for s in data_source_summaries(ctx, kb_id)]
    ahead(ctx, lambda pair: read(ctx, *pair), pairs)


def last_ingestion_job(ctx: CheckContext, knowledge_base_id: str, data_source_id: str) -> dict[str, Any] | None:
    jobs = LIST_INGESTION_JOBS(ctx, knowledge_base_id, dataSourceId=data_source_id) or []
    return dict(jobs[0]) if jobs else None


# -- prompts and flows -----------------------------------------------------------------------------
def prompts(ctx: CheckContext) -> list[dict[str, Any]]:
    return PROMPT.all(ctx)


def prompt(ctx: CheckContext, prompt_id: str) -> dict[str, Any]:
    return dict(GET_PROMPT(ctx, prompt_id))


def flows(ctx: CheckContext) -> list[dict[str, Any]]:
    return FLOW.all(ctx)


def flow_aliases(ctx: CheckContext, flow_id: str) -> list[dict[str, Any]]:
    return list(LIST_FLOW_ALIASES(ctx, flow_id))


def flow_version(ctx: CheckContext, flow_id: str, version: str) -> dict[str, Any]:
    """One flow version in full (DRAFT is the flow itself)."""
    if version == DRAFT:
        return dict(GET_FLOW(ctx, flow_id))
    return dict(GET_FLOW_VERSION(ctx, flow_id, flowVersion=version))
