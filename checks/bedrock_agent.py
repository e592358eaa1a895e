"""Amazon Bedrock Agents, Knowledge Bases and Prompt management (the bedrock-agent API)."""

from __future__ import annotations

from typing import Any

from checks._agents import agents
from checks.kms import judge_cmk
from posture.core.context import CheckContext
from posture.core.registry import check

MAX_IDLE_SESSION_TTL = 1800  # seconds; AWS's default is 600
AGENT_PERMISSIONS = ("bedrock:ListAgents", "bedrock:GetAgent")


def knowledge_bases(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(ctx.paginate("bedrock-agent", "list_knowledge_bases").get("knowledgeBaseSummaries", []))


def data_sources(ctx: CheckContext, knowledge_base_id: str) -> list[dict[str, Any]]:
    summaries = ctx.paginate("bedrock-agent", "list_data_sources", knowledgeBaseId=knowledge_base_id)
    return [
        ctx.call("bedrock-agent", "get_data_source", knowledgeBaseId=knowledge_base_id,
                 dataSourceId=s["dataSourceId"])["dataSource"]
        for s in summaries.get("dataSourceSummaries", [])
    ]


def s3_uris(ctx: CheckContext) -> list[str]:
    """S3 buckets (as ARNs) that knowledge bases ingest in this region."""
    uris = []
    for kb in knowledge_bases(ctx):
        for source in data_sources(ctx, kb["knowledgeBaseId"]):
            arn = source.get("dataSourceConfiguration", {}).get("s3Configuration", {}).get("bucketArn")
            if arn:
                uris.append(arn)
    return uris


def agent(ctx: CheckContext, agent_id: str) -> dict[str, Any]:
    """One agent in full (the list's summaries lack its guardrail, key and session settings)."""
    return dict(ctx.call("bedrock-agent", "get_agent", agentId=agent_id)["agent"])


def prompts(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(ctx.paginate("bedrock-agent", "list_prompts").get("promptSummaries", []))


def _agent_scope(ctx: CheckContext, summary: dict[str, Any]) -> Any:
    return ctx.resource(summary["agentId"], arn=ctx.arn("bedrock", f"agent/{summary['agentId']}"))


@check(
    id="bedrock_agent.agent_guardrail_attached",
    title="Bedrock agents have a guardrail attached",
    description="Each Bedrock agent names a guardrail and version in its guardrailConfiguration, so every "
    "turn of the agent is filtered by it.",
    rationale=(
        "An agent acts on model output: it calls tools, reads knowledge bases and answers users. A guardrail "
        "that exists but is not attached protects nothing; attached, it screens each input and answer for "
        "prompt attacks, harmful content and personal data."
    ),
    remediation="`aws bedrock-agent update-agent --agent-id <id> ... --guardrail-configuration "
    "guardrailIdentifier=<guardrail-id>,guardrailVersion=<n>` then `aws bedrock-agent prepare-agent`.",
    service="bedrock-agent",
    scope="regional",
    resource_type="Other",
    severity="high",
    boundaries=["model", "application"],
    csf=["PR.DS-10", "PR.PS-01"],
    owasp_llm=["LLM01", "LLM08", "LLM01:2025", "LLM06:2025"],
    permissions=list(AGENT_PERMISSIONS),
)
def agent_guardrail_attached(ctx: CheckContext) -> None:
    for summary in agents(ctx):
        with _agent_scope(ctx, summary):
            config = agent(ctx, summary["agentId"]).get("guardrailConfiguration") or {}
            evidence = {"agent_name": summary.get("agentName"), "guardrail": config.get("guardrailIdentifier"),
                        "guardrail_version": config.get("guardrailVersion")}
            if config.get("guardrailIdentifier"):
                ctx.passed(f"guardrail {config['guardrailIdentifier']} is attached", evidence)
            else:
                ctx.failed("no guardrail is attached to the agent", evidence)


@check(
    id="bedrock_agent.agent_cmk",
    title="Bedrock agents are encrypted with a customer managed key",
    description="Each Bedrock agent names a customer managed KMS key (customerEncryptionKeyArn).",
    rationale=(
        "An agent's key encrypts its instructions, configuration and session data, which carry the system "
        "prompt and conversation content; a customer managed key keeps them under the account's key policy."
    ),
    remediation="`aws bedrock-agent update-agent --agent-id <id> ... --customer-encryption-key-arn <key-arn>`.",
    service="bedrock-agent",
    scope="regional",
    resource_type="Other",
    severity="medium",
    boundaries=["model", "data"],
    csf=["PR.DS-01"],
    owasp_llm=["LLM06", "LLM02:2025", "LLM07:2025"],
    permissions=[*AGENT_PERMISSIONS, "kms:DescribeKey"],
)
def agent_cmk(ctx: CheckContext) -> None:
    for summary in agents(ctx):
        with _agent_scope(ctx, summary):
            key = agent(ctx, summary["agentId"]).get("customerEncryptionKeyArn")
            judge_cmk(ctx, key, "the agent", {"agent_name": summary.get("agentName")})


@check(
    id="bedrock_agent.agent_idle_session_ttl",
    title="Bedrock agent sessions expire when idle",
    description=f"Each Bedrock agent ends an idle session within {MAX_IDLE_SESSION_TTL // 60} minutes "
    "(idleSessionTTLInSeconds).",
    rationale=(
        "An agent session keeps the conversation and its retrieved data in context. A long idle timeout "
        "widens the window in which a leaked session id lets someone else continue it and read that context."
    ),
    remediation=f"`aws bedrock-agent update-agent --agent-id <id> ... --idle-session-ttl-in-seconds "
    f"{MAX_IDLE_SESSION_TTL // 3}` then prepare the agent.",
    service="bedrock-agent",
    scope="regional",
    resource_type="Other",
    severity="low",
    boundaries=["model", "application"],
    csf=["PR.AA-05", "PR.DS-10"],
    owasp_llm=["LLM06", "LLM02:2025"],
    permissions=list(AGENT_PERMISSIONS),
)
def agent_idle_session_ttl(ctx: CheckContext) -> None:
    for summary in agents(ctx):
        with _agent_scope(ctx, summary):
            ttl = agent(ctx, summary["agentId"]).get("idleSessionTTLInSeconds")
            evidence = {"idle_session_ttl_seconds": ttl, "max_seconds": MAX_IDLE_SESSION_TTL}
            if ttl is None or ttl <= MAX_IDLE_SESSION_TTL:
                ctx.passed(f"idle sessions end after {ttl or 600} seconds", evidence)
            else:
                ctx.failed(f"idle sessions live {ttl} seconds", evidence)


@check(
    id="bedrock_agent.data_source_cmk",
    title="Bedrock knowledge-base data sources are encrypted with a customer managed key",
    description="Each data source of each Bedrock knowledge base encrypts its transient ingestion data with a "
    "customer managed KMS key (serverSideEncryptionConfiguration.kmsKeyArn).",
    rationale=(
        "Ingestion copies the RAG documents (contracts, tickets, manuals) through Bedrock's storage while they "
        "are chunked and embedded; a customer managed key keeps that copy under the account's key policy."
    ),
    remediation="`aws bedrock-agent update-data-source --knowledge-base-id <kb> --data-source-id <ds> ... "
    "--server-side-encryption-configuration kmsKeyArn=<key-arn>`.",
    service="bedrock-agent",
    scope="regional",
    resource_type="Other",
    severity="medium",
    boundaries=["data"],
    csf=["PR.DS-01"],
    owasp_llm=["LLM03", "LLM06", "LLM02:2025", "LLM08:2025"],
    securityhub_controls=["Bedrock.1"],
    permissions=["bedrock:ListKnowledgeBases", "bedrock:ListDataSources", "bedrock:GetDataSource",
                 "kms:DescribeKey"],
)
def data_source_cmk(ctx: CheckContext) -> None:
    for kb in knowledge_bases(ctx):
        kb_id = kb["knowledgeBaseId"]
        sources = ctx.paginate("bedrock-agent", "list_data_sources", knowledgeBaseId=kb_id)
        for summary in sources.get("dataSourceSummaries", []):
            with ctx.resource(f"{kb_id}/{summary['dataSourceId']}",
                              arn=ctx.arn("bedrock", f"knowledge-base/{kb_id}")):
                source = ctx.call("bedrock-agent", "get_data_source", knowledgeBaseId=kb_id,
                                  dataSourceId=summary["dataSourceId"])["dataSource"]
                key = (source.get("serverSideEncryptionConfiguration") or {}).get("kmsKeyArn")
                judge_cmk(ctx, key, "the data source", {"knowledge_base": kb.get("name"),
                                                         "data_source": source.get("name")})


@check(
    id="bedrock_agent.prompt_cmk",
    title="Bedrock managed prompts are encrypted with a customer managed key",
    description="Each prompt in Bedrock Prompt management names a customer managed KMS key "
    "(customerEncryptionKeyArn).",
    rationale=(
        "Managed prompts are the application's system prompts and templates: how it is told to behave and "
        "what it must not reveal. A customer managed key keeps who can read them under the key policy."
    ),
    remediation="`aws bedrock-agent update-prompt --prompt-identifier <id> ... --customer-encryption-key-arn "
    "<key-arn>`, then create a new prompt version.",
    service="bedrock-agent",
    scope="regional",
    resource_type="Other",
    severity="low",
    boundaries=["model", "data"],
    csf=["PR.DS-01"],
    owasp_llm=["LLM06", "LLM07:2025"],
    permissions=["bedrock:ListPrompts", "bedrock:GetPrompt", "kms:DescribeKey"],
)
def prompt_cmk(ctx: CheckContext) -> None:
    for summary in prompts(ctx):
        with ctx.resource(summary["id"], arn=summary.get("arn")):
            detail = ctx.call("bedrock-agent", "get_prompt", promptIdentifier=summary["id"])
            judge_cmk(ctx, detail.get("customerEncryptionKeyArn"), "the prompt", {"prompt_name": summary.get("name")})
