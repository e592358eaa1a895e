"""AWS IAM: what the roles of AI services may do, and the root user.

IAM is read once, with GetAccountAuthorizationDetails (roles with their inline and
attached policies, and every managed policy's versions: checks/_read/iam.py); the policies in
force for a principal are judged in `checks._principals`. Which roles are AI roles is
decided in `checks._scope` (trusted by an AI service, an agent tool's execution role, or
tagged); a source that cannot be read there is one ERROR, and the roles the others found
are still judged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from posture.api import AwsReadError, CheckContext, Family, Reads, ahead
from posture.checks import _exposure, _policy, _scope
from posture.checks._principals import (
    POLICY_READS,
    PRINCIPAL_TYPES,
    RolePolicies,
    admin_grants,
    escalation_grants,
    grants_of,
    is_admin,
    judge_principals,
    principal_policies,
    role_policies,
    wildcard_grants,
)
from posture.checks._read import bedrock_agent, bedrock_agentcore, iam
from posture.checks._read.iam import (
    BEDROCK_SERVICE,
    JobPending,
    Principal,
    account_summary,
    bedrock_api_keys,
    last_accessed,
    principals,
    start_last_accessed,
    users,
)

check = Family(
    service="iam",
    scope="global",
    resource_type="AwsIamRole",
    boundaries=["application", "organizational"],
    service_docs="https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html",
)

# Privilege escalation is judged by checks._policy.escalations: cloudsplaining's method list (59 methods,
# single actions and combinations such as iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction) plus
# the permissions-boundary actions; iam:PassRole and sts:AssumeRole count on every role of the account.
# What judging the AI roles reads: the AI roles (checks._scope.ai_roles) and the policies in force for them.
AI_ROLE_POLICY_READS = Reads(_scope.AI_ROLE_READS, POLICY_READS)


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
    boundaries=["application"], reads=[AI_ROLE_POLICY_READS],
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
    remediation="Detach AdministratorAccess / remove the \"*\" statement (`aws iam detach-role-policy --role-name "
                "<role-name> --policy-arn arn:aws:iam::aws:policy/AdministratorAccess`, `aws iam delete-role-policy "
                "--role-name <role-name> --policy-name <policy-name>`) and grant the actions the workload uses on "
                "its own resources; IAM Access Analyzer can generate that policy from CloudTrail.",
    severity="critical",
    maps=["PR.AA-05", "LLM06:2025", "LLM08", "IAM.1", "AML.M0026", "AML.M0028", "AML.T0053", "AML.T0086", "AML.T0101",
        "MEASURE 2.7", "A.6.2.6", "ASI02", "ASI03", "Art. 15"],
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
    maps=["PR.AA-05", "LLM06:2025", "LLM07", "LLM08", "IAM.21", "AML.M0026", "AML.M0028", "AML.T0053", "AML.T0086",
        "AML.T0101", "MEASURE 2.7", "A.6.2.6", "ASI02", "ASI03", "Art. 15"],
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
    maps=["PR.AA-01", "PR.AA-05", "LLM02", "LLM05:2025", "LLM06:2025", "LLM07", "LLM08", "AML.M0026", "AML.M0028",
        "AML.T0053", "AML.T0086", "AML.T0101", "MEASURE 2.7", "A.6.2.6", "ASI02", "ASI03", "Art. 15"],
    **ROLE_META,
)
def ai_role_no_privilege_escalation(ctx: CheckContext) -> None:
    _judge_roles(ctx, escalation_grants, "no privilege-escalation action", "the role can escalate privileges")


ROOT_META: dict[str, Any] = dict(
    resource_type="AwsAccount", severity="critical", boundaries=["organizational"],
    csf=["PR.AA-01", "PR.AA-03"], owasp_llm=["LLM10", "LLM06", "LLM02:2025"], reads=[iam.ACCOUNT_SUMMARY],
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
    maps=["PR.AA-01", "PR.AA-03", "LLM02:2025", "LLM06", "LLM10", "IAM.9", "AML.T0012", "MEASURE 2.7", "A.6.2.6"],
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
    maps=["PR.AA-01", "PR.AA-03", "LLM02:2025", "LLM06", "LLM10", "IAM.4", "AML.T0012", "AML.T0055", "MEASURE 2.7",
        "A.6.2.6"],
    **ROOT_META,
)
def root_no_access_keys(ctx: CheckContext) -> None:
    with ctx.account_resource():
        present = account_summary(ctx).get("AccountAccessKeysPresent", 0)
        if present:
            ctx.failed("the root user has access keys", {"root_access_keys_present": True})
        else:
            ctx.passed("the root user has no access keys", {"root_access_keys_present": False})


# == model access and credentials ============================================================
# Every role and user of the account (service-linked roles excepted: AWS's own), with the policies
# that grant it permissions: a user's include those of its groups (a group grants nobody until a
# user is in it, so groups are judged through their members).
# -- long-term Bedrock API keys ----------------------------------------------------------------
API_KEY_MAX_AGE_DAYS = 30


def _when(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str) and value:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def judge_api_key(credential: dict[str, Any], now: datetime, max_age_days: int) -> tuple[bool, str]:
    """(ok, why) for one long-term Bedrock API key: an Active key passes only when it is younger than
    `max_age_days`, has an expiry, and that expiry is not further than `max_age_days` from its creation."""
    status = str(credential.get("Status"))
    created, expires = _when(credential.get("CreateDate")), _when(credential.get("ExpirationDate"))
    if status != "Active":
        return True, f"the key is {status.lower()}"
    if expires is not None and expires <= now:
        return True, "the key has expired"
    if created is None:
        return False, "the key is active and its creation date is unknown"
    age = (now - created).days
    if age > max_age_days:
        return False, f"the key is active and {age} days old (more than {max_age_days})"
    if expires is None:
        return False, "the key is active and never expires"
    lifetime = (expires - created).days
    if lifetime > max_age_days:
        return False, f"the key is valid for {lifetime} days (more than {max_age_days})"
    return True, f"the key is {age} days old and expires after {lifetime} days"


@check(
    id="iam.bedrock_long_term_api_keys",
    title="Long-term Bedrock API keys are short-lived",
    description="Each IAM user's long-term Amazon Bedrock API key (a service-specific credential for "
    "bedrock.amazonaws.com) that is Active is younger than [checks.iam] bedrock_api_key_max_age_days "
    f"(default {API_KEY_MAX_AGE_DAYS}) and has an expiry no further than that from its creation. Inactive and "
    "expired keys pass; an account whose users hold none passes once.",
    rationale=(
        "A long-term Bedrock API key is a bearer token: whoever copies it from a notebook, a chat or a repository "
        "invokes models on the account's bill (LLMjacking) and reads what the user may read, with no MFA and no "
        "session expiry. AWS recommends them only for exploration, with a short expiry."
    ),
    remediation="Rotate to short-term keys or role credentials; `aws iam update-service-specific-credential "
                "--user-name <u> --service-specific-credential-id <id> --status Inactive`, then `aws iam "
                "delete-service-specific-credential --service-specific-credential-id "
                "<service-specific-credential-id>`; create new long-term keys only with `--credential-age-days 30` "
                "or "
                "less.",
    resource_type="Other",
    severity="high",
    maps=["PR.AA-01", "PR.AA-05", "LLM02:2025", "LLM06", "LLM10", "LLM10:2025", "IAM.3", "AML.M0019", "AML.T0012",
        "AML.T0034", "AML.T0040", "AML.T0055", "MANAGE 2.4", "MEASURE 2.7", "A.4.5", "A.6.2.6", "Art. 15"],
    reads=[iam.USER],  # the users and their Bedrock API keys
    docs_url="https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys.html",
)
def bedrock_long_term_api_keys(ctx: CheckContext) -> None:
    max_age = ctx.setting("bedrock_api_key_max_age_days", API_KEY_MAX_AGE_DAYS)
    now, before = datetime.now(UTC), len(ctx.findings)
    listed = users(ctx)
    ahead(ctx, lambda user: bedrock_api_keys(ctx, user["UserName"]), listed)
    for user in listed:
        name = user["UserName"]
        try:
            keys = bedrock_api_keys(ctx, name)
        except AwsReadError as exc:
            with ctx.resource(name, arn=user["Arn"], type="AwsIamUser"):
                ctx.error(f"the Bedrock API keys of user {name} could not be listed: {exc.reason}")
            continue
        for key in keys:
            key_id = key["ServiceSpecificCredentialId"]
            with ctx.resource(f"{name}/{key_id}", arn=user["Arn"]):
                ok, why = judge_api_key(key, now, max_age)
                created, expires = _when(key.get("CreateDate")), _when(key.get("ExpirationDate"))
                evidence: dict[str, Any] = {
                    "user": name, "credential_id": key_id, "status": key.get("Status"),
                    "age_days": (now - created).days if created else None,
                    "expires": expires.isoformat() if expires else None, "max_age_days": max_age}
                if ok:
                    ctx.passed(f"Bedrock API key of {name}: {why}", evidence)
                else:
                    ctx.failed(f"Bedrock API key of {name}: {why}", evidence)
    if len(ctx.findings) == before:  # every user's keys were listed, and none has one
        with ctx.account_resource():
            ctx.passed("no IAM user holds a long-term Bedrock API key", {"users": len(listed)})


# -- who can mint or use Bedrock API keys --------------------------------------------------------
CREATE_KEY = "iam:CreateServiceSpecificCredential"
BEARER_TOKEN = "bedrock:CallWithBearerToken"
KEY_SERVICE_CONDITION = "iam:ServiceSpecificCredentialServiceName"


def api_key_grants(policies: RolePolicies, account_id: str, partition: str = "aws") -> list[str]:
    """`action via policy` for minting a Bedrock API key for some user, and for calling Bedrock with one."""
    found = [f"{CREATE_KEY} via {g}" for g in grants_of(
        policies, CREATE_KEY, f"arn:{partition}:iam::{account_id}:user/*",
        context={KEY_SERVICE_CONDITION: BEDROCK_SERVICE})]
    found += [f"{BEARER_TOKEN} via {g}" for g in grants_of(policies, BEARER_TOKEN)]
    return found


@check(
    id="iam.bedrock_api_key_creators",
    title="Only administrators can create or use Bedrock API keys",
    description="No role or user other than an administrator (a principal allowed every action on every "
    "resource) or a principal named in [checks.iam] bedrock_api_key_creators_allowed (ARN patterns) may "
    "call iam:CreateServiceSpecificCredential for bedrock.amazonaws.com on IAM users (mint long-term Bedrock "
    "API keys) or bedrock:CallWithBearerToken (call Bedrock with an API key), after explicit Deny, the "
    "permissions boundary and conditions such as iam:ServiceSpecificCredentialServiceName judged by value. "
    "A user's group policies count as the user's.",
    rationale=(
        "Whoever can mint a long-term Bedrock key for a user creates a credential that outlives their session "
        "and bypasses MFA; whoever may call with a bearer token can use a leaked key. Keeping both with a few "
        "administrators keeps LLMjacking from starting with one phished developer."
    ),
    remediation="Remove iam:CreateServiceSpecificCredential (or restrict it with a Deny on "
    "iam:ServiceSpecificCredentialServiceName bedrock.amazonaws.com) and bedrock:CallWithBearerToken from the "
    "principal's policies; an SCP denying both for everyone but an admin role does it for the organization.",
    severity="medium",
    maps=["PR.AA-01", "PR.AA-05", "LLM06:2025", "LLM08", "LLM10", "LLM10:2025", "AML.M0019", "AML.T0012", "AML.T0034",
        "AML.T0055", "GOVERN 1.4", "MEASURE 2.7", "A.3.2", "A.6.2.6", "Art. 15"],
    docs_url="https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys-permissions.html",
    reads=[POLICY_READS],
)
def bedrock_api_key_creators(ctx: CheckContext) -> None:
    allowed = ctx.setting("bedrock_api_key_creators_allowed", [""])

    def problems(principal: Principal, policies: RolePolicies) -> list[str] | None:
        if any(p and _policy.resource_matches(p, principal.arn) for p in allowed) \
                or is_admin(policies, ctx.account_id):
            return None
        return api_key_grants(policies, ctx.account_id, ctx.partition)

    judge_principals(ctx, principals(ctx), problems, "no principal but administrators can create or use "
                      "Bedrock API keys", "can create or use Bedrock API keys")


# -- Marketplace subscriptions (third-party models) ---------------------------------------------
SUBSCRIBE = "aws-marketplace:Subscribe"
PRODUCT_KEY = "aws-marketplace:ProductId"
# A product id no allow-list names: a grant that still allows Subscribe for it allows any product.
UNLISTED_PRODUCT = "prod-posture-unlisted-probe"


def marketplace_grants(policies: RolePolicies) -> list[str]:
    """The policies that let the principal subscribe to any Marketplace product (any third-party model)."""
    return grants_of(policies, SUBSCRIBE, context={PRODUCT_KEY: UNLISTED_PRODUCT})


@check(
    id="iam.marketplace_subscribe_any",
    title="No principal may subscribe to any Marketplace model",
    description="No role or user is allowed aws-marketplace:Subscribe for every product: each Allow is limited "
    "by aws-marketplace:ProductId to named products (judged by value: a grant that allows a product no list "
    "names allows them all), or an explicit Deny takes it away. The AWS managed AmazonBedrockFullAccess grants "
    "Subscribe for any product through Bedrock (aws:CalledViaLast) and fails. Administrators (every action on "
    "every resource) are judged by iam.ai_role_no_admin_access and Security Hub IAM.1, not here.",
    rationale=(
        "Subscribing to a third-party Bedrock model accepts its EULA and pricing for the account and opens a "
        "new model, trained on unknown data, to every application; a principal that can subscribe to anything "
        "bypasses the model review that decides which providers the organization trusts."
    ),
    remediation="Replace the grant with an Allow of aws-marketplace:Subscribe conditioned on "
    "`\"ForAnyValue:StringEquals\": {\"aws-marketplace:ProductId\": [<approved product ids>]}`, or add a Deny "
    "with StringNotEquals on aws-marketplace:ProductId; detach AmazonBedrockFullAccess from principals that "
    "need not choose models.",
    severity="medium",
    maps=["GV.SC-07", "PR.AA-05", "LLM03:2025", "LLM05", "AML.M0019", "AML.T0010", "AML.T0010.003", "GOVERN 6.1",
        "MANAGE 3.1", "A.10.3", "A.6.2.5"],
    docs_url="https://docs.aws.amazon.com/bedrock/latest/userguide/model-access-permissions.html",
    reads=[POLICY_READS],
)
def marketplace_subscribe_any(ctx: CheckContext) -> None:
    def problems(_principal: Principal, policies: RolePolicies) -> list[str] | None:
        return None if is_admin(policies, ctx.account_id) else marketplace_grants(policies)

    judge_principals(ctx, principals(ctx), problems,
                      "no principal may subscribe to every Marketplace product",
                      "may subscribe to any Marketplace product (any third-party model)")


# -- Bedrock full access outside AI scope -------------------------------------------------------
def bedrock_wildcard_grants(policies: RolePolicies, account_id: str) -> list[str]:
    """`policy: grant` for each whole-Bedrock grant (bedrock:*, or a NotAction that keeps Bedrock) on every
    resource, after Deny and the boundary; administrator grants ("*") are judged by their own checks."""
    found = []
    for label, grant in (g.split(": ", 1) for g in wildcard_grants(policies, account_id)):
        if grant.lower() == "bedrock:*":
            found.append(f"{label}: bedrock:*")
        elif grant.startswith("NotAction ") and not any(
                _policy.action_matches(p, "bedrock:InvokeModel") for p in grant.split(" ", 1)[1].split(",")):
            found.append(f"{label}: {grant} (includes bedrock:*)")
    return found


@check(
    id="iam.bedrock_full_access_non_ai",
    title="Principals outside AI workloads do not hold Bedrock full access",
    description="No user, and no role outside the AI scope (not trusted by Bedrock, SageMaker or AgentCore, "
    "not an agent tool's execution role, not tagged posture:ai-workload), is allowed every Bedrock action "
    "(bedrock:* or a NotAction that keeps it, as AmazonBedrockFullAccess grants) on every resource, after "
    "explicit Deny and the permissions boundary. Administrators are judged by iam.ai_role_no_admin_access "
    "and Security Hub IAM.1.",
    rationale=(
        "bedrock:* lets a CI role or a developer delete guardrails, turn off invocation logging, create agents "
        "with any role and invoke every model: whoever steals that principal controls the AI workloads without "
        "being one."
    ),
    remediation="Detach AmazonBedrockFullAccess (for a role `aws iam detach-role-policy --role-name <role-name> "
                "--policy-arn arn:aws:iam::aws:policy/AmazonBedrockFullAccess`, for a user `aws iam "
                "detach-user-policy --user-name <user-name> --policy-arn "
                "arn:aws:iam::aws:policy/AmazonBedrockFullAccess`) and grant the Bedrock actions the principal uses "
                "on named resources (AmazonBedrockLimitedAccess or a customer policy).",
    severity="medium",
    maps=["PR.AA-05", "LLM06:2025", "LLM08", "IAM.21", "AML.M0019", "AML.T0012", "AML.T0040", "AML.T0081", "GOVERN 1.4",
        "MEASURE 2.7", "A.3.2", "A.6.2.6", "Art. 15"],
    reads=[AI_ROLE_POLICY_READS],
)
def bedrock_full_access_non_ai(ctx: CheckContext) -> None:
    ai_arns = {role["Arn"] for role, _why in _scope.judged(ctx, _scope.ai_roles(ctx))}

    def problems(principal: Principal, policies: RolePolicies) -> list[str] | None:
        if principal.arn in ai_arns:
            return None
        return bedrock_wildcard_grants(policies, ctx.account_id)

    judge_principals(ctx, principals(ctx), problems, "no principal outside AI workloads holds Bedrock full "
                      "access", "holds Bedrock full access outside the AI workloads")


# -- one role per agent -------------------------------------------------------------------------
def agent_role_users(ctx: CheckContext) -> dict[str, list[str]]:
    """Role ARN -> the Bedrock agents (by agentResourceRoleArn) of this region that run as it (the agents
    described side by side)."""
    found: dict[str, list[str]] = {}
    if ctx.offers(bedrock_agent.BEDROCK_AGENT.client, ctx.region):
        listed = bedrock_agent.agents(ctx)
        details = ctx.fan_out(lambda agent: bedrock_agent.agent(ctx, agent["agentId"]), listed)
        for agent, detail in zip(listed, details, strict=True):
            role = detail.get("agentResourceRoleArn")
            if role:
                name = detail.get("agentName") or agent["agentId"]
                found.setdefault(str(role), []).append(f"agent {name} ({ctx.region})")
    return found


def runtime_role_users(ctx: CheckContext) -> dict[str, list[str]]:
    """Role ARN -> the AgentCore runtimes (by roleArn) of this region that run as it (the runtimes described
    side by side)."""
    found: dict[str, list[str]] = {}
    listed = bedrock_agentcore.runtimes(ctx)
    details = ctx.fan_out(lambda runtime: bedrock_agentcore.runtime(ctx, runtime["agentRuntimeId"]), listed)
    for summary, detail in zip(listed, details, strict=True):
        role = detail.get("roleArn")
        if role:
            name = detail.get("agentRuntimeName") or summary["agentRuntimeId"]
            found.setdefault(str(role), []).append(f"AgentCore runtime {name} ({ctx.region})")
    return found


def shared_roles(users_by_role: dict[str, list[str]]) -> dict[str, list[str]]:
    """The roles more than one agent or runtime runs as."""
    return {role: sorted(users) for role, users in users_by_role.items() if len(users) > 1}


@check(
    id="iam.agent_role_not_shared",
    title="Each agent runs as its own IAM role",
    description="No IAM role is the agentResourceRoleArn of several Bedrock agents, the roleArn of several "
    "AgentCore runtimes, or both, in any scanned region. One finding per role an agent or runtime runs as.",
    rationale=(
        "An agent's role is its blast radius. Agents that share a role share every permission: a prompt "
        "injection in the least trusted agent (a public chatbot) reaches the data and tools granted for the "
        "most trusted one, and no log tells which agent acted."
    ),
    remediation="Create one role per agent or runtime with only the models, knowledge bases and tools that agent "
                "uses (`aws iam create-role --role-name <role-name> --assume-role-policy-document "
                "<assume-role-policy-document>`), then `aws bedrock-agent update-agent --agent-id <agent-id> "
                "--agent-name <agent-name> --foundation-model <foundation-model> --agent-resource-role-arn "
                "<new-role>` (and prepare a new version) or `aws bedrock-agentcore-control update-agent-runtime "
                "--agent-runtime-id <agent-runtime-id> --agent-runtime-artifact <agent-runtime-artifact> --role-arn "
                "<new-role>`.",
    severity="medium",
    maps=["PR.AA-05", "PR.IR-01", "LLM06:2025", "LLM08", "AML.M0026", "AML.M0032", "AML.T0053", "AML.T0086",
        "MANAGE 2.4", "MEASURE 2.7", "A.6.1.3", "A.6.2.6", "ASI03", "ASI08", "Art. 15"],
    reads=[bedrock_agent.AGENT, bedrock_agentcore.RUNTIME],
    docs_url="https://docs.aws.amazon.com/bedrock/latest/userguide/agents-permissions.html",
    boundaries=["application"],
)
def agent_role_not_shared(ctx: CheckContext) -> None:
    agents, agent_gaps = ctx.each_region(bedrock_agent.BEDROCK_AGENT.client, "Bedrock agents", agent_role_users)
    runtimes, runtime_gaps = ctx.each_region(bedrock_agentcore.SERVICE, "AgentCore runtimes", runtime_role_users)
    ctx.report_region_gaps([*agent_gaps, *runtime_gaps])
    users_by_role: dict[str, list[str]] = {}
    for found in (*agents.values(), *runtimes.values()):
        for role, names in found.items():
            users_by_role.setdefault(role, []).extend(names)
    shared = shared_roles(users_by_role)
    for role, names in sorted(users_by_role.items()):
        with ctx.resource(role.rsplit("/", 1)[-1], arn=role):
            evidence: dict[str, Any] = {"used_by": sorted(names)[:20], "count": len(names)}
            if role in shared:
                ctx.failed(f"{len(names)} agents run as this role: {', '.join(shared[role][:5])}", evidence)
            else:
                ctx.passed(f"only {names[0]} runs as this role", evidence)


# -- unused AI access ---------------------------------------------------------------------------
UNUSED_DAYS = 90
AI_NAMESPACES = ("bedrock", "sagemaker")
def judge_last_accessed(services: list[dict[str, Any]], granted: list[str], now: datetime,
                        unused_days: int) -> tuple[list[str], dict[str, Any]]:
    """(the namespaces granted but not used within `unused_days`, last use per namespace)."""
    used = {str(s.get("ServiceNamespace")): _when(s.get("LastAuthenticated")) for s in services}
    stale, last = [], {}
    for ns in granted:
        when = used.get(ns)
        last[ns] = when.isoformat() if when else None
        if when is None or (now - when).days > unused_days:
            stale.append(ns)
    return stale, last


def ai_namespaces_granted(policies: RolePolicies) -> list[str]:
    return [ns for ns in AI_NAMESPACES if grants_of(policies, f"{ns}:*")]


@check(
    id="iam.ai_access_unused",
    title="Bedrock and SageMaker access is used",
    description="Each AI role (checks._scope) and each user allowed Bedrock or SageMaker actions has used each "
    "of those services within [checks.iam] unused_days (default 90), by IAM's service last-accessed data "
    "(GenerateServiceLastAccessedDetails, polled a bounded number of times). Never used counts as unused.",
    rationale=(
        "Model access nobody uses is pure attack surface: a forgotten role or user that may invoke models, "
        "read training data or create endpoints is the one an attacker uses for LLMjacking, unnoticed because "
        "nothing legitimate calls it."
    ),
    remediation="Remove the unused Bedrock/SageMaker permissions (IAM console > the principal > Last Accessed "
    "tab shows them; IAM Access Analyzer's unused-access findings generate the narrower policy), or delete the "
    "principal.",
    severity="low",
    maps=["ID.AM-08", "PR.AA-05", "LLM06:2025", "LLM08", "AML.M0019", "AML.T0012", "AML.T0034", "GOVERN 1.7",
        "MANAGE 2.4", "A.4.5", "A.6.2.6"],
    reads=[AI_ROLE_POLICY_READS, iam.START_LAST_ACCESSED, iam.GET_LAST_ACCESSED],
    docs_url="https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html",
)
def ai_access_unused(ctx: CheckContext) -> None:
    unused_days = ctx.setting("unused_days", UNUSED_DAYS)
    now = datetime.now(UTC)
    ai_arns = {role["Arn"]: why for role, why in _scope.judged(ctx, _scope.ai_roles(ctx))}
    candidates = [p for p in principals(ctx) if p.kind == "user" or p.arn in ai_arns]

    def start(principal: Principal) -> None:
        """Start the principal's job when it is granted AI access (a failure is memoised, and raised again
        in the principal's own scope below)."""
        try:
            if ai_namespaces_granted(principal_policies(ctx, principal)):
                start_last_accessed(ctx, principal.arn)
        except AwsReadError:
            pass

    def poll(principal: Principal) -> dict[str, Any] | Exception | None:
        """The principal's last-accessed report, or how reading it failed (raised in its scope below); None
        when it has no AI access to report on."""
        try:
            if not ai_namespaces_granted(principal_policies(ctx, principal)):
                return None
            return last_accessed(ctx, principal.arn)
        except Exception as exc:  # the principal's verdict below: JobPending an ERROR, a failed read raised
            return exc

    # Start every principal's job before polling any: IAM runs them side by side; then poll them side by side.
    ctx.fan_out(start, candidates)
    polled = dict(zip([p.arn for p in candidates], ctx.fan_out(poll, candidates), strict=True))
    for principal in candidates:
        with ctx.resource(principal.name, arn=principal.arn, type=PRINCIPAL_TYPES[principal.kind]):
            policies = principal_policies(ctx, principal)
            granted = ai_namespaces_granted(policies)
            if not granted:
                if policies.unresolved:
                    ctx.error("attached managed policies could not be read, so the principal cannot be judged",
                              {"unresolved_policies": policies.unresolved})
                else:
                    ctx.skip()  # no Bedrock or SageMaker access to be unused
                continue
            try:
                report = polled.get(principal.arn)
                if isinstance(report, Exception):
                    raise report
                if report is None:  # not polled above
                    report = last_accessed(ctx, principal.arn)
            except JobPending as exc:
                ctx.error(str(exc), {"granted": granted})
                continue
            stale, last = judge_last_accessed(report.get("ServicesLastAccessed", []), granted, now, unused_days)
            evidence: dict[str, Any] = {"principal_type": principal.kind, "granted": granted,
                                        "stale": stale, "unused_days": unused_days,
                                        **{f"last_{ns}": last[ns] for ns in granted}}
            if stale:
                ctx.failed(f"{principal.label} has not used {', '.join(stale)} in {unused_days} days", evidence)
            else:
                ctx.passed(f"{principal.label} used {', '.join(granted)} within {unused_days} days", evidence)


@check(
    id="iam.ai_role_trust_outside_access",
    title="No one outside the account or its organization can assume an AI role",
    description="The trust policy of every AI role (trusted by Bedrock, SageMaker or AgentCore, an agent tool's "
    "execution role, or tagged posture:ai-workload) lets no one outside this account and its organization assume "
    "it: no Principal * or other account, no AI service acting for another account or with no aws:SourceAccount / "
    "aws:SourceArn naming this account, no federated or web-identity provider. Judged by the one exposure question "
    "(checks/_exposure.py) over the sts actions of a trust policy.",
    rationale=(
        "An AI role carries the model, knowledge-base and tool permissions of an application. Whoever can assume "
        "it acts as the application: another account, any Bedrock agent anywhere (a confused deputy), or the "
        "users of a web-identity provider."
    ),
    remediation="`aws iam update-assume-role-policy --role-name <role> --policy-document file://trust.json` naming "
    "only this account's principals, and for service principals an aws:SourceAccount (and aws:SourceArn) condition "
    "with this account's id.",
    severity="high",
    maps=["PR.AA-05", "LLM06:2025", "LLM08", "AML.T0012", "ASI03", "MEASURE 2.7", "A.6.2.6"],
    reads=[_scope.AI_ROLE_READS, _exposure.AI_ROLE_TRUST.reads],
)
def ai_role_trust_outside_access(ctx: CheckContext) -> None:
    roles = _scope.judged(ctx, _scope.ai_roles(ctx))
    _exposure.judge(ctx, _exposure.AI_ROLE_TRUST,
                    [_exposure.Target(r["RoleName"], r["Arn"], why, r) for r, why in roles])
