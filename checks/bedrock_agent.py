"""Amazon Bedrock Agents, Knowledge Bases and Prompt management (the bedrock-agent API)."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from posture.api import CheckContext, EvidenceValue, Family, Reads, ahead
from posture.checks import _agents, _exposure
from posture.checks._keys import CMK_READS, judge_cmk
from posture.checks._read import bedrock_agent, opensearchserverless, rds, s3vectors
from posture.checks._read.bedrock import DRAFT
from posture.checks._read.bedrock_agent import agents, knowledge_base, knowledge_bases
from posture.checks._secrets import secret_fields

check = Family(
    service="bedrock-agent",
    scope="regional",
    resource_type="Other",
    boundaries=["data"],
    service_docs="https://docs.aws.amazon.com/bedrock/latest/userguide/security.html",
)

MAX_IDLE_SESSION_TTL = 1800  # seconds; AWS's default is 600
# What the checks of an agent's versions in use read: its aliases and the versions they route to.
IN_USE_READS = Reads(bedrock_agent.ROUTE_READS, bedrock_agent.VERSION_READS)


def _agents_ahead(ctx: CheckContext) -> list[dict[str, Any]]:
    """The region's agents, each read in full side by side (the checks read them again in each agent's scope)."""
    listed = agents(ctx)
    ahead(ctx, lambda summary: bedrock_agent.agent(ctx, summary["agentId"]), listed)
    return listed


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
    remediation="`aws bedrock-agent update-agent --agent-id <id> --agent-name <agent-name> --foundation-model "
                "<foundation-model> --agent-resource-role-arn <agent-resource-role-arn> --guardrail-configuration "
                "guardrailIdentifier=<guardrail-id>,guardrailVersion=<n>`, `aws bedrock-agent prepare-agent`, then "
                "publish a version and point the alias at it (`aws bedrock-agent update-agent-alias --agent-id "
                "<agent-id> --agent-alias-id <agent-alias-id> --agent-alias-name <agent-alias-name> "
                "--routing-configuration agentVersion=<new>`).",
    severity="high",
    boundaries=["model", "application"],
    maps=["PR.DS-10", "PR.PS-01", "LLM01", "LLM01:2025", "LLM06:2025", "LLM08", "AML.M0020", "AML.T0051",
        "AML.T0051.001", "AML.T0053", "AML.T0054", "MANAGE 1.3", "MEASURE 2.6", "MEASURE 2.7", "A.6.2.5", "A.6.2.6",
        "ASI01", "ASI02", "Art. 15"],
    reads=[IN_USE_READS],
)
def agent_guardrail_attached(ctx: CheckContext) -> None:
    listed = agents(ctx)
    ahead(ctx, lambda summary: [bedrock_agent.agent_version(ctx, summary["agentId"], version)
                                for version in [DRAFT, *(r.version for r in bedrock_agent.agent_routes(ctx, summary))]],
          listed)
    for summary in listed:
        agent_id, routes = summary["agentId"], []
        with _agent_scope(ctx, summary):
            routes = bedrock_agent.agent_routes(ctx, summary)
            ctx.skip()  # judged per alias below; a failed alias listing is this agent's ERROR
        by_alias: dict[str, list[bedrock_agent.Route]] = {}
        for route in routes:
            by_alias.setdefault(route.alias_id, []).append(route)
        for alias_id, alias_routes in by_alias.items():
            with _alias_scope(ctx, agent_id, alias_id):
                versions = {r.version: _agents.guardrail_of(bedrock_agent.agent_version(ctx, agent_id, r.version))
                            for r in alias_routes}
                draft = _agents.guardrail_of(bedrock_agent.agent(ctx, agent_id))
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
    remediation="`aws bedrock-agent update-agent --agent-id <id> --agent-name <agent-name> --foundation-model "
                "<foundation-model> --agent-resource-role-arn <agent-resource-role-arn> "
                "--customer-encryption-key-arn <key-arn>`.",
    severity="medium",
    boundaries=["model", "data"],
    maps=["PR.DS-01", "LLM02:2025", "LLM06", "LLM07:2025", "AML.M0012", "AML.T0056", "AML.T0084", "MEASURE 2.10",
        "MEASURE 2.7", "A.6.2.6", "ASI06", "Art. 15"],
    reads=[bedrock_agent.AGENT, CMK_READS],
)
def agent_cmk(ctx: CheckContext) -> None:
    for summary in _agents_ahead(ctx):
        with _agent_scope(ctx, summary):
            key = bedrock_agent.agent(ctx, summary["agentId"]).get("customerEncryptionKeyArn")
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
    remediation="`aws bedrock-agent update-agent --agent-id <id> --agent-name <agent-name> --foundation-model "
                "<foundation-model> --agent-resource-role-arn <agent-resource-role-arn> "
                "--idle-session-ttl-in-seconds 600` then prepare the agent.",
    severity="low",
    boundaries=["model", "application"],
    maps=["PR.AA-05", "PR.DS-10", "LLM02:2025", "LLM06", "AML.T0091", "AML.T0092", "MEASURE 2.10", "MEASURE 2.7",
        "A.6.2.6", "ASI03", "ASI06", "Art. 15"],
    reads=[bedrock_agent.AGENT],
)
def agent_idle_session_ttl(ctx: CheckContext) -> None:
    for summary in _agents_ahead(ctx):
        with _agent_scope(ctx, summary):
            ttl = bedrock_agent.agent(ctx, summary["agentId"]).get("idleSessionTTLInSeconds")
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
    remediation="`aws bedrock-agent update-data-source --knowledge-base-id <kb> --data-source-id <ds> --name <name> "
                "--data-source-configuration <data-source-configuration> --server-side-encryption-configuration "
                "kmsKeyArn=<key-arn>`.",
    severity="medium",
    maps=["PR.DS-01", "LLM02:2025", "LLM03", "LLM06", "LLM08:2025", "Bedrock.1", "AML.M0012", "AML.T0035",
        "AML.T0085.000", "MEASURE 2.10", "MEASURE 2.7", "A.6.2.6", "A.7.2", "ASI06", "Art. 15"],
    reads=[bedrock_agent.DATA_SOURCE_READS, CMK_READS],
)
def data_source_cmk(ctx: CheckContext) -> None:
    listed = knowledge_bases(ctx)
    bedrock_agent.data_sources_ahead(ctx, [kb["knowledgeBaseId"] for kb in listed], bedrock_agent.data_source)
    for kb in listed:
        kb_id = kb["knowledgeBaseId"]
        for summary in bedrock_agent.data_source_summaries(ctx, kb_id):
            with ctx.resource(f"{kb_id}/{summary['dataSourceId']}",
                              arn=ctx.arn("bedrock", f"knowledge-base/{kb_id}")):
                source = bedrock_agent.data_source(ctx, kb_id, summary["dataSourceId"])
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
    remediation="`aws bedrock-agent update-prompt --prompt-identifier <id> --name <name> "
                "--customer-encryption-key-arn <key-arn>`, then create a new prompt version.",
    severity="low",
    boundaries=["model", "data"],
    maps=["PR.DS-01", "LLM06", "LLM07:2025", "AML.M0012", "AML.T0056", "AML.T0081", "MEASURE 2.7", "A.6.2.6", "ASI01",
        "Art. 15"],
    reads=[bedrock_agent.PROMPT, CMK_READS],
)
def prompt_cmk(ctx: CheckContext) -> None:
    for summary in _prompts_ahead(ctx):
        with ctx.resource(summary["id"], arn=summary.get("arn")):
            detail = bedrock_agent.prompt(ctx, summary["id"])
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


def _prompts_ahead(ctx: CheckContext) -> list[dict[str, Any]]:
    """The region's managed prompts, each read in full side by side (read again in each prompt's scope)."""
    listed = bedrock_agent.prompts(ctx)
    ahead(ctx, lambda summary: bedrock_agent.prompt(ctx, summary["id"]), listed)
    return listed


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
    severity="high",
    boundaries=["model", "application"],
    maps=["PR.AA-01", "PR.DS-01", "LLM02:2025", "LLM06", "LLM07:2025", "AML.T0055", "AML.T0056", "AML.T0083",
        "MEASURE 2.7", "A.6.2.6", "ASI03", "Art. 15"],
    reads=[IN_USE_READS],
)
def agent_no_secrets_in_prompts(ctx: CheckContext) -> None:
    listed = agents(ctx)
    ahead(ctx, lambda summary: [bedrock_agent.agent_version(ctx, summary["agentId"], version)
                                for version in bedrock_agent.versions_in_use(ctx, summary["agentId"])], listed)
    for summary in listed:
        with _agent_scope(ctx, summary):
            agent_id = summary["agentId"]
            versions = dict.fromkeys([DRAFT, *bedrock_agent.versions_in_use(ctx, agent_id)])
            texts: dict[str, str | None] = {}
            for version in versions:
                texts.update(agent_texts(bedrock_agent.agent_version(ctx, agent_id, version), f"version {version}"))
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
    severity="high",
    boundaries=["model", "data"],
    maps=["PR.AA-01", "PR.DS-01", "LLM02:2025", "LLM06", "LLM07:2025", "AML.T0055", "AML.T0056", "AML.T0083",
        "MEASURE 2.7", "A.6.2.6", "ASI03", "Art. 15"],
    reads=[bedrock_agent.PROMPT],
)
def prompt_no_secrets(ctx: CheckContext) -> None:
    for summary in _prompts_ahead(ctx):
        with ctx.resource(summary["id"], arn=summary.get("arn")):
            texts = prompt_texts(bedrock_agent.prompt(ctx, summary["id"]))
            found = secret_fields(texts)
            evidence: dict[str, EvidenceValue] = {"prompt_name": summary.get("name"), "fields_with_secrets": found}
            if found:
                ctx.failed(f"a credential-shaped value is written in {', '.join(found)}", evidence)
            else:
                ctx.passed(f"no credential-shaped value in {len(texts)} prompt field(s)", evidence)


# -- knowledge-base vector stores ------------------------------------------------------------
# What a knowledge base's vector store is made of decides who can read the embedded documents:
# each store type is read through its own service (OpenSearch Serverless security policies, the
# S3 Vectors bucket, the Aurora cluster) and judged by value. Store types the checks cannot read
# from AWS (Pinecone, Redis Enterprise Cloud, MongoDB Atlas: outside AWS; managed OpenSearch and
# Neptune Analytics: not yet read) are reported as not judged, never passed.
AOSS, S3_VECTORS, RDS = "OPENSEARCH_SERVERLESS", "S3_VECTORS", "RDS"
STORE_ARN_KEYS = {
    AOSS: ("opensearchServerlessConfiguration", "collectionArn"),
    S3_VECTORS: ("s3VectorsConfiguration", "vectorBucketArn"),
    RDS: ("rdsConfiguration", "resourceArn"),
    "OPENSEARCH_MANAGED_CLUSTER": ("opensearchManagedClusterConfiguration", "domainArn"),
    "NEPTUNE_ANALYTICS": ("neptuneAnalyticsConfiguration", "graphArn"),
}
# What the vector-store checks read: each store type through its own service.
STORE_READS = Reads(opensearchserverless.BATCH_GET_COLLECTION, opensearchserverless.SECURITY_POLICY_READS,
                    s3vectors.GET_VECTOR_BUCKET, s3vectors.GET_VECTOR_BUCKET_POLICY, s3vectors.GET_INDEX,
                    rds.DESCRIBE_DB_CLUSTERS, rds.DESCRIBE_DB_INSTANCES)
AOSS_OWNED_KEY = "auto"  # BatchGetCollection's kmsKeyArn when an AWS owned key encrypts the collection


def vector_store(detail: dict[str, Any]) -> tuple[str | None, str | None]:
    """(storage type, the store's ARN) of a knowledge base; (None, None) for one without a vector store
    (Kendra, SQL and managed knowledge bases)."""
    storage = detail.get("storageConfiguration") or {}
    kind = storage.get("type")
    if not kind:
        return None, None
    section, key = STORE_ARN_KEYS.get(kind, ("", ""))
    config = storage.get(section) or {}
    if kind == S3_VECTORS and not config.get(key) and config.get("indexArn"):
        return kind, str(config["indexArn"]).split("/index/", 1)[0]  # the index's bucket
    return kind, config.get(key)


def _kb_scope(ctx: CheckContext, summary: dict[str, Any]) -> Any:
    kb_id = summary["knowledgeBaseId"]
    return ctx.resource(kb_id, arn=summary.get("knowledgeBaseArn") or ctx.arn("bedrock", f"knowledge-base/{kb_id}"))


# OpenSearch Serverless: security policies match collections by name pattern ("collection/<name>",
# "collection/<prefix>*"); a knowledge base names its collection by ARN, which carries the collection's id.
def aoss_rule_matches(rule: dict[str, Any], collection_name: str) -> bool:
    """Whether one policy rule covers the collection itself (ResourceType collection, name pattern)."""
    if rule.get("ResourceType") != "collection":
        return False
    patterns = rule.get("Resource") or []
    return any(isinstance(p, str) and fnmatchcase(f"collection/{collection_name}", p)
               for p in ([patterns] if isinstance(patterns, str) else patterns))


def aoss_network_exposure(collection_name: str, policies: list[tuple[str, Any]]) -> tuple[list[str], list[str]]:
    """(policies that open the collection's endpoint to the internet, all policies that cover it). Network
    policies add up: one rule set with AllowFromPublic true over the collection makes it public."""
    public: list[str] = []
    covering: list[str] = []
    for name, document in policies:
        for rule_set in document if isinstance(document, list) else [document]:
            if not isinstance(rule_set, dict):
                continue
            if any(aoss_rule_matches(r, collection_name) for r in rule_set.get("Rules") or [] if isinstance(r, dict)):
                covering.append(name)
                if rule_set.get("AllowFromPublic") is True:
                    public.append(name)
    return sorted(set(public)), sorted(set(covering))


def aoss_key(collection: dict[str, Any], policies: list[tuple[str, Any]]) -> tuple[str, str | None, list[str]]:
    """How an OpenSearch Serverless collection is encrypted: ("cmk" | "aws_owned" | "unknown", key ARN,
    the encryption policies naming it). The collection's kmsKeyArn is the key in force (a policy applies when
    a collection is created); without one, the encryption policies that match its name decide."""
    name = str(collection.get("name", ""))
    matching = []
    for policy_name, document in policies:
        rules = document.get("Rules") if isinstance(document, dict) else None
        if any(aoss_rule_matches(r, name) for r in rules or [] if isinstance(r, dict)):
            matching.append((policy_name, document))
    names = sorted(n for n, _ in matching)
    key = collection.get("kmsKeyArn")
    if key:
        return ("aws_owned", None, names) if key == AOSS_OWNED_KEY else ("cmk", str(key), names)
    keys = {(d.get("AWSOwnedKey") is not False, d.get("KmsARN")) for _, d in matching}
    if len(keys) != 1:
        return "unknown", None, names
    owned, kms_arn = keys.pop()
    return ("aws_owned", None, names) if owned or not kms_arn else ("cmk", str(kms_arn), names)


# S3 Vectors: the vector bucket's policy decides who may query it; the index's encryption, or the
# bucket's where the index sets none, encrypts the vectors.
def s3_vectors_public(policy: Any, account_id: str) -> tuple[list[str], list[str]]:
    """(statements of the vector bucket policy that let anyone in, other outside-account callers)."""
    if not policy:
        return [], []
    found = _exposure.exposure(policy, _exposure.VECTOR_ACTIONS, account_id=account_id)
    public = sorted({label for o in found if o.public for label in o.statements})
    outside = sorted({o.principal for o in found if not o.public})
    return public, outside


def s3_vectors_key(bucket: dict[str, Any], index: dict[str, Any] | None) -> tuple[str | None, str]:
    """(the KMS key ARN, or None for SSE-S3, and where the setting came from: the index, else its bucket)."""
    own = (index or {}).get("encryptionConfiguration")
    config, source = (own, "index") if own else (bucket.get("encryptionConfiguration") or {}, "bucket")
    if config.get("sseType") == "aws:kms" and config.get("kmsKeyArn"):
        return str(config["kmsKeyArn"]), source
    return None, source


# Aurora (RDS): a knowledge base names the DB cluster; its instances carry PubliclyAccessible.
def rds_public(cluster: dict[str, Any], instances: list[dict[str, Any]]) -> list[str]:
    """The cluster (Multi-AZ DB clusters) and instances that are publicly accessible."""
    found = [str(cluster.get("DBClusterIdentifier"))] if cluster.get("PubliclyAccessible") else []
    return found + sorted(str(i.get("DBInstanceIdentifier")) for i in instances if i.get("PubliclyAccessible"))


def _store_evidence(detail: dict[str, Any], kind: str, arn: str | None) -> dict[str, EvidenceValue]:
    return {"knowledge_base": detail.get("name"), "store_type": kind, "store": arn}


def _not_judged(ctx: CheckContext, kind: str, arn: str | None, evidence: dict[str, EvidenceValue]) -> None:
    ctx.error(f"vector stores of type {kind} are not judged by this check" if arn or kind not in STORE_ARN_KEYS
              else f"the {kind} store names no ARN", evidence)



def _store(ctx: CheckContext, summary: dict[str, Any]
           ) -> tuple[dict[str, Any], str, str | None, dict[str, EvidenceValue]] | None:
    """In the knowledge base's scope: its detail, its vector store's kind and ARN, and the evidence; None (the
    knowledge base skipped) when it has no vector store (Kendra, SQL or managed knowledge base)."""
    detail = knowledge_base(ctx, summary["knowledgeBaseId"])
    kind, arn = vector_store(detail)
    if kind is None:
        ctx.skip()
        return None
    return detail, kind, arn, _store_evidence(detail, kind, arn)


def _knowledge_bases_ahead(ctx: CheckContext) -> list[dict[str, Any]]:
    """The region's knowledge bases, each read in full side by side (read again in each one's scope)."""
    listed = knowledge_bases(ctx)
    ahead(ctx, lambda summary: knowledge_base(ctx, summary["knowledgeBaseId"]), listed)
    return listed


@check(
    id="bedrock_agent.kb_vector_store_not_public",
    title="Knowledge-base vector stores are not reachable from the internet",
    description="The vector store of each Bedrock knowledge base is private: no OpenSearch Serverless network "
    "policy with AllowFromPublic true covers its collection (matched by name pattern); no statement of its S3 "
    "Vectors bucket policy lets any principal in; no instance of its Aurora cluster is publicly accessible. "
    "Other store types are reported as not judged.",
    rationale=(
        "The vector store holds the embedded chunks of every document the knowledge base ingested, and the "
        "text beside them. Open to the internet, it can be read (and with write access, poisoned) without going "
        "through the application, its guardrail or its authorization."
    ),
    remediation="OpenSearch Serverless: `aws opensearchserverless update-security-policy --type network --name "
    "<policy> --policy-version <v> --policy '[{\"Rules\":[{\"ResourceType\":\"collection\",\"Resource\":"
    "[\"collection/<name>\"]}],\"AllowFromPublic\":false,\"SourceServices\":[\"bedrock.amazonaws.com\"],"
    "\"SourceVPCEs\":[\"<vpce>\"]}]'`; S3 Vectors: remove the Principal \"*\" statements (`aws s3vectors "
    "put-vector-bucket-policy`); Aurora: `aws rds modify-db-instance --db-instance-identifier <id> "
    "--no-publicly-accessible`.",
    severity="high",
    maps=["PR.AA-05", "PR.IR-01", "LLM02:2025", "LLM03", "LLM06", "LLM08:2025", "AML.M0005", "AML.T0036", "AML.T0070",
        "MEASURE 2.10", "MEASURE 2.7", "A.6.2.6", "A.7.2", "ASI06", "Art. 10", "Art. 15"],
    reads=[bedrock_agent.KNOWLEDGE_BASE, STORE_READS],
    docs_url="https://docs.aws.amazon.com/bedrock/latest/userguide/knowledge-base-setup.html",
)
def kb_vector_store_not_public(ctx: CheckContext) -> None:
    for summary in _knowledge_bases_ahead(ctx):
        with _kb_scope(ctx, summary):
            store = _store(ctx, summary)
            if store is None:
                continue
            _, kind, arn, evidence = store
            if kind == AOSS and arn:
                collection, unread = opensearchserverless.collection(ctx, arn)
                if collection is None:
                    ctx.error(unread, evidence)
                    continue
                public, covering = aoss_network_exposure(str(collection.get("name")),
                                                         opensearchserverless.security_policies(ctx, "network"))
                facts = {**evidence, "collection": collection.get("name"), "public_policies": public,
                         "network_policies": covering}
                if public:
                    ctx.failed(f"network policy {public[0]} opens collection {collection.get('name')} to the "
                               "internet (AllowFromPublic)", facts)
                else:
                    ctx.passed(f"no network policy opens collection {collection.get('name')} to the internet "
                               f"({len(covering)} cover it)", facts)
            elif kind == S3_VECTORS and arn:
                public, outside = s3_vectors_public(s3vectors.vector_bucket_policy(ctx, arn), ctx.account_id)
                facts = {**evidence, "public_statements": public, "outside_account": outside}
                if public:
                    ctx.failed(f"the vector bucket policy lets anyone in ({', '.join(public)})", facts)
                else:
                    ctx.passed("no statement of the vector bucket policy lets any principal in", facts)
            elif kind == RDS and arn:
                cluster = rds.db_cluster(ctx, arn)
                exposed = rds_public(cluster, rds.db_instances(ctx, cluster))
                facts = {**evidence, "publicly_accessible": exposed}
                if exposed:
                    ctx.failed(f"{', '.join(exposed)} of the Aurora store is publicly accessible", facts)
                else:
                    ctx.passed("no instance of the Aurora store is publicly accessible", facts)
            else:
                _not_judged(ctx, kind, arn, evidence)


@check(
    id="bedrock_agent.kb_vector_store_cmk",
    title="Knowledge-base vector stores are encrypted with a customer managed key",
    description="The vector store of each Bedrock knowledge base is encrypted with a customer managed KMS key: "
    "the key of its OpenSearch Serverless collection (kmsKeyArn, else the matching encryption policy's "
    "AWSOwnedKey false + KmsARN), its S3 Vectors index or bucket (sseType aws:kms + kmsKeyArn), or its Aurora "
    "cluster (StorageEncrypted with a KmsKeyId). Other store types are reported as not judged.",
    rationale=(
        "Embeddings can be inverted back to much of the text they encode, and the store keeps the chunks' text "
        "beside them. A customer managed key puts reading them under the account's key policy and leaves a "
        "CloudTrail record of every use."
    ),
    remediation="OpenSearch Serverless: create an encryption policy with "
                "`\"AWSOwnedKey\":false,\"KmsARN\":\"<key-arn>\"` for the collection's name, then re-create the "
                "collection and re-ingest (the key is fixed at creation); S3 Vectors: create the bucket or index "
                "with `--encryption-configuration sseType=aws:kms,kmsKeyArn=<key-arn>`; Aurora: restore an encrypted "
                "copy (`aws rds restore-db-cluster-from-snapshot --db-cluster-identifier <db-cluster-identifier> "
                "--snapshot-identifier <snapshot-identifier> --engine <engine> --kms-key-id <key-arn>`).",
    severity="medium",
    maps=["PR.DS-01", "LLM02:2025", "LLM06", "LLM08:2025", "AML.M0012", "AML.T0036", "MEASURE 2.10", "MEASURE 2.7",
        "A.4.3", "A.7.2", "ASI06", "Art. 15"],
    reads=[bedrock_agent.KNOWLEDGE_BASE, STORE_READS, CMK_READS],
    docs_url="https://docs.aws.amazon.com/bedrock/latest/userguide/encryption-kb.html",
)
def kb_vector_store_cmk(ctx: CheckContext) -> None:
    for summary in _knowledge_bases_ahead(ctx):
        with _kb_scope(ctx, summary):
            store = _store(ctx, summary)
            if store is None:
                continue
            detail, kind, arn, evidence = store
            if kind == AOSS and arn:
                collection, unread = opensearchserverless.collection(ctx, arn)
                if collection is None:
                    ctx.error(unread, evidence)
                    continue
                how, key, names = aoss_key(collection, opensearchserverless.security_policies(ctx, "encryption"))
                facts = {**evidence, "collection": collection.get("name"), "encryption_policies": names}
                if how == "unknown":
                    ctx.error(f"collection {collection.get('name')} reports no key and its encryption policies "
                              f"({', '.join(names) or 'none'}) do not name one", facts)
                else:
                    judge_cmk(ctx, key, f"collection {collection.get('name')}", facts)
            elif kind == S3_VECTORS and arn:
                index = s3vectors.vector_index(ctx, detail.get("storageConfiguration") or {})
                key, source = s3_vectors_key(s3vectors.vector_bucket(ctx, arn), index)
                judge_cmk(ctx, key, f"the vector {source}", {**evidence, "encryption_from": source})
            elif kind == RDS and arn:
                cluster = rds.db_cluster(ctx, arn)
                if not cluster.get("StorageEncrypted"):
                    ctx.failed(f"Aurora cluster {cluster.get('DBClusterIdentifier')} is not encrypted at rest",
                               {**evidence, "storage_encrypted": False})
                else:
                    judge_cmk(ctx, cluster.get("KmsKeyId"), f"Aurora cluster {cluster.get('DBClusterIdentifier')}",
                              {**evidence, "storage_encrypted": True})
            else:
                _not_judged(ctx, kind, arn, evidence)


# -- ingestion -------------------------------------------------------------------------------
IN_FLIGHT = ("STARTING", "IN_PROGRESS", "STOPPING")


def judge_ingestion(job: dict[str, Any] | None, max_failed: int = 0) -> tuple[str, str, dict[str, EvidenceValue]]:
    """("PASS" | "FAIL" | "ERROR", message, evidence) for a data source's most recent ingestion job."""
    if job is None:
        return "FAIL", "the data source was never ingested: the knowledge base holds none of its documents", {
            "last_job_status": None}
    status = str(job.get("status"))
    stats = job.get("statistics") or {}
    failed = int(stats.get("numberOfDocumentsFailed") or 0)
    evidence: dict[str, EvidenceValue] = {
        "last_job": job.get("ingestionJobId"), "last_job_status": status, "started_at": str(job.get("startedAt")),
        "documents_scanned": int(stats.get("numberOfDocumentsScanned") or 0), "documents_failed": failed}
    if status in IN_FLIGHT:
        return "ERROR", f"the last ingestion job is {status}: judged when it ends", evidence
    if status != "COMPLETE":
        return "FAIL", f"the last ingestion job {status}" + (f" ({failed} document(s) failed)" if failed else ""), \
            evidence
    if failed > max_failed:
        return "FAIL", f"the last ingestion job completed, but {failed} document(s) failed to ingest", evidence
    return "PASS", "the last ingestion job completed" + (f" ({failed} document(s) failed)" if failed else ""), evidence


@check(
    id="bedrock_agent.kb_ingestion_succeeded",
    title="Knowledge-base data sources were last ingested successfully",
    description="The most recent ingestion job of each data source of each Bedrock knowledge base "
    "(ListIngestionJobs by STARTED_AT, descending) is COMPLETE with no more failed documents than "
    "`[checks.bedrock_agent] max_failed_documents` (0). FAILED or STOPPED jobs, and data sources never "
    "ingested, fail; a job still running is judged when it ends.",
    rationale=(
        "A failed or stopped ingestion leaves the knowledge base answering from stale or partial content: "
        "revoked documents still retrievable, new ones missing. It is also the first trace of a data source "
        "changed under the team's feet (a bucket emptied, permissions removed, files crafted to break the parser)."
    ),
    remediation="Read the job's failure reasons (`aws bedrock-agent get-ingestion-job --knowledge-base-id <kb> "
    "--data-source-id <ds> --ingestion-job-id <job>`), fix the source or the knowledge base role, then `aws "
    "bedrock-agent start-ingestion-job --knowledge-base-id <kb> --data-source-id <ds>`.",
    severity="low",
    maps=["DE.CM-09", "PR.DS-01", "LLM03", "LLM04:2025", "LLM08:2025", "AML.T0059", "AML.T0070", "MANAGE 4.1",
        "MEASURE 2.4", "A.6.2.6", "A.7.4", "ASI06", "Art. 10"],
    reads=[bedrock_agent.LIST_KNOWLEDGE_BASES, bedrock_agent.LIST_DATA_SOURCES, bedrock_agent.LIST_INGESTION_JOBS],
    docs_url="https://docs.aws.amazon.com/bedrock/latest/userguide/kb-data-source-sync-ingest.html",
)
def kb_ingestion_succeeded(ctx: CheckContext) -> None:
    max_failed = ctx.setting("max_failed_documents", 0)
    listed = knowledge_bases(ctx)
    bedrock_agent.data_sources_ahead(ctx, [kb["knowledgeBaseId"] for kb in listed], bedrock_agent.last_ingestion_job)
    for kb in listed:
        kb_id, sources = kb["knowledgeBaseId"], []
        with ctx.resource(kb_id, arn=ctx.arn("bedrock", f"knowledge-base/{kb_id}")):
            sources = bedrock_agent.data_source_summaries(ctx, kb_id)
            ctx.skip()  # judged per data source below; a failed listing is this knowledge base's ERROR
        for summary in sources:
            with ctx.resource(f"{kb_id}/{summary['dataSourceId']}", arn=ctx.arn("bedrock", f"knowledge-base/{kb_id}")):
                job = bedrock_agent.last_ingestion_job(ctx, kb_id, summary["dataSourceId"])
                verdict, message, evidence = judge_ingestion(job, max_failed)
                facts = {"knowledge_base": kb.get("name"), "data_source": summary.get("name"), **evidence}
                {"PASS": ctx.passed, "FAIL": ctx.failed}.get(verdict, ctx.error)(message, facts)


def vector_buckets(ctx: CheckContext) -> list[_exposure.Target]:
    """The S3 vector buckets the region's knowledge bases store their vectors in (a knowledge base that cannot be
    read is its ERROR)."""
    found: dict[str, _exposure.Target] = {}
    for summary in _knowledge_bases_ahead(ctx):
        with _kb_scope(ctx, summary):
            kind, arn = vector_store(knowledge_base(ctx, summary["knowledgeBaseId"]))
            ctx.skip()  # judged as its vector bucket, below
            if kind != S3_VECTORS or not arn:
                continue
            found.setdefault(arn, _exposure.Target(arn.rsplit("/", 1)[-1], arn,
                                                   f"vector store of knowledge base {summary.get('name')}"))
    return list(found.values())


@check(
    id="bedrock_agent.kb_vector_bucket_outside_access",
    title="No one outside the account or its organization can query or write a knowledge base's vector bucket",
    description="The policy of every S3 vector bucket a knowledge base stores its vectors in lets no one outside "
    "this account and its organization query, read or write vectors or change its indexes. Judged by the one "
    "exposure question (checks/_exposure.py) over the S3 Vectors actions.",
    rationale=(
        "The vectors and the text stored beside them are the knowledge base's documents. Read from outside they "
        "leak; written from outside they poison every answer the knowledge base grounds."
    ),
    remediation="`aws s3vectors put-vector-bucket-policy --vector-bucket-arn <arn> --policy file://policy.json` "
    "naming only this organization's principals, or `aws s3vectors delete-vector-bucket-policy`.",
    severity="high",
    maps=["PR.AA-05", "LLM02:2025", "LLM03", "LLM08:2025", "AML.T0070", "ASI06", "MEASURE 2.7", "A.6.2.6"],
    reads=[bedrock_agent.KNOWLEDGE_BASE, s3vectors.GET_VECTOR_BUCKET, _exposure.KB_VECTOR_BUCKET.reads],
)
def kb_vector_bucket_outside_access(ctx: CheckContext) -> None:
    _exposure.judge(ctx, _exposure.KB_VECTOR_BUCKET, vector_buckets(ctx))


@check(
    id="bedrock_agent.knowledge_base_outside_access",
    title="No one outside the account or its organization can query or change a knowledge base",
    description="The resource policy of every knowledge base (bedrock-agent GetResourcePolicy) lets no one outside "
    "this account and its organization retrieve from it, change it or start its ingestion. Judged by the one "
    "exposure question (checks/_exposure.py). Bedrock agents have no resource policy: nothing to ask of them.",
    rationale=(
        "Retrieve returns the documents a knowledge base was built from; another account that may call it reads "
        "them without the application, its guardrail or its authorization."
    ),
    remediation="`aws bedrock-agent put-resource-policy --resource-arn <kb-arn> --policy file://p.json` naming "
    "only this organization's accounts, or `aws bedrock-agent delete-resource-policy --resource-arn <arn>`.",
    severity="high",
    maps=["PR.AA-05", "LLM02:2025", "LLM06", "AML.T0036", "ASI06", "MEASURE 2.7", "A.6.2.6"],
    reads=[bedrock_agent.LIST_KNOWLEDGE_BASES, _exposure.KNOWLEDGE_BASE.reads],
)
def knowledge_base_outside_access(ctx: CheckContext) -> None:
    _exposure.judge(ctx, _exposure.KNOWLEDGE_BASE,
                    [_exposure.Target(kb["knowledgeBaseId"], kb.get("knowledgeBaseArn") or ctx.arn(
                        "bedrock", f"knowledge-base/{kb['knowledgeBaseId']}"), "knowledge base", kb)
                     for kb in knowledge_bases(ctx)])


def kb_collections(ctx: CheckContext) -> list[_exposure.Target]:
    """The OpenSearch Serverless collections the region's knowledge bases store their vectors in (a knowledge
    base, or a collection, that cannot be read is that knowledge base's ERROR)."""
    found: dict[str, _exposure.Target] = {}
    for summary in _knowledge_bases_ahead(ctx):
        with _kb_scope(ctx, summary):
            kind, arn = vector_store(knowledge_base(ctx, summary["knowledgeBaseId"]))
            if kind != AOSS or not arn:
                ctx.skip()
                continue
            collection, unread = opensearchserverless.collection(ctx, arn)
            if collection is None:
                ctx.error(unread, {"store": arn})
                continue
            ctx.skip()  # judged as its collection, below
            found.setdefault(arn, _exposure.Target(str(collection.get("name")), arn,
                                                   f"vector store of knowledge base {summary.get('name')}"))
    return list(found.values())


@check(
    id="bedrock_agent.kb_collection_outside_access",
    title="No one outside the account or its organization can read or write a knowledge base's collection",
    description="The OpenSearch Serverless data access policies that cover the collection a knowledge base "
    "stores its vectors in (by collection or index name pattern) let no principal outside this account and its "
    "organization read or write its documents or indexes; SAML identities are a federated provider's. Judged by "
    "the one exposure question (checks/_exposure.py); the network policy is kb_vector_store_not_public's.",
    rationale=(
        "A data access policy is the collection's resource policy: a principal of another account it names reads "
        "the knowledge base's documents, or writes chunks every answer will be grounded on."
    ),
    remediation="`aws opensearchserverless update-access-policy --type data --name <policy> --policy-version <v> "
    "--policy file://policy.json` naming only this account's roles.",
    severity="high",
    maps=["PR.AA-05", "LLM02:2025", "LLM03", "LLM08:2025", "AML.T0070", "ASI06", "MEASURE 2.7", "A.6.2.6"],
    reads=[bedrock_agent.KNOWLEDGE_BASE, opensearchserverless.BATCH_GET_COLLECTION, _exposure.KB_COLLECTION.reads],
)
def kb_collection_outside_access(ctx: CheckContext) -> None:
    _exposure.judge(ctx, _exposure.KB_COLLECTION, kb_collections(ctx))
