"""Amazon GuardDuty: threat detection over the data and compute of AI workloads."""

from __future__ import annotations

from typing import Any

from posture.core.context import CheckContext
from posture.core.registry import check


def detectors(ctx: CheckContext) -> list[dict[str, Any]]:
    """(detector id, detector) for each GuardDuty detector in the region."""
    ids = ctx.paginate("guardduty", "list_detectors").get("DetectorIds", [])
    return [{"DetectorId": i, **ctx.call("guardduty", "get_detector", DetectorId=i)} for i in ids]


NOT_OFFERED = "NOT_OFFERED"


def feature_status(detector: dict[str, Any], feature: str) -> str:
    """ENABLED, DISABLED, or NOT_OFFERED: GuardDuty lists every feature a region offers, on or off,
    so one missing from the answer does not exist there (not "disabled", which a user could change)."""
    for item in detector.get("Features", []):
        if item.get("Name") == feature:
            return str(item.get("Status", "DISABLED"))
    return NOT_OFFERED


def _detector_arn(ctx: CheckContext, detector_id: str) -> str:
    return ctx.arn("guardduty", f"detector/{detector_id}")


@check(
    id="guardduty.detector_enabled",
    title="GuardDuty is enabled in the region",
    description="The region has a GuardDuty detector whose status is ENABLED.",
    rationale=(
        "GuardDuty is the detective layer under every boundary: credential misuse of AI roles, "
        "exfiltration from data buckets, crypto-mining on training instances."
    ),
    remediation="Enable GuardDuty in every region (`aws guardduty create-detector --enable`), "
    "ideally organization-wide from a delegated administrator.",
    service="guardduty",
    scope="regional",
    resource_type="AwsAccount",
    severity="high",
    boundaries=["data", "organizational"],
    csf=["DE.CM-01", "DE.CM-09"],
    owasp_llm=["LLM03", "LLM10", "LLM04:2025"],
    securityhub_controls=["GuardDuty.1"],
    permissions=["guardduty:ListDetectors", "guardduty:GetDetector"],
    atlas=["AML.T0012", "AML.T0025", "AML.T0034"],
    nist_ai_rmf=["MEASURE 2.7", "MANAGE 4.1", "MEASURE 3.1"],
    iso42001=["A.6.2.6"],
)
def detector_enabled(ctx: CheckContext) -> None:
    with ctx.account_resource():
        found = detectors(ctx)
        enabled = [d["DetectorId"] for d in found if d.get("Status") == "ENABLED"]
        if enabled:
            ctx.passed(f"detector {enabled[0]} is enabled", {"detector_id": enabled[0]})
        elif found:
            ctx.failed("the GuardDuty detector is suspended", {"detector_id": found[0]["DetectorId"]})
        else:
            ctx.failed("GuardDuty is not enabled in this region")


@check(
    id="guardduty.s3_protection_enabled",
    title="GuardDuty S3 Protection watches data buckets",
    description="The region's enabled GuardDuty detector has the S3_DATA_EVENTS feature (S3 Protection) enabled.",
    rationale=(
        "Training data and RAG sources live in S3. S3 Protection analyses data-plane events to catch "
        "exfiltration and tampering (data poisoning) that management-plane logging misses."
    ),
    remediation="Enable the S3_DATA_EVENTS feature: `aws guardduty update-detector --detector-id <id> "
    "--features Name=S3_DATA_EVENTS,Status=ENABLED`.",
    service="guardduty",
    scope="regional",
    resource_type="AwsGuardDutyDetector",
    severity="high",
    boundaries=["data"],
    csf=["DE.CM-09"],
    owasp_llm=["LLM03", "LLM06", "LLM04:2025", "LLM02:2025"],
    securityhub_controls=["GuardDuty.10"],
    permissions=["guardduty:ListDetectors", "guardduty:GetDetector"],
    atlas=["AML.T0036", "AML.T0020", "AML.T0025", "AML.T0012"],
    nist_ai_rmf=["MEASURE 2.7", "MANAGE 4.1"],
    iso42001=["A.6.2.6"],
)
def s3_protection_enabled(ctx: CheckContext) -> None:
    judge_feature(ctx, "S3_DATA_EVENTS", "S3 Protection")


def judge_feature(ctx: CheckContext, feature: str, label: str) -> None:
    """PASS per enabled detector with `feature` on; no detector at all is one account-level FAIL."""
    found = detectors(ctx)
    if not found:
        with ctx.account_resource():
            ctx.failed(f"GuardDuty is not enabled in this region, so {label} is off")
        return
    for detector in found:
        with ctx.resource(detector["DetectorId"], arn=_detector_arn(ctx, detector["DetectorId"])):
            status = feature_status(detector, feature)
            if status == NOT_OFFERED:
                ctx.error(f"not assessed: {label} ({feature}) is not offered in this region (GuardDuty's answer "
                          "lists no such feature)",
                          {feature.lower(): status, "detector_status": detector.get("Status")})
            elif detector.get("Status") == "ENABLED" and status == "ENABLED":
                ctx.passed(f"{label} is enabled")
            else:
                ctx.failed(f"{label} is {status.lower()} (detector {detector.get('Status', '?').lower()})",
                           {feature.lower(): status, "detector_status": detector.get("Status")})


@check(
    id="guardduty.malware_protection_enabled",
    title="GuardDuty Malware Protection scans EC2 volumes",
    description="The region's enabled GuardDuty detector has the EBS_MALWARE_PROTECTION feature (Malware "
    "Protection for EC2) enabled.",
    rationale=(
        "Training and inference instances hold model weights and training data. Malware Protection scans "
        "their EBS volumes when GuardDuty sees suspicious behaviour, finding the tool that steals a model "
        "or tampers with a dataset."
    ),
    remediation="`aws guardduty update-detector --detector-id <id> --features "
    "Name=EBS_MALWARE_PROTECTION,Status=ENABLED`.",
    service="guardduty",
    scope="regional",
    resource_type="AwsGuardDutyDetector",
    severity="medium",
    boundaries=["data", "model"],
    csf=["DE.CM-09"],
    owasp_llm=["LLM05", "LLM10", "LLM03:2025", "LLM04:2025"],
    securityhub_controls=["GuardDuty.8"],
    permissions=["guardduty:ListDetectors", "guardduty:GetDetector"],
    atlas=["AML.T0011.000", "AML.T0011.001", "AML.T0018.002"],
    nist_ai_rmf=["MEASURE 2.7", "MANAGE 4.1"],
    iso42001=["A.6.2.6"],
)
def malware_protection_enabled(ctx: CheckContext) -> None:
    judge_feature(ctx, "EBS_MALWARE_PROTECTION", "Malware Protection for EC2")


@check(
    id="guardduty.rds_protection_enabled",
    title="GuardDuty RDS Protection watches database logins",
    description="The region's enabled GuardDuty detector has the RDS_LOGIN_EVENTS feature (RDS Protection) "
    "enabled.",
    rationale=(
        "Aurora PostgreSQL with pgvector is a common vector store for RAG. RDS Protection flags anomalous "
        "logins to it: the first step to reading or poisoning the embeddings an assistant retrieves."
    ),
    remediation="`aws guardduty update-detector --detector-id <id> --features Name=RDS_LOGIN_EVENTS,Status=ENABLED`.",
    service="guardduty",
    scope="regional",
    resource_type="AwsGuardDutyDetector",
    severity="medium",
    boundaries=["data"],
    csf=["DE.CM-09"],
    owasp_llm=["LLM03", "LLM06", "LLM08:2025", "LLM04:2025"],
    securityhub_controls=["GuardDuty.9"],
    permissions=["guardduty:ListDetectors", "guardduty:GetDetector"],
    atlas=["AML.T0012", "AML.T0036", "AML.T0085.000"],
    nist_ai_rmf=["MEASURE 2.7", "MANAGE 4.1"],
    iso42001=["A.6.2.6"],
)
def rds_protection_enabled(ctx: CheckContext) -> None:
    judge_feature(ctx, "RDS_LOGIN_EVENTS", "RDS Protection")


@check(
    id="guardduty.eks_protection_enabled",
    title="GuardDuty EKS Protection reads Kubernetes audit logs",
    description="The region's enabled GuardDuty detector has the EKS_AUDIT_LOGS feature (EKS Audit Log "
    "Monitoring) enabled.",
    rationale=(
        "Self-hosted models and vector databases often run on EKS. Audit-log monitoring catches the "
        "credential misuse and privilege escalation that lead to stolen models and tampered data."
    ),
    remediation="`aws guardduty update-detector --detector-id <id> --features Name=EKS_AUDIT_LOGS,Status=ENABLED`.",
    service="guardduty",
    scope="regional",
    resource_type="AwsGuardDutyDetector",
    severity="medium",
    boundaries=["data", "model"],
    csf=["DE.CM-09"],
    owasp_llm=["LLM10", "LLM05", "LLM03:2025", "LLM04:2025"],
    securityhub_controls=["GuardDuty.5"],
    permissions=["guardduty:ListDetectors", "guardduty:GetDetector"],
    atlas=["AML.T0012", "AML.T0105"],
    nist_ai_rmf=["MEASURE 2.7", "MANAGE 4.1"],
    iso42001=["A.6.2.6"],
)
def eks_protection_enabled(ctx: CheckContext) -> None:
    judge_feature(ctx, "EKS_AUDIT_LOGS", "EKS Audit Log Monitoring")


@check(
    id="guardduty.lambda_protection_enabled",
    title="GuardDuty Lambda Protection watches function traffic",
    description="The region's enabled GuardDuty detector has the LAMBDA_NETWORK_LOGS feature (Lambda "
    "Protection) enabled.",
    rationale=(
        "Agent tools and RAG ingestion run as Lambda functions with access to data stores. Lambda Protection "
        "flags a function talking to mining pools or exfiltration hosts, for example after a prompt "
        "injection made an agent misuse its tool."
    ),
    remediation="`aws guardduty update-detector --detector-id <id> --features "
    "Name=LAMBDA_NETWORK_LOGS,Status=ENABLED`.",
    service="guardduty",
    scope="regional",
    resource_type="AwsGuardDutyDetector",
    severity="medium",
    boundaries=["data", "application"],
    csf=["DE.CM-09"],
    owasp_llm=["LLM07", "LLM08", "LLM06:2025", "LLM02:2025"],
    securityhub_controls=["GuardDuty.6"],
    permissions=["guardduty:ListDetectors", "guardduty:GetDetector"],
    atlas=["AML.T0025", "AML.T0072", "AML.T0086"],
    nist_ai_rmf=["MEASURE 2.7", "MANAGE 4.1"],
    iso42001=["A.6.2.6"],
)
def lambda_protection_enabled(ctx: CheckContext) -> None:
    judge_feature(ctx, "LAMBDA_NETWORK_LOGS", "Lambda Protection")
