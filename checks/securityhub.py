"""AWS Security Hub: continuous evaluation of the account against security standards.

Posture's own findings are point-in-time; Security Hub evaluates its standards' controls
on every change, and its AI Security Best Practices standard carries the Bedrock and
SageMaker controls that AWS maintains.
"""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Family
from posture.checks._read import securityhub
from posture.checks._read.securityhub import enabled_standards, hub

check = Family(
    service="securityhub",
    scope="regional",
    resource_type="AwsAccount",
    boundaries=["organizational"],
    service_docs="https://docs.aws.amazon.com/securityhub/latest/userguide/security.html",
    maps=["DE.AE-03", "LLM02:2025", "LLM06", "AML.T0010", "GOVERN 1.5", "A.6.2.6"],
    reads=[securityhub.DESCRIBE_HUB],
)

# The standard's ARN is arn:<partition>:securityhub:<region>::standards/ai-security-best-practices/v/<version>.
AI_STANDARD = "::standards/ai-security-best-practices/"
def standard_name(arn: str) -> str:
    """'aws-foundational-security-best-practices/v/1.0.0' from a standard's ARN."""
    return arn.split("standards/", 1)[-1].split("ruleset/", 1)[-1]


@check(
    id="securityhub.hub_enabled",
    title="Security Hub is enabled in the region",
    description="Security Hub is enabled (describe_hub answers) in the region.",
    rationale=(
        "Security Hub gathers GuardDuty, Inspector, Macie and Access Analyzer findings on the AI workload "
        "in one place and evaluates controls continuously; without it each signal is read alone, if at all."
    ),
    remediation="`aws securityhub enable-security-hub --enable-default-standards` in every region, or "
    "central configuration from the delegated administrator.",
    severity="medium",
    maps=["DE.CM-09", "LLM10", "AML.T0012", "MANAGE 4.1", "MEASURE 3.1"],
)
def hub_enabled(ctx: CheckContext) -> None:
    with ctx.account_resource():
        found = hub(ctx)
        if found is None:
            ctx.failed("Security Hub is not enabled in this region")
        else:
            ctx.passed("Security Hub is enabled", {"hub": found.get("HubArn"),
                                                   "auto_enable_controls": found.get("AutoEnableControls")})


@check(
    id="securityhub.standards_enabled",
    title="Security Hub evaluates a security standard",
    description="Security Hub is enabled and at least one standard (e.g. AWS Foundational Security Best "
    "Practices, CIS) is subscribed and READY in the region.",
    rationale=(
        "A hub with no standard only collects other services' findings: the standards' controls are what "
        "check encryption, logging and exposure of the buckets, keys and endpoints an LLM application uses."
    ),
    remediation="`aws securityhub batch-enable-standards --standards-subscription-requests "
    "StandardsArn=arn:aws:securityhub:<region>::standards/aws-foundational-security-best-practices/v/1.0.0`.",
    severity="medium",
    maps=["GV.OV-03", "ID.RA-01", "LLM03:2025", "LLM05", "AML.T0012", "MEASURE 1.2", "MEASURE 3.1"],
    reads=[securityhub.GET_ENABLED_STANDARDS],
)
def standards_enabled(ctx: CheckContext) -> None:
    with ctx.account_resource():
        if hub(ctx) is None:
            ctx.failed("Security Hub is not enabled in this region, so no standard is evaluated")
            return
        subscriptions = enabled_standards(ctx)
        ready = sorted(standard_name(s["StandardsArn"]) for s in subscriptions
                       if s.get("StandardsStatus") == "READY" and AI_STANDARD not in s["StandardsArn"])
        others = {standard_name(s["StandardsArn"]): s.get("StandardsStatus") for s in subscriptions}
        if ready:
            ctx.passed(f"{len(ready)} standard(s) enabled", {"standards": ready})
        elif others:
            ctx.failed("no general security standard is READY",
                       {"standards": sorted(others), "statuses": [str(others[k]) for k in sorted(others)]})
        else:
            ctx.failed("Security Hub is enabled but no standard is", {"standards": []})


@check(
    id="securityhub.ai_security_standard_enabled",
    title="Security Hub evaluates the AI Security Best Practices standard",
    description="The AI Security Best Practices standard (Bedrock, Bedrock AgentCore and SageMaker controls) "
    "is subscribed and READY in the region's Security Hub.",
    rationale=(
        "The standard is disabled by default. Enabled, it evaluates AWS's own controls for Bedrock guardrails, "
        "agent runtimes and SageMaker isolation and encryption on every change, between posture's scans."
    ),
    remediation="`aws securityhub batch-enable-standards --standards-subscription-requests "
    "StandardsArn=arn:aws:securityhub:<region>::standards/ai-security-best-practices/v/1.0.0`.",
    severity="medium",
    boundaries=["organizational", "model"],
    maps=["GV.OV-03", "ID.RA-01", "LLM01", "LLM01:2025", "AML.T0024", "AML.T0051", "MEASURE 1.2", "MEASURE 2.7",
        "Art. 9"],
    reads=[securityhub.GET_ENABLED_STANDARDS],
)
def ai_security_standard_enabled(ctx: CheckContext) -> None:
    with ctx.account_resource():
        if hub(ctx) is None:
            ctx.failed("Security Hub is not enabled in this region, so the AI standard is not evaluated")
            return
        subscriptions = enabled_standards(ctx)
        ai = [s for s in subscriptions if AI_STANDARD in s["StandardsArn"]]
        evidence: dict[str, Any] = {"standards": sorted(standard_name(s["StandardsArn"]) for s in subscriptions)}
        if any(s.get("StandardsStatus") == "READY" for s in ai):
            ctx.passed("the AI Security Best Practices standard is enabled", evidence)
        elif ai:
            ctx.failed(f"the AI Security Best Practices standard is {str(ai[0].get('StandardsStatus')).lower()}",
                       evidence)
        else:
            ctx.failed("the AI Security Best Practices standard is not enabled", evidence)
