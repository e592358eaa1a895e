"""A service AWS does not offer in a scanned region is said once per (account, region, service)
in the report's scope, with the reason, and changes no finding (issue 9, item 1)."""

from __future__ import annotations

from typing import Any

from posture.core.config import ScanConfig
from posture.core.registry import Registry
from posture.core.runner import scan
from posture.render import RENDERERS
from posture.report.model import build_report, json_schema


def test_a_service_not_offered_in_a_region_is_reported_once(aws: Any, registry: Registry) -> None:
    import jsonschema

    # Macie is not offered in me-central-1 (botocore's endpoint data); KMS is.
    report = build_report(scan(ScanConfig(services=("macie2", "kms"), regions=("us-east-1", "me-central-1"),
                                          max_attempts=1), registry))
    gaps = [(g.region, g.service) for g in report.scan.not_offered]
    assert gaps == [("me-central-1", "macie2")]  # once, however many Macie checks there are
    assert report.scan.units_skipped == len([c for c in registry if c.meta.service == "macie2"])
    assert all("not offered" in g.reason for g in report.scan.not_offered)
    assert not [f for f in report.findings if f.region == "me-central-1" and f.check_id.startswith("macie")]
    jsonschema.validate(report.model_dump(mode="json"), json_schema())
    table = RENDERERS["table"](report)
    assert "Not assessed, the service is not offered in the region: me-central-1: macie2" in table
