"""Amazon Q Business: assistants that answer from the enterprise's own documents and systems."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, EvidenceValue, Family, ahead
from posture.checks._read import qbusiness

check = Family(
    service="qbusiness",
    scope="regional",
    resource_type="Other",
    boundaries=["user_interface", "data"],
    reads=[qbusiness.APPLICATION],
    maps=["PR.AA-01", "PR.AA-03", "PR.AA-05", "LLM01", "LLM01:2025", "LLM02:2025", "LLM06", "AML.M0019", "AML.T0040",
        "AML.T0051", "AML.T0057", "GOVERN 1.4", "MEASURE 2.7", "A.6.2.5", "A.9.2", "Art. 15"],
)

ANONYMOUS = "ANONYMOUS"
# Identity types whose users sign in: IAM Identity Center, an IAM SAML or OIDC provider, QuickSight users.
AUTHENTICATED = ("AWS_IAM_IDC", "AWS_IAM_IDP_SAML", "AWS_IAM_IDP_OIDC", "AWS_QUICKSIGHT_IDP")


def judge_identity(app: dict[str, Any]) -> tuple[str, str, dict[str, EvidenceValue]]:
    """("PASS" | "FAIL" | "ERROR", message, evidence) for one application's identity type.

    Applications created before identityType existed report none; they sign users in through the IAM
    Identity Center application they name (identityCenterApplicationArn)."""
    kind = app.get("identityType")
    legacy_idc = kind is None and bool(app.get("identityCenterApplicationArn"))
    evidence: dict[str, EvidenceValue] = {"application_name": app.get("displayName"), "identity_type": kind,
                                          "status": app.get("status")}
    if kind == ANONYMOUS:
        return "FAIL", ("the application is anonymous: anyone who reaches it can chat with the data sources "
                        "it indexes, with no sign-in and no per-user document access"), evidence
    if kind in AUTHENTICATED or legacy_idc:
        shown = kind or "AWS_IAM_IDC (IAM Identity Center application, no identityType reported)"
        return "PASS", f"users sign in ({shown})", evidence
    return "ERROR", f"identity type {kind or 'not reported'} is not one the check knows", evidence


@check(
    id="qbusiness.application_not_anonymous",
    title="Amazon Q Business applications require users to sign in",
    description="Each Amazon Q Business application has an identity type that signs users in (IAM Identity "
    "Center, an IAM SAML or OIDC identity provider, or QuickSight), not ANONYMOUS.",
    rationale=(
        "A Q Business application answers from indexed enterprise data: wikis, tickets, drives, mailboxes. An "
        "anonymous application has no user to filter documents by, so whoever reaches its web experience or "
        "API can ask it for anything it indexed, and prompt-inject it, with no identity in the logs."
    ),
    remediation="The identity type is fixed at creation: create a new application with `aws qbusiness "
    "create-application --display-name <name> --identity-type AWS_IAM_IDC --identity-center-instance-arn "
    "<arn>` (or AWS_IAM_IDP_SAML/OIDC with --iam-identity-provider-arn), move its data sources, then `aws "
    "qbusiness delete-application --application-id <id>` for the anonymous one.",
    severity="high",
    docs_url="https://docs.aws.amazon.com/amazonq/latest/qbusiness-ug/anonymous-application-iam-policies.html",
)
def application_not_anonymous(ctx: CheckContext) -> None:
    listed = qbusiness.applications(ctx)
    ahead(ctx, lambda summary: qbusiness.application(ctx, summary["applicationId"]), listed)
    for summary in listed:
        app_id = summary["applicationId"]
        with ctx.resource(app_id, arn=ctx.arn("qbusiness", f"application/{app_id}")):
            detail = qbusiness.application(ctx, app_id)
            verdict, message, evidence = judge_identity(detail)
            {"PASS": ctx.passed, "FAIL": ctx.failed}.get(verdict, ctx.error)(message, evidence)
