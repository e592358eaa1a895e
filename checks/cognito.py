"""Amazon Cognito user pools and identity pools: the identities of the chatbot's users, and the AWS
credentials an identity pool hands to browsers and apps (to guests too, where it allows them).

MFA: a pool passes only when MFA is required (ON). OPTIONAL fails, because an attacker
goes for the accounts that did not opt in, and a taken-over account speaks to the model,
reads its conversation history and spends its quota under a real user's name.
"""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Family, ahead
from posture.checks import _policy
from posture.checks._principals import POLICY_READS, role_policies
from posture.checks._read import cognito, iam
from posture.checks._read.cognito import (
    identity_pool,
    identity_pool_arn,
    identity_pool_roles,
    identity_pools,
    mfa_config,
    pool_arn,
    user_pool,
    user_pools,
)

check = Family(
    service="cognito-idp",
    scope="regional",
    resource_type="Other",
    boundaries=["user_interface"],
    service_docs="https://docs.aws.amazon.com/cognito/latest/developerguide/security.html",
    maps=["PR.AA-03", "MEASURE 2.7"],
)


def mfa_factors(config: dict[str, Any]) -> list[str]:
    found = []
    if (config.get("SoftwareTokenMfaConfiguration") or {}).get("Enabled"):
        found.append("totp")
    if config.get("SmsMfaConfiguration"):
        found.append("sms")
    if config.get("EmailMfaConfiguration"):
        found.append("email")
    return found


@check(
    id="cognito.user_pool_mfa_required",
    title="Cognito user pools require MFA",
    description=(
        "Every Cognito user pool has MFA set to ON (required for every user). OPTIONAL fails: users who "
        "did not opt in are the ones an attacker takes over."
    ),
    rationale=(
        "A stolen password to the chatbot gives the attacker the user's conversation history, whatever data "
        "the agent can reach on their behalf, and their model quota. MFA stops credential stuffing."
    ),
    remediation="`aws cognito-idp set-user-pool-mfa-config --user-pool-id <pool> --mfa-configuration ON "
    "--software-token-mfa-configuration Enabled=true`.",
    severity="medium",
    maps=["LLM02:2025", "LLM06", "Cognito.5", "AML.T0012", "AML.T0052", "A.6.2.6"],
    reads=[cognito.LIST_USER_POOLS, cognito.USER_POOL_MFA],
)
def user_pool_mfa_required(ctx: CheckContext) -> None:
    listed = user_pools(ctx)
    ahead(ctx, lambda pool: mfa_config(ctx, pool["Id"]), listed)
    for pool in listed:
        with ctx.resource(pool["Id"], arn=pool_arn(ctx, pool["Id"])):
            config = mfa_config(ctx, pool["Id"])
            setting = str(config.get("MfaConfiguration") or "OFF").upper()
            evidence = {"pool_name": pool.get("Name"), "mfa": setting, "factors": mfa_factors(config)}
            if setting == "ON":
                ctx.passed("MFA is required for every user", evidence)
            elif setting == "OPTIONAL":
                ctx.failed("MFA is optional: users who skip it are exposed to credential stuffing", evidence)
            else:
                ctx.failed("MFA is off", evidence)


@check(
    id="cognito.user_pool_threat_protection",
    title="Cognito user pools enforce threat protection",
    description="Every Cognito user pool has threat protection (advanced security) in ENFORCED mode.",
    rationale=(
        "Threat protection blocks sign-ins from compromised credentials and risky contexts. In AUDIT mode it "
        "only reports them, and the attacker still reaches the model as the user."
    ),
    remediation="`aws cognito-idp update-user-pool --user-pool-id <pool> --user-pool-add-ons "
    "AdvancedSecurityMode=ENFORCED` (needs the Plus feature plan; update-user-pool resets unspecified "
    "settings, so pass the pool's current ones too).",
    severity="medium",
    maps=["DE.CM-03", "LLM02:2025", "LLM06", "Cognito.1", "AML.T0012", "AML.T0052", "A.6.2.6"],
    reads=[cognito.LIST_USER_POOLS, cognito.DESCRIBE_USER_POOL],
)
def user_pool_threat_protection(ctx: CheckContext) -> None:
    listed = user_pools(ctx)
    ahead(ctx, lambda pool: user_pool(ctx, pool["Id"]), listed)
    for pool in listed:
        with ctx.resource(pool["Id"], arn=pool_arn(ctx, pool["Id"])):
            detail = user_pool(ctx, pool["Id"])
            mode = str((detail.get("UserPoolAddOns") or {}).get("AdvancedSecurityMode") or "OFF").upper()
            evidence = {"pool_name": pool.get("Name"), "advanced_security_mode": mode}
            if mode == "ENFORCED":
                ctx.passed("threat protection is enforced", evidence)
            elif mode == "AUDIT":
                ctx.failed("threat protection only audits: risky sign-ins are not blocked", evidence)
            else:
                ctx.failed("threat protection is off", evidence)


# -- identity pools -------------------------------------------------------------------------------
# IAM actions that reach a model, an agent, a knowledge base or an inference endpoint (the APIs of
# bedrock-runtime and bedrock-agent-runtime are authorised as `bedrock:` actions).
AI_ACTIONS = (
    "bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream", "bedrock:Converse", "bedrock:ConverseStream",
    "bedrock:InvokeAgent", "bedrock:InvokeInlineAgent", "bedrock:Retrieve", "bedrock:RetrieveAndGenerate",
    "bedrock:InvokeFlow", "sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointAsync",
    "sagemaker:InvokeEndpointWithResponseStream", "bedrock-agentcore:InvokeAgentRuntime",
)
# The scope-down session policy Cognito adds to guest credentials of the enhanced flow
# (AWS managed AmazonCognitoUnAuthedIdentitiesSessionPolicy, v4): of the AI actions only
# sagemaker:InvokeEndpoint survives it. The basic (classic) flow adds no session policy.
GUEST_SESSION_POLICY = [{"Effect": "Allow", "Resource": "*", "Action": [
    "rum:PutRumEvents", "sagemaker:InvokeEndpoint", "polly:*", "comprehend:*", "translate:*", "transcribe:*",
    "rekognition:*", "mobiletargeting:*", "firehose:*", "personalize:*", "geo:*", "kms:Encrypt", "kms:Decrypt",
    "kms:ReEncryptTo", "kms:ReEncryptFrom", "kms:GenerateDataKey*"]}]


def guest_ai_actions(statements: list[_policy.Statement], boundary: list[_policy.Statement] | None,
                     classic_flow: bool) -> list[str]:
    """The AI actions guest credentials of the pool can call: the role's, within its permissions boundary,
    and (unless the basic flow is allowed, which adds no session policy) within Cognito's guest session policy."""
    allowed = _policy.allowed_actions_matching(statements, AI_ACTIONS, boundary=boundary)
    if classic_flow:
        return allowed
    return [a for a in allowed if _policy.evaluate(GUEST_SESSION_POLICY, a).allowed]


@check(
    id="cognito.identity_pool_no_guest_access",
    title="Cognito identity pools give guests no access to AI APIs",
    description=(
        "No Cognito identity pool that allows unauthenticated (guest) identities has an unauthenticated role "
        "that can invoke a model, an agent, a knowledge base, a flow or an inference endpoint (after its "
        "permissions boundary and, for the enhanced flow, Cognito's guest session policy)."
    ),
    rationale=(
        "Guest identities are anonymous: anyone who finds the pool id in the web app's JavaScript gets AWS "
        "credentials. If their role can call bedrock:InvokeModel or an endpoint, the model is open to the "
        "internet with no user to hold accountable and no limit but the account's quota."
    ),
    remediation="Turn guest access off (`aws cognito-identity update-identity-pool --identity-pool-id <id> "
    "--identity-pool-name <name> --no-allow-unauthenticated-identities`) or remove the AI actions from the "
    "unauthenticated role (`aws iam put-role-policy` / `detach-role-policy`); put the model behind an "
    "authenticated API instead.",
    service="cognito-identity",
    severity="high",
    boundaries=["user_interface", "model"],
    maps=["PR.AA-05", "LLM04", "LLM10", "LLM10:2025", "Cognito.2", "AML.M0019", "AML.T0024.002", "AML.T0034",
        "AML.T0040", "MANAGE 2.4", "A.6.2.5", "A.9.2", "Art. 15"],
    reads=[cognito.IDENTITY_POOL, POLICY_READS],
    docs_url="https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-identity.html",
)
def identity_pool_no_guest_access(ctx: CheckContext) -> None:
    def read(pool_id: str) -> None:
        """The pool, and its roles where it lets guests in (what the loop below reads of it)."""
        if identity_pool(ctx, pool_id).get("AllowUnauthenticatedIdentities") is True:
            identity_pool_roles(ctx, pool_id)

    listed = [summary["IdentityPoolId"] for summary in identity_pools(ctx)]
    ahead(ctx, read, listed)
    for pool_id in listed:
        with ctx.resource(pool_id, arn=identity_pool_arn(ctx, pool_id)):
            pool = identity_pool(ctx, pool_id)
            if not isinstance(pool.get("AllowUnauthenticatedIdentities"), bool):  # AWS always says; unknown
                ctx.error("DescribeIdentityPool did not say whether guest access is allowed")
                continue
            evidence: dict[str, Any] = {"pool_name": pool.get("IdentityPoolName"),
                                        "guest_access": bool(pool.get("AllowUnauthenticatedIdentities"))}
            if not pool.get("AllowUnauthenticatedIdentities"):
                ctx.passed("guest (unauthenticated) access is disabled", evidence)
                continue
            role_arn = identity_pool_roles(ctx, pool_id).get("unauthenticated")
            if not role_arn:
                ctx.passed("guest access is allowed but no unauthenticated role is set: guests get no credentials",
                           evidence)
                continue
            classic = bool(pool.get("AllowClassicFlow"))
            evidence = {**evidence, "unauthenticated_role": role_arn.rsplit("/", 1)[-1], "classic_flow": classic}
            home = ctx.home()
            role = next((r for r in iam.roles(home) if r.get("Arn") == role_arn), None)
            if role is None:
                ctx.error("the unauthenticated role is not a role of this account, so its permissions cannot be "
                          "read", evidence)
                continue
            policies = role_policies(home, role)
            reachable = guest_ai_actions(policies.everything(), policies.boundary, classic)
            if reachable:
                ctx.failed(f"guests can call {', '.join(reachable[:3])}", {**evidence, "guest_ai_actions": reachable})
            elif policies.unresolved:
                ctx.error("attached managed policies of the unauthenticated role could not be read",
                          {**evidence, "unresolved_policies": policies.unresolved[:20]})
            else:
                ctx.passed("guest access is allowed, but the unauthenticated role cannot reach AI APIs", evidence)
