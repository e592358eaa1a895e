import json

from posture.core.models import Status
from tests.conftest import only

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
    finding = only(run_check(OPT_OUT), root)
    assert finding.status is Status.PASS
    assert finding.region == "global"


def test_opt_out_on_root_that_children_can_override_fails(aws, run_check):
    """Regression (issue 9): without @@operators_allowed_for_child_policies ["@@none"] an OU or account
    policy can opt back in."""
    org, root = organization(aws, "AISERVICES_OPT_OUT_POLICY")
    policy(org, "AISERVICES_OPT_OUT_POLICY", OPT_OUT_ALL, root)
    finding = only(run_check(OPT_OUT), root)
    assert finding.status is Status.FAIL
    assert finding.evidence["root_policies_children_can_override"] == ["p-aiservices"]
    assert "@@none" in finding.message


def test_opt_out_only_on_an_ou_fails(aws, run_check):
    org, root = organization(aws, "AISERVICES_OPT_OUT_POLICY")
    ou = org.create_organizational_unit(ParentId=root, Name="prod")["OrganizationalUnit"]["Id"]
    policy(org, "AISERVICES_OPT_OUT_POLICY", OPT_OUT_ALL, ou)
    finding = only(run_check(OPT_OUT), root)
    assert finding.status is Status.FAIL
    assert finding.evidence["other_attached_policies"] == ["p-aiservices"]


def test_opt_out_of_one_service_only_fails(aws, run_check):
    org, root = organization(aws, "AISERVICES_OPT_OUT_POLICY")
    policy(org, "AISERVICES_OPT_OUT_POLICY", {"services": {"lex": {"opt_out_policy": {"@@assign": "optOut"}}}}, root)
    assert only(run_check(OPT_OUT), root).status is Status.FAIL


def test_opt_out_policy_type_disabled_fails(aws, run_check):
    _, root = organization(aws)
    finding = only(run_check(OPT_OUT), root)
    assert finding.status is Status.FAIL
    assert finding.evidence["policy_type_enabled"] is False


def test_no_organization_is_out_of_scope(aws, run_check):
    assert run_check(OPT_OUT) == []
    assert run_check(SCPS) == []


def test_opt_out_access_denied_is_error(aws, run_check):
    _, root = organization(aws, "AISERVICES_OPT_OUT_POLICY")
    aws.simulation.fail("organizations", "ListPolicies", "AccessDeniedException")
    finding = only(run_check(OPT_OUT), root)
    assert finding.status is Status.ERROR
    assert "organizations:ListPolicies" in finding.message


def test_custom_scp_attached_passes(aws, run_check):
    org, root = organization(aws, "SERVICE_CONTROL_POLICY")
    policy(org, "SERVICE_CONTROL_POLICY", DENY_LEAVE, root)
    finding = only(run_check(SCPS), root)
    assert finding.status is Status.PASS
    assert finding.evidence["attached_scps"] == ["p-service_co"]


def test_only_full_access_scp_fails(aws, run_check):
    org, root = organization(aws, "SERVICE_CONTROL_POLICY")
    policy(org, "SERVICE_CONTROL_POLICY", DENY_LEAVE, None)  # created, never attached
    finding = only(run_check(SCPS), root)
    assert finding.status is Status.FAIL
    assert finding.evidence["custom_scps"] == 1


def test_scps_not_enabled_fails(aws, run_check):
    _, root = organization(aws)
    assert only(run_check(SCPS), root).status is Status.FAIL


def test_scp_access_denied_is_error(aws, run_check):
    organization(aws, "SERVICE_CONTROL_POLICY")
    aws.simulation.fail("organizations", "ListRoots", "AccessDeniedException")
    [finding] = run_check(SCPS)
    assert finding.status is Status.ERROR
    assert "organizations:ListRoots" in finding.message
