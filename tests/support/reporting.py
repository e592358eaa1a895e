"""Builders for report-side tests (ASFF, history, diff, suppressions, outputs): no AWS."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from posture.core.models import Finding, Severity, Status, TrustBoundary, finding_id
from posture.report.model import Report, ScanInfo, Tool, summarize

ACCOUNT = "123456789012"
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def make_finding(
    resource: str = "r1",
    status: Status | str = Status.FAIL,
    *,
    check_id: str = "kms.cmk_rotation_enabled",
    severity: Severity | str = Severity.MEDIUM,
    region: str = "us-east-1",
    account: str = ACCOUNT,
    arn: str | None = None,
    resource_type: str = "AwsKmsKey",
    boundaries: tuple[str, ...] = ("data",),
    csf: tuple[str, ...] = ("PR.DS-01",),
    owasp: tuple[str, ...] = ("LLM06", "LLM02:2025"),
    message: str = "automatic rotation is disabled",
    **extra: Any,
) -> Finding:
    return Finding(
        id=finding_id(check_id, "aws", account, region, resource),
        check_id=check_id, title="Customer managed KMS keys rotate automatically", severity=Severity(severity),
        status=Status(status), partition="aws", account_id=account, region=region, resource_id=resource,
        resource_arn=arn, resource_type=resource_type, message=message,
        remediation="aws kms enable-key-rotation --key-id <key-id>",
        boundaries=tuple(TrustBoundary(b) for b in boundaries), csf=csf, owasp_llm=owasp, **extra,
    )


def make_report(findings: list[Finding], *, scan_id: str = "scan-1", at: datetime = T0,
                regions: tuple[str, ...] = ("us-east-1", "us-west-2")) -> Report:
    return Report(
        tool=Tool(version="0.1.0"),
        scan=ScanInfo(id=scan_id, started_at=at, finished_at=at, duration_seconds=0.0, partition="aws",
                      accounts=sorted({f.account_id for f in findings} or {ACCOUNT}), regions=list(regions),
                      checks_selected=1, units_run=1, api_calls=0,
                      check_ids=sorted({f.check_id for f in findings})),
        summary=summarize(findings),
        findings=findings,
    )
