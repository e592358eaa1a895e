import json

import pytest

from posture.checks import organizations
from posture.core.models import Status
from tests.support.findings import expect

OPT_OUT = "organizations.ai_opt_out_policy_attached"
SCPS = "organizations.scps_restrict_accounts"
OPT_OUT_ALL = {"services": {"default": {"opt_out_policy": {"@@assign": "optOut"}}}}
OPT_OUT_LOCKED = {"services": {"default": {"@@operators_allowed_for_child_policies": ["@@none"], "opt_out_policy": {
    "@@operators_allowed_for_child_policies": ["@@none"], "@@assign": "optOut"}}}}
DENY_LEAVE = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]}


def organization(aws, *policy_types: str) -> tuple[object, str]:
    org = aws.client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    for policy_type in policy_types:
        org.enable_policy_type(RootId=root, PolicyType=policy_type)
    return org, root


def policy(org, policy_type: str, content: dict, target: str | None) -> str:
    policy_id = org.create_policy(Content=json.dumps(content), Description="test", Name=f"p-{policy_type[:10].lower()}",
                                  Type=policy_type)["Policy"]["PolicySummary"]["Id"]
    if target:
        org.attach_policy(PolicyId=policy_id, TargetId=target)
    return policy_id


def test_opt_out_on_root_passes(aws, run_check):
    org, root = organization(aws, "AISERVICES_OPT_OUT_POLICY")
    policy(org, "AISERVICES_OPT_OUT_POLICY", OPT_OUT_LOCKED, root)
    finding = expect(run_check(OPT_OUT), root, Status.PASS)
    assert finding.region == "global"


def test_opt_out_on_root_that_children_can_override_fails(aws, run_check):
    """Regression (issue 9): without @@operators_allowed_for_child_policies ["@@none"] an OU or account
    policy can opt back in."""
    org, root = organization(aws, "AISERVICES_OPT_OUT_POLICY")
    policy(org, "AISERVICES_OPT_OUT_POLICY", OPT_OUT_ALL, root)
    finding = expect(run_check(OPT_OUT), root, Status.FAIL)
    assert finding.evidence["root_policies_children_can_override"] == ["p-aiservices"]
    assert "@@none" in finding.message


def test_opt_out_only_on_an_ou_fails(aws, run_check):
    org, root = organization(aws, "AISERVICES_OPT_OUT_POLICY")
    ou = org.create_organizational_unit(ParentId=root, Name="prod")["OrganizationalUnit"]["Id"]
    policy(org, "AISERVICES_OPT_OUT_POLICY", OPT_OUT_ALL, ou)
    finding = expect(run_check(OPT_OUT), root, Status.FAIL)
    assert finding.evidence["other_attached_policies"] == ["p-aiservices"]


def test_opt_out_of_one_service_only_fails(aws, run_check):
    org, root = organization(aws, "AISERVICES_OPT_OUT_POLICY")
    policy(org, "AISERVICES_OPT_OUT_POLICY", {"services": {"lex": {"opt_out_policy": {"@@assign": "optOut"}}}}, root)
    expect(run_check(OPT_OUT), root, Status.FAIL)


def test_opt_out_policy_type_disabled_fails(aws, run_check):
    _, root = organization(aws)
    finding = expect(run_check(OPT_OUT), root, Status.FAIL)
    assert finding.evidence["policy_type_enabled"] is False


def test_no_organization_is_out_of_scope(aws, run_check):
    assert run_check(OPT_OUT) == []
    assert run_check(SCPS) == []


def test_opt_out_access_denied_is_error(aws, run_check):
    _, root = organization(aws, "AISERVICES_OPT_OUT_POLICY")
    aws.simulation.fail("organizations", "ListPolicies", "AccessDeniedException")
    finding = expect(run_check(OPT_OUT), root, Status.ERROR)
    assert "organizations:ListPolicies" in finding.message


def test_custom_scp_attached_passes(aws, run_check):
    org, root = organization(aws, "SERVICE_CONTROL_POLICY")
    policy(org, "SERVICE_CONTROL_POLICY", DENY_LEAVE, root)
    finding = expect(run_check(SCPS), root, Status.PASS)
    assert finding.evidence["attached_scps"] == ["p-service_co"]


def test_only_full_access_scp_fails(aws, run_check):
    org, root = organization(aws, "SERVICE_CONTROL_POLICY")
    policy(org, "SERVICE_CONTROL_POLICY", DENY_LEAVE, None)  # created, never attached
    finding = expect(run_check(SCPS), root, Status.FAIL)
    assert finding.evidence["custom_scps"] == 1


def test_scps_not_enabled_fails(aws, run_check):
    _, root = organization(aws)
    expect(run_check(SCPS), root, Status.FAIL)


def test_scp_access_denied_is_error(aws, run_check):
    organization(aws, "SERVICE_CONTROL_POLICY")
    aws.simulation.fail("organizations", "ListRoots", "AccessDeniedException")
    finding = expect(run_check(SCPS), ACCOUNT, Status.ERROR)
    assert "organizations:ListRoots" in finding.message


# -- effective policies, per scanned account -------------------------------------------------
BEDROCK = "organizations.bedrock_policy_effective"
OPT_OUT_EFFECTIVE = "organizations.ai_opt_out_effective"
ACCOUNT = "123456789012"
GUARDRAIL = "arn:aws:bedrock:us-east-1:210987654321:guardrail/gr1:2"
BEDROCK_CONTENT = {"bedrock": {"guardrail_inference": {"us-east-1": {"config_1": {
    "identifier": GUARDRAIL, "input_tags": "honor"}}}}}  # effective: operators resolved


@pytest.fixture
def simulated(aws):
    """Answer moto-implemented operations from the simulation layer for one test (handed back after)."""
    added = []

    def simulate(service, operation, answer):
        aws.simulation.simulate(service, operation, answer)
        added.append((service, operation))

    yield simulate
    for service, operation in added:
        aws.simulation.forget(service, operation)


def member_account(simulated):
    """This account as a member of an organization another account manages."""
    simulated("organizations", "DescribeOrganization", {"Organization": {
        "Id": "o-abc123def4", "Arn": "arn:aws:organizations::210987654321:organization/o-abc123def4",
        "FeatureSet": "ALL", "MasterAccountId": "210987654321",
        "MasterAccountArn": "arn:aws:organizations::210987654321:account/o-abc123def4/210987654321",
        "MasterAccountEmail": "root@example.com"}})


def effective(aws, policy_type: str, content: dict) -> None:
    aws.simulation.put("organizations", "DescribeEffectivePolicy", {"EffectivePolicy": {
        "PolicyContent": json.dumps(content), "TargetId": ACCOUNT, "PolicyType": policy_type}})


def test_bedrock_policy_in_force_for_a_member_account_passes(aws, run_check, simulated):
    member_account(simulated)
    effective(aws, "BEDROCK_POLICY", BEDROCK_CONTENT)
    finding = expect(run_check(BEDROCK), ACCOUNT, Status.PASS)
    assert finding.evidence["guardrails"] == ["gr1:2"]
    assert finding.evidence["policy_type_enabled"] is None  # a member cannot list roots


def test_bedrock_policy_type_disabled_on_the_root_fails_in_the_management_account(aws, run_check):
    organization(aws)  # moto knows no BEDROCK_POLICY type: never enabled
    effective(aws, "BEDROCK_POLICY", BEDROCK_CONTENT)
    finding = expect(run_check(BEDROCK), ACCOUNT, Status.FAIL)
    assert finding.evidence["policy_type_enabled"] is False


def test_no_effective_bedrock_policy_fails(aws, run_check, simulated):
    member_account(simulated)  # DescribeEffectivePolicy answers EffectivePolicyNotFoundException: none applies
    finding = expect(run_check(BEDROCK), ACCOUNT, Status.FAIL)
    assert finding.evidence["effective_policy"] is False


@pytest.mark.parametrize("code", ["EffectivePolicyNotFoundException", "AWSOrganizationsNotInUseException"])
def test_the_modelled_no_policy_codes_mean_no_policy_applies(aws, run_check, simulated, code):
    """The codes botocore models for DescribeEffectivePolicy that say "none applies" are an answer, not an ERROR."""
    member_account(simulated)
    aws.simulation.fail("organizations", "DescribeEffectivePolicy", code)
    for check_id in (BEDROCK, OPT_OUT_EFFECTIVE):
        finding = expect(run_check(check_id), ACCOUNT, Status.FAIL)
        assert finding.evidence["effective_policy"] is False


def test_an_other_organizations_error_is_error(aws, run_check, simulated):
    member_account(simulated)
    aws.simulation.fail("organizations", "DescribeEffectivePolicy", "ConstraintViolationException")
    expect(run_check(BEDROCK), ACCOUNT, Status.ERROR)


def test_effective_policy_read_denied_is_error(aws, run_check, simulated):
    member_account(simulated)
    aws.simulation.fail("organizations", "DescribeEffectivePolicy", "AccessDeniedException")
    expect(run_check(BEDROCK), ACCOUNT, Status.ERROR)
    expect(run_check(OPT_OUT_EFFECTIVE), ACCOUNT, Status.ERROR)


def test_effective_checks_out_of_an_organization_give_nothing(aws, run_check):
    assert run_check(BEDROCK) == []
    assert run_check(OPT_OUT_EFFECTIVE) == []


def test_opt_out_in_force_and_locked_at_the_root_passes(aws, run_check):
    org, root = organization(aws, "AISERVICES_OPT_OUT_POLICY")
    policy(org, "AISERVICES_OPT_OUT_POLICY", OPT_OUT_LOCKED, root)
    effective(aws, "AISERVICES_OPT_OUT_POLICY", {"services": {"default": {"opt_out_policy": "optOut"}}})
    finding = expect(run_check(OPT_OUT_EFFECTIVE), ACCOUNT, Status.PASS)
    assert finding.evidence["root_policies_locked"] == ["p-aiservices"]


def test_opt_out_that_children_can_override_fails_in_the_management_account(aws, run_check):
    org, root = organization(aws, "AISERVICES_OPT_OUT_POLICY")
    policy(org, "AISERVICES_OPT_OUT_POLICY", OPT_OUT_ALL, root)
    effective(aws, "AISERVICES_OPT_OUT_POLICY", {"services": {"default": {"opt_out_policy": "optOut"}}})
    finding = expect(run_check(OPT_OUT_EFFECTIVE), ACCOUNT, Status.FAIL)
    assert "@@none" in finding.message


def test_service_opted_back_in_for_the_account_fails(aws, run_check, simulated):
    member_account(simulated)
    effective(aws, "AISERVICES_OPT_OUT_POLICY", {"services": {
        "default": {"opt_out_policy": "optOut"}, "rekognition": {"opt_out_policy": "optIn"}}})
    finding = expect(run_check(OPT_OUT_EFFECTIVE), ACCOUNT, Status.FAIL)
    assert finding.evidence["services_opted_in"] == ["rekognition"]


# Plain records: the judging functions.
def test_opt_out_settings_read_attached_and_effective_forms():
    attached = {"services": {"default": {"opt_out_policy": {"@@assign": "optOut"}}}}
    assert organizations.opts_out_of_all(attached)
    assert organizations.opts_out_of_all({"services": {"default": {"opt_out_policy": "optOut"}}})
    assert not organizations.opts_out_of_all({"services": {"lex": {"opt_out_policy": "optOut"}}})
    assert not organizations.opts_out_of_all({})
    assert organizations.opted_in_services({"services": {
        "default": {"opt_out_policy": "optOut"}, "lex": {"opt_out_policy": {"@@assign": "optIn"}},
        "comprehend": {"opt_out_policy": "optOut"},
        "@@operators_allowed_for_child_policies": ["@@none"]}}) == ["lex"]


@pytest.mark.parametrize("content, root, ok, said", [
    (None, None, False, "no AI services opt-out policy applies"),
    ({"services": {"lex": {"opt_out_policy": "optOut"}}}, None, False, "default: not set"),
    ({"services": {"default": {"opt_out_policy": "optIn"}}}, None, False, "default: optIn"),
    ({"services": {"default": {"opt_out_policy": "optOut"}}}, None, True, "judged from the management account"),
    ({"services": {"default": {"opt_out_policy": "optOut"}}}, ([], ["p1"], []), False, "@@none"),
    ({"services": {"default": {"opt_out_policy": "optOut"}}}, ([], [], ["p-ou"]), False, "@@none"),
    ({"services": {"default": {"opt_out_policy": "optOut"}}}, (["p1"], [], []), True, "root policy p1"),
])
def test_judge_opt_out_effective(content, root, ok, said):
    verdict, message, _ = organizations.judge_opt_out_effective(content, root)
    assert verdict is ok
    assert said in message


@pytest.mark.parametrize("content, enabled, ok, said", [
    (None, None, False, "no Bedrock policy applies"),
    (BEDROCK_CONTENT, False, False, "not enabled on the organization's root"),
    ({"bedrock": {}}, True, False, "enforces no guardrail"),
    ({"bedrock": {"guardrail_inference": {"us-east-1": {"c": {"input_tags": "honor"}}}}}, True, False,
     "enforces no guardrail"),
    (BEDROCK_CONTENT, True, True, "1 region(s): us-east-1"),
    ({"bedrock": {"guardrail_inference": {"eu-west-1": {"c": {"identifier": {"@@assign": GUARDRAIL}}}}}}, None,
     True, "eu-west-1"),
])
def test_judge_bedrock_policy(content, enabled, ok, said):
    verdict, message, evidence = organizations.judge_bedrock_policy(content, enabled, ("us-east-1", "us-west-2"))
    assert verdict is ok
    assert said in message
    if ok and "eu-west-1" in message:
        assert evidence["scanned_regions_not_enforced"] == ["us-east-1", "us-west-2"]
