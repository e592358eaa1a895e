"""Amazon CloudFront: the edge in front of chat UIs and their APIs.

Every distribution in the account is judged: a distribution is an internet-facing front
door, and nothing on it says reliably whether a model sits behind.
"""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, EvidenceValue, Family
from posture.checks._read import cloudfront
from posture.checks._read.cloudfront import distribution_arn, distributions

check = Family(
    service="cloudfront",
    scope="global",
    resource_type="AwsCloudFrontDistribution",
    boundaries=["user_interface"],
    service_docs="https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/security.html",
    maps=["MEASURE 2.7", "A.6.2.6"],
    reads=[cloudfront.LIST_DISTRIBUTIONS],
)

# Security policies that still accept TLS 1.0/1.1 (or SSLv3) from viewers.
WEAK_TLS_POLICIES = frozenset({"SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016"})


def cache_behaviors(dist: dict[str, Any]) -> list[dict[str, Any]]:
    default = dist.get("DefaultCacheBehavior") or {}
    return [{"PathPattern": "*", **default}, *((dist.get("CacheBehaviors") or {}).get("Items") or [])]


@check(
    id="cloudfront.distribution_waf_attached",
    title="CloudFront distributions are behind a WAF web ACL",
    description="Every CloudFront distribution has an AWS WAF web ACL associated.",
    rationale=(
        "A distribution in front of a chat UI or its API is the first place prompts arrive. A web ACL at "
        "the edge filters bots and known-bad inputs and rate-limits floods before they reach the model."
    ),
    remediation="Associate a CLOUDFRONT-scope web ACL (created in us-east-1): `aws cloudfront update-distribution "
                "--distribution-config <distribution-config> --id <id>` with DistributionConfig.WebACLId set to the "
                "web ACL's ARN.",
    severity="high",
    maps=["DE.CM-01", "PR.IR-01", "LLM01", "LLM01:2025", "LLM04", "LLM10:2025", "CloudFront.6", "AML.T0029",
        "AML.T0046", "AML.T0049"],
)
def distribution_waf_attached(ctx: CheckContext) -> None:
    for dist in distributions(ctx):
        with ctx.resource(dist["Id"], arn=distribution_arn(ctx, dist)):
            acl = dist.get("WebACLId")
            if acl:
                ctx.passed("a WAF web ACL is associated", {"web_acl": acl.split("/")[-2] if "/" in acl else acl})
            else:
                ctx.failed("no WAF web ACL is associated", {"domain_name": dist.get("DomainName")})


@check(
    id="cloudfront.viewer_https_tls12",
    title="CloudFront distributions serve viewers over HTTPS with TLS 1.2 or later",
    description=(
        "No cache behaviour of a distribution allows plain HTTP (viewer protocol policy allow-all), and the "
        "viewer security policy is TLSv1.2 or later (the default *.cloudfront.net certificate allows TLS 1.0)."
    ),
    rationale=(
        "Prompts, completions and session tokens cross the internet between the user and the edge; plain "
        "HTTP or TLS 1.0/1.1 lets them be read or altered on the way."
    ),
    remediation="Set every behaviour's ViewerProtocolPolicy to redirect-to-https or https-only, and use a custom ACM "
                "certificate with MinimumProtocolVersion TLSv1.2_2021: `aws cloudfront update-distribution "
                "--distribution-config <distribution-config> --id <id>`.",
    severity="medium",
    maps=["PR.DS-02", "LLM02:2025", "LLM06", "AML.M0012", "AML.T0025", "AML.T0063"],
)
def viewer_https_tls12(ctx: CheckContext) -> None:
    for dist in distributions(ctx):
        with ctx.resource(dist["Id"], arn=distribution_arn(ctx, dist)):
            plain = [b.get("PathPattern", "?") for b in cache_behaviors(dist)
                     if b.get("ViewerProtocolPolicy", "allow-all") == "allow-all"]
            certificate = dist.get("ViewerCertificate") or {}
            default_cert = bool(certificate.get("CloudFrontDefaultCertificate", True))
            policy = "TLSv1" if default_cert else str(certificate.get("MinimumProtocolVersion", "TLSv1"))
            evidence: dict[str, EvidenceValue] = {
                "minimum_protocol_version": policy, "default_certificate": default_cert, "http_allowed_paths": plain}
            if plain:
                ctx.failed(f"{len(plain)} cache behaviour(s) accept plain HTTP", evidence)
            elif policy in WEAK_TLS_POLICIES:
                ctx.failed(f"viewers may connect with TLS older than 1.2 ({policy})", evidence)
            else:
                ctx.passed(f"viewers use HTTPS with security policy {policy}", evidence)
