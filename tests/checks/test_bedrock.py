import pytest

from posture.core.models import Status
from tests.conftest import only

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/bedrock"
NOW = "2026-11-01T00:00:00Z"
GUARDRAIL_CHECKS = (
    "bedrock.guardrail_prompt_attack_filter",
    "bedrock.guardrail_content_filters",
    "bedrock.guardrail_sensitive_information_filter",
    "bedrock.guardrail_contextual_grounding",
    "bedrock.guardrail_cmk",
)


def cmk(aws, region="us-east-1"):
    return aws.client("kms", region).create_key()["KeyMetadata"]["Arn"]


def knowledge_base(aws, region="us-east-1"):
    return aws.client("bedrock-agent", region).create_knowledge_base(
        name="kb", roleArn=ROLE,
        knowledgeBaseConfiguration={"type": "VECTOR", "vectorKnowledgeBaseConfiguration": {
            "embeddingModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"}},
        storageConfiguration={"type": "OPENSEARCH_SERVERLESS", "opensearchServerlessConfiguration": {
            "collectionArn": f"arn:aws:aoss:us-east-1:{ACCOUNT}:collection/kb", "vectorIndexName": "i",
            "fieldMapping": {"vectorField": "v", "textField": "t", "metadataField": "m"}}},
    )["knowledgeBase"]["knowledgeBaseId"]


def strong_guardrail(gid: str, key: str | None) -> dict:
    detail = {
        "name": gid, "guardrailId": gid, "guardrailArn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:guardrail/{gid}",
        "version": "DRAFT", "status": "READY", "createdAt": NOW, "updatedAt": NOW,
        "blockedInputMessaging": "no", "blockedOutputsMessaging": "no",
        "contentPolicy": {"filters": [
            *({"type": t, "inputStrength": "HIGH", "outputStrength": "HIGH"}
              for t in ("HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT")),
            {"type": "PROMPT_ATTACK", "inputStrength": "HIGH", "outputStrength": "NONE"}]},
        "sensitiveInformationPolicy": {"piiEntities": [{"type": "EMAIL", "action": "ANONYMIZE"}], "regexes": []},
        "contextualGroundingPolicy": {"filters": [{"type": "GROUNDING", "threshold": 0.75},
                                                  {"type": "RELEVANCE", "threshold": 0.5}]},
    }
    if key:
        detail["kmsKeyArn"] = key
    return detail


def weak_guardrail(gid: str) -> dict:
    detail = strong_guardrail(gid, None)
    detail["contentPolicy"] = {"filters": [
        {"type": "HATE", "inputStrength": "HIGH", "outputStrength": "NONE"},
        {"type": "PROMPT_ATTACK", "inputStrength": "NONE", "outputStrength": "NONE"}]}
    detail["sensitiveInformationPolicy"] = {"piiEntities": [{"type": "EMAIL", "action": "NONE"}]}
    del detail["contextualGroundingPolicy"]
    return detail


def put_guardrail(aws, detail: dict, region="us-east-1"):
    gid = detail["guardrailId"]
    aws.simulation.put("bedrock", "ListGuardrails", {"guardrails": [
        {"id": gid, "arn": detail["guardrailArn"], "status": "READY", "name": gid, "version": "DRAFT",
         "createdAt": NOW, "updatedAt": NOW}]}, region=region)
    aws.simulation.put("bedrock", "GetGuardrail", detail, region=region, guardrailIdentifier=gid)


# -- invocation logging ----------------------------------------------------------------------
def test_logging_enabled_passes(aws, run_check):
    aws.client("bedrock").put_model_invocation_logging_configuration(loggingConfig={
        "s3Config": {"bucketName": "logs"}, "textDataDeliveryEnabled": True})
    assert only(run_check("bedrock.model_invocation_logging_enabled"), ACCOUNT).status is Status.PASS


def test_logging_without_text_delivery_fails(aws, run_check):
    aws.client("bedrock").put_model_invocation_logging_configuration(loggingConfig={
        "s3Config": {"bucketName": "logs"}, "textDataDeliveryEnabled": False})
    assert only(run_check("bedrock.model_invocation_logging_enabled"), ACCOUNT).status is Status.FAIL


def test_logging_unset_fails(aws, run_check):
    assert only(run_check("bedrock.model_invocation_logging_enabled"), ACCOUNT).status is Status.FAIL


def test_logging_denied_is_error(aws, run_check):
    aws.simulation.fail("bedrock", "GetModelInvocationLoggingConfiguration", "AccessDeniedException", status=403)
    assert only(run_check("bedrock.model_invocation_logging_enabled"), ACCOUNT).status is Status.ERROR


def cloudwatch_logging(aws, group: str, key: str | None = None, retention: int | None = None):
    logs = aws.client("logs")
    logs.create_log_group(logGroupName=group, **({"kmsKeyId": key} if key else {}))
    if retention:
        logs.put_retention_policy(logGroupName=group, retentionInDays=retention)
    aws.client("bedrock").put_model_invocation_logging_configuration(loggingConfig={
        "cloudWatchConfig": {"logGroupName": group, "roleArn": ROLE}, "textDataDeliveryEnabled": True})


def test_encrypted_log_bucket_passes(aws, run_check):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="logs")
    s3.put_bucket_encryption(Bucket="logs", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": cmk(aws)}}]})
    aws.client("bedrock").put_model_invocation_logging_configuration(loggingConfig={"s3Config": {"bucketName": "logs"}})
    assert only(run_check("bedrock.invocation_logs_encrypted"), "logs").status is Status.PASS


def test_unencrypted_log_bucket_and_group_fail(aws, run_check):
    aws.client("s3").create_bucket(Bucket="logs")
    aws.client("logs").create_log_group(logGroupName="/bedrock/invocations")
    aws.client("bedrock").put_model_invocation_logging_configuration(loggingConfig={
        "s3Config": {"bucketName": "logs"},
        "cloudWatchConfig": {"logGroupName": "/bedrock/invocations", "roleArn": ROLE}})
    findings = run_check("bedrock.invocation_logs_encrypted")
    assert only(findings, "logs").status is Status.FAIL
    assert only(findings, "/bedrock/invocations").status is Status.FAIL


def test_encrypted_log_group_passes(aws, run_check):
    cloudwatch_logging(aws, "/bedrock/invocations", key=cmk(aws))
    assert only(run_check("bedrock.invocation_logs_encrypted"), "/bedrock/invocations").status is Status.PASS


def test_log_bucket_encryption_denied_is_error(aws, run_check):
    aws.client("s3").create_bucket(Bucket="logs")
    aws.client("bedrock").put_model_invocation_logging_configuration(loggingConfig={"s3Config": {"bucketName": "logs"}})
    aws.simulation.fail("s3", "GetBucketEncryption", "AccessDenied", status=403)
    assert only(run_check("bedrock.invocation_logs_encrypted"), "logs").status is Status.ERROR


def test_log_retention_passes(aws, run_check):
    cloudwatch_logging(aws, "/bedrock/invocations", retention=365)
    assert only(run_check("bedrock.invocation_logs_retained"), "/bedrock/invocations").status is Status.PASS


@pytest.mark.parametrize("retention", [None, 7])
def test_log_retention_forever_or_short_fails(aws, run_check, retention):
    cloudwatch_logging(aws, "/bedrock/invocations", retention=retention)
    assert only(run_check("bedrock.invocation_logs_retained"), "/bedrock/invocations").status is Status.FAIL


def test_log_retention_denied_is_error(aws, run_check):
    cloudwatch_logging(aws, "/bedrock/invocations", retention=365)
    aws.simulation.fail("logs", "DescribeLogGroups", "AccessDeniedException")
    assert only(run_check("bedrock.invocation_logs_retained"), "/bedrock/invocations").status is Status.ERROR


# -- guardrails ------------------------------------------------------------------------------
def test_ai_region_with_guardrail_passes(aws, run_check):
    knowledge_base(aws)
    put_guardrail(aws, strong_guardrail("gr1", None))
    assert only(run_check("bedrock.guardrail_in_ai_regions"), ACCOUNT).status is Status.PASS


def test_ai_region_without_guardrail_fails_and_idle_region_is_skipped(aws, run_check):
    knowledge_base(aws, "us-west-2")
    findings = run_check("bedrock.guardrail_in_ai_regions", regions=("us-east-1", "us-west-2"))
    assert [(f.region, f.status) for f in findings] == [("us-west-2", Status.FAIL)]


def test_guardrail_listing_denied_is_error(aws, run_check):
    knowledge_base(aws)
    aws.simulation.fail("bedrock", "ListGuardrails", "AccessDeniedException", status=403)
    assert only(run_check("bedrock.guardrail_in_ai_regions"), ACCOUNT).status is Status.ERROR


@pytest.mark.parametrize("check_id", GUARDRAIL_CHECKS)
def test_strong_guardrail_passes(aws, run_check, check_id):
    knowledge_base(aws)
    put_guardrail(aws, strong_guardrail("gr1", cmk(aws)))
    assert only(run_check(check_id), "gr1").status is Status.PASS


@pytest.mark.parametrize("check_id", GUARDRAIL_CHECKS)
def test_weak_guardrail_fails(aws, run_check, check_id):
    knowledge_base(aws)
    put_guardrail(aws, weak_guardrail("gr2"))
    assert only(run_check(check_id), "gr2").status is Status.FAIL


@pytest.mark.parametrize("check_id", GUARDRAIL_CHECKS)
def test_guardrail_read_denied_is_error(aws, run_check, check_id):
    knowledge_base(aws)
    put_guardrail(aws, strong_guardrail("gr1", cmk(aws)))
    aws.simulation.fail("bedrock", "GetGuardrail", "AccessDeniedException", status=403)
    assert only(run_check(check_id), "gr1").status is Status.ERROR


def test_grounding_is_not_judged_without_knowledge_bases(aws, run_check):
    put_guardrail(aws, weak_guardrail("gr2"))
    assert run_check("bedrock.guardrail_contextual_grounding") == []


# -- custom and imported models --------------------------------------------------------------
def put_model(aws, kind: str, name: str, key: str | None):
    list_op, get_op = {"custom": ("ListCustomModels", "GetCustomModel"),
                       "imported": ("ListImportedModels", "GetImportedModel")}[kind]
    arn = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:{kind}-model/{name}"
    aws.simulation.put("bedrock", list_op, {"modelSummaries": [
        {"modelArn": arn, "modelName": name, "creationTime": NOW, "baseModelArn": "base", "baseModelName": "b"}]})
    detail = {"modelArn": arn, "modelName": name, "creationTime": NOW, "baseModelArn": "base"}
    if key:
        detail["modelKmsKeyArn"] = key
    aws.simulation.put("bedrock", get_op, detail, modelIdentifier=name)


@pytest.mark.parametrize("kind", ["custom", "imported"])
def test_model_with_cmk_passes(aws, run_check, kind):
    put_model(aws, kind, "acme-ft", cmk(aws))
    assert only(run_check(f"bedrock.{kind}_model_cmk"), "acme-ft").status is Status.PASS


@pytest.mark.parametrize("kind", ["custom", "imported"])
def test_model_without_cmk_fails(aws, run_check, kind):
    put_model(aws, kind, "acme-ft", None)
    assert only(run_check(f"bedrock.{kind}_model_cmk"), "acme-ft").status is Status.FAIL


@pytest.mark.parametrize("kind,op", [("custom", "GetCustomModel"), ("imported", "GetImportedModel")])
def test_model_read_denied_is_error(aws, run_check, kind, op):
    put_model(aws, kind, "acme-ft", cmk(aws))
    aws.simulation.fail("bedrock", op, "AccessDeniedException", status=403)
    assert only(run_check(f"bedrock.{kind}_model_cmk"), "acme-ft").status is Status.ERROR

