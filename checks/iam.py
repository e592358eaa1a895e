"""AWS IAM: what the roles of AI services may do, and the root user.

IAM is read once, with GetAccountAuthorizationDetails (roles with their inline and
attached policies, and every managed policy's versions). Which roles are AI roles is
decided in `checks._scope` (trusted by an AI service, an agent tool's execution role, or
tagged); a source that cannot be read there is one ERROR, and the roles the others found
are still judged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from checks import _policy, _scope, awslambda
from posture.aws.errors import AwsReadError
from posture.core.context import CheckContext
from posture.core.registry import check

ADMIN_POLICY = "AdministratorAccess"
# Privilege escalation is judged by checks._policy.escalations: cloudsplaining's method list (59 methods,
# single actions and combinations such as iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction) plus
# the permissions-boundary actions; iam:PassRole and sts:AssumeRole count on every role of the account.
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

    documents: dict[str, list[_policy.Statement]] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)  # policy ARNs (attached or boundary) that could not be read
    boundary: list[_policy.Statement] | None = None  # the permissions boundary; None: the role has none
    boundary_name: str | None = None

    def everything(self) -> list[_policy.Statement]:
        return [s for statements in self.documents.values() for s in statements]

    def denies(self) -> list[_policy.Statement]:
        return [s for s in self.everything() if s.denies]


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


def _managed_statements(ctx: CheckContext, arn: str) -> list[_policy.Statement] | None:
    """A managed policy's statements; the known AWS ones when unreadable; None when neither."""
    document = managed_policy_document(ctx, arn)
    name = arn.rsplit("/", 1)[-1]
    if document is None and arn.split(":")[4] == "aws" and name in KNOWN_AWS_POLICIES:
        return _policy.statements(KNOWN_AWS_POLICIES[name])
    return None if document is None else _policy.statements(document)


def role_policies(ctx: CheckContext, role: dict[str, Any]) -> RolePolicies:
    found = RolePolicies()
    for inline in role.get("RolePolicyList", []):
        found.documents[f"inline:{inline['PolicyName']}"] = _policy.statements(inline.get("PolicyDocument"))
    for attached in role.get("AttachedManagedPolicies", []):
        arn = attached["PolicyArn"]
        statements = _managed_statements(ctx, arn)
        if statements is None:
            found.unresolved.append(arn)
        else:
            found.documents[arn.rsplit("/", 1)[-1]] = statements
    boundary_arn = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    if boundary_arn:
        boundary = _managed_statements(ctx, boundary_arn)
        if boundary is None:
            found.unresolved.append(boundary_arn)
        else:
            found.boundary, found.boundary_name = boundary, boundary_arn.rsplit("/", 1)[-1]
    return found


# -- judging (plain logic over the statements, by checks._policy) ----------------------------
def trusted_services(trust_policy: Any) -> list[str]:
    """Service principals the trust policy lets assume the role."""
    return _policy.trusted_services(trust_policy)


def admin_grants(policies: RolePolicies, account_id: str | None = None) -> list[str]:
    """`label: grant` for each policy that allows every action on every resource, after Deny and boundary."""
    return [f'{label}: Action "*" on Resource "*"' for label, statements in policies.documents.items()
            if _policy.grants_admin(statements + policies.denies(), boundary=policies.boundary,
                                    account_id=account_id)]


def wildcard_grants(policies: RolePolicies, account_id: str | None = None) -> list[str]:
    """`label: pattern` for each whole-service (or NotAction) grant on every resource, after Deny and boundary."""
    return [f"{label}: {grant}" for label, statements in policies.documents.items()
            for grant in _policy.service_wildcards(statements + policies.denies(), boundary=policies.boundary,
                                                   account_id=account_id)]


def escalation_grants(policies: RolePolicies, account_id: str | None = None) -> list[str]:
    """`policies: method` for each privilege-escalation method the role's policies grant together."""
    everything = policies.everything()
    labels = {id(s): label for label, statements in policies.documents.items() for s in statements}
    found = []
    for escalation in _policy.escalations(everything, account_id=account_id, boundary=policies.boundary):
        granting = sorted({labels[id(g.statement)] for action in escalation.actions
                           for g in _policy.evaluate(everything, action).allowing if id(g.statement) in labels})
        found.append(f"{','.join(granting)}: {escalation.detail}")
    return found


def _judge_roles(ctx: CheckContext, problems_of: Callable[[RolePolicies, str], list[str]], passed: str,
                 failed: str) -> None:
    """One verdict per AI role: FAIL with the offending grants, ERROR when a policy could not be read."""
    for role, why in _scope.judged(ctx, _scope.ai_roles(ctx)):
        with ctx.resource(role["RoleName"], arn=role["Arn"]):
            policies = role_policies(ctx, role)
            problems = sorted(set(problems_of(policies, ctx.account_id)))
            evidence: dict[str, Any] = {"ai_role_because": why, "policies": sorted(policies.documents),
                                        "permissions_boundary": policies.boundary_name}
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
    "policy statement allowing Action \"*\" on every resource (inline or attached), unless an explicit Deny or "
    "the role's permissions boundary takes it away.",
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
    atlas=["AML.T0053", "AML.T0086", "AML.T0101", "AML.M0026", "AML.M0028"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    owasp_agentic=["ASI03", "ASI02"],
    eu_ai_act=["Art. 15"],
    **ROLE_META,
)
def ai_role_no_admin_access(ctx: CheckContext) -> None:
    _judge_roles(ctx, admin_grants, "no administrator access", "the role has administrator access")


@check(
    id="iam.ai_role_no_service_wildcards",
    title="Roles of AI services have no service-wide wildcard permissions",
    description="No role assumed by Bedrock, SageMaker or an agent's Lambda tool allows a whole service "
    "(\"s3:*\", \"bedrock:*\", ...) or every action but a few (NotAction) on every resource (\"*\" or an ARN "
    "pattern such as arn:aws:s3:::*), after explicit Deny and the permissions boundary.",
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
    atlas=["AML.T0053", "AML.T0086", "AML.T0101", "AML.M0026", "AML.M0028"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    owasp_agentic=["ASI03", "ASI02"],
    eu_ai_act=["Art. 15"],
    **ROLE_META,
)
def ai_role_no_service_wildcards(ctx: CheckContext) -> None:
    _judge_roles(ctx, wildcard_grants, "no service-wide wildcard on every resource",
                 "the role allows whole services on every resource")


@check(
    id="iam.ai_role_no_privilege_escalation",
    title="Roles of AI services cannot escalate privileges",
    description="No role assumed by Bedrock, SageMaker or an agent's Lambda tool may pass or assume every role "
    "(iam:PassRole or sts:AssumeRole on \"*\" or arn:aws:iam::*:role/*; a PassRole limited by "
    "iam:PassedToService to the AI services excepted), change IAM permissions (iam:CreatePolicyVersion, "
    "iam:AttachRolePolicy, iam:PutRolePolicy, iam:CreateAccessKey, ...) or use another of cloudsplaining's "
    "privilege-escalation methods, after explicit Deny and the permissions boundary.",
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
    atlas=["AML.T0053", "AML.T0086", "AML.T0101", "AML.M0026", "AML.M0028"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    owasp_agentic=["ASI03", "ASI02"],
    eu_ai_act=["Art. 15"],
    **ROLE_META,
)
def ai_role_no_privilege_escalation(ctx: CheckContext) -> None:
    _judge_roles(ctx, escalation_grants, "no privilege-escalation action", "the role can escalate privileges")


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
    atlas=["AML.T0012"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
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
    atlas=["AML.T0012", "AML.T0055"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
    **ROOT_META,
)
def root_no_access_keys(ctx: CheckContext) -> None:
    with ctx.account_resource():
        present = account_summary(ctx).get("AccountAccessKeysPresent", 0)
        if present:
            ctx.failed("the root user has access keys", {"root_access_keys_present": True})
        else:
            ctx.passed("the root user has no access keys", {"root_access_keys_present": False})
