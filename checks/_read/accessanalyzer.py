"""IAM Access Analyzer reads: the region's analyzers and their active findings."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Kind, Service

ACCESS_ANALYZER = Service("accessanalyzer", iam="access-analyzer")
LIST_ANALYZERS = ACCESS_ANALYZER.read("ListAnalyzers", path="analyzers", paginate=True)
# ListFindingsV2 is authorized by access-analyzer:ListFindings.
LIST_FINDINGS = ACCESS_ANALYZER.read("ListFindingsV2", path="findings", param="analyzerArn", paginate=True,
                                     action="access-analyzer:ListFindings")
ANALYZER = Kind("analyzer", list=LIST_ANALYZERS, id="name", arn="arn", details=(LIST_FINDINGS,))


def analyzers(ctx: CheckContext) -> list[dict[str, Any]]:
    return ANALYZER.all(ctx)


def active_findings(ctx: CheckContext, analyzer_arn: str, resource_types: list[str]) -> list[dict[str, Any]]:
    """ACTIVE findings of one analyzer on the resource types named."""
    criteria = {"status": {"eq": ["ACTIVE"]}, "resourceType": {"eq": resource_types}}
    return list(LIST_FINDINGS(ctx, analyzer_arn, filter=criteria))
