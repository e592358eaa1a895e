import json

import pytest

from posture.core.models import Status
from tests.support.findings import expect, only

ACCOUNT = "123456789012"


@pytest.fixture
def override(aws):
    """Answer operations moto implements from the simulation layer, for one test only."""
    done = []

    def answer(operation, value):
        aws.simulation.simulate("cloudtrail", operation, value)
        done.append(operation)
    yield answer
    for operation in done:
        aws.simulation.forget("cloudtrail", operation)
KMS = "cloudtrail.trail_logs_kms_encrypted"
CWL = "cloudtrail.trail_cloudwatch_logs_integrated"
S3_EVENTS = "cloudtrail.ai_bucket_data_events_logged"
BEDROCK_EVENTS = "cloudtrail.bedrock_data_events_logged"
PUBLIC = "cloudtrail.trail_bucket_not_public"
MULTI = "cloudtrail.multi_region_trail_logging"
LOG_GROUP = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:cloudtrail:*"


def bucket(aws, name: str, *, ai: bool = False, region: str = "us-east-1") -> str:
    s3 = aws.client("s3", region)
    extra = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=name, **extra)
    if ai:
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "posture:ai-data", "Value": "training"}]})
    return name


def trail(aws, name: str, *, region: str = "us-east-1", log: bool = True, **params) -> str:
    logs = bucket(aws, f"{name}-logs") if "S3BucketName" not in params else params.pop("S3BucketName")
    ct = aws.client("cloudtrail", region)
    ct.create_trail(Name=name, S3BucketName=logs, **params)
    if log:
        ct.start_logging(Name=name)
    return name


def data_selector(resource_type: str, *, arn_prefix: str | None = None, read_only: str | None = None) -> dict:
    fields = [{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": [resource_type]}]
    if arn_prefix:
        fields.append({"Field": "resources.ARN", "StartsWith": [arn_prefix]})
    if read_only:
        fields.append({"Field": "readOnly", "Equals": [read_only]})
    return {"Name": resource_type, "FieldSelectors": fields}


# -- the existing multi-region check -------------------------------------------------------------
def test_multi_region_validated_logging_trail_passes(aws, run_check):
    trail(aws, "org", IsMultiRegionTrail=True, EnableLogFileValidation=True)
    expect(run_check(MULTI), ACCOUNT, Status.PASS)


def test_single_region_trail_fails_multi_region_check(aws, run_check):
    trail(aws, "org", EnableLogFileValidation=True)
    expect(run_check(MULTI), ACCOUNT, Status.FAIL)


def test_multi_region_access_denied_is_error(aws, run_check):
    aws.simulation.fail("cloudtrail", "DescribeTrails", "AccessDeniedException")
    expect(run_check(MULTI), ACCOUNT, Status.ERROR)


# -- KMS and CloudWatch Logs --------------------------------------------------------------------
def test_kms_encrypted_trail_passes_and_plain_trail_fails(aws, run_check):
    key = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    trail(aws, "sealed", KmsKeyId=key)
    trail(aws, "plain", region="us-west-2", S3BucketName=bucket(aws, "plain-logs"))
    findings = run_check(KMS, regions=("us-east-1", "us-west-2"))
    expect(findings, "sealed", Status.PASS)
    plain = expect(findings, "plain", Status.FAIL)
    assert plain.region == "us-west-2"


def test_kms_access_denied_is_error(aws, run_check):
    trail(aws, "sealed")
    aws.simulation.fail("cloudtrail", "DescribeTrails", "AccessDeniedException")
    finding = expect(run_check(KMS), "not-read/cloudtrail", Status.ERROR)
    assert "cloudtrail:DescribeTrails" in finding.message


def test_cloudwatch_logs_trail_passes_and_other_fails(aws, run_check):
    trail(aws, "watched", CloudWatchLogsLogGroupArn=LOG_GROUP,
          CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/cloudtrail-to-logs")
    trail(aws, "unwatched")
    findings = run_check(CWL)
    expect(findings, "watched", Status.PASS)
    expect(findings, "unwatched", Status.FAIL)


def test_cloudwatch_logs_access_denied_is_error(aws, run_check):
    aws.simulation.fail("cloudtrail", "DescribeTrails", "AccessDeniedException")
    expect(run_check(CWL), "not-read/cloudtrail", Status.ERROR)


# -- S3 data events on AI buckets ------------------------------------------------------------------
def test_bucket_data_events_read_and_write_pass(aws, run_check):
    bucket(aws, "acme-training", ai=True)
    bucket(aws, "acme-marketing")  # not AI data: out of scope
    trail(aws, "data")
    aws.client("cloudtrail").put_event_selectors(
        TrailName="data", AdvancedEventSelectors=[data_selector("AWS::S3::Object", arn_prefix="arn:aws:s3:::acme-")])
    findings = run_check(S3_EVENTS)
    assert [f.resource_id for f in findings] == ["acme-training"]
    assert findings[0].status is Status.PASS
    assert findings[0].evidence["write_events_by"] == ["data"]


def test_classic_selector_for_all_buckets_passes(aws, run_check):
    bucket(aws, "acme-training", ai=True)
    trail(aws, "data", IsMultiRegionTrail=True)
    aws.client("cloudtrail").put_event_selectors(TrailName="data", EventSelectors=[
        {"ReadWriteType": "All", "IncludeManagementEvents": True,
         "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}])
    expect(run_check(S3_EVENTS), "acme-training", Status.PASS)


def test_write_only_data_events_fail(aws, run_check):
    bucket(aws, "acme-training", ai=True)
    trail(aws, "data")
    aws.client("cloudtrail").put_event_selectors(
        TrailName="data", AdvancedEventSelectors=[data_selector("AWS::S3::Object", read_only="false")])
    finding = expect(run_check(S3_EVENTS), "acme-training", Status.FAIL)
    assert "read" in finding.message


@pytest.mark.parametrize("case", ["other bucket", "stopped trail", "other region", "no selector"])
def test_bucket_without_covering_trail_fails(aws, run_check, case):
    bucket(aws, "acme-training", ai=True, region="us-west-2" if case == "other region" else "us-east-1")
    trail(aws, "data", log=case != "stopped trail")
    if case != "no selector":
        prefix = "arn:aws:s3:::acme-other/" if case == "other bucket" else None
        aws.client("cloudtrail").put_event_selectors(
            TrailName="data", AdvancedEventSelectors=[data_selector("AWS::S3::Object", arn_prefix=prefix)])
    expect(run_check(S3_EVENTS, regions=("us-east-1", "us-west-2")), "acme-training", Status.FAIL)


def test_event_selectors_access_denied_is_error(aws, run_check):
    bucket(aws, "acme-training", ai=True)
    trail(aws, "data")
    aws.simulation.fail("cloudtrail", "GetEventSelectors", "AccessDeniedException")
    finding = expect(run_check(S3_EVENTS), "acme-training", Status.ERROR)
    assert "cloudtrail:GetEventSelectors" in finding.message


# -- Bedrock data events ---------------------------------------------------------------------------
def bedrock_resources(aws) -> tuple[str, str]:
    iam = aws.client("iam")
    role = iam.create_role(RoleName="kb", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "bedrock.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    agent = aws.client("bedrock-agent")
    kb = agent.create_knowledge_base(
        name="kb", roleArn=role["Role"]["Arn"],
        knowledgeBaseConfiguration={"type": "VECTOR", "vectorKnowledgeBaseConfiguration": {
            "embeddingModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"}},
        storageConfiguration={"type": "OPENSEARCH_SERVERLESS", "opensearchServerlessConfiguration": {
            "collectionArn": f"arn:aws:aoss:us-east-1:{ACCOUNT}:collection/kb", "vectorIndexName": "i",
            "fieldMapping": {"vectorField": "v", "textField": "t", "metadataField": "m"}}},
    )["knowledgeBase"]["knowledgeBaseId"]
    agent_id = agent.create_agent(agentName="support", foundationModel="anthropic.claude-3-haiku-20240307-v1:0",
                                  agentResourceRoleArn=role["Role"]["Arn"])["agent"]["agentId"]
    return kb, agent_id


def test_bedrock_data_events_cover_kb_but_not_agent(aws, run_check):
    kb, agent_id = bedrock_resources(aws)
    trail(aws, "ai-trail", IsMultiRegionTrail=True)
    aws.client("cloudtrail").put_event_selectors(
        TrailName="ai-trail", AdvancedEventSelectors=[data_selector("AWS::Bedrock::KnowledgeBase")])
    findings = run_check(BEDROCK_EVENTS)
    expect(findings, kb, Status.PASS)
    agent = expect(findings, agent_id, Status.FAIL)
    assert agent.evidence["data_event_type"] == "AWS::Bedrock::AgentAlias"


def test_bedrock_agent_alias_selector_narrowed_to_the_agent_passes(aws, run_check):
    _, agent_id = bedrock_resources(aws)
    trail(aws, "ai-trail")
    prefix = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:agent-alias/{agent_id}/"
    aws.client("cloudtrail").put_event_selectors(
        TrailName="ai-trail", AdvancedEventSelectors=[data_selector("AWS::Bedrock::AgentAlias", arn_prefix=prefix)])
    expect(run_check(BEDROCK_EVENTS), agent_id, Status.PASS)


def test_region_without_bedrock_resources_has_no_finding(aws, run_check):
    trail(aws, "ai-trail")
    assert run_check(BEDROCK_EVENTS) == []


def test_bedrock_trail_status_access_denied_is_error(aws, run_check):
    kb, _ = bedrock_resources(aws)
    trail(aws, "ai-trail")
    aws.simulation.fail("cloudtrail", "GetTrailStatus", "AccessDeniedException")
    finding = expect(run_check(BEDROCK_EVENTS), kb, Status.ERROR)
    assert "cloudtrail:GetTrailStatus" in finding.message


# -- the log bucket is not public -------------------------------------------------------------------
def test_blocked_log_bucket_passes_and_public_one_fails(aws, run_check):
    s3 = aws.client("s3")
    trail(aws, "blocked")
    s3.put_public_access_block(Bucket="blocked-logs", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    trail(aws, "open")
    s3.put_bucket_acl(Bucket="open-logs", ACL="public-read")
    findings = run_check(PUBLIC)
    expect(findings, "blocked-logs", Status.PASS)
    public = expect(findings, "open-logs", Status.FAIL)
    assert public.evidence["public_acl_grants"] == ["READ"]


def test_public_bucket_policy_fails(aws, run_check):
    trail(aws, "open")
    aws.client("s3").put_bucket_policy(Bucket="open-logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::open-logs/*"}]}))
    expect(run_check(PUBLIC), "open-logs", Status.FAIL)


def test_log_bucket_of_another_account_is_out_of_scope(aws, run_check):
    trail(aws, "central", S3BucketName=bucket(aws, "central-logs"))
    aws.client("s3").delete_bucket(Bucket="central-logs")  # as seen from a member account: not ours
    assert run_check(PUBLIC) == []


def test_public_access_block_denied_is_error(aws, run_check):
    trail(aws, "blocked")
    aws.simulation.fail("s3", "GetPublicAccessBlock", "AccessDenied", status=403)
    finding = expect(run_check(PUBLIC), "blocked-logs", Status.ERROR)
    assert "GetPublicAccessBlock" in finding.message


# -- multi-region trail: management events, organization trails, trails keyed by ARN (issue 9) --------
def test_trail_without_management_events_fails(aws, run_check):
    """Regression: the only multi-region trail with IncludeManagementEvents false records no API call."""
    name = trail(aws, "org", IsMultiRegionTrail=True, EnableLogFileValidation=True)
    aws.client("cloudtrail").put_event_selectors(TrailName=name, EventSelectors=[
        {"ReadWriteType": "All", "IncludeManagementEvents": False,
         "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}])
    finding = expect(run_check(MULTI), ACCOUNT, Status.FAIL)
    assert "no management events" in finding.message


def test_trail_with_write_only_management_events_fails(aws, run_check):
    """Regression: ReadWriteType WriteOnly leaves out every read (who read the training data)."""
    name = trail(aws, "org", IsMultiRegionTrail=True, EnableLogFileValidation=True)
    aws.client("cloudtrail").put_event_selectors(TrailName=name, EventSelectors=[
        {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}])
    finding = expect(run_check(MULTI), ACCOUNT, Status.FAIL)
    assert "only write management events" in finding.message


def test_trail_with_advanced_management_selector_passes(aws, run_check):
    name = trail(aws, "org", IsMultiRegionTrail=True, EnableLogFileValidation=True)
    aws.client("cloudtrail").put_event_selectors(TrailName=name, AdvancedEventSelectors=[
        {"Name": "mgmt", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}])
    expect(run_check(MULTI), ACCOUNT, Status.PASS)


ORG_TRAIL = {"Name": "org-audit", "S3BucketName": "org-logs", "IsMultiRegionTrail": True, "HomeRegion": "us-east-1",
             "TrailARN": "arn:aws:cloudtrail:us-east-1:999999999999:trail/org-audit",
             "LogFileValidationEnabled": True, "HasCustomEventSelectors": False, "IsOrganizationTrail": True}


def test_organization_trail_of_the_management_account_passes(aws, run_check, override):
    for op, answer in (("DescribeTrails", {"trailList": [ORG_TRAIL]}), ("GetTrailStatus", {"IsLogging": True}),
                       ("GetEventSelectors", {"TrailARN": ORG_TRAIL["TrailARN"], "EventSelectors": [
                           {"ReadWriteType": "All", "IncludeManagementEvents": True}]})):
        override(op, answer)
    finding = expect(run_check(MULTI), ACCOUNT, Status.PASS)
    assert finding.evidence["organization_trail"] == [ORG_TRAIL["TrailARN"]]


def test_organization_trail_whose_status_a_member_cannot_read_is_error_not_crash(aws, run_check, override):
    """Regression: seen from a member account, an organization trail's status may not be readable."""
    override("DescribeTrails", {"trailList": [ORG_TRAIL]})
    aws.simulation.fail("cloudtrail", "GetTrailStatus", "TrailNotFoundException", status=400)
    finding = expect(run_check(MULTI), ACCOUNT, Status.ERROR)
    assert "999999999999" in finding.message and "management account" in finding.message


def test_trails_with_the_same_name_are_judged_apart(aws, run_check, override):
    """Regression: trails were keyed by name, so another account's weak trail named like ours hid the good one."""
    trail(aws, "audit", IsMultiRegionTrail=True, EnableLogFileValidation=True)
    own = aws.client("cloudtrail").describe_trails()["trailList"][0]
    twin = {**own, "TrailARN": "arn:aws:cloudtrail:us-east-1:999999999999:trail/audit",
            "LogFileValidationEnabled": False, "IsOrganizationTrail": True}
    override("DescribeTrails", {"trailList": [own, twin]})
    finding = expect(run_check(MULTI), ACCOUNT, Status.PASS)
    assert finding.evidence["trails"] == [own["TrailARN"]]


@pytest.mark.parametrize(("selectors", "trail_flags", "expected"), [
    ({}, {}, {"read", "write"}),
    ({}, {"HasCustomEventSelectors": True}, set()),
    ({"EventSelectors": [{"ReadWriteType": "ReadOnly"}]}, {}, {"read"}),
    ({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": False}]}, {}, set()),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]},
                                                     {"Field": "readOnly", "Equals": ["false"]}]}]}, {}, {"write"}),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]},
                                                     {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]}]}]},
     {}, {"read", "write"}),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]},
                                                     {"Field": "eventSource", "Equals": ["s3.amazonaws.com"]}]}]},
     {}, set()),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}]}]}, {}, set()),
])
def test_management_coverage(selectors, trail_flags, expected):
    from posture.checks.cloudtrail import management_coverage
    assert set(management_coverage(trail_flags, selectors)) == expected


# -- AgentCore data events ---------------------------------------------------------------------
from datetime import UTC, datetime  # noqa: E402

from posture.checks import cloudtrail  # noqa: E402

AGENTCORE_EVENTS = "cloudtrail.agentcore_data_events"
AGENTCORE = "bedrock-agentcore-control"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/agentcore"


def agentcore_resources(aws):
    control = aws.client(AGENTCORE, "us-east-1")
    runtime = control.create_agent_runtime(
        agentRuntimeName="support", roleArn=ROLE, networkConfiguration={"networkMode": "PUBLIC"},
        agentRuntimeArtifact={"containerConfiguration": {
            "containerUri": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/agent:1"}})["agentRuntimeId"]
    gateway = control.create_gateway(name="tools", roleArn=ROLE, protocolType="MCP",
                                     authorizerType="AWS_IAM")["gatewayId"]
    return runtime, gateway


def test_agentcore_runtime_selector_passes_gateway_without_fails(aws, run_check):
    runtime, gateway = agentcore_resources(aws)
    trail(aws, "ai-trail", IsMultiRegionTrail=True)
    aws.client("cloudtrail").put_event_selectors(
        TrailName="ai-trail", AdvancedEventSelectors=[data_selector(cloudtrail.AGENTCORE_RUNTIME)])
    findings = run_check(AGENTCORE_EVENTS)
    expect(findings, runtime, Status.PASS)
    assert only(findings, runtime).evidence["trails"] == ["ai-trail"]
    missing = expect(findings, gateway, Status.FAIL)
    assert missing.evidence["data_event_type"] == "AWS::BedrockAgentCore::Gateway"


def test_agentcore_selector_of_a_stopped_trail_fails(aws, run_check):
    runtime, _ = agentcore_resources(aws)
    trail(aws, "ai-trail", log=False)
    aws.client("cloudtrail").put_event_selectors(
        TrailName="ai-trail", AdvancedEventSelectors=[data_selector(cloudtrail.AGENTCORE_RUNTIME)])
    expect(run_check(AGENTCORE_EVENTS), runtime, Status.FAIL)


def test_agentcore_trail_status_denied_is_error(aws, run_check):
    runtime, _ = agentcore_resources(aws)
    trail(aws, "ai-trail")
    aws.simulation.fail("cloudtrail", "GetTrailStatus", "AccessDeniedException")
    expect(run_check(AGENTCORE_EVENTS), runtime, Status.ERROR)


def test_agentcore_selector_narrowed_to_another_runtime_does_not_count():
    arn = f"arn:aws:bedrock-agentcore:us-east-1:{ACCOUNT}:runtime/support-0abc"
    other = data_selector(cloudtrail.AGENTCORE_RUNTIME, arn_prefix=arn.replace("support", "billing"))
    assert cloudtrail.advanced_coverage(other, cloudtrail.AGENTCORE_RUNTIME, arn) == frozenset()
    mine = data_selector(cloudtrail.AGENTCORE_RUNTIME, arn_prefix=arn)
    assert cloudtrail.advanced_coverage(mine, cloudtrail.AGENTCORE_RUNTIME, arn) == cloudtrail.BOTH
    assert cloudtrail.advanced_coverage(mine, cloudtrail.AGENTCORE_GATEWAY, arn) == frozenset()


# -- LLMjacking indicators -----------------------------------------------------------------------
LLMJACKING = "cloudtrail.llmjacking_indicators"
LOOKBACK = {"check_settings": {"cloudtrail": {"lookback_days": 7}}}
AI_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ai-app"


def event(name, principal, *, event_id, source="bedrock.amazonaws.com", kind="AssumedRole", error=None,
          when="2026-11-30T10:00:00Z", **request):
    identity = ({"type": "AssumedRole", "arn": f"{principal.replace(':role/', ':assumed-role/')}/s",
                 "sessionContext": {"sessionIssuer": {"type": "Role", "arn": principal}}}
                if kind == "AssumedRole" else {"type": kind, "arn": principal})
    record = {"eventName": name, "eventSource": source, "eventID": event_id, "eventTime": when,
              "userIdentity": identity, "requestParameters": request or None,
              **({"errorCode": error} if error else {})}
    return {"EventId": event_id, "EventName": name, "EventSource": source, "CloudTrailEvent": json.dumps(record),
            "EventTime": datetime.fromisoformat(when.replace("Z", "+00:00")).astimezone(UTC).timestamp()}


def test_llmjacking_is_opt_in(aws, run_check):
    aws.simulation.put("cloudtrail", "LookupEvents", {"Events": [
        event("PutUseCaseForModelAccess", AI_ROLE, event_id="e1")]})
    assert run_check(LLMJACKING) == []


def test_llmjacking_quiet_history_passes_and_model_access_change_fails(aws, run_check):
    expect(run_check(LLMJACKING, **LOOKBACK), ACCOUNT, Status.PASS)
    aws.simulation.put("cloudtrail", "LookupEvents", {"Events": [
        event("PutFoundationModelEntitlement", "arn:aws:iam::123456789012:user/intern", kind="IAMUser",
              event_id="e-entitle")]})
    findings = run_check(LLMJACKING, **LOOKBACK)
    found = expect(findings, "PutFoundationModelEntitlement/e-entitle", Status.FAIL)
    assert found.evidence["principal"] == "arn:aws:iam::123456789012:user/intern"
    assert [f for f in findings if f.resource_id == ACCOUNT] == []


def test_llmjacking_invocations_outside_ai_roles_fail(aws, run_check):
    iam = aws.client("iam")
    iam.create_role(RoleName="ai-app", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "bedrock.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    stranger = f"arn:aws:iam::{ACCOUNT}:user/ci-bot"
    aws.simulation.put("cloudtrail", "LookupEvents", {"Events": [
        event("InvokeModel", AI_ROLE, event_id="a1"),
        event("InvokeModel", stranger, kind="IAMUser", event_id="b1"),
        event("Converse", stranger, kind="IAMUser", event_id="b2", when="2026-11-30T11:00:00Z"),
    ]})
    findings = run_check(LLMJACKING, **LOOKBACK)
    assert sorted(f.resource_id for f in findings) == [f"Converse/{stranger}", f"InvokeModel/{stranger}"]
    assert {f.evidence["principal"] for f in findings} == {stranger}


def test_llmjacking_history_denied_is_error(aws, run_check):
    aws.simulation.fail("cloudtrail", "LookupEvents", "AccessDeniedException")
    expect(run_check(LLMJACKING, **LOOKBACK), ACCOUNT, Status.ERROR)


def test_llmjacking_indicators_table():
    user = f"arn:aws:iam::{ACCOUNT}:user/x"
    events = [
        event("DeleteModelInvocationLoggingConfiguration", AI_ROLE, event_id="1"),
        event("DeleteModelInvocationLoggingConfiguration", AI_ROLE, event_id="1"),  # a second lookup's copy
        event("CreateServiceSpecificCredential", user, kind="IAMUser", event_id="2", source="iam.amazonaws.com",
              serviceName="bedrock.amazonaws.com", userName="x"),
        event("CreateServiceSpecificCredential", user, kind="IAMUser", event_id="3", source="iam.amazonaws.com",
              serviceName="codecommit.amazonaws.com", userName="x"),
        event("CreateFoundationModelAgreement", user, kind="IAMUser", event_id="4", error="AccessDenied"),
        event("InvokeModel", user, kind="IAMUser", event_id="5", when="2026-11-30T09:00:00Z"),
        event("InvokeModel", user, kind="IAMUser", event_id="6", error="ValidationException"),
        event("InvokeModel", AI_ROLE, event_id="7"),
        event("ListFoundationModels", user, kind="IAMUser", event_id="8"),
    ]
    found = {(i.event, i.event_id): i for i in cloudtrail.llmjacking_indicators_of(events, {AI_ROLE})}
    assert sorted(found) == [("CreateFoundationModelAgreement", "4"), ("CreateServiceSpecificCredential", "2"),
                             ("DeleteModelInvocationLoggingConfiguration", "1"), ("InvokeModel", "5")]
    invoked = found[("InvokeModel", "5")]
    assert (invoked.count, invoked.first, invoked.error) == (2, "2026-11-30T09:00:00+00:00", "ValidationException")
    assert found[("CreateFoundationModelAgreement", "4")].error == "AccessDenied"
    unknown_roles = cloudtrail.llmjacking_indicators_of(events, None)
    assert all(i.kind == "model-access" for i in unknown_roles)


def test_event_principal_forms():
    assert cloudtrail.event_principal({"userIdentity": {"type": "AssumedRole", "arn": "x", "sessionContext": {
        "sessionIssuer": {"arn": AI_ROLE}}}}) == AI_ROLE
    assert cloudtrail.event_principal({"userIdentity": {"type": "Root", "arn": f"arn:aws:iam::{ACCOUNT}:root"}}) \
        == f"arn:aws:iam::{ACCOUNT}:root"
    assert cloudtrail.event_principal({}) == "unknown"
