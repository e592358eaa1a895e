import json

import pytest

from posture.checks import _policy
from posture.checks._principals import RolePolicies, admin_grants, escalation_grants, wildcard_grants
from posture.core.models import Status
from tests.checks.test_awslambda import make_agent_tool, make_function, make_role
from tests.support.findings import expect, only

ACCOUNT = "123456789012"
ADMIN = "iam.ai_role_no_admin_access"
WILDCARDS = "iam.ai_role_no_service_wildcards"
ESCALATION = "iam.ai_role_no_privilege_escalation"
ROLE_CHECKS = (ADMIN, WILDCARDS, ESCALATION)


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def inline(aws, role: str, document: str) -> None:
    aws.client("iam").put_role_policy(RoleName=role, PolicyName="app", PolicyDocument=document)


def attach_customer_policy(aws, role: str, document: str, name: str = "app-managed") -> str:
    iam = aws.client("iam")
    arn = iam.create_policy(PolicyName=name, PolicyDocument=document)["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    return arn


def moto_account_summary(**values: int) -> None:
    """moto models no root user: set the root flags of its account summary directly (in-process server)."""
    from moto.iam.models import iam_backends

    summary = iam_backends[ACCOUNT]["aws"].account_summary
    for key, value in values.items():
        setattr(summary, f"_{key}", value)


# -- which roles are AI roles -------------------------------------------------------------------
@pytest.mark.parametrize("check_id", ROLE_CHECKS)
def test_least_privilege_bedrock_role_passes(aws, run_check, check_id):
    make_role(aws, "agent-role", "bedrock.amazonaws.com")
    inline(aws, "agent-role", policy(allow("bedrock:InvokeModel",
                                           "arn:aws:bedrock:us-east-1::foundation-model/anthropic.*")))
    finding = expect(run_check(check_id), "agent-role", Status.PASS)
    assert finding.evidence["ai_role_because"] == "trusted by bedrock.amazonaws.com"
    assert finding.region == "global"


def test_roles_of_other_services_are_out_of_scope(aws, run_check):
    make_role(aws, "ci-role", "codebuild.amazonaws.com")
    inline(aws, "ci-role", policy(allow("*")))
    assert run_check(ADMIN) == []


def test_tagged_role_counts(aws, run_check):
    make_role(aws, "orchestrator", "ecs-tasks.amazonaws.com")
    aws.client("iam").tag_role(RoleName="orchestrator", Tags=[{"Key": "posture:ai-workload", "Value": "yes"}])
    assert only(run_check(ADMIN), "orchestrator").evidence["ai_role_because"] == "tagged"


# -- administrator access --------------------------------------------------------------------
def test_star_on_star_customer_policy_fails(aws, run_check):
    make_role(aws, "sm-role", "sagemaker.amazonaws.com")
    attach_customer_policy(aws, "sm-role", policy(allow("*")))
    finding = expect(run_check(ADMIN), "sm-role", Status.FAIL)
    assert finding.evidence["grants"] == ['app-managed: Action "*" on Resource "*"']


def test_aws_managed_administrator_access_fails(aws, run_check, monkeypatch):
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    aws.reset()  # the next IAM backend loads AWS managed policies
    make_role(aws, "agent-role", "bedrock.amazonaws.com")
    aws.client("iam").attach_role_policy(RoleName="agent-role", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    finding = expect(run_check(ADMIN), "agent-role", Status.FAIL)
    assert "AdministratorAccess" in finding.evidence["policies"]


def test_unreadable_managed_policy_is_error_not_pass(aws, run_check):
    make_role(aws, "agent-role", "bedrock.amazonaws.com")
    arn = attach_customer_policy(aws, "agent-role", policy(allow("s3:GetObject")))
    aws.client("iam").delete_policy(PolicyArn=arn)  # moto keeps the dangling attachment
    finding = expect(run_check(ADMIN), "agent-role", Status.ERROR)
    assert finding.evidence["unresolved_policies"] == [arn]


def test_authorization_details_access_denied_is_error(aws, run_check):
    make_role(aws, "agent-role", "bedrock.amazonaws.com")
    aws.simulation.fail("iam", "GetAccountAuthorizationDetails", "AccessDenied", status=403)
    finding = expect(run_check(ADMIN), ACCOUNT, Status.ERROR)
    assert "iam:GetAccountAuthorizationDetails" in finding.message


# -- service wildcards -----------------------------------------------------------------------
def test_service_wildcard_fails(aws, run_check):
    make_role(aws, "sm-role", "sagemaker.amazonaws.com")
    inline(aws, "sm-role", policy(allow(["s3:*", "bedrock:InvokeModel"])))
    finding = expect(run_check(WILDCARDS), "sm-role", Status.FAIL)
    assert finding.evidence["grants"] == ["inline:app: s3:*"]


def test_service_wildcard_on_own_bucket_passes(aws, run_check):
    make_role(aws, "sm-role", "sagemaker.amazonaws.com")
    inline(aws, "sm-role", policy(allow("s3:*", ["arn:aws:s3:::acme-train", "arn:aws:s3:::acme-train/*"])))
    expect(run_check(WILDCARDS), "sm-role", Status.PASS)


def test_wildcard_access_denied_is_error(aws, run_check):
    make_role(aws, "sm-role", "sagemaker.amazonaws.com")
    aws.simulation.fail("iam", "GetAccountAuthorizationDetails", "AccessDenied", status=403)
    expect(run_check(WILDCARDS), ACCOUNT, Status.ERROR)


# -- privilege escalation --------------------------------------------------------------------
def test_agent_tool_role_with_passrole_on_star_fails(aws, run_check):
    role = make_role(aws, "tool-role")
    make_agent_tool(aws, make_function(aws, "kb-search", role=role))
    inline(aws, "tool-role", policy(allow("iam:PassRole")))
    finding = expect(run_check(ESCALATION), "tool-role", Status.FAIL)
    assert finding.evidence["ai_role_because"] == "execution role of agent tool kb-search"
    assert finding.evidence["grants"] == ["inline:app: iam:PassRole on every role"]


def test_agent_tool_in_another_region_counts(aws, run_check):
    role = make_role(aws, "tool-role")
    make_agent_tool(aws, make_function(aws, "kb-search", role=role, region="us-west-2"), region="us-west-2")
    inline(aws, "tool-role", policy(allow("iam:Attach*", f"arn:aws:iam::{ACCOUNT}:role/*")))
    expect(run_check(ESCALATION, regions=("us-east-1", "us-west-2")), "tool-role", Status.FAIL)


def test_passrole_limited_to_a_service_passes(aws, run_check):
    make_role(aws, "sm-role", "sagemaker.amazonaws.com")
    inline(aws, "sm-role", policy(allow("iam:PassRole", Condition={
        "StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}})))
    expect(run_check(ESCALATION), "sm-role", Status.PASS)


def test_escalation_access_denied_is_error(aws, run_check):
    make_role(aws, "sm-role", "sagemaker.amazonaws.com")
    aws.simulation.fail("iam", "GetAccountAuthorizationDetails", "AccessDenied", status=403)
    expect(run_check(ESCALATION), ACCOUNT, Status.ERROR)


def role(*documents: dict | str, boundary: dict | None = None) -> RolePolicies:
    found = RolePolicies({f"p{i}": _policy.statements(d) for i, d in enumerate(documents)})
    found.boundary = None if boundary is None else _policy.statements(boundary)
    return found


def test_policy_judgement():
    assert admin_grants(role({"Statement": allow("*")})) == ['p0: Action "*" on Resource "*"']
    assert not admin_grants(role({"Statement": [allow("*", "arn:aws:s3:::b"), {"Effect": "Deny", "Action": "*",
                                                                              "Resource": "*"}]}))
    power_user = {"Statement": [{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}]}
    assert wildcard_grants(role(power_user)) == ["p0: NotAction iam:*,organizations:*"]
    grants = escalation_grants(role(power_user), ACCOUNT)
    assert "p0: sts:AssumeRole on every role" in grants
    assert not any("iam:" in g.split(": ", 1)[1].split(" (")[0] for g in grants)  # NotAction iam:* keeps IAM out
    assert escalation_grants(role({"Statement": allow("iam:CreatePolicyVersion", "arn:aws:iam::1:policy/x")})) == [
        "p0: iam:CreatePolicyVersion"]


def test_passrole_on_every_role_arn_fails():
    """Regression (issue 9): only a literal "*" resource counted; arn:aws:iam::*:role/* is every role."""
    assert escalation_grants(role(policy(allow("iam:PassRole", "arn:aws:iam::*:role/*"))), ACCOUNT) == [
        "p0: iam:PassRole on every role"]
    assert escalation_grants(role(policy(allow("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/*"))), ACCOUNT)
    assert not escalation_grants(role(policy(allow("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/app"))), ACCOUNT)


def test_passed_to_service_exempts_only_ai_services():
    """Regression (issue 9): any iam:PassedToService value exempted PassRole."""
    def passing_to(value, operator="StringEquals"):
        return role(policy(allow("iam:PassRole", Condition={operator: {"iam:PassedToService": value}})))

    assert not escalation_grants(passing_to("sagemaker.amazonaws.com"), ACCOUNT)
    assert escalation_grants(passing_to("ec2.amazonaws.com"), ACCOUNT) == ["p0: iam:PassRole on every role"]
    assert escalation_grants(passing_to(["bedrock.amazonaws.com", "lambda.amazonaws.com"]), ACCOUNT)
    assert escalation_grants(passing_to("*", "StringLike"), ACCOUNT)
    assert escalation_grants(passing_to("sagemaker.amazonaws.com", "StringEqualsIfExists"), ACCOUNT)


def test_deny_and_boundary_take_grants_away():
    """Regression (issue 9): Deny statements and permissions boundaries were ignored."""
    assert not admin_grants(role(policy(allow("*")), policy({"Effect": "Deny", "Action": "*", "Resource": "*"})))
    assert not admin_grants(role(policy(allow("*")), boundary=json.loads(policy(allow("s3:GetObject")))))
    assert not wildcard_grants(role(policy(allow("s3:*"), {"Effect": "Deny", "Action": "s3:*", "Resource": "*"})))
    assert not escalation_grants(role(policy(allow("iam:*")), boundary=json.loads(policy(allow("s3:*")))), ACCOUNT)
    assert not escalation_grants(role(policy(allow("iam:PassRole"), {
        "Effect": "Deny", "Action": "iam:PassRole", "Resource": "arn:aws:iam::*:role/*"})), ACCOUNT)


def test_role_within_a_boundary_passes(aws, run_check):
    """Regression (issue 9): the role's permissions boundary was not read."""
    make_role(aws, "sm-role", "sagemaker.amazonaws.com")
    iam = aws.client("iam")
    boundary = iam.create_policy(PolicyName="ai-boundary", PolicyDocument=policy(
        allow(["bedrock:InvokeModel", "s3:GetObject"])))["Policy"]["Arn"]
    iam.put_role_permissions_boundary(RoleName="sm-role", PermissionsBoundary=boundary)
    inline(aws, "sm-role", policy(allow("*")))
    findings = {check_id: only(run_check(check_id), "sm-role") for check_id in ROLE_CHECKS}
    assert {f.status for f in findings.values()} == {Status.PASS}
    assert findings[ADMIN].evidence["permissions_boundary"] == "ai-boundary"


def test_unreadable_boundary_is_error(aws, run_check):
    make_role(aws, "sm-role", "sagemaker.amazonaws.com")
    aws.client("iam").put_role_permissions_boundary(
        RoleName="sm-role", PermissionsBoundary=f"arn:aws:iam::{ACCOUNT}:policy/gone")
    inline(aws, "sm-role", policy(allow("bedrock:InvokeModel")))
    expect(run_check(ESCALATION), "sm-role", Status.ERROR)


def test_passrole_to_another_service_fails_end_to_end(aws, run_check):
    make_role(aws, "sm-role", "sagemaker.amazonaws.com")
    inline(aws, "sm-role", policy(allow("iam:PassRole", Condition={
        "StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}})))
    expect(run_check(ESCALATION), "sm-role", Status.FAIL)


def test_denied_admin_passes_end_to_end(aws, run_check):
    make_role(aws, "sm-role", "sagemaker.amazonaws.com")
    inline(aws, "sm-role", policy(allow("*"), {"Effect": "Deny", "Action": "*", "Resource": "*"}))
    expect(run_check(ADMIN), "sm-role", Status.PASS)


def test_passrole_on_every_role_fails_end_to_end(aws, run_check):
    make_role(aws, "sm-role", "sagemaker.amazonaws.com")
    inline(aws, "sm-role", policy(allow("iam:PassRole", "arn:aws:iam::*:role/*")))
    finding = expect(run_check(ESCALATION), "sm-role", Status.FAIL)
    assert finding.evidence["grants"] == ["inline:app: iam:PassRole on every role"]


# -- root user -------------------------------------------------------------------------------
def test_root_mfa_enabled_passes(aws, run_check):
    aws.client("iam").get_account_summary()  # create moto's backend before changing it
    moto_account_summary(account_mfa_enabled=1)
    finding = expect(run_check("iam.root_mfa_enabled"), ACCOUNT, Status.PASS)
    assert finding.region == "global"


def test_root_without_mfa_fails(aws, run_check):
    expect(run_check("iam.root_mfa_enabled"), ACCOUNT, Status.FAIL)


def test_root_mfa_access_denied_is_error(aws, run_check):
    aws.simulation.fail("iam", "GetAccountSummary", "AccessDenied", status=403)
    finding = expect(run_check("iam.root_mfa_enabled"), ACCOUNT, Status.ERROR)
    assert "iam:GetAccountSummary" in finding.message


def test_root_without_access_keys_passes(aws, run_check):
    expect(run_check("iam.root_no_access_keys"), ACCOUNT, Status.PASS)


def test_root_access_keys_fail(aws, run_check):
    aws.client("iam").get_account_summary()
    moto_account_summary(account_access_keys_present=1)
    expect(run_check("iam.root_no_access_keys"), ACCOUNT, Status.FAIL)


def test_root_keys_access_denied_is_error(aws, run_check):
    aws.simulation.fail("iam", "GetAccountSummary", "AccessDenied", status=403)
    expect(run_check("iam.root_no_access_keys"), ACCOUNT, Status.ERROR)
