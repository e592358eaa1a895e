"""ASFF: every finding becomes a dict Security Hub accepts, per the reference's field rules."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from posture.aws.regions import account_home
from posture.core import reference
from posture.core.models import Status
from posture.render import asff
from tests.reporting_helpers import T0, make_finding, make_report

FACTS = reference.load("asff_required_fields")


def test_reference_copy_matches_the_shared_one() -> None:
    from pathlib import Path

    shared = Path(__file__).resolve().parents[2] / "shared" / "reference" / "asff_required_fields.json"
    if shared.is_file():  # the repo may be checked out alone; the packaged copy is what runs
        assert json.loads(shared.read_text()) == FACTS


@pytest.mark.parametrize("status", list(Status))
def test_every_status_gives_valid_asff(status: Status) -> None:
    item = asff.to_asff(make_finding(status=status, arn="arn:aws:kms:us-east-1:123456789012:key/k1"),
                        home="us-east-1", now=T0)
    assert asff.validate(item) == []
    required = set(FACTS["required_top_level_fields"]["per_user_guide"])
    assert required <= set(item)
    assert item["Compliance"]["Status"] == {"PASS": "PASSED", "FAIL": "FAILED", "ERROR": "NOT_AVAILABLE"}[status]


def test_fields_carry_the_contract() -> None:
    f = make_finding("k1", arn="arn:aws:kms:us-west-2:123456789012:key/k1", region="us-west-2", severity="high")
    item = asff.to_asff(f, home="us-east-1", now=T0, first_seen=T0 - timedelta(days=3))
    assert item["Id"] == f.id
    assert item["GeneratorId"] == "kms.cmk_rotation_enabled"
    assert item["ProductArn"] == "arn:aws:securityhub:us-west-2:123456789012:product/123456789012/default"
    assert item["AwsAccountId"] == "123456789012"
    assert item["Severity"]["Label"] == "HIGH" and item["Severity"]["Original"] == "high"
    assert item["FindingProviderFields"]["Severity"]["Label"] == "HIGH"
    assert item["Resources"] == [{"Type": "AwsKmsKey", "Id": "arn:aws:kms:us-west-2:123456789012:key/k1",
                                  "Partition": "aws", "Region": "us-west-2"}]
    assert item["FirstObservedAt"] == "2026-10-29T12:00:00.000Z"
    assert item["CreatedAt"] == item["FirstObservedAt"]
    assert item["UpdatedAt"] == "2026-11-01T12:00:00.000Z"
    assert item["RecordState"] == "ACTIVE"
    assert "NIST CSF 2.0 PR.DS-01" in item["Compliance"]["RelatedRequirements"]
    assert "OWASP LLM Top 10 LLM02:2025" in item["Compliance"]["RelatedRequirements"]
    assert item["ProductFields"]["posture/TrustBoundaries"] == "data"
    assert item["ProductFields"]["posture/OwaspLlm"] == "LLM06,LLM02:2025"
    assert "Workflow" not in item


def test_global_findings_go_to_the_home_region() -> None:
    f = make_finding("bucket", region="global", resource_type="AwsS3Bucket")
    item = asff.to_asff(f, home="us-east-1", now=T0)
    assert item["Region"] == "us-east-1" and ":us-east-1:" in item["ProductArn"]
    assert account_home("aws", ["eu-west-1", "us-east-1"]) == "us-east-1"
    assert account_home("aws", ["eu-west-1", "eu-central-1"]) == "eu-central-1"


def test_passing_control_is_informational_and_muted_is_suppressed() -> None:
    passing = asff.to_asff(make_finding(status="PASS", severity="critical"), home="us-east-1", now=T0)
    assert passing["Severity"]["Label"] == "INFORMATIONAL" and passing["Severity"]["Original"] == "critical"
    muted = make_finding(muted=True, mute_reason="sandbox")
    item = asff.to_asff(muted, home="us-east-1", now=T0)
    assert item["Workflow"] == {"Status": "SUPPRESSED"}
    assert item["ProductFields"]["posture/MuteReason"] == "sandbox"
    assert asff.validate(item) == []


def test_long_text_is_clipped_to_the_limits() -> None:
    f = make_finding("x" * 40, message="m" * 5000, resource_type="Other")
    item = asff.to_asff(f.model_copy(update={"title": "t" * 400, "remediation": "r" * 900}), home="us-east-1",
                        now=T0)
    assert len(item["Title"]) == 256 and len(item["Description"]) == 1024
    assert len(item["Remediation"]["Recommendation"]["Text"]) == 512
    assert item["Resources"][0]["Details"]["Other"]["ResourceId"] == "x" * 40
    assert asff.validate(item) == []


@pytest.mark.parametrize("breakage, problem", [
    (lambda a: a.pop("GeneratorId"), "missing GeneratorId"),
    (lambda a: a.update(AwsAccountId="1234"), "AwsAccountId"),
    (lambda a: a.update(ProductArn="arn:aws:securityhub:us-east-1::product/aws/guardduty"), "ProductArn"),
    (lambda a: a["Severity"].update(Label="SEVERE"), "Severity.Label"),
    (lambda a: a["Compliance"].update(Status="FAIL"), "Compliance.Status"),
    (lambda a: a.update(Types=["Nonsense/Type"]), "Types"),
    (lambda a: a.update(Resources=[]), "Resources"),
    (lambda a: a.update(UpdatedAt="yesterday"), "UpdatedAt"),
    (lambda a: a.update(RecordState="GONE"), "RecordState"),
])
def test_validate_catches_what_security_hub_would_reject(breakage, problem) -> None:  # type: ignore[no-untyped-def]
    item = asff.to_asff(make_finding(), home="us-east-1", now=T0)
    breakage(item)
    assert any(problem in p for p in asff.validate(item)), asff.validate(item)


def test_asff_file_is_a_valid_list_with_every_finding() -> None:
    findings = [make_finding("a"), make_finding("b", status="PASS"), make_finding("c", region="global")]
    items = json.loads(asff.render(make_report(findings)))
    assert [i["Id"] for i in items] == [f.id for f in findings]
    assert all(asff.validate(i) == [] for i in items)


def test_archived_keeps_first_observed_and_sets_record_state() -> None:
    before = asff.to_asff(make_finding(), home="us-east-1", now=T0)
    gone = asff.archived(before, T0 + timedelta(days=1))
    assert gone["RecordState"] == "ARCHIVED"
    assert gone["FirstObservedAt"] == before["FirstObservedAt"]
    assert gone["UpdatedAt"] > before["UpdatedAt"]
    assert asff.validate(gone) == []
