"""IAM Access Analyzer: is anyone outside the account able to reach AI resources?"""

from __future__ import annotations

from typing import Any

from posture.context import CheckContext
from posture.registry import check

EXTERNAL_ACCESS_TYPES = frozenset({"ACCOUNT", "ORGANIZATION"})


def analyzers(ctx: CheckContext) -> list[dict[str, Any]]:
    return list(ctx.paginate("accessanalyzer", "list_analyzers").get("analyzers", []))


@check(
    id="accessanalyzer.external_access_analyzer_active",
    title="IAM Access Analyzer watches external access in the region",
    description="An active IAM Access Analyzer of type ACCOUNT or ORGANIZATION exists in the region.",
    rationale=(
        "Buckets of training data, KMS keys and model endpoints shared outside the account are how "
        "data and models leak. The analyzer finds such grants; it only sees the region it runs in."
    ),
    remediation="Create an analyzer in every region: `aws accessanalyzer create-analyzer --analyzer-name "
    "external-access --type ACCOUNT` (ORGANIZATION from the delegated administrator).",
    service="accessanalyzer",
    scope="regional",
    resource_type="AwsAccount",
    severity="high",
    boundaries=["organizational"],
    csf=["PR.AA-05", "ID.RA-01"],
    owasp_llm=["LLM06", "LLM10", "LLM02:2025"],
    securityhub_controls=["IAM.28"],
    permissions=["access-analyzer:ListAnalyzers"],
)
def external_access_analyzer_active(ctx: CheckContext) -> None:
    with ctx.account_resource():
        found = [a for a in analyzers(ctx) if a.get("type") in EXTERNAL_ACCESS_TYPES]
        active = [a["name"] for a in found if a.get("status") == "ACTIVE"]
        if active:
            ctx.passed(f"external access analyzer {active[0]} is active", {"analyzers": active})
        elif found:
            ctx.failed("the external access analyzer is not active",
                       {"analyzers": [a["name"] for a in found], "statuses": [a.get("status", "") for a in found]})
        else:
            ctx.failed("no external access analyzer in this region", {"analyzers": []})
