"""AWS Organizations: the policies the organization sets for every account running AI.

The root checks (opt-out policy attached, SCPs) judge what the management account sees: a
member account cannot read the organization's policies. The effective-policy checks judge
every scanned account: DescribeEffectivePolicy may be called from any account of the
organization and answers for the caller's own account, so each account reads what is in
force for itself, and the management account adds what only it can read (the root's policy
types, the root's policies). An account in no organization is out of their scope (no
finding): there is nothing to govern it from.
"""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, EvidenceValue, Family
from posture.checks._coverage import org_policy_enforced
from posture.checks._read import organizations
from posture.checks._read.organizations import effective_policy, organization, policies, policy_content, roots, targets

check = Family(
    service="organizations",
    scope="global",
    resource_type="Other",
    boundaries=["organizational", "data"],
    service_docs="https://docs.aws.amazon.com/organizations/latest/userguide/orgs_security.html",
    maps=["GV.PO-01"],
    reads=[organizations.DESCRIBE_ORGANIZATION, organizations.LIST_ROOTS],
)

AI_OPT_OUT = "AISERVICES_OPT_OUT_POLICY"
BEDROCK = organizations.BEDROCK_POLICY
SCP = "SERVICE_CONTROL_POLICY"
FULL_ACCESS_SCP = "p-FullAWSAccess"  # AWS managed: attached everywhere, restricts nothing


def managed_here(ctx: CheckContext) -> dict[str, Any] | None:
    """The organization when this account is its management account, else None (out of scope)."""
    org = organization(ctx)
    return org if org and org.get("MasterAccountId") == ctx.account_id else None


def policy_type_enabled(root: dict[str, Any], policy_type: str) -> bool:
    return any(t.get("Type") == policy_type and t.get("Status") == "ENABLED" for t in root.get("PolicyTypes", []))


def opt_out_setting(node: Any) -> str:
    """The opt_out_policy value of one service node: "optOut", "optIn" or "" (not set). An attached policy
    writes it `{"@@assign": "optOut"}`; an effective policy, with the operators resolved, `"optOut"`."""
    value = node.get("opt_out_policy") if isinstance(node, dict) else None
    if isinstance(value, dict):
        value = value.get("@@assign")
    return value if isinstance(value, str) else ""


def opts_out_of_all(content: dict[str, Any]) -> bool:
    """Whether an AI opt-out policy opts every AI service out ("default" service set to optOut)."""
    return opt_out_setting((content.get("services") or {}).get("default")).lower() == "optout"


def opted_in_services(content: dict[str, Any]) -> list[str]:
    """The services an opt-out policy opts back in (an exemption from "default", or a child's override)."""
    services = content.get("services") or {}
    return sorted(name for name, node in services.items()
                  if name != "default" and not name.startswith("@@") and opt_out_setting(node).lower() == "optin")


def forbids_child_override(content: dict[str, Any]) -> bool:
    """Whether the policy stops child policies (of OUs and accounts) from changing the default opt-out:
    `@@operators_allowed_for_child_policies: ["@@none"]` on the services, default or opt_out_policy node."""
    services = content.get("services") or {}
    default = services.get("default") or {}
    nodes = (services, default, default.get("opt_out_policy") or {})
    return any(node.get("@@operators_allowed_for_child_policies") == ["@@none"] for node in nodes)


def root_opt_out(ctx: CheckContext, root_id: str) -> tuple[list[str], list[str], list[str]]:
    """The attached AI opt-out policies, by name: (on the root, opting out of all, locked against child
    policies; on the root, opting out of all, children can override; others: below the root or partial)."""
    attached: list[str] = []
    overridable: list[str] = []
    partial: list[str] = []

    def read(policy: dict[str, Any]) -> tuple[set[str], dict[str, Any]]:
        """The policy's target ids, and its content when it is attached to the root."""
        target_ids = {t["TargetId"] for t in targets(ctx, policy["Id"])}
        return target_ids, policy_content(ctx, policy["Id"]) if root_id in target_ids else {}

    listed = policies(ctx, AI_OPT_OUT)
    for policy, (target_ids, content) in zip(listed, ctx.fan_out(read, listed), strict=True):
        if not target_ids:
            continue
        if root_id in target_ids and opts_out_of_all(content):
            (attached if forbids_child_override(content) else overridable).append(policy["Name"])
        else:
            partial.append(policy["Name"])
    return attached, overridable, partial


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
    remediation="`aws organizations enable-policy-type --root-id <root-id> --policy-type AISERVICES_OPT_OUT_POLICY`, "
                "create a policy `{\"services\":{\"default\":{\"opt_out_policy\":{\"@@assign\":\"optOut\"}}}}` and "
                "`aws organizations attach-policy --policy-id <policy-id> --target-id <root-id>`.",
    severity="medium",
    maps=["GV.OC-03", "LLM02:2025", "LLM06", "AML.T0057", "GOVERN 6.1", "MEASURE 2.10", "A.10.3", "A.7.3"],
    reads=[organizations.POLICY],
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
            attached, overridable, partial = root_opt_out(ctx, root["Id"])
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
    remediation="`aws organizations enable-policy-type --root-id <root-id> --policy-type SERVICE_CONTROL_POLICY`, "
                "then create and attach SCPs (`aws organizations create-policy --type SERVICE_CONTROL_POLICY "
                "--content <content> --description <description> --name <name>`, `attach-policy`).",
    severity="medium",
    boundaries=["organizational"],
    maps=["PR.AA-05", "LLM06:2025", "LLM08", "LLM10", "LLM10:2025", "AML.T0012", "AML.T0034", "MEASURE 2.7", "A.6.2.6"],
    reads=[organizations.LIST_POLICIES, organizations.LIST_TARGETS],
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
            attached = sorted(p["Name"] for p, found in zip(
                custom, ctx.fan_out(lambda p: targets(ctx, p["Id"]), custom), strict=True) if found)
            evidence: dict[str, EvidenceValue] = {"policy_type_enabled": True, "attached_scps": attached,
                                                  "custom_scps": len(custom)}
            if attached:
                ctx.passed(f"{len(attached)} SCP(s) restrict the organization", evidence)
            else:
                ctx.failed("only FullAWSAccess is attached: SCPs restrict nothing", evidence)


# -- effective policies, per scanned account -------------------------------------------------
def root_enables(ctx: CheckContext, org: dict[str, Any], policy_type: str) -> bool | None:
    """Whether the root enables `policy_type`: read in the management account only (None elsewhere: a member
    cannot list roots; its effective policy, which cannot exist without the type, answers for it)."""
    if org.get("MasterAccountId") != ctx.account_id:
        return None
    return any(policy_type_enabled(root, policy_type) for root in roots(ctx))


def enforced_guardrails(content: dict[str, Any]) -> dict[str, list[str]]:
    """Region -> the guardrail versions an effective Bedrock policy enforces there (by value)."""
    regions = ((content.get("bedrock") or {}).get("guardrail_inference") or {})
    found = {region: [e.guardrail.label for e in org_policy_enforced(content, region)]
             for region in (regions if isinstance(regions, dict) else {})}
    return {region: labels for region, labels in sorted(found.items()) if labels}


def judge_bedrock_policy(content: dict[str, Any] | None, enabled: bool | None,
                         scanned: tuple[str, ...]) -> tuple[bool, str, dict[str, EvidenceValue]]:
    """(ok, message, evidence) for one account's effective Bedrock policy."""
    if enabled is False:
        return False, "the Bedrock policy type is not enabled on the organization's root", {
            "policy_type_enabled": False}
    if content is None:
        return False, "no Bedrock policy applies to this account (no effective BEDROCK_POLICY)", {
            "policy_type_enabled": enabled, "effective_policy": False}
    enforced = enforced_guardrails(content)
    evidence: dict[str, EvidenceValue] = {
        "policy_type_enabled": enabled, "effective_policy": True, "enforced_regions": list(enforced),
        "guardrails": sorted({g for labels in enforced.values() for g in labels}),
        "scanned_regions_not_enforced": [r for r in scanned if r not in enforced]}
    if not enforced:
        return False, "the effective Bedrock policy enforces no guardrail in any region", evidence
    return True, (f"the effective Bedrock policy enforces a guardrail in {len(enforced)} region(s): "
                  f"{', '.join(enforced)}"), evidence


@check(
    id="organizations.bedrock_policy_effective",
    title="An organization Bedrock policy is in force for the account",
    description="For each scanned account in an organization, an effective Bedrock policy "
    "(DescribeEffectivePolicy BEDROCK_POLICY) applies to it and enforces a guardrail "
    "(bedrock.guardrail_inference.<region>.<config>.identifier) on its model calls; seen from the "
    "management account, the BEDROCK_POLICY type is also enabled on the root. No organization: out of scope.",
    rationale=(
        "An organization-enforced guardrail filters every InvokeModel and Converse call of the account, "
        "whatever its own roles and applications do: a team or an attacker with Bedrock access in one "
        "account cannot call a model without it. Without an effective policy, each account's guardrails are "
        "only as strong as its least careful application."
    ),
    remediation="In the management account: `aws organizations enable-policy-type --root-id <root-id> --policy-type "
                "BEDROCK_POLICY`, create a policy "
                "`{\"bedrock\":{\"guardrail_inference\":{\"<region>\":{\"config_1\":{\"identifier\":"
                "{\"@@assign\":\"<guardrail-arn>:<version>\"}}}}}}` "
                "(`aws organizations create-policy --type BEDROCK_POLICY --content <content> --description "
                "<description> --name <name>`), attach it to the root or the AI OUs, and confirm with `aws "
                "organizations describe-effective-policy --policy-type BEDROCK_POLICY --target-id <account>`.",
    resource_type="AwsAccount",
    severity="medium",
    boundaries=["organizational", "model"],
    maps=["PR.PS-01", "LLM01", "LLM01:2025", "LLM02", "LLM05:2025", "AML.M0020", "AML.T0051", "AML.T0054", "GOVERN 1.4",
        "MANAGE 1.3", "A.2.3", "A.6.2.5", "Art. 15"],
    reads=[organizations.DESCRIBE_EFFECTIVE_POLICY],
    docs_url="https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_bedrock.html",
)
def bedrock_policy_effective(ctx: CheckContext) -> None:
    org = organization(ctx)
    if org is None:
        return
    with ctx.account_resource():
        enabled = root_enables(ctx, org, BEDROCK)
        content = effective_policy(ctx, BEDROCK) if enabled is not False else None
        ok, message, evidence = judge_bedrock_policy(content, enabled, ctx.regions)
        (ctx.passed if ok else ctx.failed)(message, {"organization": org.get("Id"), **evidence})


def judge_opt_out_effective(content: dict[str, Any] | None, root: tuple[list[str], list[str], list[str]] | None
                            ) -> tuple[bool, str, dict[str, EvidenceValue]]:
    """(ok, message, evidence) for one account's effective AI opt-out policy; `root` is what the management
    account reads of the root's policies (`root_opt_out`), None where it cannot be read (a member account)."""
    if content is None:
        return False, "no AI services opt-out policy applies to this account", {"effective_policy": False}
    opted_in = opted_in_services(content)
    default = opt_out_setting((content.get("services") or {}).get("default")) or None
    evidence: dict[str, EvidenceValue] = {"effective_policy": True, "default": default,
                                          "services_opted_in": opted_in}
    if root is not None:
        evidence["root_policies_locked"] = root[0]
        evidence["root_policies_children_can_override"] = root[1]
    if not opts_out_of_all(content):
        return False, (f"the effective opt-out policy does not opt out of all AI services (default: "
                       f"{default or 'not set'})"), evidence
    if opted_in:
        return False, f"the effective opt-out policy opts {', '.join(opted_in)} back in", evidence
    if root is not None and not root[0]:
        return False, ("all AI services are opted out, but no root policy forbids child policies to opt back in "
                       "(\"@@operators_allowed_for_child_policies\": [\"@@none\"])"), evidence
    lock = (f"root policy {root[0][0]} forbids child policies to change it" if root
            else "the root's lock is judged from the management account (organizations.ai_opt_out_policy_attached)")
    return True, f"the effective policy opts this account out of all AI services; {lock}", evidence


@check(
    id="organizations.ai_opt_out_effective",
    title="The AI services opt-out is in force for the account",
    description="For each scanned account in an organization, the effective AI services opt-out policy "
    "(DescribeEffectivePolicy AISERVICES_OPT_OUT_POLICY) opts it out of every AI service (\"default\": optOut) "
    "and opts no service back in; seen from the management account, a root policy also forbids child "
    "policies to change it (@@operators_allowed_for_child_policies: @@none). No organization: out of scope.",
    rationale=(
        "What counts is the policy in force for the account: an opt-out attached to the root is undone for "
        "an account by an OU or account policy that opts a service back in, and AWS AI services may then "
        "store and use its prompts, documents and recordings to improve the services."
    ),
    remediation="Attach to the root an opt-out policy `{\"services\":{\"default\":{"
    "\"@@operators_allowed_for_child_policies\":[\"@@none\"],\"opt_out_policy\":{"
    "\"@@operators_allowed_for_child_policies\":[\"@@none\"],\"@@assign\":\"optOut\"}}}}`, detach OU and "
    "account policies that opt services back in, and confirm with `aws organizations describe-effective-policy "
    "--policy-type AISERVICES_OPT_OUT_POLICY --target-id <account>`.",
    resource_type="AwsAccount",
    severity="medium",
    maps=["GV.OC-03", "LLM02:2025", "LLM06", "AML.M0005", "AML.T0085", "GOVERN 6.1", "MANAGE 3.1", "MEASURE 2.10",
        "A.10.3", "A.7.3", "Art. 10"],
    reads=[organizations.POLICY, organizations.DESCRIBE_EFFECTIVE_POLICY],
    docs_url="https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_ai-opt-out_effective.html",
)
def ai_opt_out_effective(ctx: CheckContext) -> None:
    org = organization(ctx)
    if org is None:
        return
    with ctx.account_resource():
        content = effective_policy(ctx, AI_OPT_OUT)
        root = None
        if org.get("MasterAccountId") == ctx.account_id:
            found = roots(ctx)  # an organization has one root
            root = root_opt_out(ctx, found[0]["Id"]) if found else ([], [], [])
        ok, message, evidence = judge_opt_out_effective(content, root)
        (ctx.passed if ok else ctx.failed)(message, {"organization": org.get("Id"), **evidence})
