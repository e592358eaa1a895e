"""Amazon Cognito user pools: the identities of the chatbot's users.

MFA: a pool passes only when MFA is required (ON). OPTIONAL fails, because an attacker
goes for the accounts that did not opt in, and a taken-over account speaks to the model,
reads its conversation history and spends its quota under a real user's name.
"""

from __future__ import annotations

from typing import Any

from posture.core.context import CheckContext
from posture.core.registry import check


def user_pools(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(ctx.paginate("cognito-idp", "list_user_pools", MaxResults=60).get("UserPools", []))


def user_pool(ctx: CheckContext, pool_id: str) -> dict[str, Any]:
    return dict(ctx.call("cognito-idp", "describe_user_pool", UserPoolId=pool_id)["UserPool"])


def mfa_config(ctx: CheckContext, pool_id: str) -> dict[str, Any]:
    """The pool's MFA setting and factors, from the MFA API itself (it names the factors, which
    describe_user_pool does not)."""
    return ctx.call("cognito-idp", "get_user_pool_mfa_config", UserPoolId=pool_id)


def pool_arn(ctx: CheckContext, pool_id: str) -> str:
    return ctx.arn("cognito-idp", f"userpool/{pool_id}")


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
    service="cognito-idp",
    scope="regional",
    resource_type="Other",
    severity="medium",
    boundaries=["user_interface"],
    csf=["PR.AA-03"],
    owasp_llm=["LLM06", "LLM02:2025"],
    securityhub_controls=["Cognito.5"],
    permissions=["cognito-idp:ListUserPools", "cognito-idp:GetUserPoolMfaConfig"],
    atlas=["AML.T0012", "AML.T0052"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
)
def user_pool_mfa_required(ctx: CheckContext) -> None:
    for pool in user_pools(ctx):
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
    service="cognito-idp",
    scope="regional",
    resource_type="Other",
    severity="medium",
    boundaries=["user_interface"],
    csf=["PR.AA-03", "DE.CM-03"],
    owasp_llm=["LLM06", "LLM02:2025"],
    securityhub_controls=["Cognito.1"],
    permissions=["cognito-idp:ListUserPools", "cognito-idp:DescribeUserPool"],
    atlas=["AML.T0012", "AML.T0052"],
    nist_ai_rmf=["MEASURE 2.7"],
    iso42001=["A.6.2.6"],
)
def user_pool_threat_protection(ctx: CheckContext) -> None:
    for pool in user_pools(ctx):
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
