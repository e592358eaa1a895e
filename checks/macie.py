"""Amazon Macie: discovery of sensitive data in the S3 buckets that feed and record LLMs."""

from __future__ import annotations

from posture.api import CheckContext, Family
from posture.checks._read import macie

check = Family(
    service="macie2",
    scope="regional",
    resource_type="AwsAccount",
    boundaries=["data"],
    service_docs="https://docs.aws.amazon.com/macie/latest/user/security.html",
    maps=["DE.CM-09", "ID.AM-07", "LLM02:2025", "LLM06", "AML.T0036", "AML.T0057", "MEASURE 2.10", "A.7.2"],
    reads=[macie.SESSION],
)


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
)
def enabled(ctx: CheckContext) -> None:
    with ctx.account_resource():
        status = macie.macie_session(ctx).get("status")
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
    reads=[macie.AUTOMATED_DISCOVERY],
)
def automated_discovery_enabled(ctx: CheckContext) -> None:
    with ctx.account_resource():
        if macie.macie_session(ctx).get("status") != "ENABLED":
            ctx.failed("Macie is not enabled, so automated discovery is off", {"macie_enabled": False})
            return
        status = macie.automated_discovery(ctx).get("status") or "DISABLED"
        if status == "ENABLED":
            ctx.passed("automated sensitive data discovery is enabled", {"status": status})
        else:
            ctx.failed(f"automated sensitive data discovery is {status.lower()}", {"status": status})
