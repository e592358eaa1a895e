"""Amazon Bedrock Agents, Knowledge Bases and Prompt management (the bedrock-agent API)."""

from __future__ import annotations

from typing import Any

from checks import _agents
from checks._agents import DRAFT, agents
from checks._secrets import secret_fields
from checks.kms import judge_cmk
from posture.core.context import CheckContext
from posture.core.models import EvidenceValue
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


def _alias_scope(ctx: CheckContext, agent_id: str, alias_id: str) -> Any:
    return ctx.resource(f"{agent_id}/{alias_id}", arn=ctx.arn("bedrock", f"agent-alias/{agent_id}/{alias_id}"))


def judge_alias(alias_name: str, versions: dict[str, tuple[str, str] | None],
                draft: tuple[str, str] | None) -> tuple[bool, str]:
    """(ok, message) for one alias: `versions` maps each version it routes to -> the guardrail it names."""
    bare = [v for v, guardrail in versions.items() if guardrail is None]
    if not versions:
        return False, f"alias {alias_name} routes to no agent version"
    if bare:
        drift = (f"; only DRAFT names guardrail {draft[0]}:{draft[1]}, the published version drifted from it"
                 if draft and any(v != DRAFT for v in bare) else "")
        return False, f"alias {alias_name} routes to version {', '.join(bare)}, which names no guardrail{drift}"
    named = ", ".join(f"version {v}: {g[0]}:{g[1]}" for v, g in versions.items() if g)
    return True, f"alias {alias_name} routes only to versions with a guardrail ({named})"


@check(
    id="bedrock_agent.agent_guardrail_attached",
    title="Every Bedrock agent alias routes to a version with a guardrail",
    description="Each alias of each Bedrock agent routes only to agent versions whose guardrailConfiguration "
    "names a guardrail and version, so every turn callers can reach is filtered by it (the test alias "
    "TSTALIASID routes to DRAFT).",
    rationale=(
        "An agent acts on model output: it calls tools, reads knowledge bases and answers users. Callers reach "
        "the version an alias routes to, not the DRAFT a team edits: a guardrail attached to DRAFT after the "
        "version was published protects nothing they can call."
    ),
    remediation="`aws bedrock-agent update-agent --agent-id <id> ... --guardrail-configuration "
    "guardrailIdentifier=<guardrail-id>,guardrailVersion=<n>`, `aws bedrock-agent prepare-agent`, then publish a "
    "version and point the alias at it (`aws bedrock-agent update-agent-alias --routing-configuration "
    "agentVersion=<new>`).",
    service="bedrock-agent",
    scope="regional",
    resource_type="Other",
    severity="high",
    boundaries=["model", "application"],
    csf=["PR.DS-10", "PR.PS-01"],
    owasp_llm=["LLM01", "LLM08", "LLM01:2025", "LLM06:2025"],
    permissions=[*AGENT_PERMISSIONS, *_agents.ROUTE_PERMISSIONS, *_agents.VERSION_PERMISSIONS],
    atlas=["AML.T0051", "AML.T0051.001", "AML.T0054", "AML.T0053", "AML.M0020"],
    nist_ai_rmf=["MEASURE 2.7", "MEASURE 2.6", "MANAGE 1.3"],
    iso42001=["A.6.2.6", "A.6.2.5"],
    owasp_agentic=["ASI01", "ASI02"],
    eu_ai_act=["Art. 15"],
)
def agent_guardrail_attached(ctx: CheckContext) -> None:
    for summary in agents(ctx):
        agent_id, routes = summary["agentId"], []
        with _agent_scope(ctx, summary):
            routes = _agents.agent_routes(ctx, summary)
            ctx.skip()  # judged per alias below; a failed alias listing is this agent's ERROR
        by_alias: dict[str, list[_agents.Route]] = {}
        for route in routes:
            by_alias.setdefault(route.alias_id, []).append(route)
        for alias_id, alias_routes in by_alias.items():
            with _alias_scope(ctx, agent_id, alias_id):
                versions = {r.version: _agents.guardrail_of(_agents.agent_version(ctx, agent_id, r.version))
                            for r in alias_routes}
                draft = _agents.guardrail_of(agent(ctx, agent_id))
                ok, message = judge_alias(alias_routes[0].alias_name, versions, draft)
                evidence: dict[str, EvidenceValue] = {
                    "agent_name": summary.get("agentName"), "alias": alias_routes[0].alias_name,
                    "routed_versions": list(versions),
                    "guardrail": [f"{v}={g[0]}:{g[1]}" for v, g in versions.items() if g],
                    "versions_without_guardrail": [v for v, g in versions.items() if g is None],
                    "draft_guardrail": f"{draft[0]}:{draft[1]}" if draft else None}
                if ok:
                    ctx.passed(message, evidence)
                else:
                    ctx.failed(message, evidence)


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
    atlas=["AML.T0084", "AML.T0056", "AML.M0012"],
    nist_ai_rmf=["MEASURE 2.7", "MEASURE 2.10"],
    iso42001=["A.6.2.6"],
    owasp_agentic=["ASI06"],
    eu_ai_act=["Art. 15"],
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
    atlas=["AML.T0091", "AML.T0092"],
    nist_ai_rmf=["MEASURE 2.7", "MEASURE 2.10"],
    iso42001=["A.6.2.6"],
    owasp_agentic=["ASI03", "ASI06"],
    eu_ai_act=["Art. 15"],
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
    atlas=["AML.T0085.000", "AML.T0035", "AML.M0012"],
    nist_ai_rmf=["MEASURE 2.7", "MEASURE 2.10"],
    iso42001=["A.7.2", "A.6.2.6"],
    owasp_agentic=["ASI06"],
    eu_ai_act=["Art. 15"],
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
    atlas=["AML.T0056", "AML.T0081", "AML.M0012"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    owasp_agentic=["ASI01"],
    eu_ai_act=["Art. 15"],
)
def prompt_cmk(ctx: CheckContext) -> None:
    for summary in prompts(ctx):
        with ctx.resource(summary["id"], arn=summary.get("arn")):
            detail = ctx.call("bedrock-agent", "get_prompt", promptIdentifier=summary["id"])
            judge_cmk(ctx, detail.get("customerEncryptionKeyArn"), "the prompt", {"prompt_name": summary.get("name")})


# -- secrets in what the model is told -------------------------------------------------------
SECRET_REMEDIATION = ("Remove the credential from the text, rotate it (it was readable by anyone allowed to read "
                      "the agent or prompt, and may be repeated by the model), and have the tool that needs it "
                      "read it from Secrets Manager at run time.")


def agent_texts(version: dict[str, Any], label: str) -> dict[str, str | None]:
    """The texts of one agent version a model is given: its instruction always, prompt templates only where
    overridden (DEFAULT templates are AWS's own, thousands of characters of placeholders)."""
    texts: dict[str, str | None] = {f"{label} instruction": version.get("instruction")}
    overrides = (version.get("promptOverrideConfiguration") or {}).get("promptConfigurations") or []
    for config in overrides:
        if config.get("promptCreationMode") == "OVERRIDDEN":
            texts[f"{label} {config.get('promptType', 'prompt')} basePromptTemplate"] = config.get("basePromptTemplate")
    return texts


def prompt_texts(prompt: dict[str, Any]) -> dict[str, str | None]:
    """The texts of each variant of a managed prompt (text templates, chat messages and system prompts)."""
    texts: dict[str, str | None] = {}
    for variant in prompt.get("variants") or []:
        name, template = variant.get("name", "variant"), variant.get("templateConfiguration") or {}
        texts[f"variant {name} text"] = (template.get("text") or {}).get("text")
        chat = template.get("chat") or {}
        for i, message in enumerate(chat.get("messages") or []):
            for j, block in enumerate(message.get("content") or []):
                texts[f"variant {name} message {i} content {j}"] = block.get("text")
        for i, block in enumerate(chat.get("system") or []):
            texts[f"variant {name} system {i}"] = block.get("text")
    return texts


@check(
    id="bedrock_agent.agent_no_secrets_in_prompts",
    title="Bedrock agents hold no credentials in their instructions or prompt templates",
    description="No agent instruction, and no prompt template an agent overrides (promptCreationMode "
    "OVERRIDDEN), of the DRAFT or any version an alias routes to, holds a credential-shaped value (API keys, "
    "access keys, tokens, `password=...`).",
    rationale=(
        "Instructions and prompt templates are the system prompt: the model repeats them when a prompt "
        "injection asks, and everyone who may read the agent reads them. A credential there is leaked to both."
    ),
    remediation=SECRET_REMEDIATION,
    service="bedrock-agent",
    scope="regional",
    resource_type="Other",
    severity="high",
    boundaries=["model", "application"],
    csf=["PR.DS-01", "PR.AA-01"],
    owasp_llm=["LLM06", "LLM07:2025", "LLM02:2025"],
    permissions=[*AGENT_PERMISSIONS, *_agents.ROUTE_PERMISSIONS, *_agents.VERSION_PERMISSIONS],
    atlas=["AML.T0083", "AML.T0056", "AML.T0055"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    owasp_agentic=["ASI03"],
    eu_ai_act=["Art. 15"],
)
def agent_no_secrets_in_prompts(ctx: CheckContext) -> None:
    for summary in agents(ctx):
        with _agent_scope(ctx, summary):
            agent_id = summary["agentId"]
            versions = dict.fromkeys([DRAFT, *_agents.versions_in_use(ctx, agent_id)])
            texts: dict[str, str | None] = {}
            for version in versions:
                texts.update(agent_texts(_agents.agent_version(ctx, agent_id, version), f"version {version}"))
            found = secret_fields(texts)
            evidence: dict[str, EvidenceValue] = {"agent_name": summary.get("agentName"),
                                                  "versions": list(versions), "fields_with_secrets": found}
            if found:
                ctx.failed(f"a credential-shaped value is written in {', '.join(found)}", evidence)
            else:
                ctx.passed(f"no credential-shaped value in {len(texts)} instruction and prompt field(s)", evidence)


@check(
    id="bedrock_agent.prompt_no_secrets",
    title="Bedrock managed prompts hold no credentials",
    description="No variant of a prompt in Bedrock Prompt management (text template, chat message or system "
    "prompt) holds a credential-shaped value.",
    rationale=(
        "Managed prompts are system prompts: what the model is told, and will repeat when asked cleverly. "
        "A credential there reaches every caller of the prompt and every reader of the prompt store."
    ),
    remediation=SECRET_REMEDIATION,
    service="bedrock-agent",
    scope="regional",
    resource_type="Other",
    severity="high",
    boundaries=["model", "data"],
    csf=["PR.DS-01", "PR.AA-01"],
    owasp_llm=["LLM06", "LLM07:2025", "LLM02:2025"],
    permissions=["bedrock:ListPrompts", "bedrock:GetPrompt"],
    atlas=["AML.T0055", "AML.T0056", "AML.T0083"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    owasp_agentic=["ASI03"],
    eu_ai_act=["Art. 15"],
)
def prompt_no_secrets(ctx: CheckContext) -> None:
    for summary in prompts(ctx):
        with ctx.resource(summary["id"], arn=summary.get("arn")):
            texts = prompt_texts(ctx.call("bedrock-agent", "get_prompt", promptIdentifier=summary["id"]))
            found = secret_fields(texts)
            evidence: dict[str, EvidenceValue] = {"prompt_name": summary.get("name"), "fields_with_secrets": found}
            if found:
                ctx.failed(f"a credential-shaped value is written in {', '.join(found)}", evidence)
            else:
                ctx.passed(f"no credential-shaped value in {len(texts)} prompt field(s)", evidence)
