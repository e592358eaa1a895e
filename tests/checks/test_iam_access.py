"""Model access and credentials (checks/iam.py): Bedrock API keys, who may mint them, Marketplace
subscriptions, Bedrock full access outside AI scope, shared agent roles, unused AI access.

moto has no service-specific credentials and no service last-accessed jobs: the simulation answers them
(in IAM's XML, by botocore's model)."""

import json
from datetime import UTC, datetime, timedelta
from functools import cache

from posture.checks import _policy
from posture.checks._principals import RolePolicies
from posture.checks.iam import (
    api_key_grants,
    bedrock_wildcard_grants,
    judge_api_key,
    judge_last_accessed,
    marketplace_grants,
    shared_roles,
)
from posture.core.models import Status
from tests.checks.test_awslambda import make_role
from tests.support.findings import expect

ACCOUNT = "123456789012"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
KEYS = "iam.bedrock_long_term_api_keys"
CREATORS = "iam.bedrock_api_key_creators"
MARKETPLACE = "iam.marketplace_subscribe_any"
FULL_ACCESS = "iam.bedrock_full_access_non_ai"
SHARED = "iam.agent_role_not_shared"
UNUSED = "iam.ai_access_unused"


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def policies(*documents, boundary=None) -> RolePolicies:
    found = RolePolicies({f"p{i}": _policy.statements(d) for i, d in enumerate(documents)})
    found.boundary = None if boundary is None else _policy.statements(boundary)
    return found


@cache
def _aws_managed(name: str) -> dict:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    # Decode only this policy's entry of moto's 1,500 (the whole text takes half a second).
    start = aws_managed_policies_data.index(f'"{name}":') + len(name) + 3
    return dict(json.JSONDecoder().raw_decode(aws_managed_policies_data, start)[0])


def aws_managed_policy(aws, name: str) -> str:
    """Load one AWS managed policy (moto's copy of the real document) into moto's IAM, not all 1,500 of them."""
    from moto.iam.models import AWSManagedPolicy, iam_backends

    aws.client("iam").list_policies(Scope="Local")  # the backend exists from here on
    backend = iam_backends[ACCOUNT]["aws"]
    found = AWSManagedPolicy.from_data(name, ACCOUNT, "us-east-1", _aws_managed(name))
    backend.managed_policies[found.arn] = found
    return found.arn


def make_user(aws, name: str, document: str | None = None) -> str:
    iam = aws.client("iam")
    arn = iam.create_user(UserName=name)["User"]["Arn"]
    if document:
        iam.put_user_policy(UserName=name, PolicyName="app", PolicyDocument=document)
    return arn


def key(user: str, key_id: str, status="Active", created=None, expires=None) -> dict:
    found = {"UserName": user, "Status": status, "ServiceUserName": f"{user}-at-{ACCOUNT}",
             "CreateDate": created or datetime.now(UTC) - timedelta(days=3),
             "ServiceSpecificCredentialId": key_id, "ServiceName": "bedrock.amazonaws.com"}
    if expires is not None:
        found["ExpirationDate"] = expires
    return found


def api_keys(aws, by_user: dict[str, list[dict]]) -> None:
    for user, keys in by_user.items():
        aws.simulation.put("iam", "ListServiceSpecificCredentials", {"ServiceSpecificCredentials": keys},
                           UserName=user, ServiceName="bedrock.amazonaws.com")


# -- long-term Bedrock API keys ----------------------------------------------------------------
def test_api_key_judgement():
    day = timedelta(days=1)
    assert judge_api_key(key("u", "k", created=NOW - 2 * day, expires=NOW + 28 * day), NOW, 30)[0]
    assert judge_api_key(key("u", "k", status="Inactive", created=NOW - 400 * day), NOW, 30) == (
        True, "the key is inactive")
    assert judge_api_key(key("u", "k", status="Expired", created=NOW - 400 * day), NOW, 30)[0]
    assert judge_api_key(key("u", "k", created=NOW - 400 * day, expires=NOW - day), NOW, 30)[1] == \
        "the key has expired"
    assert judge_api_key(key("u", "k", created=NOW - 2 * day), NOW, 30) == (
        False, "the key is active and never expires")
    assert judge_api_key(key("u", "k", created=NOW - 45 * day, expires=NOW + day), NOW, 30) == (
        False, "the key is active and 45 days old (more than 30)")
    assert judge_api_key(key("u", "k", created=NOW - day, expires=NOW + 364 * day), NOW, 30) == (
        False, "the key is valid for 365 days (more than 30)")
    assert judge_api_key(key("u", "k", created=NOW - 45 * day, expires=NOW + day), NOW, 60)[0]
    assert judge_api_key({"Status": "Active", "CreateDate": "2026-11-30T00:00:00Z",
                          "ExpirationDate": "2026-12-20T00:00:00Z"}, NOW, 30)[0]  # ISO text as well


def test_short_lived_key_passes_and_key_without_expiry_fails(aws, run_check):
    make_user(aws, "alice")
    make_user(aws, "bob")
    api_keys(aws, {"alice": [key("alice", "ACCAKEY1", expires=datetime.now(UTC) + timedelta(days=20))],
                           "bob": [key("bob", "ACCAKEY2")]})
    findings = run_check(KEYS)
    passed = expect(findings, "alice/ACCAKEY1", Status.PASS)
    assert passed.region == "global"
    failed = expect(findings, "bob/ACCAKEY2", Status.FAIL)
    assert failed.evidence["expires"] is None and failed.evidence["age_days"] == 3
    assert failed.evidence["user"] == "bob" and failed.evidence["credential_id"] == "ACCAKEY2"


def test_no_key_at_all_passes_once(aws, run_check):
    make_user(aws, "alice")
    finding = expect(run_check(KEYS), ACCOUNT, Status.PASS)
    assert finding.evidence == {"users": 1}


def test_max_age_setting_applies(aws, run_check):
    make_user(aws, "alice")
    created = datetime.now(UTC) - timedelta(days=10)
    api_keys(aws, {"alice": [key("alice", "ACCAKEY1", created=created, expires=created + timedelta(days=20))]})
    finding = expect(run_check(KEYS, check_settings={"iam": {"bedrock_api_key_max_age_days": 7}}), "alice/ACCAKEY1",
                     Status.FAIL)
    assert finding.evidence["max_age_days"] == 7


def test_unlistable_keys_are_error_for_that_user(aws, run_check):
    make_user(aws, "alice")
    aws.simulation.fail("iam", "ListServiceSpecificCredentials", "AccessDenied", status=403)
    finding = expect(run_check(KEYS), "alice", Status.ERROR)
    assert "iam:ListServiceSpecificCredentials" in finding.message


# -- who may mint or use Bedrock API keys ------------------------------------------------------
def test_api_key_grant_judgement():
    create = "iam:CreateServiceSpecificCredential"
    assert api_key_grants(policies(policy(allow(create))), ACCOUNT) == [f"{create} via p0"]
    # Limited by value to another service (CodeCommit): no Bedrock key can be minted.
    codecommit = allow(create, Condition={"StringEquals": {
        "iam:ServiceSpecificCredentialServiceName": "codecommit.amazonaws.com"}})
    assert api_key_grants(policies(policy(codecommit)), ACCOUNT) == []
    bedrock_only = allow(create, Condition={"StringEquals": {
        "iam:ServiceSpecificCredentialServiceName": "bedrock.amazonaws.com"}})
    assert api_key_grants(policies(policy(bedrock_only)), ACCOUNT) == [f"{create} via p0"]
    # Only on the caller itself: still mints a long-term key.
    own = allow(create, f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}")
    assert api_key_grants(policies(policy(own)), ACCOUNT) == [f"{create} via p0"]
    # Other conditions stay on the grant and are named.
    mfa = allow(create, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})
    assert api_key_grants(policies(policy(mfa)), ACCOUNT) == [f"{create} via p0 (if aws:multifactorauthpresent)"]
    assert api_key_grants(policies(policy(allow("bedrock:*"))), ACCOUNT) == ["bedrock:CallWithBearerToken via p0"]
    denied = policy(allow("bedrock:*"), {"Effect": "Deny", "Action": "bedrock:CallWithBearerToken", "Resource": "*"})
    assert api_key_grants(policies(denied), ACCOUNT) == []
    assert api_key_grants(policies(policy(allow("iam:*")), boundary=json.loads(policy(allow("s3:*")))), ACCOUNT) == []


def test_developer_who_can_mint_keys_fails_and_admin_is_exempt(aws, run_check):
    make_user(aws, "dev", policy(allow("iam:CreateServiceSpecificCredential", f"arn:aws:iam::{ACCOUNT}:user/*")))
    make_user(aws, "admin", policy(allow("*")))
    findings = run_check(CREATORS)
    assert [f.resource_id for f in findings] == ["dev"]
    expect(findings, "dev", Status.FAIL)
    assert findings[0].evidence["grants"] == ["iam:CreateServiceSpecificCredential via inline:app"]
    assert findings[0].resource_type == "AwsIamUser"


def test_nobody_but_admins_passes_on_the_account(aws, run_check):
    make_role(aws, "app-role", "ecs-tasks.amazonaws.com")
    aws.client("iam").put_role_policy(RoleName="app-role", PolicyName="app",
                                      PolicyDocument=policy(allow("bedrock:InvokeModel")))
    make_user(aws, "platform", policy(allow("bedrock:CallWithBearerToken")))
    findings = run_check(CREATORS, check_settings={"iam": {"bedrock_api_key_creators_allowed": [
        f"arn:aws:iam::{ACCOUNT}:user/platform"]}})
    finding = expect(findings, ACCOUNT, Status.PASS)
    assert finding.evidence == {"principals_judged": 1, "principals_out_of_scope": 1}


def test_unreadable_authorization_details_is_error(aws, run_check):
    aws.simulation.fail("iam", "GetAccountAuthorizationDetails", "AccessDenied", status=403)
    expect(run_check(CREATORS), ACCOUNT, Status.ERROR)


# -- Marketplace subscriptions -----------------------------------------------------------------
def test_marketplace_judgement():
    subscribe = "aws-marketplace:Subscribe"
    assert marketplace_grants(policies(policy(allow(subscribe)))) == ["p0"]
    assert marketplace_grants(policies(policy(allow("aws-marketplace:*")))) == ["p0"]
    listed = allow(subscribe, Condition={"ForAnyValue:StringEquals": {"aws-marketplace:ProductId": [
        "prod-m5ilt4siql27k"]}})
    assert marketplace_grants(policies(policy(listed))) == []
    anything = allow(subscribe, Condition={"StringLike": {"aws-marketplace:ProductId": "*"}})
    assert marketplace_grants(policies(policy(anything))) == ["p0"]
    negated = allow(subscribe, Condition={"StringNotEquals": {"aws-marketplace:ProductId": "prod-bad"}})
    assert marketplace_grants(policies(policy(negated))) == ["p0"]  # every product but one
    denied_others = policy(allow(subscribe), {"Effect": "Deny", "Action": subscribe, "Resource": "*", "Condition": {
        "StringNotEquals": {"aws-marketplace:ProductId": ["prod-m5ilt4siql27k"]}}})
    assert marketplace_grants(policies(denied_others)) == []
    via_bedrock = allow(subscribe, Condition={"StringEquals": {"aws:CalledViaLast": "bedrock.amazonaws.com"}})
    assert marketplace_grants(policies(policy(via_bedrock))) == ["p0 (if aws:calledvialast)"]


def test_bedrock_full_access_may_subscribe_to_anything(aws, run_check):
    make_role(aws, "data-science", "sagemaker.amazonaws.com")
    aws.client("iam").attach_role_policy(RoleName="data-science",
                                         PolicyArn=aws_managed_policy(aws, "AmazonBedrockFullAccess"))
    finding = expect(run_check(MARKETPLACE), "data-science", Status.FAIL)
    assert finding.evidence["grants"] == ["AmazonBedrockFullAccess (if aws:calledvialast)"]


def test_subscription_limited_to_products_passes(aws, run_check):
    make_user(aws, "buyer", policy(allow("aws-marketplace:Subscribe", Condition={
        "ForAnyValue:StringEquals": {"aws-marketplace:ProductId": ["prod-m5ilt4siql27k"]}})))
    make_user(aws, "admin", policy(allow("*")))  # administrators are IAM.1's
    finding = expect(run_check(MARKETPLACE), ACCOUNT, Status.PASS)
    assert finding.evidence == {"principals_judged": 1, "principals_out_of_scope": 1}


def test_unreadable_managed_policy_is_error(aws, run_check):
    iam = aws.client("iam")
    make_user(aws, "buyer")
    arn = iam.create_policy(PolicyName="buy", PolicyDocument=policy(allow("s3:GetObject")))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="buyer", PolicyArn=arn)
    iam.delete_policy(PolicyArn=arn)  # moto keeps the dangling attachment
    finding = expect(run_check(MARKETPLACE), "buyer", Status.ERROR)
    assert finding.evidence["unresolved_policies"] == [arn]


# -- Bedrock full access outside AI scope -------------------------------------------------------
def test_bedrock_wildcard_judgement():
    assert bedrock_wildcard_grants(policies(policy(allow("bedrock:*"))), ACCOUNT) == ["p0: bedrock:*"]
    assert bedrock_wildcard_grants(policies(policy(allow("*"))), ACCOUNT) == []  # administrators: IAM.1
    assert bedrock_wildcard_grants(policies(policy(allow("bedrock:*", "arn:aws:bedrock:*:*:agent/A1"))),
                                   ACCOUNT) == []
    power_user = policy({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"})
    assert bedrock_wildcard_grants(policies(power_user), ACCOUNT) == [
        "p0: NotAction iam:*,organizations:* (includes bedrock:*)"]
    no_bedrock = policy({"Effect": "Allow", "NotAction": ["bedrock:*"], "Resource": "*"})
    assert bedrock_wildcard_grants(policies(no_bedrock), ACCOUNT) == []
    denied = policy(allow("bedrock:*"), {"Effect": "Deny", "Action": "bedrock:*", "Resource": "*"})
    assert bedrock_wildcard_grants(policies(denied), ACCOUNT) == []


def test_ci_role_with_bedrock_full_access_fails_and_ai_role_is_out_of_scope(aws, run_check):
    iam, full_access = aws.client("iam"), aws_managed_policy(aws, "AmazonBedrockFullAccess")
    make_role(aws, "ci", "codebuild.amazonaws.com")
    iam.attach_role_policy(RoleName="ci", PolicyArn=full_access)
    make_role(aws, "agent-role", "bedrock.amazonaws.com")
    iam.attach_role_policy(RoleName="agent-role", PolicyArn=full_access)
    findings = run_check(FULL_ACCESS)
    assert [f.resource_id for f in findings] == ["ci"]
    expect(findings, "ci", Status.FAIL)
    assert findings[0].evidence["grants"] == ["AmazonBedrockFullAccess: bedrock:*"]


def test_narrow_bedrock_access_passes(aws, run_check):
    make_user(aws, "analyst", policy(allow("bedrock:InvokeModel",
                                           "arn:aws:bedrock:us-east-1::foundation-model/anthropic.*")))
    expect(run_check(FULL_ACCESS), ACCOUNT, Status.PASS)


def test_full_access_read_denied_is_error(aws, run_check):
    aws.simulation.fail("iam", "GetAccountAuthorizationDetails", "AccessDenied", status=403)
    expect(run_check(FULL_ACCESS), ACCOUNT, Status.ERROR)


# -- one role per agent ------------------------------------------------------------------------
def make_agent(aws, name: str, role: str, region="us-east-1") -> str:
    created = aws.client("bedrock-agent", region).create_agent(
        agentName=name, foundationModel="anthropic.claude-3-5-sonnet-20240620-v1:0", agentResourceRoleArn=role)["agent"]
    aws.simulation.put("bedrock-agent", "GetAgent", {"agent": {
        "agentId": created["agentId"], "agentName": name, "agentArn": created["agentArn"], "agentVersion": "DRAFT",
        "agentStatus": "PREPARED", "idleSessionTTLInSeconds": 600, "agentResourceRoleArn": role,
        "createdAt": "2026-11-01T00:00:00Z", "updatedAt": "2026-11-01T00:00:00Z"}},
        region=region, agentId=created["agentId"])
    return created["agentId"]


def make_runtime(aws, name: str, role: str) -> str:
    return aws.client("bedrock-agentcore-control").create_agent_runtime(
        agentRuntimeName=name, roleArn=role, networkConfiguration={"networkMode": "PUBLIC"},
        agentRuntimeArtifact={"containerConfiguration": {
            "containerUri": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/agent:1"}})["agentRuntimeId"]


def test_shared_roles_judgement():
    assert shared_roles({"r1": ["agent a", "agent b"], "r2": ["agent c"]}) == {"r1": ["agent a", "agent b"]}


def test_role_shared_by_an_agent_and_a_runtime_fails(aws, run_check):
    shared = f"arn:aws:iam::{ACCOUNT}:role/shared-agent-role"
    own = f"arn:aws:iam::{ACCOUNT}:role/billing-agent-role"
    make_agent(aws, "support", shared)
    make_runtime(aws, "triage", shared)
    make_agent(aws, "billing", own)
    findings = run_check(SHARED)
    failed = expect(findings, "shared-agent-role", Status.FAIL)
    assert failed.evidence["used_by"] == ["AgentCore runtime triage (us-east-1)", "agent support (us-east-1)"]
    expect(findings, "billing-agent-role", Status.PASS)


def test_agents_unreadable_is_one_error_and_runtimes_still_judged(aws, run_check):
    make_runtime(aws, "triage", f"arn:aws:iam::{ACCOUNT}:role/triage-role")
    aws.simulation.fail("bedrock-agent", "ListAgents", "AccessDeniedException", status=403)
    findings = run_check(SHARED)
    expect(findings, "not-read/bedrock-agent", Status.ERROR)
    expect(findings, "triage-role", Status.PASS)


# -- unused AI access --------------------------------------------------------------------------
def test_last_accessed_judgement():
    recent, old = NOW - timedelta(days=5), NOW - timedelta(days=200)
    services = [{"ServiceNamespace": "bedrock", "LastAuthenticated": recent},
                {"ServiceNamespace": "sagemaker", "LastAuthenticated": old}, {"ServiceNamespace": "s3"}]
    stale, last = judge_last_accessed(services, ["bedrock", "sagemaker"], NOW, 90)
    assert stale == ["sagemaker"] and last["bedrock"] == recent.isoformat()
    assert judge_last_accessed(services, ["sagemaker"], NOW, 365)[0] == []
    assert judge_last_accessed([{"ServiceNamespace": "bedrock"}], ["bedrock"], NOW, 90)[0] == ["bedrock"]  # never


def last_accessed_jobs(aws, status: str, by_principal: dict[str, list[dict]]) -> None:
    """IAM's last-accessed report of each principal (by ARN), as GetServiceLastAccessedDetails gives it."""
    for number, (arn, services) in enumerate(by_principal.items()):
        job = f"0000000{number}-1305-4245-8ba4-71fe298bcda7"
        aws.simulation.put("iam", "GenerateServiceLastAccessedDetails", {"JobId": job}, Arn=arn,
                           Granularity="SERVICE_LEVEL")
        aws.simulation.put("iam", "GetServiceLastAccessedDetails", {
            "JobStatus": status, "JobType": "SERVICE_LEVEL", "JobCreationDate": NOW, "JobCompletionDate": NOW,
            "ServicesLastAccessed": services}, JobId=job)


def bedrock_role(aws, name: str = "agent-role") -> str:
    arn = make_role(aws, name, "bedrock.amazonaws.com")
    aws.client("iam").put_role_policy(RoleName=name, PolicyName="app",
                                      PolicyDocument=policy(allow("bedrock:InvokeModel")))
    return arn


def test_agent_role_that_used_bedrock_passes_and_unused_user_fails(aws, run_check):
    role = bedrock_role(aws)
    dev = make_user(aws, "old-dev", policy(allow("sagemaker:CreatePresignedDomainUrl")))
    make_user(aws, "web", policy(allow("s3:GetObject")))  # no AI access: not judged
    used = [{"ServiceName": "Amazon Bedrock", "ServiceNamespace": "bedrock",
             "LastAuthenticated": datetime.now(UTC) - timedelta(days=2)}]
    last_accessed_jobs(aws, "COMPLETED", {role: used, dev: [{"ServiceName": "Amazon SageMaker",
                                                             "ServiceNamespace": "sagemaker"}]})
    findings = run_check(UNUSED)
    expect(findings, "agent-role", Status.PASS)
    failed = expect(findings, "old-dev", Status.FAIL)
    assert failed.evidence["stale"] == ["sagemaker"] and failed.evidence["last_sagemaker"] is None
    assert "web" not in {f.resource_id for f in findings}


def test_job_still_running_after_the_bound_is_error(aws, run_check):
    last_accessed_jobs(aws, "IN_PROGRESS", {bedrock_role(aws): []})
    finding = expect(run_check(UNUSED, check_settings={"iam": {"last_accessed_poll_seconds": 0.0}}), "agent-role",
                     Status.ERROR)
    assert "still IN_PROGRESS after 5 polls" in finding.message


def test_last_accessed_denied_is_error(aws, run_check):
    bedrock_role(aws)
    aws.simulation.fail("iam", "GenerateServiceLastAccessedDetails", "AccessDenied", status=403)
    finding = expect(run_check(UNUSED), "agent-role", Status.ERROR)
    assert "iam:GenerateServiceLastAccessedDetails" in finding.message
