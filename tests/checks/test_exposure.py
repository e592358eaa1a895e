"""The one exposure question (checks/_exposure.py): table tests on plain policy documents, the asset table, and a
PASS, a FAIL and an ERROR through the runner for each asset kind's check."""

import json
import re
from pathlib import Path

import pytest

from posture.checks import _exposure
from posture.checks._exposure import ENDPOINT_ACTIONS, TRUST_ACTIONS, exposure
from posture.checks.ec2 import grants_everything
from posture.core.models import Status
from tests.checks.test_awslambda import make_agent_tool, make_function
from tests.checks.test_bedrock_agentcore import make_gateway
from tests.checks.test_ec2 import ai_vpc, endpoint
from tests.checks.test_ecr import serve
from tests.checks.test_knowledge_bases import aoss_kb, s3_vectors_kb, simulated  # noqa: F401 (a fixture)
from tests.support.bedrock_world import guardrail_arn, put_guardrail, strong_guardrail
from tests.support.findings import expect

ACCOUNT = "123456789012"
OTHER = "999988887777"
ORG = "o-ours12345"
RUNTIME = ENDPOINT_ACTIONS["bedrock-runtime"]


def doc(principal, action="*", condition=None, effect="Allow", sid="S"):
    statement = {"Sid": sid, "Effect": effect, "Principal": principal, "Action": action, "Resource": "*"}
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def who(document, actions=TRUST_ACTIONS, org_id=ORG):
    return [(o.who, o.actions) for o in exposure(document, actions, account_id=ACCOUNT, org_id=org_id)]


# -- every outside principal class -------------------------------------------------------------
@pytest.mark.parametrize("document,expected", [
    (doc("*"), [("anyone", ("sts:*",))]),
    (doc({"AWS": "arn:aws:iam::*:root"}, "sts:AssumeRole"), [("any account", ("sts:AssumeRole",))]),
    (doc({"AWS": OTHER}), [("another account", ("sts:*",))]),
    (doc({"AWS": f"arn:aws:iam::{OTHER}:role/x"}, "sts:AssumeRole"), [("another account", ("sts:AssumeRole",))]),
    (doc({"AWS": "*"}, condition={"StringEquals": {"aws:PrincipalOrgID": "o-theirs"}}),
     [("another organization", ("sts:*",))]),
    (doc({"Service": "bedrock.amazonaws.com"}, "sts:AssumeRole"), [("service", ("sts:AssumeRole",))]),
    (doc({"Service": "bedrock.amazonaws.com"}, "sts:AssumeRole", {"StringEquals": {"aws:SourceAccount": OTHER}}),
     [("service", ("sts:AssumeRole",))]),
    (doc({"Federated": "cognito-identity.amazonaws.com"}, "sts:AssumeRoleWithWebIdentity",
         {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:pool"}}),
     [("federated", ("sts:AssumeRoleWithWebIdentity",))]),
    (doc({"Federated": "accounts.google.com"}, "sts:AssumeRoleWithWebIdentity"),
     [("federated", ("sts:AssumeRoleWithWebIdentity",))]),
    (doc({"CanonicalUser": "79a59df900b949e55d96a1e698fbaced"}, "sts:AssumeRole"),
     [("another account", ("sts:AssumeRole",))]),
])
def test_each_outside_class(document, expected):
    assert who(document) == expected


@pytest.mark.parametrize("document", [
    doc({"AWS": ACCOUNT}),
    doc({"AWS": f"arn:aws:iam::{ACCOUNT}:role/app"}),
    doc({"AWS": "*"}, condition={"StringEquals": {"aws:PrincipalOrgID": ORG}}),
    doc({"AWS": "*"}, condition={"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}),
    doc({"Service": "bedrock.amazonaws.com"}, "sts:AssumeRole", {"StringEquals": {"aws:SourceAccount": ACCOUNT}}),
    doc({"Service": "bedrock.amazonaws.com"}, "sts:AssumeRole",
        {"ArnLike": {"aws:SourceArn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:agent/*"}}),
    doc("*", "sts:AssumeRole", effect="Deny"),
    None,
    "",
], ids=["account", "role", "our-org", "principal-account", "source-account", "source-arn", "deny", "none", "empty"])
def test_inside_the_account_or_organization_is_no_outsider(document):
    assert who(document) == []


@pytest.mark.parametrize("condition", [
    {"Bool": {"aws:SecureTransport": "true"}},
    {"StringEqualsIfExists": {"aws:PrincipalAccount": ACCOUNT}},
    {"StringNotEquals": {"aws:PrincipalOrgID": ORG}},
    {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": [ORG]}},
    {"StringLike": {"aws:PrincipalAccount": "*"}},
], ids=["transport", "if-exists", "negated", "for-all-values", "wildcard"])
def test_conditions_that_narrow_nothing_leave_anyone_in_and_are_named(condition):
    [outsider] = exposure(doc("*", condition=condition), TRUST_ACTIONS, account_id=ACCOUNT, org_id=ORG)
    assert outsider.who == "anyone"
    key = next(iter(next(iter(condition.values()))))
    assert any(key.lower() in c for c in outsider.conditions) or outsider.conditions == ()


def test_remaining_conditions_are_reported():
    [outsider] = exposure(doc("*", condition={"Bool": {"aws:SecureTransport": "true"}}), TRUST_ACTIONS,
                          account_id=ACCOUNT)
    assert outsider.conditions == ("Bool aws:securetransport true",)
    assert "if Bool aws:securetransport true" in outsider.describe()


def test_organization_not_known_is_reported_as_another_organization():
    document = doc({"AWS": "*"}, condition={"StringEquals": {"aws:PrincipalOrgID": ORG}})
    assert who(document, org_id=None) == [("another organization", ("sts:*",))]


# -- the service-wide action rule --------------------------------------------------------------
def test_service_wide_action_is_everything_the_endpoint_serves():
    [outsider] = exposure(doc("*", "bedrock:*"), RUNTIME, account_id=ACCOUNT)
    assert outsider.everything and outsider.actions == ("bedrock:*",)
    assert "may everything (bedrock:*)" in outsider.describe()


def test_some_actions_are_named_not_everything():
    [outsider] = exposure(doc("*", ["bedrock:InvokeModel", "bedrock:Converse"]), RUNTIME, account_id=ACCOUNT)
    assert not outsider.everything
    assert outsider.actions == ("bedrock:InvokeModel", "bedrock:Converse")


def test_every_listed_action_is_everything_too():
    assert exposure(doc("*", list(RUNTIME)), RUNTIME, account_id=ACCOUNT)[0].everything


def test_an_action_the_vocabulary_does_not_name_is_never_hidden():
    [outsider] = exposure(doc("*", "kms:Sign"), _exposure.KMS_ACTIONS, account_id=ACCOUNT)
    assert outsider.who == "anyone" and outsider.actions == ("kms:Sign",)


def test_regression_everything_read_literally():
    """Issue 17: an endpoint policy that lets anyone do every action of its one service passed, because only the
    action `*` counted as everything."""
    assert grants_everything(doc("*", "bedrock:*"), "bedrock-runtime")
    assert grants_everything(doc({"AWS": "*"}, "bedrock:*"), "bedrock-runtime")
    assert grants_everything(None, "bedrock-runtime")
    assert not grants_everything(doc("*", "bedrock:InvokeModel"), "bedrock-runtime")
    assert not grants_everything(doc("*", "bedrock:*", {"StringEquals": {"aws:PrincipalOrgID": ORG}}),
                                 "bedrock-runtime")


# -- grants that are not policies ----------------------------------------------------------------
def test_kms_grants_are_judged_as_statements():
    grants = [{"GrantId": "g1", "GranteePrincipal": f"arn:aws:iam::{OTHER}:root", "Operations": ["Decrypt"]},
              {"GrantId": "g2", "GranteePrincipal": f"arn:aws:iam::{ACCOUNT}:role/app", "Operations": ["Encrypt"]},
              {"GrantId": "g3", "GranteePrincipal": "logs.amazonaws.com", "Operations": ["GenerateDataKey"],
               "Constraints": {"EncryptionContextSubset": {"app": "chat"}}}]
    found = exposure(_exposure.kms_grant_statements(grants), _exposure.KMS_ACTIONS, account_id=ACCOUNT)
    assert [(o.who, o.actions, o.statements) for o in found] == [
        ("another account", ("kms:Decrypt",), ("grant g1",)),
        ("service", ("kms:GenerateDataKey",), ("grant g3",))]
    assert found[1].conditions == ("StringEquals kms:encryptioncontext:app chat",)


def test_s3_acl_grants_are_judged_as_statements():
    owner = "ownercanonicalid"
    grants = [{"Grantee": {"Type": "CanonicalUser", "ID": owner}, "Permission": "FULL_CONTROL"},
              {"Grantee": {"Type": "Group", "URI": _exposure.ALL_USERS}, "Permission": "READ"},
              {"Grantee": {"Type": "Group", "URI": _exposure.AUTHENTICATED_USERS}, "Permission": "WRITE"},
              {"Grantee": {"Type": "CanonicalUser", "ID": "someoneelse"}, "Permission": "READ_ACP"}]
    found = exposure(_exposure.s3_acl_statements(grants, owner), _exposure.S3_ACTIONS, account_id=ACCOUNT)
    assert [(o.who, o.actions) for o in found] == [
        ("anyone", ("s3:GetObject", "s3:ListBucket")),
        ("any account", ("s3:PutObject", "s3:DeleteObject")),
        ("another account", ("s3:GetBucketAcl",))]


# -- the asset table ------------------------------------------------------------------------------
def test_every_asset_kind_has_its_check(registry):
    for kind in _exposure.ASSETS:
        assert kind.check_id in registry, kind.check_id
        for older in kind.also:
            assert older in registry, older
        assert kind.actions or kind is _exposure.AI_ENDPOINT, kind.name
    assert len({k.check_id for k in _exposure.ASSETS}) == len(_exposure.ASSETS)


def test_the_architecture_doc_shows_the_asset_table():
    text = (Path(__file__).parents[2] / "docs" / "architecture.md").read_text()
    section = text.split("## Exposure: asset kind → read → checks", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| asset")]
    assert rows == _exposure.asset_table_rows()


# -- the checks, through the runner --------------------------------------------------------------
def _role(aws, name, trust, tags=()):
    return aws.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust),
                                         Tags=list(tags))["Role"]["Arn"]


TRUST = "iam.ai_role_trust_outside_access"


def test_ai_role_trust(aws, run_check):
    _role(aws, "scoped", doc({"Service": "bedrock.amazonaws.com"}, "sts:AssumeRole",
                             {"StringEquals": {"aws:SourceAccount": ACCOUNT}}))
    _role(aws, "deputy", doc({"Service": "bedrock.amazonaws.com"}, "sts:AssumeRole"))
    _role(aws, "web", doc({"Federated": "cognito-identity.amazonaws.com"}, "sts:AssumeRoleWithWebIdentity"),
          [{"Key": "posture:ai-workload", "Value": "chat"}])
    _role(aws, "website", doc({"AWS": OTHER}, "sts:AssumeRole"))  # no AI role: out of scope
    findings = [f for f in run_check(TRUST) if f.check_id == TRUST]
    expect(findings, "scoped", Status.PASS)
    deputy = expect(findings, "deputy", Status.FAIL)
    assert deputy.evidence["outside_classes"] == ["service"]
    assert expect(findings, "web", Status.FAIL).evidence["outside_classes"] == ["federated"]
    assert "website" not in {f.resource_id for f in findings}


def test_ai_role_trust_unreadable_is_error(aws, run_check):
    _role(aws, "deputy", doc({"Service": "bedrock.amazonaws.com"}, "sts:AssumeRole"))
    aws.simulation.fail("iam", "GetAccountAuthorizationDetails", "AccessDenied", status=403)
    findings = [f for f in run_check(TRUST) if f.check_id == TRUST]
    expect(findings, ACCOUNT, Status.ERROR)  # the listing failed: the account


KEY = "kms.ai_key_outside_access"


def _ai_key(aws, bucket="training-data"):
    kms, s3 = aws.client("kms"), aws.client("s3")
    key = kms.create_key()["KeyMetadata"]
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "posture:ai-data", "Value": "training"}]})
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key["Arn"]}}]})
    kms.create_key()  # no AI resource uses it: out of scope
    return key["KeyId"]


def test_ai_key_policy_and_grants(aws, run_check):
    key = _ai_key(aws)
    assert [(f.resource_id, f.status) for f in run_check(KEY)] == [(key, Status.PASS)]
    aws.client("kms").create_grant(KeyId=key, GranteePrincipal=f"arn:aws:iam::{OTHER}:root", Operations=["Decrypt"])
    finding = expect(run_check(KEY), key, Status.FAIL)
    assert finding.evidence["outside_classes"] == ["another account"]
    assert "kms:Decrypt" in finding.message


def test_ai_key_grants_unreadable_is_error(aws, run_check):
    key = _ai_key(aws)
    aws.simulation.fail("kms", "ListGrants", "AccessDeniedException", status=400)
    expect(run_check(KEY), key, Status.ERROR)


BUCKET = "s3.ai_bucket_outside_access"


def _ai_bucket(aws, name):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=name)
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "posture:ai-data", "Value": "rag"}]})
    return s3


def test_ai_bucket_policy_and_acl(aws, run_check):
    _ai_bucket(aws, "private")
    shared = _ai_bucket(aws, "shared")
    shared.put_bucket_policy(Bucket="shared", Policy=json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"}, "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::shared/*"}]}))
    _ai_bucket(aws, "acl").put_bucket_acl(Bucket="acl", ACL="public-read")
    findings = run_check(BUCKET)
    expect(findings, "private", Status.PASS)
    assert expect(findings, "shared", Status.FAIL).evidence["outside_classes"] == ["another account"]
    expect(findings, "acl", Status.FAIL)
    assert expect(findings, "acl", Status.FAIL).evidence["outside_classes"] == ["anyone"]


def test_ai_bucket_acl_unreadable_is_error(aws, run_check):
    _ai_bucket(aws, "private")
    aws.simulation.fail("s3", "GetBucketAcl", "AccessDenied", status=403)
    expect(run_check(BUCKET), "private", Status.ERROR)


TOOL = "lambda.agent_tool_outside_access"


def _permit(aws, name, sid, principal, condition=None):
    params = {"FunctionName": name, "StatementId": sid, "Action": "lambda:InvokeFunction", "Principal": principal}
    if condition:
        params["SourceAccount"] = condition
    aws.client("lambda").add_permission(**params)


def test_agent_tool_policy(aws, run_check):
    make_function(aws, "scoped")
    _permit(aws, "scoped", "bedrock", "bedrock.amazonaws.com", ACCOUNT)
    make_function(aws, "open")
    _permit(aws, "open", "bedrock", "bedrock.amazonaws.com")
    make_function(aws, "website")
    _permit(aws, "website", "anyone", OTHER)  # no AI service invokes it: not a tool
    findings = run_check(TOOL)
    expect(findings, "scoped", Status.PASS)
    assert expect(findings, "open", Status.FAIL).evidence["outside_classes"] == ["service"]
    assert "website" not in {f.resource_id for f in findings}


def test_agent_tool_policy_unreadable_is_error(aws, run_check):
    make_agent_tool(aws, make_function(aws, "kb-search"))
    aws.simulation.fail("lambda", "GetPolicy", "AccessDeniedException", status=403)
    expect(run_check(TOOL), "kb-search", Status.ERROR)


def test_regression_scope_waits_for_the_agent(aws, run_check):
    """Issue 17: a Lambda whose own policy lets Bedrock invoke it was judged as a tool only when the agents'
    action groups could be read. Now it is judged, and the unread source is one ERROR naming it."""
    make_function(aws, "kb-search")
    _permit(aws, "kb-search", "bedrock", "bedrock.amazonaws.com")
    aws.simulation.fail("bedrock-agent", "ListAgents", "AccessDeniedException", status=403)
    findings = run_check(TOOL)
    expect(findings, "kb-search", Status.FAIL)
    [gap] = [f for f in findings if f.resource_id.startswith("ai-scope/")]
    assert gap.status is Status.ERROR and "Bedrock agent tools" in gap.message


ENDPOINT = "ec2.ai_endpoint_outside_access"


def test_ai_endpoint_policy(aws, run_check):
    vpc, subnet = ai_vpc(aws)
    default = endpoint(aws, vpc, subnet, "bedrock-runtime")
    scoped = endpoint(aws, vpc, subnet, "sagemaker.runtime", doc("*", "sagemaker:*",
                                                                  {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}))
    service_wide = endpoint(aws, vpc, subnet, "bedrock-agent-runtime", doc({"AWS": "*"}, "bedrock:*"))
    findings = run_check(ENDPOINT)
    expect(findings, default, Status.FAIL)
    expect(findings, scoped, Status.PASS)
    wide = expect(findings, service_wide, Status.FAIL)
    assert "everything (bedrock:*)" in wide.message


def test_regression_endpoint_policy_of_the_whole_service_fails(aws, run_check):
    """Issue 17: `bedrock:*` for anyone on a bedrock-runtime endpoint passed ec2.ai_endpoint_policy_restricted."""
    vpc, subnet = ai_vpc(aws)
    found = endpoint(aws, vpc, subnet, "bedrock-runtime", doc({"AWS": "*"}, "bedrock:*"))
    expect(run_check("ec2.ai_endpoint_policy_restricted"), found, Status.FAIL)


def test_ai_endpoints_unreadable_is_error(aws, run_check):
    vpc, subnet = ai_vpc(aws)
    endpoint(aws, vpc, subnet, "bedrock-runtime")
    aws.simulation.fail("ec2", "DescribeVpcEndpoints", "UnauthorizedOperation", status=403)
    [finding] = run_check(ENDPOINT)
    expect([finding], ACCOUNT, Status.ERROR)  # the listing failed: the account


SECRET = "secretsmanager.ai_secret_outside_access"


def test_ai_secret_policy(aws, run_check):
    sm = aws.client("secretsmanager")
    sm.create_secret(Name="openai-api-key", SecretString="x")
    sm.create_secret(Name="anthropic-api-key", SecretString="x")
    sm.put_resource_policy(SecretId="anthropic-api-key", ResourcePolicy=json.dumps(doc(
        {"AWS": f"arn:aws:iam::{OTHER}:root"}, "secretsmanager:GetSecretValue")))
    sm.create_secret(Name="db-password", SecretString="x")  # no model-provider key: out of scope
    findings = run_check(SECRET)
    expect(findings, "openai-api-key", Status.PASS)
    shared = expect(findings, "anthropic-api-key", Status.FAIL)
    assert "secretsmanager:GetSecretValue" in shared.message
    assert "db-password" not in {f.resource_id for f in findings}


def test_ai_secret_policy_unreadable_is_error(aws, run_check):
    aws.client("secretsmanager").create_secret(Name="openai-api-key", SecretString="x")
    aws.simulation.fail("secretsmanager", "GetResourcePolicy", "AccessDeniedException", status=400)
    expect(run_check(SECRET), "openai-api-key", Status.ERROR)


REPOSITORY = "ecr.model_image_repository_outside_access"


def test_model_image_repository_policy(aws, run_check):
    ecr = aws.client("ecr")
    ecr.create_repository(repositoryName="acme/serve")
    ecr.create_repository(repositoryName="acme/shared")
    ecr.set_repository_policy(repositoryName="acme/shared", policyText=json.dumps(doc(
        {"AWS": f"arn:aws:iam::{OTHER}:root"}, ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"])))
    serve(aws, "acme/serve")
    serve(aws, "acme/shared")
    findings = run_check(REPOSITORY)
    expect(findings, "acme/serve", Status.PASS)
    expect(findings, "acme/shared", Status.FAIL)


def test_model_image_repository_policy_unreadable_is_error(aws, run_check):
    aws.client("ecr").create_repository(repositoryName="acme/serve")
    serve(aws, "acme/serve")
    aws.simulation.fail("ecr", "GetRepositoryPolicy", "AccessDeniedException", status=400)
    expect(run_check(REPOSITORY), "acme/serve", Status.ERROR)


GROUP = "sagemaker_mlops.model_package_group_outside_access"


def _group(aws, name, policy):
    """A model package group; its policy simulated (moto has no GetModelPackageGroupPolicy; one answer for all)."""
    aws.client("sagemaker").create_model_package_group(ModelPackageGroupName=name)
    if policy is not None:
        aws.simulation.put("sagemaker", "GetModelPackageGroupPolicy", {"ResourcePolicy": json.dumps(policy)})


def test_model_package_group_policy(aws, run_check):
    _group(aws, "mine", doc({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "sagemaker:DescribeModelPackage"))
    expect(run_check(GROUP), "mine", Status.PASS)
    aws.simulation.put("sagemaker", "GetModelPackageGroupPolicy", {"ResourcePolicy": json.dumps(doc(
        {"AWS": OTHER}, "sagemaker:DescribeModelPackage", {"Bool": {"aws:SecureTransport": "true"}}))})
    shared = expect(run_check(GROUP), "mine", Status.FAIL)
    assert "aws:securetransport" in shared.message


def test_model_package_group_policy_unreadable_is_error(aws, run_check):
    _group(aws, "mine", None)
    aws.simulation.fail("sagemaker", "GetModelPackageGroupPolicy", "AccessDeniedException", status=400)
    expect(run_check(GROUP), "mine", Status.ERROR)


AGENTCORE = "bedrock_agentcore.resource_outside_access"


def test_agentcore_resource_policy(aws, run_check):
    mine, shared = make_gateway(aws, "mine"), make_gateway(aws, "shared")
    for gateway, principal in ((mine, {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), (shared, {"AWS": OTHER})):
        arn = f"arn:aws:bedrock-agentcore:us-east-1:{ACCOUNT}:gateway/{gateway}"
        aws.simulation.put("bedrock-agentcore-control", "GetResourcePolicy",
                           {"policy": json.dumps(doc(principal, "bedrock-agentcore:InvokeGateway"))}, resourceArn=arn)
    findings = run_check(AGENTCORE)
    expect(findings, mine, Status.PASS)
    assert expect(findings, shared, Status.FAIL).evidence["outside_classes"] == ["another account"]


def test_agentcore_resource_policy_unreadable_is_error(aws, run_check):
    gateway = make_gateway(aws)
    aws.simulation.fail("bedrock-agentcore-control", "GetResourcePolicy", "AccessDeniedException", status=403)
    expect(run_check(AGENTCORE), gateway, Status.ERROR)


VECTORS = "bedrock_agent.kb_vector_bucket_outside_access"


def test_kb_vector_bucket_policy(aws, run_check, simulated):  # noqa: F811 (the fixture)
    s3_vectors_kb(aws, simulated)
    expect(run_check(VECTORS), "kb-vectors", Status.PASS)  # the knowledge base is judged as its vector bucket
    aws.client("s3vectors").put_vector_bucket_policy(vectorBucketName="kb-vectors", policy=json.dumps(doc(
        "*", "s3vectors:QueryVectors", {"Bool": {"aws:SecureTransport": "true"}})))
    finding = expect(run_check(VECTORS), "kb-vectors", Status.FAIL)
    assert finding.evidence["outside_classes"] == ["anyone"]


def test_kb_vector_bucket_policy_unreadable_is_error(aws, run_check, simulated):  # noqa: F811 (the fixture)
    s3_vectors_kb(aws, simulated)
    aws.simulation.fail("s3vectors", "GetVectorBucketPolicy", "AccessDeniedException", status=403)
    expect(run_check(VECTORS), "kb-vectors", Status.ERROR)


def test_check_ids_name_their_service_and_asset():
    for kind in _exposure.ASSETS:
        assert re.fullmatch(r"[a-z0-9_]+\.[a-z0-9_]+_outside_access", kind.check_id), kind.check_id


GUARDRAIL = "bedrock.guardrail_outside_access"


def test_guardrail_resource_policy(aws, run_check):
    mine = put_guardrail(aws, strong_guardrail("gr0shared01"))
    arn = guardrail_arn(mine)
    expect(run_check(GUARDRAIL), mine, Status.PASS)  # no policy
    aws.simulation.put("bedrock", "GetResourcePolicy", {"resourcePolicy": json.dumps(doc(
        {"AWS": f"arn:aws:iam::{OTHER}:root"}, "bedrock:ApplyGuardrail"))}, resourceArn=arn)
    finding = expect(run_check(GUARDRAIL), mine, Status.FAIL)
    assert "bedrock:ApplyGuardrail" in finding.message


def test_guardrail_resource_policy_unreadable_is_error(aws, run_check):
    mine = put_guardrail(aws, strong_guardrail("gr0shared01"))
    aws.simulation.fail("bedrock", "GetResourcePolicy", "AccessDeniedException", status=403)
    expect(run_check(GUARDRAIL), mine, Status.ERROR)


def test_key_a_guardrail_uses_is_an_ai_key(aws, run_check):
    key = aws.client("kms").create_key()["KeyMetadata"]
    put_guardrail(aws, strong_guardrail("gr0keyed01", key["Arn"]))
    finding = expect(run_check(KEY), key["KeyId"], Status.PASS)
    assert finding.evidence["ai_asset_because"] == "guardrail gr0keyed01"


KNOWLEDGE_BASE = "bedrock_agent.knowledge_base_outside_access"


def test_knowledge_base_resource_policy(aws, run_check):
    kb_id = aoss_kb(aws)
    expect(run_check(KNOWLEDGE_BASE), kb_id, Status.PASS)
    arn = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:knowledge-base/{kb_id}"
    policy = doc("*", "bedrock:Retrieve", {"StringEquals": {"aws:PrincipalOrgID": "o-theirs"}})
    aws.simulation.put("bedrock-agent", "GetResourcePolicy",
                       {"resourceArn": arn, "revisionId": "1", "policy": json.dumps(policy)}, resourceArn=arn)
    finding = expect(run_check(KNOWLEDGE_BASE), kb_id, Status.FAIL)
    assert finding.evidence["outside_classes"] == ["another organization"]


def test_knowledge_base_resource_policy_unreadable_is_error(aws, run_check):
    kb_id = aoss_kb(aws)
    aws.simulation.fail("bedrock-agent", "GetResourcePolicy", "AccessDeniedException", status=403)
    expect(run_check(KNOWLEDGE_BASE), kb_id, Status.ERROR)


def test_organization_restricted_policy_passes_when_the_organization_is_ours(aws, run_check):
    org = aws.client("organizations").create_organization(FeatureSet="ALL")["Organization"]["Id"]
    kb_id = aoss_kb(aws)
    arn = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:knowledge-base/{kb_id}"
    policy = doc("*", "bedrock:Retrieve", {"StringEquals": {"aws:PrincipalOrgID": org}})
    aws.simulation.put("bedrock-agent", "GetResourcePolicy",
                       {"resourceArn": arn, "revisionId": "1", "policy": json.dumps(policy)}, resourceArn=arn)
    expect(run_check(KNOWLEDGE_BASE), kb_id, Status.PASS)
    aws.simulation.fail("organizations", "DescribeOrganization", "AccessDeniedException", status=400)
    expect(run_check(KNOWLEDGE_BASE), kb_id, Status.ERROR)  # whose organization: unknown


COLLECTION = "bedrock_agent.kb_collection_outside_access"


def _data_policy(aws, *rule_sets):
    aws.simulation.put("opensearchserverless", "ListAccessPolicies", {"accessPolicySummaries": [
        {"type": "data", "name": "kb-access", "policyVersion": "1"}]})
    aws.simulation.put("opensearchserverless", "GetAccessPolicy", {"accessPolicyDetail": {
        "type": "data", "name": "kb-access", "policyVersion": "1", "policy": list(rule_sets)}})


def _rules(principals, pattern="index/kb-*/*"):
    return {"Rules": [{"ResourceType": "index", "Resource": [pattern],
                       "Permission": ["aoss:ReadDocument", "aoss:WriteDocument"]}], "Principal": principals}


def test_kb_collection_data_access_policy(aws, run_check):
    aoss_kb(aws)
    _data_policy(aws, _rules([f"arn:aws:iam::{ACCOUNT}:role/kb"]),
                 _rules([f"arn:aws:iam::{OTHER}:root"], "index/web/*"))  # another collection's
    expect(run_check(COLLECTION), "kb-docs", Status.PASS)
    _data_policy(aws, _rules([f"arn:aws:iam::{OTHER}:role/reader", "saml/123456789012/idp/user/alice"]))
    finding = expect(run_check(COLLECTION), "kb-docs", Status.FAIL)
    assert finding.evidence["outside_classes"] == ["another account", "federated"]
    assert "aoss:ReadDocument, aoss:WriteDocument" in finding.message


def test_kb_collection_data_access_policy_unreadable_is_error(aws, run_check):
    aoss_kb(aws)
    aws.simulation.fail("opensearchserverless", "ListAccessPolicies", "AccessDeniedException", status=400)
    expect(run_check(COLLECTION), "kb-docs", Status.ERROR)


def test_ai_key_is_judged_when_another_scope_source_cannot_be_read(aws, run_check):
    """Scope from the resources themselves: the key an AI bucket encrypts with is judged though the guardrails
    cannot be read; that source is one ERROR naming it."""
    key = _ai_key(aws)
    aws.simulation.fail("bedrock", "ListGuardrails", "AccessDeniedException", status=403)
    findings = run_check(KEY)
    expect(findings, key, Status.PASS)
    [gap] = [f for f in findings if f.resource_id.startswith("ai-scope/")]
    assert gap.status is Status.ERROR and "Bedrock guardrails" in gap.message
