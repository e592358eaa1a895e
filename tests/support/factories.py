"""Small builders for findings and checks in engine tests (no AWS)."""

from __future__ import annotations

from typing import Any

from posture.core.models import CheckMeta, Finding, Severity, Status, finding_id

META: dict[str, Any] = dict(
    id="demo.example_control",
    title="An example control",
    description="What the example control checks.",
    rationale="Why the example matters for an LLM workload.",
    remediation="How to fix the example.",
    service="kms",
    scope="regional",
    resource_type="AwsKmsKey",
    docs_url="https://docs.aws.amazon.com/kms/latest/developerguide/kms-security.html",
    severity="medium",
    boundaries=["data"],
    csf=["PR.DS-01"],
    owasp_llm=["LLM06", "LLM02:2025"],
    atlas=["AML.T0035"], nist_ai_rmf=["MEASURE 2.7"], iso42001=["A.7.2"],
    permissions=["kms:ListKeys"],
)


def meta(**overrides: Any) -> CheckMeta:
    return CheckMeta(**{**META, **overrides})


def finding(
    status: Status | str = Status.PASS,
    severity: Severity | str = Severity.MEDIUM,
    *,
    boundaries: tuple[str, ...] = ("data",),
    csf: tuple[str, ...] = ("PR.DS-01",),
    owasp: tuple[str, ...] = ("LLM06", "LLM02:2025"),
    resource: str = "r1",
    check_id: str = "demo.example_control",
    muted: bool = False,
) -> Finding:
    return Finding(
        id=finding_id(check_id, "aws", "123456789012", "us-east-1", resource),
        check_id=check_id, title="t", severity=Severity(severity), status=Status(status), muted=muted,
        partition="aws", account_id="123456789012", region="us-east-1", resource_id=resource, resource_arn=None,
        resource_type="Other", message="m", remediation="r", boundaries=boundaries, csf=csf, owasp_llm=owasp,
    )
