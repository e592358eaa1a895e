"""AWS Organizations: the policies the organization sets for every account running AI.

Both checks judge what the management account sees. An account in no organization is
out of their scope (no finding): there is nothing to govern it from. A member account
cannot read the organization's policies; scan the management account for these.
"""

from __future__ import annotations

import json
from typing import Any

from posture.aws.errors import AwsReadError
from posture.core.context import CheckContext
from posture.core.models import EvidenceValue
from posture.core.registry import check

AI_OPT_OUT = "AISERVICES_OPT_OUT_POLICY"
SCP = "SERVICE_CONTROL_POLICY"
FULL_ACCESS_SCP = "p-FullAWSAccess"  # AWS managed: attached everywhere, restricts nothing
ORG_PERMISSIONS = ("organizations:DescribeOrganization", "organizations:ListRoots", "organizations:ListPolicies",
                   "organizations:ListTargetsForPolicy")


def organization(ctx: CheckContext) -> dict[str, Any] | None:
    """The organization this account is in, or None."""
    try:
        return dict(ctx.call("organizations", "describe_organization")["Organization"])
    except AwsReadError as exc:
        if exc.code == "AWSOrganizationsNotInUseException":
            return None
        raise


def managed_here(ctx: CheckContext) -> dict[str, Any] | None:
    """The organization when this account is its management account, else None (out of scope)."""
    org = organization(ctx)
    return org if org and org.get("MasterAccountId") == ctx.account_id else None


def roots(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(ctx.paginate("organizations", "list_roots").get("Roots", []))


def policy_type_enabled(root: dict[str, Any], policy_type: str) -> bool:
    return any(t.get("Type") == policy_type and t.get("Status") == "ENABLED" for t in root.get("PolicyTypes", []))


def policies(ctx: CheckContext, policy_type: str) -> list[dict[str, Any]]:
    return list(ctx.paginate("organizations", "list_policies", Filter=policy_type).get("Policies", []))


def targets(ctx: CheckContext, policy_id: str) -> list[dict[str, Any]]:
    return list(ctx.paginate("organizations", "list_targets_for_policy", PolicyId=policy_id).get("Targets", []))


def policy_content(ctx: CheckContext, policy_id: str) -> dict[str, Any]:
    content = ctx.call("organizations", "describe_policy", PolicyId=policy_id)["Policy"].get("Content") or "{}"
    return dict(json.loads(content))


def opts_out_of_all(content: dict[str, Any]) -> bool:
    """Whether an AI opt-out policy opts every AI service out ("default" service set to optOut)."""
    default = (content.get("services") or {}).get("default") or {}
    return str((default.get("opt_out_policy") or {}).get("@@assign", "")).lower() == "optout"


def forbids_child_override(content: dict[str, Any]) -> bool:
    """Whether the policy stops child policies (of OUs and accounts) from changing the default opt-out:
    `@@operators_allowed_for_child_policies: ["@@none"]` on the services, default or opt_out_policy node."""
    services = content.get("services") or {}
    default = services.get("default") or {}
    nodes = (services, default, default.get("opt_out_policy") or {})
    return any(node.get("@@operators_allowed_for_child_policies") == ["@@none"] for node in nodes)


@check(
    id="organizations.ai_opt_out_policy_attached",
    title="An AI services opt-out policy covers the whole organization",
    description="In an organization (seen from its management account), the AI services opt-out policy type is "
    "enabled on the root and a policy that opts every AI service out (\"default\": optOut) and forbids child "
    "policies to change it (@@operators_allowed_for_child_policies: @@none) is attached to the root. No "
    "organization: out of scope.",
    rationale=(
        "Without the opt-out, AWS AI services such as Amazon Q, Comprehend, Lex, Rekognition or Transcribe "
        "may store and use the prompts, documents and recordings the organization sends them to improve "
        "the services: customer data leaving the purpose it was given for."
    ),
    remediation="`aws organizations enable-policy-type --root-id <r-...> --policy-type AISERVICES_OPT_OUT_POLICY`, "
    "create a policy `{\"services\":{\"default\":{\"opt_out_policy\":{\"@@assign\":\"optOut\"}}}}` and "
    "`aws organizations attach-policy --policy-id <p-...> --target-id <r-...>`.",
    service="organizations",
    scope="global",
    resource_type="Other",
    severity="medium",
    boundaries=["organizational", "data"],
    csf=["GV.PO-01", "GV.OC-03"],
    owasp_llm=["LLM06", "LLM02:2025"],
    permissions=[*ORG_PERMISSIONS, "organizations:DescribePolicy"],
    atlas=["AML.T0057"],
    nist_ai_rmf=["GOVERN 6.1", "MEASURE 2.10"],
    iso42001=["A.10.3", "A.7.3"],
)
def ai_opt_out_policy_attached(ctx: CheckContext) -> None:
    if managed_here(ctx) is None:
        return
    for root in roots(ctx):
        with ctx.resource(root["Id"], arn=root.get("Arn")):
            if not policy_type_enabled(root, AI_OPT_OUT):
                ctx.failed("the AI services opt-out policy type is not enabled on the root",
                           {"policy_type_enabled": False})
                continue
            attached: list[str] = []
            overridable: list[str] = []
            partial: list[str] = []
            for policy in policies(ctx, AI_OPT_OUT):
                target_ids = {t["TargetId"] for t in targets(ctx, policy["Id"])}
                if not target_ids:
                    continue
                content = policy_content(ctx, policy["Id"]) if root["Id"] in target_ids else {}
                if root["Id"] in target_ids and opts_out_of_all(content):
                    (attached if forbids_child_override(content) else overridable).append(policy["Name"])
                else:
                    partial.append(policy["Name"])
            evidence: dict[str, EvidenceValue] = {"policy_type_enabled": True, "root_policies": attached,
                                                  "root_policies_children_can_override": overridable,
                                                  "other_attached_policies": partial}
            if attached:
                ctx.passed(f"opt-out policy {attached[0]} is attached to the root and no child policy can "
                           "override it", evidence)
            elif overridable:
                ctx.failed(f"opt-out policy {overridable[0]} is attached to the root, but without "
                           "\"@@operators_allowed_for_child_policies\": [\"@@none\"] an OU or account policy can "
                           "opt back in", evidence)
            elif partial:
                ctx.failed("opt-out policies are attached only below the root or opt out of some services only",
                           evidence)
            else:
                ctx.failed("no AI services opt-out policy is attached", evidence)


@check(
    id="organizations.scps_restrict_accounts",
    title="Service control policies restrict the organization's accounts",
    description="In an organization (seen from its management account), the SCP policy type is enabled on the "
    "root and at least one SCP other than the AWS managed FullAWSAccess is attached to the root or an OU or "
    "account. No organization: out of scope.",
    rationale=(
        "SCPs are the guardrail no account administrator can remove: denying model access outside approved "
        "regions, disabling of CloudTrail or GuardDuty, or Bedrock calls without a guardrail. With only "
        "FullAWSAccess attached, nothing above the account limits what its roles and agents can do."
    ),
    remediation="`aws organizations enable-policy-type --root-id <r-...> --policy-type SERVICE_CONTROL_POLICY`, "
    "then create and attach SCPs (`aws organizations create-policy --type SERVICE_CONTROL_POLICY ...`, "
    "`attach-policy`).",
    service="organizations",
    scope="global",
    resource_type="Other",
    severity="medium",
    boundaries=["organizational"],
    csf=["GV.PO-01", "PR.AA-05"],
    owasp_llm=["LLM08", "LLM10", "LLM06:2025", "LLM10:2025"],
    permissions=list(ORG_PERMISSIONS),
    atlas=["AML.T0012", "AML.T0034"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
)
def scps_restrict_accounts(ctx: CheckContext) -> None:
    if managed_here(ctx) is None:
        return
    for root in roots(ctx):
        with ctx.resource(root["Id"], arn=root.get("Arn")):
            if not policy_type_enabled(root, SCP):
                ctx.failed("service control policies are not enabled on the root", {"policy_type_enabled": False})
                continue
            custom = [p for p in policies(ctx, SCP) if p["Id"] != FULL_ACCESS_SCP and not p.get("AwsManaged")]
            attached = sorted(p["Name"] for p in custom if targets(ctx, p["Id"]))
            evidence: dict[str, EvidenceValue] = {"policy_type_enabled": True, "attached_scps": attached,
                                                  "custom_scps": len(custom)}
            if attached:
                ctx.passed(f"{len(attached)} SCP(s) restrict the organization", evidence)
            else:
                ctx.failed("only FullAWSAccess is attached: SCPs restrict nothing", evidence)
