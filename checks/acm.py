"""AWS Certificate Manager: the certificates that put TLS on the chatbot's front doors.

Every issued certificate in the region is judged (as Security Hub's ACM.1 and ACM.2 do);
the finding says whether the certificate is in use.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from posture.api import CheckContext, Family, Outcome, each
from posture.checks._read import acm

check = Family(
    service="acm",
    scope="regional",
    resource_type="AwsCertificateManagerCertificate",
    boundaries=["user_interface"],
    service_docs="https://docs.aws.amazon.com/acm/latest/userguide/security.html",
    maps=["PR.DS-02", "LLM02:2025", "LLM06", "AML.T0025", "MEASURE 2.7", "A.6.2.6"],
    reads=[acm.LIST_CERTIFICATES, acm.DESCRIBE_CERTIFICATE],
)

EXPIRY_WINDOW_DAYS = 30
MIN_RSA_BITS = 2048
SERVABLE = ("ISSUED", "EXPIRED")


def servable(cert: dict[str, Any]) -> bool:
    """Issued or expired: the certificates a front door can serve (not pending, failed or revoked)."""
    return cert.get("Status", "ISSUED") in SERVABLE


def judged_certificates(ctx: CheckContext) -> list[tuple[dict[str, Any], Outcome[dict[str, Any]]]]:
    """(summary, its description) of each servable certificate; the certificates are described side by side."""
    summaries = [s for s in acm.certificates(ctx) if servable(s)]
    return list(zip(summaries, each(ctx, lambda s: acm.certificate(ctx, s["CertificateArn"]), summaries),
                    strict=True))


def cert_id(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def rsa_bits(algorithm: str) -> int | None:
    return int(algorithm.split("_")[1]) if algorithm.startswith("RSA_") else None


@check(
    id="acm.certificate_not_expiring",
    title="ACM certificates are not about to expire",
    description=f"No issued ACM certificate expires within {EXPIRY_WINDOW_DAYS} days (or has expired).",
    rationale=(
        "An expired certificate takes the chatbot offline or trains users to click through TLS warnings, "
        "which opens the door to intercepting their prompts and sessions."
    ),
    remediation="For ACM-issued certificates fix the domain validation so managed renewal succeeds (`aws acm "
                "describe-certificate` shows RenewalSummary); re-import a renewed imported certificate with `aws acm "
                "import-certificate --certificate-arn <arn> --certificate <certificate> --private-key <private-key>`.",
    severity="medium",
    maps=["PR.PS-02", "ACM.1", "AML.T0029"],
)
def certificate_not_expiring(ctx: CheckContext) -> None:
    now = datetime.now(UTC)
    for summary, described in judged_certificates(ctx):
        with ctx.resource(cert_id(summary["CertificateArn"]), arn=summary["CertificateArn"]):
            cert = described.get()
            if not servable(cert):
                ctx.skip()
                continue
            not_after = cert.get("NotAfter")
            evidence = {"domain": cert.get("DomainName"), "type": cert.get("Type"),
                        "in_use": bool(cert.get("InUseBy")), "not_after": str(not_after)}
            if not isinstance(not_after, datetime):
                ctx.error("the certificate has no expiry date", evidence)
                continue
            days = (not_after - now).days
            evidence["days_left"] = days
            if days < 0 or cert.get("Status") == "EXPIRED":
                ctx.failed("the certificate has expired", evidence)
            elif days < EXPIRY_WINDOW_DAYS:
                ctx.failed(f"the certificate expires in {days} day(s)", evidence)
            else:
                ctx.passed(f"the certificate is valid for {days} more days", evidence)


@check(
    id="acm.certificate_key_strong",
    title="ACM certificates use strong keys",
    description=f"Every issued ACM certificate uses an RSA key of at least {MIN_RSA_BITS} bits or an EC key.",
    rationale=(
        "A weak key on the chatbot's TLS certificate lets an attacker impersonate the front door and read "
        "prompts, completions and session tokens."
    ),
    remediation="Request or import a replacement with RSA_2048 or stronger (or EC_prime256v1): `aws acm "
                "request-certificate --domain-name <name> --key-algorithm EC_prime256v1`, then swap it in.",
    severity="high",
    maps=["ACM.2", "AML.M0012", "AML.T0063"],
)
def certificate_key_strong(ctx: CheckContext) -> None:
    for summary, described in judged_certificates(ctx):
        with ctx.resource(cert_id(summary["CertificateArn"]), arn=summary["CertificateArn"]):
            cert = described.get()
            if not servable(cert):
                ctx.skip()
                continue
            algorithm = str(cert.get("KeyAlgorithm") or "?")
            bits = rsa_bits(algorithm)
            evidence = {"domain": cert.get("DomainName"), "key_algorithm": algorithm,
                        "in_use": bool(cert.get("InUseBy"))}
            if algorithm.startswith("EC") or (bits is not None and bits >= MIN_RSA_BITS):
                ctx.passed(f"the key is {algorithm}", evidence)
            else:
                ctx.failed(f"the key is {algorithm}, weaker than RSA_{MIN_RSA_BITS}", evidence)
