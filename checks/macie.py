"""Amazon Macie: discovery of sensitive data in the S3 buckets that feed and record LLMs."""

from __future__ import annotations

from typing import Any

from posture.api import AwsReadError, CheckContext, Family

check = Family(
    service="macie2",
    scope="regional",
    resource_type="AwsAccount",
    boundaries=["data"],
    service_docs="https://docs.aws.amazon.com/macie/latest/user/security.html",
    maps=["DE.CM-09", "ID.AM-07", "LLM02:2025", "LLM06", "AML.T0036", "AML.T0057", "MEASURE 2.10", "A.7.2"],
)


def macie_session(ctx: CheckContext) -> dict[str, Any]:
    """The region's Macie session ({} when Macie was never enabled there)."""
    try:
        return ctx.call("macie2", "get_macie_session")
    except AwsReadError as exc:
        # Macie answers a caller in a region where it is off with AccessDeniedException
        # "Macie is not enabled"; any other denial is the scanner's own missing permission.
        if exc.code == "ResourceNotFoundException" or (exc.denied and "not enabled" in exc.message.lower()):
            return {}
        raise


def automated_discovery(ctx: CheckContext) -> dict[str, Any]:
    return ctx.call("macie2", "get_automated_discovery_configuration")


@check(
    id="macie.enabled",
    title="Amazon Macie is enabled",
    description="Macie is enabled (status ENABLED, not paused) in the region.",
    rationale=(
        "Training sets, RAG documents and invocation logs collect personal data and secrets over time. Macie "
        "finds them in S3 before they are trained into a model or retrieved into an answer."
    ),
    remediation="`aws macie2 enable-macie` in every region with AI data (or from the Macie delegated "
    "administrator for the organization).",
    severity="medium",
    maps=["LLM03", "LLM04:2025", "Macie.1"],
    permissions=["macie2:GetMacieSession"],
)
def enabled(ctx: CheckContext) -> None:
    with ctx.account_resource():
        status = macie_session(ctx).get("status")
        if status == "ENABLED":
            ctx.passed("Macie is enabled", {"status": status})
        elif status:
            ctx.failed(f"Macie is {status.lower()}", {"status": status})
        else:
            ctx.failed("Macie is not enabled in this region", {"status": None})


@check(
    id="macie.automated_discovery_enabled",
    title="Macie automated sensitive data discovery is on",
    description="Macie is enabled and its automated sensitive data discovery is ENABLED in the region.",
    rationale=(
        "New buckets for fine-tuning sets, embedding exports and logs appear all the time; automated discovery "
        "samples every bucket continuously instead of only those a person remembered to put in a job."
    ),
    remediation="`aws macie2 update-automated-discovery-configuration --status ENABLED`.",
    severity="low",
    maps=["LLM08:2025", "Macie.2"],
    permissions=["macie2:GetMacieSession", "macie2:GetAutomatedDiscoveryConfiguration"],
)
def automated_discovery_enabled(ctx: CheckContext) -> None:
    with ctx.account_resource():
        if macie_session(ctx).get("status") != "ENABLED":
            ctx.failed("Macie is not enabled, so automated discovery is off", {"macie_enabled": False})
            return
        status = automated_discovery(ctx).get("status") or "DISABLED"
        if status == "ENABLED":
            ctx.passed("automated sensitive data discovery is enabled", {"status": status})
        else:
            ctx.failed(f"automated sensitive data discovery is {status.lower()}", {"status": status})
