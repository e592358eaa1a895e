import json

import pytest

from posture.core.models import Status
from tests.support.bedrock_world import (
    MODEL,
    attach,
    detect_only,
    guardrail_arn,
    make_agent,
    put_guardrail,
    strong_guardrail,
    weak_guardrail,
    without_prompt_attack,
)
from tests.support.findings import expect, only

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


# -- invocation logging ----------------------------------------------------------------------
LOGGING = "bedrock.model_invocation_logging_enabled"
BEDROCK_TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                         "Principal": {"Service": "bedrock.amazonaws.com"}}]}


def logging_role(aws, trust=BEDROCK_TRUST):
    return aws.client("iam").create_role(RoleName="bedrock-logging",
                                         AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]


def test_logging_in_force_passes(aws, run_check):
    aws.client("s3").create_bucket(Bucket="logs")
    aws.client("logs").create_log_group(logGroupName="/bedrock/invocations")
    aws.client("bedrock").put_model_invocation_logging_configuration(loggingConfig={
        "s3Config": {"bucketName": "logs"}, "textDataDeliveryEnabled": True,
        "cloudWatchConfig": {"logGroupName": "/bedrock/invocations", "roleArn": logging_role(aws)}})
    finding = expect(run_check(LOGGING), ACCOUNT, Status.PASS)
    assert finding.evidence["destinations"] == ["s3", "cloudwatch"]


def test_logging_without_text_delivery_fails(aws, run_check):
    aws.client("s3").create_bucket(Bucket="logs")
    aws.client("bedrock").put_model_invocation_logging_configuration(loggingConfig={
        "s3Config": {"bucketName": "logs"}, "textDataDeliveryEnabled": False})
    expect(run_check(LOGGING), ACCOUNT, Status.FAIL)


def test_logging_with_text_delivery_absent_is_not_on(aws, run_check):
    # A missing textDataDeliveryEnabled is not "on" (the old check read it as True).
    aws.client("s3").create_bucket(Bucket="logs")
    aws.client("bedrock").put_model_invocation_logging_configuration(loggingConfig={
        "s3Config": {"bucketName": "logs"}})
    finding = expect(run_check(LOGGING), ACCOUNT, Status.FAIL)
    assert "absent" in finding.message


def test_logging_to_a_missing_bucket_fails(aws, run_check):
    aws.client("bedrock").put_model_invocation_logging_configuration(loggingConfig={
        "s3Config": {"bucketName": "gone"}, "textDataDeliveryEnabled": True})
    finding = expect(run_check(LOGGING), ACCOUNT, Status.FAIL)
    assert "gone does not exist" in finding.message
    assert finding.evidence["bucket_exists"] is False


@pytest.mark.parametrize("case", ["no group", "no role", "role trusts lambda"])
def test_logging_to_cloudwatch_not_in_force_fails(aws, run_check, case):
    if case != "no group":
        aws.client("logs").create_log_group(logGroupName="/bedrock/invocations")
    role = f"arn:aws:iam::{ACCOUNT}:role/missing"
    if case == "role trusts lambda":
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                         "Principal": {"Service": "lambda.amazonaws.com"}}]}
        role = logging_role(aws, trust)
    aws.client("bedrock").put_model_invocation_logging_configuration(loggingConfig={
        "cloudWatchConfig": {"logGroupName": "/bedrock/invocations", "roleArn": role},
        "textDataDeliveryEnabled": True})
    finding = expect(run_check(LOGGING), ACCOUNT, Status.FAIL)
    expected = {"no group": "does not exist", "no role": "role does not exist",
                "role trusts lambda": "does not trust bedrock.amazonaws.com"}[case]
    assert expected in finding.message


def test_logging_unset_fails(aws, run_check):
    expect(run_check(LOGGING), ACCOUNT, Status.FAIL)


def test_logging_denied_is_error(aws, run_check):
    aws.simulation.fail("bedrock", "GetModelInvocationLoggingConfiguration", "AccessDeniedException", status=403)
    expect(run_check(LOGGING), ACCOUNT, Status.ERROR)


def test_logging_role_read_denied_is_error(aws, run_check):
    aws.client("logs").create_log_group(logGroupName="/bedrock/invocations")
    aws.client("bedrock").put_model_invocation_logging_configuration(loggingConfig={
        "cloudWatchConfig": {"logGroupName": "/bedrock/invocations", "roleArn": logging_role(aws)},
        "textDataDeliveryEnabled": True})
    aws.simulation.fail("iam", "GetRole", "AccessDenied", status=403)
    expect(run_check(LOGGING), ACCOUNT, Status.ERROR)


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
    expect(run_check("bedrock.invocation_logs_encrypted"), "logs", Status.PASS)


def test_unencrypted_log_bucket_and_group_fail(aws, run_check):
    aws.client("s3").create_bucket(Bucket="logs")
    aws.client("logs").create_log_group(logGroupName="/bedrock/invocations")
    aws.client("bedrock").put_model_invocation_logging_configuration(loggingConfig={
        "s3Config": {"bucketName": "logs"},
        "cloudWatchConfig": {"logGroupName": "/bedrock/invocations", "roleArn": ROLE}})
    findings = run_check("bedrock.invocation_logs_encrypted")
    expect(findings, "logs", Status.FAIL)
    expect(findings, "/bedrock/invocations", Status.FAIL)


def test_encrypted_log_group_passes(aws, run_check):
    cloudwatch_logging(aws, "/bedrock/invocations", key=cmk(aws))
    expect(run_check("bedrock.invocation_logs_encrypted"), "/bedrock/invocations", Status.PASS)


def test_log_bucket_encryption_denied_is_error(aws, run_check):
    aws.client("s3").create_bucket(Bucket="logs")
    aws.client("bedrock").put_model_invocation_logging_configuration(loggingConfig={"s3Config": {"bucketName": "logs"}})
    aws.simulation.fail("s3", "GetBucketEncryption", "AccessDenied", status=403)
    expect(run_check("bedrock.invocation_logs_encrypted"), "logs", Status.ERROR)


def test_log_retention_passes(aws, run_check):
    cloudwatch_logging(aws, "/bedrock/invocations", retention=365)
    expect(run_check("bedrock.invocation_logs_retained"), "/bedrock/invocations", Status.PASS)


@pytest.mark.parametrize("retention", [None, 7])
def test_log_retention_forever_or_short_fails(aws, run_check, retention):
    cloudwatch_logging(aws, "/bedrock/invocations", retention=retention)
    expect(run_check("bedrock.invocation_logs_retained"), "/bedrock/invocations", Status.FAIL)


def test_log_retention_denied_is_error(aws, run_check):
    cloudwatch_logging(aws, "/bedrock/invocations", retention=365)
    aws.simulation.fail("logs", "DescribeLogGroups", "AccessDeniedException")
    expect(run_check("bedrock.invocation_logs_retained"), "/bedrock/invocations", Status.ERROR)


# -- guardrails ------------------------------------------------------------------------------
def test_ai_region_with_guardrail_passes(aws, run_check):
    knowledge_base(aws)
    put_guardrail(aws, strong_guardrail("gr1", None))
    expect(run_check("bedrock.guardrail_in_ai_regions"), ACCOUNT, Status.PASS)


def test_ai_region_without_guardrail_fails_and_idle_region_is_skipped(aws, run_check):
    knowledge_base(aws, "us-west-2")
    findings = run_check("bedrock.guardrail_in_ai_regions", regions=("us-east-1", "us-west-2"))
    assert [(f.region, f.status) for f in findings] == [("us-west-2", Status.FAIL)]
    expect(findings, ACCOUNT, Status.FAIL, region="us-west-2")


def test_guardrail_listing_denied_is_error(aws, run_check):
    knowledge_base(aws)
    aws.simulation.fail("bedrock", "ListGuardrails", "AccessDeniedException", status=403)
    expect(run_check("bedrock.guardrail_in_ai_regions"), ACCOUNT, Status.ERROR)


def used_version(aws, draft: dict, published: dict, version: str = "1") -> str:
    """A guardrail whose `version` (published as `published`) an agent's live alias uses; returns `gid:version`."""
    gid = put_guardrail(aws, draft, {version: published})
    make_agent(aws, versions={"3": attach(gid, version)}, aliases=[("LIVE000001", "live", ["3"])])
    return f"{gid}:{version}"


@pytest.mark.parametrize("check_id", GUARDRAIL_CHECKS[:4])
def test_strong_guardrail_in_use_passes(aws, run_check, check_id):
    knowledge_base(aws)
    resource = used_version(aws, strong_guardrail("gr1"), strong_guardrail("gr1"))
    finding = expect(run_check(check_id), resource, Status.PASS)
    assert finding.evidence["guardrail_version"] == "1"
    assert "agent support alias live (version 3)" in finding.message


@pytest.mark.parametrize("check_id", GUARDRAIL_CHECKS[:4])
def test_weak_guardrail_in_use_fails(aws, run_check, check_id):
    knowledge_base(aws)
    resource = used_version(aws, weak_guardrail("gr2"), weak_guardrail("gr2"))
    expect(run_check(check_id), resource, Status.FAIL)


@pytest.mark.parametrize("check_id", GUARDRAIL_CHECKS[:4])
def test_guardrail_version_read_denied_is_error(aws, run_check, check_id):
    knowledge_base(aws)
    resource = used_version(aws, strong_guardrail("gr1"), strong_guardrail("gr1"))
    aws.simulation.fail("bedrock", "GetGuardrail", "AccessDeniedException", status=403)
    expect(run_check(check_id), resource, Status.ERROR)


@pytest.mark.parametrize("check_id", GUARDRAIL_CHECKS[:4])
def test_guardrail_nobody_uses_is_not_judged(aws, run_check, check_id):
    # DRAFT counts only where something uses it: a weak DRAFT no alias, flow or policy names is not judged.
    knowledge_base(aws)
    put_guardrail(aws, weak_guardrail("gr2"))
    assert run_check(check_id) == []


def test_published_version_without_the_drafts_prompt_attack_filter_fails(aws, run_check):
    # Review case: the DRAFT has the prompt-attack filter, the version the live alias uses does not.
    resource = used_version(aws, strong_guardrail("gr1"), without_prompt_attack(strong_guardrail("gr1")))
    finding = expect(run_check("bedrock.guardrail_prompt_attack_filter"), resource, Status.FAIL)
    assert "version 1" in finding.message and "no prompt-attack filter" in finding.message


@pytest.mark.parametrize("check_id", ["bedrock.guardrail_prompt_attack_filter", "bedrock.guardrail_content_filters"])
def test_detect_only_guardrail_fails_and_says_so(aws, run_check, check_id):
    # Review case: every filter has action NONE; the prompt-attack and harm checks passed it before.
    resource = used_version(aws, strong_guardrail("gr1"), detect_only(strong_guardrail("gr1")))
    finding = expect(run_check(check_id), resource, Status.FAIL)
    assert "detect-only (action NONE)" in finding.message
    assert "detect-only (action NONE)" in json.dumps(finding.evidence)


def test_thresholds_come_from_the_config(aws, run_check):
    detail = strong_guardrail("gr1")
    for flt in detail["contentPolicy"]["filters"]:
        flt["inputStrength"] = flt["outputStrength"] = "MEDIUM" if flt["type"] != "PROMPT_ATTACK" else "NONE"
    resource = used_version(aws, detail, detail)
    expect(run_check("bedrock.guardrail_content_filters"), resource, Status.PASS)
    strict = run_check("bedrock.guardrail_content_filters", check_settings={"bedrock": {"harm_min_strength": "HIGH"}})
    expect(strict, resource, Status.FAIL)
    assert "below HIGH" in only(strict, resource).message


def test_a_threshold_of_the_wrong_type_is_an_error_naming_it(aws, run_check):
    resource = used_version(aws, strong_guardrail("gr1"), strong_guardrail("gr1"))
    findings = run_check("bedrock.guardrail_prompt_attack_filter",
                         check_settings={"bedrock": {"prompt_attack_min_strength": 3}})
    expect(findings, resource, Status.ERROR)
    assert "prompt_attack_min_strength" in only(findings, resource).message


def test_unreadable_agents_are_one_error_and_enforced_versions_still_judged(aws, run_check):
    gid = put_guardrail(aws, strong_guardrail("gr1"), {"2": strong_guardrail("gr1")})
    enforce(aws, gid, "2")
    aws.simulation.fail("bedrock-agent", "ListAgents", "AccessDeniedException", status=403)
    findings = run_check("bedrock.guardrail_prompt_attack_filter")
    expect(findings, "guardrail versions:agents", Status.ERROR)
    expect(findings, f"{gid}:2", Status.PASS)
    assert "enforced for the account" in only(findings, f"{gid}:2").message


def test_guardrail_cmk_passes_and_fails(aws, run_check):
    put_guardrail(aws, strong_guardrail("gr1", cmk(aws)))
    expect(run_check("bedrock.guardrail_cmk"), "gr1", Status.PASS)
    aws.reset()
    put_guardrail(aws, weak_guardrail("gr2"))
    expect(run_check("bedrock.guardrail_cmk"), "gr2", Status.FAIL)


def test_guardrail_cmk_read_denied_is_error(aws, run_check):
    put_guardrail(aws, strong_guardrail("gr1", cmk(aws)))
    aws.simulation.fail("bedrock", "GetGuardrail", "AccessDeniedException", status=403)
    expect(run_check("bedrock.guardrail_cmk"), "gr1", Status.ERROR)


def test_grounding_is_not_judged_without_knowledge_bases(aws, run_check):
    used_version(aws, weak_guardrail("gr2"), weak_guardrail("gr2"))
    assert run_check("bedrock.guardrail_contextual_grounding") == []


# -- guardrail coverage ----------------------------------------------------------------------
COVERAGE = "bedrock.guardrail_coverage"
INVOKE = {"Effect": "Allow", "Action": ["bedrock:InvokeModel", "bedrock:Converse"], "Resource": "*"}
APP_TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"Service": "lambda.amazonaws.com"}}]}


def enforce(aws, gid: str, version: str, region: str = "us-east-1") -> None:
    aws.simulation.put("bedrock", "ListEnforcedGuardrailsConfiguration", {"guardrailsConfig": [
        {"configId": "cfg1", "guardrailArn": guardrail_arn(gid), "guardrailId": gid, "guardrailVersion": version,
         "owner": "ACCOUNT", "createdAt": NOW, "createdBy": "admin", "updatedAt": NOW, "updatedBy": "admin"}]},
        region=region)


def app_role(aws, name: str, statement: dict) -> str:
    iam = aws.client("iam")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(APP_TRUST))["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="invoke",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    return arn


def test_direct_caller_without_guardrail_condition_fails(aws, run_check):
    # Review case: an app role allowed InvokeModel/Converse on * with no guardrail required anywhere.
    role = app_role(aws, "chat-app", INVOKE)
    finding = expect(run_check(COVERAGE), role, Status.FAIL)
    assert finding.resource_type == "AwsIamRole"
    assert "without bedrock:GuardrailIdentifier" in finding.message


def test_direct_caller_required_to_use_a_blocking_version_passes(aws, run_check):
    gid = put_guardrail(aws, strong_guardrail("gr1"), {"1": strong_guardrail("gr1")})
    role = app_role(aws, "chat-app", {**INVOKE, "Condition": {
        "StringEquals": {"bedrock:GuardrailIdentifier": f"{guardrail_arn(gid)}:1"}}})
    finding = expect(run_check(COVERAGE), role, Status.PASS)
    assert finding.evidence["guardrail"] == ["gr1:1"]
    assert "PROMPT_ATTACK" in finding.evidence["blocking_filters"]


def test_direct_caller_required_to_use_a_detect_only_version_fails(aws, run_check):
    gid = put_guardrail(aws, strong_guardrail("gr1"), {"1": detect_only(strong_guardrail("gr1"))})
    role = app_role(aws, "chat-app", {**INVOKE, "Condition": {
        "StringEquals": {"bedrock:GuardrailIdentifier": f"{guardrail_arn(gid)}:1"}}})
    finding = expect(run_check(COVERAGE), role, Status.FAIL)
    assert "blocks nothing" in finding.message


def test_account_enforced_guardrail_covers_direct_callers_in_its_region_only(aws, run_check):
    gid = put_guardrail(aws, strong_guardrail("gr1"), {"2": strong_guardrail("gr1")})
    enforce(aws, gid, "2")
    role = app_role(aws, "chat-app", INVOKE)
    findings = run_check(COVERAGE, regions=("us-east-1", "us-west-2"))
    by_region = {f.region: f for f in findings if f.resource_id == role}
    assert by_region["us-east-1"].status is Status.PASS
    assert "enforced for the account" in by_region["us-east-1"].message
    assert by_region["us-west-2"].status is Status.FAIL


def test_agent_alias_on_a_version_without_guardrail_is_an_unguarded_path(aws, run_check):
    gid = put_guardrail(aws, strong_guardrail("gr1"), {"1": strong_guardrail("gr1")})
    agent = make_agent(aws, versions={"3": {}}, aliases=[("LIVE000001", "live", ["3"])], **attach(gid, "1"))
    finding = expect(run_check(COVERAGE), f"{agent}/LIVE000001", Status.FAIL)
    assert "agent version 3 names no guardrail" in finding.message


def test_flow_prompt_node_without_guardrail_is_an_unguarded_path(aws, run_check):
    gid = put_guardrail(aws, strong_guardrail("gr1"), {"1": strong_guardrail("gr1")})
    flow(aws, {"answer": attach(gid, "1")["guardrailConfiguration"], "summarise": None})
    finding = expect(run_check(COVERAGE), "FLOW000001/ALIAS00001", Status.FAIL)
    assert "node summarise names no guardrail" in finding.message
    aws.reset()
    gid = put_guardrail(aws, strong_guardrail("gr1"), {"1": strong_guardrail("gr1")})
    flow(aws, {"answer": attach(gid, "1")["guardrailConfiguration"]})
    expect(run_check(COVERAGE), "FLOW000001/ALIAS00001", Status.PASS)


def flow(aws, nodes: dict) -> None:
    aws.simulation.put("bedrock-agent", "ListFlows", {"flowSummaries": [
        {"id": "FLOW000001", "arn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:flow/FLOW000001", "name": "triage",
         "status": "Prepared", "version": "DRAFT", "createdAt": NOW, "updatedAt": NOW}]})
    aws.simulation.put("bedrock-agent", "ListFlowAliases", {"flowAliasSummaries": [
        {"id": "ALIAS00001", "name": "prod", "flowId": "FLOW000001", "routingConfiguration": [{"flowVersion": "2"}],
         "arn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:flow/FLOW000001/alias/ALIAS00001",
         "createdAt": NOW, "updatedAt": NOW}]}, flowIdentifier="FLOW000001")
    definition = {"nodes": [
        {"name": name, "type": "Prompt", "configuration": {"prompt": {
            "sourceConfiguration": {"inline": {"modelId": MODEL, "templateType": "TEXT",
                                               "templateConfiguration": {"text": {"text": "{{q}}"}}}},
            **({"guardrailConfiguration": guardrail} if guardrail else {})}}}
        for name, guardrail in nodes.items()]}
    aws.simulation.put("bedrock-agent", "GetFlowVersion", {
        "id": "FLOW000001", "name": "triage", "arn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:flow/FLOW000001",
        "status": "Prepared", "version": "2", "executionRoleArn": ROLE, "createdAt": NOW,
        "definition": definition}, flowIdentifier="FLOW000001", flowVersion="2")


def test_coverage_source_denied_is_error_naming_it(aws, run_check):
    app_role(aws, "chat-app", INVOKE)
    aws.simulation.fail("bedrock-agent", "ListFlows", "AccessDeniedException", status=403)
    findings = run_check(COVERAGE)
    expect(findings, "paths to a model:flows", Status.ERROR)
    assert any(f.status is Status.FAIL for f in findings)  # the role is still judged


# -- custom and imported models --------------------------------------------------------------
def put_model(aws, kind: str, name: str, key: str | None):
    list_op, get_op = {"custom": ("ListCustomModels", "GetCustomModel"),
                       "imported": ("ListImportedModels", "GetImportedModel")}[kind]
    arn = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:{kind}-model/{name}"
    # A custom model names its base model; an imported one has none (botocore's model has no such member).
    base = {"baseModelArn": "base", "baseModelName": "b"} if kind == "custom" else {}
    aws.simulation.put("bedrock", list_op, {"modelSummaries": [
        {"modelArn": arn, "modelName": name, "creationTime": NOW, **base}]})
    detail = {"modelArn": arn, "modelName": name, "creationTime": NOW}
    if kind == "custom":
        detail["baseModelArn"] = "base"
    if key:
        detail["modelKmsKeyArn"] = key
    aws.simulation.put("bedrock", get_op, detail, modelIdentifier=name)


@pytest.mark.parametrize("kind", ["custom", "imported"])
def test_model_with_cmk_passes(aws, run_check, kind):
    put_model(aws, kind, "acme-ft", cmk(aws))
    expect(run_check(f"bedrock.{kind}_model_cmk"), "acme-ft", Status.PASS)


@pytest.mark.parametrize("kind", ["custom", "imported"])
def test_model_without_cmk_fails(aws, run_check, kind):
    put_model(aws, kind, "acme-ft", None)
    expect(run_check(f"bedrock.{kind}_model_cmk"), "acme-ft", Status.FAIL)


@pytest.mark.parametrize("kind,op", [("custom", "GetCustomModel"), ("imported", "GetImportedModel")])
def test_model_read_denied_is_error(aws, run_check, kind, op):
    put_model(aws, kind, "acme-ft", cmk(aws))
    aws.simulation.fail("bedrock", op, "AccessDeniedException", status=403)
    expect(run_check(f"bedrock.{kind}_model_cmk"), "acme-ft", Status.ERROR)



def test_unknown_enforcement_makes_an_unguarded_path_an_error_and_a_guarded_one_still_passes(aws, run_check):
    gid = put_guardrail(aws, strong_guardrail("gr1"), {"1": strong_guardrail("gr1")})
    agent = make_agent(aws, versions={"2": attach(gid, "1")}, aliases=[("LIVE000001", "live", ["2"])])
    role = app_role(aws, "chat-app", INVOKE)
    aws.simulation.fail("bedrock", "ListEnforcedGuardrailsConfiguration", "AccessDeniedException", status=403)
    findings = run_check(COVERAGE)
    expect(findings, "paths to a model:account enforced guardrails", Status.ERROR)
    expect(findings, role, Status.ERROR)
    expect(findings, f"{agent}/LIVE000001", Status.PASS)


def test_coverage_guardrail_read_denied_is_error_for_its_path(aws, run_check):
    gid = put_guardrail(aws, strong_guardrail("gr1"), {"1": strong_guardrail("gr1")})
    agent = make_agent(aws, versions={"2": attach(gid, "1")}, aliases=[("LIVE000001", "live", ["2"])])
    aws.simulation.fail("bedrock", "GetGuardrail", "AccessDeniedException", status=403)
    expect(run_check(COVERAGE), f"{agent}/LIVE000001", Status.ERROR)


def test_user_allowed_through_a_group_is_a_direct_caller(aws, run_check):
    iam = aws.client("iam")
    iam.create_group(GroupName="analysts")
    iam.put_group_policy(GroupName="analysts", PolicyName="invoke", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [INVOKE]}))
    user = iam.create_user(UserName="dana")["User"]["Arn"]
    iam.add_user_to_group(GroupName="analysts", UserName="dana")
    finding = expect(run_check(COVERAGE), user, Status.FAIL)
    assert finding.resource_type == "AwsIamUser"


def test_roles_only_bedrock_assumes_are_not_direct_callers(aws, run_check):
    iam = aws.client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"Service": "bedrock.amazonaws.com"}}]}
    iam.create_role(RoleName="agent-service", AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName="agent-service", PolicyName="invoke", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [INVOKE]}))
    assert run_check(COVERAGE) == []


@pytest.mark.parametrize("second,status", [("strong", Status.PASS), ("detect-only", Status.FAIL)])
def test_any_version_of_a_guardrail_is_guarded_only_when_every_version_blocks(aws, run_check, second, status):
    versions = {"1": strong_guardrail("gr1"),
                "2": strong_guardrail("gr1") if second == "strong" else detect_only(strong_guardrail("gr1"))}
    gid = put_guardrail(aws, strong_guardrail("gr1"), versions)
    aws.simulation.put("bedrock", "ListGuardrails", {"guardrails": [
        {"id": gid, "arn": guardrail_arn(gid), "status": "READY", "name": gid, "version": v,
         "createdAt": NOW, "updatedAt": NOW} for v in versions]}, guardrailIdentifier=gid)
    role = app_role(aws, "chat-app", {**INVOKE, "Condition": {
        "StringLike": {"bedrock:GuardrailIdentifier": f"{guardrail_arn(gid)}:*"}}})
    finding = expect(run_check(COVERAGE), role, status)
    assert finding.evidence["guardrail"] == ["gr1:1", "gr1:2"]
