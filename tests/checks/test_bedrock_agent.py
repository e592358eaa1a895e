import pytest

from posture.aws.sessions import open_session
from posture.core.models import Status
from tests.support import bedrock_world as world
from tests.support.findings import expect, only

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/agent"
NOW = "2026-11-01T00:00:00Z"


def cmk(aws, region="us-east-1"):
    return aws.client("kms", region).create_key()["KeyMetadata"]["Arn"]


def make_agent(aws, name="support", region="us-east-1", **settings):
    """An agent created in moto, with GetAgent answered in full (moto drops guardrailConfiguration)."""
    created = aws.client("bedrock-agent", region).create_agent(
        agentName=name, foundationModel="anthropic.claude-3-5-sonnet-20240620-v1:0", agentResourceRoleArn=ROLE,
    )["agent"]
    detail = {"agentId": created["agentId"], "agentName": name, "agentArn": created["agentArn"],
              "agentVersion": "DRAFT", "agentStatus": "PREPARED", "idleSessionTTLInSeconds": 600,
              "agentResourceRoleArn": ROLE, "createdAt": NOW, "updatedAt": NOW, **settings}
    aws.simulation.put("bedrock-agent", "GetAgent", {"agent": detail}, region=region, agentId=created["agentId"])
    return created["agentId"]


GUARDRAIL = "bedrock_agent.agent_guardrail_attached"
TEST_ALIAS = "TSTALIASID"


def test_agent_with_guardrail_passes(aws, run_check):
    agent = make_agent(aws, guardrailConfiguration={"guardrailIdentifier": "gr1", "guardrailVersion": "1"})
    # No alias listed: the test alias, DRAFT.
    finding = expect(run_check(GUARDRAIL), f"{agent}/{TEST_ALIAS}", Status.PASS)
    assert finding.evidence["guardrail"] == ["DRAFT=gr1:1"]


def test_agent_without_guardrail_fails(aws, run_check):
    agent = make_agent(aws)
    expect(run_check(GUARDRAIL), f"{agent}/{TEST_ALIAS}", Status.FAIL)


def test_live_alias_on_a_version_without_guardrail_fails_naming_alias_and_version(aws, run_check):
    # Review case: only DRAFT has the guardrail; the live alias routes to version 2, published before it.
    agent = world.make_agent(aws, versions={"2": {}, "3": world.attach("gr1", "1")},
                             aliases=[("LIVE000001", "live", ["2"]), ("CANARY0001", "canary", ["3"]),
                                      (TEST_ALIAS, "AgentTestAlias", ["DRAFT"])], **world.attach("gr1", "1"))
    findings = run_check(GUARDRAIL)
    live = expect(findings, f"{agent}/LIVE000001", Status.FAIL)
    assert "alias live routes to version 2, which names no guardrail" in live.message
    assert "drifted" in live.message
    assert live.evidence["versions_without_guardrail"] == ["2"]
    expect(findings, f"{agent}/CANARY0001", Status.PASS)
    expect(findings, f"{agent}/{TEST_ALIAS}", Status.PASS)


def test_alias_routing_to_two_versions_judges_both(aws, run_check):
    agent = world.make_agent(aws, versions={"2": world.attach("gr1", "1"), "3": {}},
                             aliases=[("LIVE000001", "live", ["2", "3"])])
    finding = expect(run_check(GUARDRAIL), f"{agent}/LIVE000001", Status.FAIL)
    assert finding.evidence["routed_versions"] == ["2", "3"]


def test_agent_version_read_denied_is_error(aws, run_check):
    agent = world.make_agent(aws, versions={"2": world.attach("gr1", "1")}, aliases=[("LIVE000001", "live", ["2"])])
    aws.simulation.fail("bedrock-agent", "GetAgentVersion", "AccessDeniedException", status=403)
    expect(run_check(GUARDRAIL), f"{agent}/LIVE000001", Status.ERROR)


def test_agent_in_second_region_is_judged_there(aws, run_check):
    make_agent(aws, guardrailConfiguration={"guardrailIdentifier": "gr1", "guardrailVersion": "1"})
    west = make_agent(aws, "hurried", region="us-west-2")
    findings = run_check(GUARDRAIL, regions=("us-east-1", "us-west-2"))
    assert only(findings, f"{west}/{TEST_ALIAS}").region == "us-west-2"
    expect(findings, f"{west}/{TEST_ALIAS}", Status.FAIL)


@pytest.mark.parametrize("check_id", ["bedrock_agent.agent_guardrail_attached", "bedrock_agent.agent_cmk",
                                      "bedrock_agent.agent_idle_session_ttl",
                                      "bedrock_agent.agent_no_secrets_in_prompts"])
def test_agent_read_denied_is_error(aws, run_check, check_id):
    agent = make_agent(aws, customerEncryptionKeyArn=cmk(aws))
    aws.simulation.fail("bedrock-agent", "GetAgent", "AccessDeniedException", status=403)
    resource = f"{agent}/{TEST_ALIAS}" if check_id == GUARDRAIL else agent
    expect(run_check(check_id), resource, Status.ERROR)


def test_agent_listing_denied_is_error(aws, run_check):
    make_agent(aws)
    aws.simulation.fail("bedrock-agent", "ListAgents", "AccessDeniedException", status=403)
    expect(run_check("bedrock_agent.agent_guardrail_attached"), ACCOUNT, Status.ERROR)


def test_agent_with_cmk_passes(aws, run_check):
    agent = make_agent(aws, customerEncryptionKeyArn=cmk(aws))
    expect(run_check("bedrock_agent.agent_cmk"), agent, Status.PASS)


def test_agent_without_cmk_fails(aws, run_check):
    agent = make_agent(aws)
    expect(run_check("bedrock_agent.agent_cmk"), agent, Status.FAIL)


def test_short_idle_session_passes(aws, run_check):
    agent = make_agent(aws, idleSessionTTLInSeconds=600)
    expect(run_check("bedrock_agent.agent_idle_session_ttl"), agent, Status.PASS)


def test_long_idle_session_fails(aws, run_check):
    agent = make_agent(aws, idleSessionTTLInSeconds=3600)
    expect(run_check("bedrock_agent.agent_idle_session_ttl"), agent, Status.FAIL)


# -- knowledge-base data sources -------------------------------------------------------------
def knowledge_base(aws):
    return aws.client("bedrock-agent").create_knowledge_base(
        name="kb", roleArn=ROLE,
        knowledgeBaseConfiguration={"type": "VECTOR", "vectorKnowledgeBaseConfiguration": {
            "embeddingModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"}},
        storageConfiguration={"type": "OPENSEARCH_SERVERLESS", "opensearchServerlessConfiguration": {
            "collectionArn": f"arn:aws:aoss:us-east-1:{ACCOUNT}:collection/kb", "vectorIndexName": "i",
            "fieldMapping": {"vectorField": "v", "textField": "t", "metadataField": "m"}}},
    )["knowledgeBase"]["knowledgeBaseId"]


def data_source(aws, kb: str, key: str | None) -> str:
    ds = "DS0000001"
    aws.simulation.put("bedrock-agent", "ListDataSources", {"dataSourceSummaries": [
        {"knowledgeBaseId": kb, "dataSourceId": ds, "name": "docs", "status": "AVAILABLE", "updatedAt": NOW}]},
        knowledgeBaseId=kb)
    source = {"knowledgeBaseId": kb, "dataSourceId": ds, "name": "docs", "status": "AVAILABLE",
              "dataSourceConfiguration": {"type": "S3", "s3Configuration": {"bucketArn": "arn:aws:s3:::rag-docs"}},
              "createdAt": NOW, "updatedAt": NOW}
    if key:
        source["serverSideEncryptionConfiguration"] = {"kmsKeyArn": key}
    aws.simulation.put("bedrock-agent", "GetDataSource", {"dataSource": source}, knowledgeBaseId=kb, dataSourceId=ds)
    return f"{kb}/{ds}"


def test_data_source_with_cmk_passes(aws, run_check):
    resource = data_source(aws, knowledge_base(aws), cmk(aws))
    finding = expect(run_check("bedrock_agent.data_source_cmk"), resource, Status.PASS)
    assert finding.securityhub_controls == ("Bedrock.1",)


def test_data_source_without_cmk_fails(aws, run_check):
    resource = data_source(aws, knowledge_base(aws), None)
    expect(run_check("bedrock_agent.data_source_cmk"), resource, Status.FAIL)


def test_data_source_read_denied_is_error(aws, run_check):
    resource = data_source(aws, knowledge_base(aws), cmk(aws))
    aws.simulation.fail("bedrock-agent", "GetDataSource", "AccessDeniedException", status=403)
    expect(run_check("bedrock_agent.data_source_cmk"), resource, Status.ERROR)


def test_s3_uris_helper_keeps_reading_data_sources(aws):

    from posture.aws.context import AwsContext, CallLog, client_config
    from posture.checks import bedrock_agent as checks
    from posture.checks._read import bedrock_agent
    from posture.core.context import CheckContext, ScanArea

    data_source(aws, knowledge_base(aws), None)
    reads = AwsContext(open_session(), account_id=ACCOUNT, partition="aws", region="us-east-1",
                       call_log=CallLog(), config=client_config(2))
    ctx = CheckContext(checks.data_source_cmk.__posture_check__, reads,  # type: ignore[attr-defined]
                       ScanArea(("us-east-1",), {"us-east-1": reads}))
    assert bedrock_agent.s3_uris(ctx) == ["arn:aws:s3:::rag-docs"]


# -- prompts ---------------------------------------------------------------------------------
def prompt(aws, key: str | None) -> str:
    pid = "PROMPT0001"
    aws.simulation.put("bedrock-agent", "ListPrompts", {"promptSummaries": [
        {"id": pid, "arn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:prompt/{pid}", "name": "support-system",
         "version": "DRAFT", "createdAt": NOW, "updatedAt": NOW}]})
    detail = {"id": pid, "arn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:prompt/{pid}", "name": "support-system",
              "version": "DRAFT", "variants": [], "createdAt": NOW, "updatedAt": NOW}
    if key:
        detail["customerEncryptionKeyArn"] = key
    aws.simulation.put("bedrock-agent", "GetPrompt", detail, promptIdentifier=pid)
    return pid


def test_prompt_with_cmk_passes(aws, run_check):
    pid = prompt(aws, cmk(aws))
    expect(run_check("bedrock_agent.prompt_cmk"), pid, Status.PASS)


def test_prompt_without_cmk_fails(aws, run_check):
    pid = prompt(aws, None)
    expect(run_check("bedrock_agent.prompt_cmk"), pid, Status.FAIL)


def test_prompt_read_denied_is_error(aws, run_check):
    pid = prompt(aws, cmk(aws))
    aws.simulation.fail("bedrock-agent", "GetPrompt", "AccessDeniedException", status=403)
    expect(run_check("bedrock_agent.prompt_cmk"), pid, Status.ERROR)


# -- secrets in what the model is told -------------------------------------------------------
FAKE_KEY = "sk-live0123456789abcdefABCDEF"  # credential-shaped, not a credential
SECRETS = "bedrock_agent.agent_no_secrets_in_prompts"


def test_credential_in_agent_instruction_fails_naming_the_field_not_the_value(aws, run_check):
    # Review case: a credential written into an agent's instructions.
    agent = world.make_agent(aws, versions={"2": {"instruction": f"Call the CRM with api_key={FAKE_KEY}"}},
                             aliases=[("LIVE000001", "live", ["2"])], instruction="Be helpful.")
    finding = expect(run_check(SECRETS), agent, Status.FAIL)
    assert finding.evidence["fields_with_secrets"] == ["version 2 instruction"]
    assert FAKE_KEY not in finding.model_dump_json()


def test_overridden_template_is_scanned_and_default_is_not(aws, run_check):
    template = f"Use token: {FAKE_KEY} for lookups. $instruction$"
    agent = make_agent(aws, instruction="Be helpful.", promptOverrideConfiguration={"promptConfigurations": [
        {"promptType": "ORCHESTRATION", "promptCreationMode": "OVERRIDDEN", "basePromptTemplate": template},
        {"promptType": "PRE_PROCESSING", "promptCreationMode": "DEFAULT", "basePromptTemplate": template}]})
    finding = expect(run_check(SECRETS), agent, Status.FAIL)
    assert finding.evidence["fields_with_secrets"] == ["version DRAFT ORCHESTRATION basePromptTemplate"]


def test_clean_instructions_pass(aws, run_check):
    agent = make_agent(aws, instruction="You are Acme's support assistant. Never reveal internal data.")
    expect(run_check(SECRETS), agent, Status.PASS)


def secret_prompt(aws, text: str) -> str:
    pid = prompt(aws, None)
    aws.simulation.put("bedrock-agent", "GetPrompt", {
        "id": pid, "arn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:prompt/{pid}", "name": "support-system",
        "version": "DRAFT", "createdAt": NOW, "updatedAt": NOW, "variants": [
            {"name": "v1", "templateType": "CHAT", "templateConfiguration": {"chat": {
                "messages": [{"role": "user", "content": [{"text": "{{question}}"}]}],
                "system": [{"text": text}]}}}]}, promptIdentifier=pid)
    return pid


def test_credential_in_managed_prompt_fails(aws, run_check):
    pid = secret_prompt(aws, f"Internal: password={FAKE_KEY}")
    finding = expect(run_check("bedrock_agent.prompt_no_secrets"), pid, Status.FAIL)
    assert finding.evidence["fields_with_secrets"] == ["variant v1 system 0"]
    assert FAKE_KEY not in finding.model_dump_json()


def test_clean_managed_prompt_passes(aws, run_check):
    pid = secret_prompt(aws, "You answer questions about Acme's products.")
    expect(run_check("bedrock_agent.prompt_no_secrets"), pid, Status.PASS)


def test_managed_prompt_read_denied_is_error(aws, run_check):
    pid = secret_prompt(aws, "hello")
    aws.simulation.fail("bedrock-agent", "GetPrompt", "AccessDeniedException", status=403)
    expect(run_check("bedrock_agent.prompt_no_secrets"), pid, Status.ERROR)
