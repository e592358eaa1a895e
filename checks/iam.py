"""AWS IAM: what the roles of AI services may do, and the root user.

IAM is read once, with GetAccountAuthorizationDetails (roles with their inline and
attached policies, and every managed policy's versions). Which roles are AI roles is
decided in `checks._scope` (trusted by an AI service, an agent tool's execution role, or
tagged); a source that cannot be read there is one ERROR, and the roles the others found
are still judged.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import unquote

from checks import _scope, awslambda
from posture.aws.errors import AwsReadError
from posture.core.context import CheckContext
from posture.core.registry import check

ADMIN_POLICY = "AdministratorAccess"
# Actions that let a role give itself (or a principal it controls) more power. PassRole and
# AssumeRole are risky only on every resource; the others on any resource.
ESCALATION_ANY_RESOURCE = (
    "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:AttachRolePolicy", "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy", "iam:PutRolePolicy", "iam:PutUserPolicy", "iam:PutGroupPolicy",
    "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:UpdateAssumeRolePolicy",
    "iam:AddUserToGroup", "iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary",
)
ESCALATION_ALL_RESOURCES = ("iam:PassRole", "sts:AssumeRole")
# AWS managed policies whose effect is known without reading them: moto loads AWS managed
# policies only on request, and a real account may deny GetPolicyVersion on them.
KNOWN_AWS_POLICIES: dict[str, list[dict[str, Any]]] = {
    "AdministratorAccess": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    "IAMFullAccess": [{"Effect": "Allow", "Action": ["iam:*", "organizations:Describe*", "organizations:List*"],
                       "Resource": "*"}],
    "PowerUserAccess": [{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"],
                         "Resource": "*"}],
    "AmazonS3FullAccess": [{"Effect": "Allow", "Action": ["s3:*", "s3-object-lambda:*"], "Resource": "*"}],
}
IAM_READS = ("iam:GetAccountAuthorizationDetails", "iam:GetPolicy", "iam:GetPolicyVersion")
AI_ROLE_PERMISSIONS = (*IAM_READS, *awslambda.AGENT_TOOL_READS)


@dataclass
class RolePolicies:
    """The documents that grant a role its permissions, by a label naming each policy."""

    documents: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)  # attached policy ARNs that could not be read


# -- reading ---------------------------------------------------------------------------------
def authorization_details(ctx: CheckContext) -> dict[str, Any]:
    return ctx.paginate("iam", "get_account_authorization_details",
                        Filter=["Role", "LocalManagedPolicy", "AWSManagedPolicy"])


def roles(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(authorization_details(ctx).get("RoleDetailList", []))


def managed_policy_documents(ctx: CheckContext) -> dict[str, Any]:
    """Managed policy ARN -> its default version's document, as the authorization details give them."""
    found = {}
    for policy in authorization_details(ctx).get("Policies", []):
        for version in policy.get("PolicyVersionList", []):
            if version.get("IsDefaultVersion"):
                found[policy["Arn"]] = version.get("Document")
    return found


def managed_policy_document(ctx: CheckContext, arn: str) -> Any | None:
    """A managed policy's default document: from the details, else read directly; None when it does not exist."""
    known = managed_policy_documents(ctx)
    if arn in known:
        return known[arn]
    try:
        version = ctx.call("iam", "get_policy", PolicyArn=arn)["Policy"]["DefaultVersionId"]
        return ctx.call("iam", "get_policy_version", PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
    except AwsReadError as exc:
        if exc.code == "NoSuchEntity":
            return None
        raise


def account_summary(ctx: CheckContext) -> dict[str, int]:
    return dict(ctx.call("iam", "get_account_summary").get("SummaryMap", {}))


def role_policies(ctx: CheckContext, role: dict[str, Any]) -> RolePolicies:
    found = RolePolicies()
    for inline in role.get("RolePolicyList", []):
        found.documents[f"inline:{inline['PolicyName']}"] = statements(inline.get("PolicyDocument"))
    for attached in role.get("AttachedManagedPolicies", []):
        arn = attached["PolicyArn"]
        document = managed_policy_document(ctx, arn)
        name = arn.rsplit("/", 1)[-1]
        if document is None and arn.split(":")[4] == "aws" and name in KNOWN_AWS_POLICIES:
            found.documents[name] = KNOWN_AWS_POLICIES[name]
        elif document is None:
            found.unresolved.append(arn)
        else:
            found.documents[name] = statements(document)
    return found


# -- judging (plain logic over policy documents) -----------------------------------------
def _document(value: Any) -> dict[str, Any]:
    if isinstance(value, str):  # the API URL-encodes documents; botocore usually decodes them
        value = json.loads(unquote(value))
    return value if isinstance(value, dict) else {}


def statements(document: Any) -> list[dict[str, Any]]:
    found = _document(document).get("Statement", [])
    return [s for s in (found if isinstance(found, list) else [found]) if isinstance(s, dict)]


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in (value if isinstance(value, list) else [value]) if v is not None]


def trusted_services(trust_policy: Any) -> Iterator[str]:
    for statement in statements(trust_policy):
        principal = statement.get("Principal")
        if statement.get("Effect") == "Allow" and isinstance(principal, dict):
            yield from _as_list(principal.get("Service"))


def _allows(policy: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    return (s for s in policy if s.get("Effect") == "Allow")


def _on_everything(statement: dict[str, Any]) -> bool:
    return "NotResource" in statement or "*" in _as_list(statement.get("Resource"))


def _grants(statement: dict[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        return not any(fnmatchcase(action.lower(), p.lower()) for p in _as_list(statement["NotAction"]))
    return any(fnmatchcase(action.lower(), p.lower()) for p in _as_list(statement.get("Action")))


def full_admin(policy: list[dict[str, Any]]) -> bool:
    return any(_on_everything(s) and "*" in _as_list(s.get("Action")) for s in _allows(policy))


def service_wildcards(policy: list[dict[str, Any]]) -> list[str]:
    """Wildcard grants on every resource: `*`, `service:*`, or NotAction (everything but a few)."""
    found = []
    for statement in _allows(policy):
        if not _on_everything(statement):
            continue
        if "NotAction" in statement:
            found.append("NotAction " + ",".join(_as_list(statement["NotAction"])))
        found.extend(a for a in _as_list(statement.get("Action")) if a == "*" or a.endswith(":*"))
    return found


def escalation_actions(policy: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    for statement in _allows(policy):
        conditions = {k.lower() for block in (statement.get("Condition") or {}).values() for k in block}
        found.extend(a for a in ESCALATION_ANY_RESOURCE if _grants(statement, a))
        if _on_everything(statement):
            for action in ESCALATION_ALL_RESOURCES:
                # PassRole limited to named services (iam:PassedToService) is the documented safe pattern.
                if action == "iam:PassRole" and "iam:passedtoservice" in conditions:
                    continue
                if _grants(statement, action):
                    found.append(f"{action} on *")
    return found


def _judge_roles(ctx: CheckContext, problems_of: Callable[[list[dict[str, Any]]], list[str]], passed: str,
                 failed: str) -> None:
    """One verdict per AI role: FAIL with the offending grants, ERROR when a policy could not be read."""
    for role, why in _scope.judged(ctx, _scope.ai_roles(ctx)):
        with ctx.resource(role["RoleName"], arn=role["Arn"]):
            policies = role_policies(ctx, role)
            problems = sorted({f"{label}: {p}" for label, doc in policies.documents.items() for p in problems_of(doc)})
            evidence: dict[str, Any] = {"ai_role_because": why, "policies": sorted(policies.documents)}
            if problems:
                ctx.failed(failed, {**evidence, "grants": problems[:20]})
            elif policies.unresolved:
                ctx.error("attached managed policies could not be read, so the role cannot be judged",
                          {**evidence, "unresolved_policies": policies.unresolved})
            else:
                ctx.passed(passed, evidence)


ROLE_META: dict[str, Any] = dict(
    service="iam", scope="global", resource_type="AwsIamRole", boundaries=["application"],
)


@check(
    id="iam.ai_role_no_admin_access",
    title="Roles of AI services do not have administrator access",
    description="No role assumed by Bedrock, SageMaker or an agent's Lambda tool has AdministratorAccess or a "
    "policy statement allowing Action \"*\" on Resource \"*\" (inline or attached).",
    rationale=(
        "An agent or model workload acts on what prompts and retrieved content tell it. With administrator "
        "rights, one successful prompt injection or compromised notebook controls the whole account."
    ),
    remediation="Detach AdministratorAccess / remove the \"*\" statement (`aws iam detach-role-policy`, "
    "`aws iam delete-role-policy`) and grant the actions the workload uses on its own resources; IAM Access "
    "Analyzer can generate that policy from CloudTrail.",
    severity="critical",
    csf=["PR.AA-05"],
    owasp_llm=["LLM08", "LLM06:2025"],
    securityhub_controls=["IAM.1"],
    permissions=list(AI_ROLE_PERMISSIONS),
    **ROLE_META,
)
def ai_role_no_admin_access(ctx: CheckContext) -> None:
    _judge_roles(ctx, lambda doc: ['Action "*" on Resource "*"'] if full_admin(doc) else [],
                 "no administrator access", "the role has administrator access")


@check(
    id="iam.ai_role_no_service_wildcards",
    title="Roles of AI services have no service-wide wildcard permissions",
    description="No role assumed by Bedrock, SageMaker or an agent's Lambda tool allows a whole service "
    "(\"s3:*\", \"bedrock:*\", ...) or every action but a few (NotAction) on Resource \"*\".",
    rationale=(
        "A service-wide grant on every resource lets an agent or model workload read every bucket, invoke "
        "every model or delete data it never needed: the blast radius of prompt injection is the whole service."
    ),
    remediation="Replace each wildcard with the actions the workload calls, on the ARNs of its own buckets, "
    "models and knowledge bases.",
    severity="high",
    csf=["PR.AA-05"],
    owasp_llm=["LLM08", "LLM07", "LLM06:2025"],
    securityhub_controls=["IAM.21"],
    permissions=list(AI_ROLE_PERMISSIONS),
    **ROLE_META,
)
def ai_role_no_service_wildcards(ctx: CheckContext) -> None:
    _judge_roles(ctx, service_wildcards, "no service-wide wildcard on every resource",
                 "the role allows whole services on every resource")


@check(
    id="iam.ai_role_no_privilege_escalation",
    title="Roles of AI services cannot escalate privileges",
    description="No role assumed by Bedrock, SageMaker or an agent's Lambda tool may pass or assume any role "
    "(iam:PassRole or sts:AssumeRole on \"*\") or change IAM permissions (iam:CreatePolicyVersion, "
    "iam:AttachRolePolicy, iam:PutRolePolicy, iam:CreateAccessKey, ...).",
    rationale=(
        "These actions turn a narrowly scoped agent into an administrator: a prompt-injected tool call can "
        "attach a policy to its own role, mint access keys or hand a powerful role to new compute."
    ),
    remediation="Remove the IAM write actions; limit iam:PassRole to named role ARNs with an iam:PassedToService "
    "condition, and sts:AssumeRole to named role ARNs.",
    severity="high",
    csf=["PR.AA-05", "PR.AA-01"],
    # Model output that drives a tool call acts with these permissions (improper output handling's blast radius).
    owasp_llm=["LLM08", "LLM07", "LLM02", "LLM06:2025", "LLM05:2025"],
    permissions=list(AI_ROLE_PERMISSIONS),
    **ROLE_META,
)
def ai_role_no_privilege_escalation(ctx: CheckContext) -> None:
    _judge_roles(ctx, escalation_actions, "no privilege-escalation action", "the role can escalate privileges")


ROOT_META: dict[str, Any] = dict(
    service="iam", scope="global", resource_type="AwsAccount", severity="critical",
    boundaries=["organizational"], csf=["PR.AA-01", "PR.AA-03"], owasp_llm=["LLM10", "LLM06", "LLM02:2025"],
    permissions=["iam:GetAccountSummary"],
)


@check(
    id="iam.root_mfa_enabled",
    title="The root user has MFA",
    description="The account's root user signs in with multi-factor authentication (AccountMFAEnabled).",
    rationale=(
        "The root user can change anything in the account that holds the models, training data and "
        "prompt logs; a phished root password without MFA gives all of it away."
    ),
    remediation="Sign in as root and assign an MFA device (IAM console > Security credentials > Assign MFA); "
    "prefer a hardware key or passkey, or centralize root access with AWS Organizations.",
    securityhub_controls=["IAM.9"],
    **ROOT_META,
)
def root_mfa_enabled(ctx: CheckContext) -> None:
    with ctx.account_resource():
        enabled = account_summary(ctx).get("AccountMFAEnabled", 0)
        if enabled:
            ctx.passed("the root user has MFA", {"account_mfa_enabled": True})
        else:
            ctx.failed("the root user has no MFA", {"account_mfa_enabled": False})


@check(
    id="iam.root_no_access_keys",
    title="The root user has no access keys",
    description="The account's root user has no access keys (AccountAccessKeysPresent is 0).",
    rationale=(
        "A root access key is an unrestricted, long-lived credential that no policy can limit: if it leaks "
        "from a script or a notebook, the account and every AI workload in it are lost."
    ),
    remediation="Sign in as root, delete its access keys (Security credentials > Access keys) and use IAM "
    "roles for automation.",
    securityhub_controls=["IAM.4"],
    **ROOT_META,
)
def root_no_access_keys(ctx: CheckContext) -> None:
    with ctx.account_resource():
        present = account_summary(ctx).get("AccountAccessKeysPresent", 0)
        if present:
            ctx.failed("the root user has access keys", {"root_access_keys_present": True})
        else:
            ctx.passed("the root user has no access keys", {"root_access_keys_present": False})
