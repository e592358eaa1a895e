import pytest

from posture.aws.sessions import open_session
from posture.core.models import Status
from tests.conftest import only

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


def test_agent_with_guardrail_passes(aws, run_check):
    agent = make_agent(aws, guardrailConfiguration={"guardrailIdentifier": "gr1", "guardrailVersion": "1"})
    finding = only(run_check("bedrock_agent.agent_guardrail_attached"), agent)
    assert finding.status is Status.PASS
    assert finding.evidence["guardrail"] == "gr1"


def test_agent_without_guardrail_fails(aws, run_check):
    agent = make_agent(aws)
    assert only(run_check("bedrock_agent.agent_guardrail_attached"), agent).status is Status.FAIL


def test_agent_in_second_region_is_judged_there(aws, run_check):
    make_agent(aws, guardrailConfiguration={"guardrailIdentifier": "gr1", "guardrailVersion": "1"})
    west = make_agent(aws, "hurried", region="us-west-2")
    findings = run_check("bedrock_agent.agent_guardrail_attached", regions=("us-east-1", "us-west-2"))
    assert only(findings, west).region == "us-west-2"
    assert only(findings, west).status is Status.FAIL


@pytest.mark.parametrize("check_id", ["bedrock_agent.agent_guardrail_attached", "bedrock_agent.agent_cmk",
                                      "bedrock_agent.agent_idle_session_ttl"])
def test_agent_read_denied_is_error(aws, run_check, check_id):
    agent = make_agent(aws, customerEncryptionKeyArn=cmk(aws))
    aws.simulation.fail("bedrock-agent", "GetAgent", "AccessDeniedException", status=403)
    assert only(run_check(check_id), agent).status is Status.ERROR


def test_agent_listing_denied_is_error(aws, run_check):
    make_agent(aws)
    aws.simulation.fail("bedrock-agent", "ListAgents", "AccessDeniedException", status=403)
    assert only(run_check("bedrock_agent.agent_guardrail_attached"), ACCOUNT).status is Status.ERROR


def test_agent_with_cmk_passes(aws, run_check):
    agent = make_agent(aws, customerEncryptionKeyArn=cmk(aws))
    assert only(run_check("bedrock_agent.agent_cmk"), agent).status is Status.PASS


def test_agent_without_cmk_fails(aws, run_check):
    agent = make_agent(aws)
    assert only(run_check("bedrock_agent.agent_cmk"), agent).status is Status.FAIL


def test_short_idle_session_passes(aws, run_check):
    agent = make_agent(aws, idleSessionTTLInSeconds=600)
    assert only(run_check("bedrock_agent.agent_idle_session_ttl"), agent).status is Status.PASS


def test_long_idle_session_fails(aws, run_check):
    agent = make_agent(aws, idleSessionTTLInSeconds=3600)
    assert only(run_check("bedrock_agent.agent_idle_session_ttl"), agent).status is Status.FAIL


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
    finding = only(run_check("bedrock_agent.data_source_cmk"), resource)
    assert finding.status is Status.PASS
    assert finding.securityhub_controls == ("Bedrock.1",)


def test_data_source_without_cmk_fails(aws, run_check):
    resource = data_source(aws, knowledge_base(aws), None)
    assert only(run_check("bedrock_agent.data_source_cmk"), resource).status is Status.FAIL


def test_data_source_read_denied_is_error(aws, run_check):
    resource = data_source(aws, knowledge_base(aws), cmk(aws))
    aws.simulation.fail("bedrock-agent", "GetDataSource", "AccessDeniedException", status=403)
    assert only(run_check("bedrock_agent.data_source_cmk"), resource).status is Status.ERROR


def test_s3_uris_helper_keeps_reading_data_sources(aws):

    from checks import bedrock_agent
    from posture.aws.context import AwsContext, CallLog, client_config

    data_source(aws, knowledge_base(aws), None)
    reads = AwsContext(open_session(), account_id=ACCOUNT, partition="aws", region="us-east-1",
                       call_log=CallLog(), config=client_config(2))
    assert bedrock_agent.s3_uris(reads) == ["arn:aws:s3:::rag-docs"]  # type: ignore[arg-type]


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
    assert only(run_check("bedrock_agent.prompt_cmk"), pid).status is Status.PASS


def test_prompt_without_cmk_fails(aws, run_check):
    pid = prompt(aws, None)
    assert only(run_check("bedrock_agent.prompt_cmk"), pid).status is Status.FAIL


def test_prompt_read_denied_is_error(aws, run_check):
    pid = prompt(aws, cmk(aws))
    aws.simulation.fail("bedrock-agent", "GetPrompt", "AccessDeniedException", status=403)
    assert only(run_check("bedrock_agent.prompt_cmk"), pid).status is Status.ERROR
