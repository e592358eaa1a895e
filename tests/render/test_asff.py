"""ASFF: every finding becomes a dict Security Hub accepts, per the reference's field rules."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from posture.aws.regions import account_home
from posture.core import reference
from posture.core.models import Status
from posture.render import asff
from tests.support.paths import SHARED_REFERENCE
from tests.support.reporting import T0, make_finding, make_report
from tests.support.validators import asff_problems, assert_valid_asff

KMS_DOCS = "https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-4"

FACTS = reference.load("asff_required_fields")


def test_reference_copy_matches_the_shared_one() -> None:

    shared = SHARED_REFERENCE / "asff_required_fields.json"
    if not shared.is_file():  # the repo may be checked out alone; the packaged copy is what runs
        pytest.skip(f"{shared} is not beside this clone: the packaged copy is not compared with the team's")
    assert json.loads(shared.read_text()) == FACTS


@pytest.mark.parametrize("status", list(Status))
def test_every_status_gives_valid_asff(status: Status) -> None:
    item = asff.to_asff(make_finding(status=status, arn="arn:aws:kms:us-east-1:123456789012:key/k1"),
                        home="us-east-1", now=T0)
    assert asff.validate(item) == []
    assert_valid_asff([item])
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
    assert_valid_asff([passing, item])


def test_long_text_is_clipped_to_the_limits() -> None:
    f = make_finding("x" * 40, message="m" * 5000, resource_type="Other")
    item = asff.to_asff(f.model_copy(update={"title": "t" * 400, "remediation": "r" * 900}), home="us-east-1",
                        now=T0)
    assert len(item["Title"]) == 256 and len(item["Description"]) == 1024
    assert len(item["Remediation"]["Recommendation"]["Text"]) == 512
    assert item["Resources"][0]["Details"]["Other"]["ResourceId"] == "x" * 40
    assert asff.validate(item) == []
    assert_valid_asff([item])


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
    assert_valid_asff(items)


def test_archived_keeps_first_observed_and_sets_record_state() -> None:
    before = asff.to_asff(make_finding(), home="us-east-1", now=T0)
    gone = asff.archived(before, T0 + timedelta(days=1))
    assert gone["RecordState"] == "ARCHIVED"
    assert gone["FirstObservedAt"] == before["FirstObservedAt"]
    assert gone["UpdatedAt"] > before["UpdatedAt"]
    assert asff.validate(gone) == []
    assert_valid_asff([before, gone])
    assert gone["SourceUrl"] == before["SourceUrl"]


def test_remediation_links_the_aws_documentation_and_the_console() -> None:
    f = make_finding("k1", arn="arn:aws:kms:us-east-1:123456789012:key/k1", remediation_url=KMS_DOCS)
    item = asff.to_asff(f, home="us-east-1", now=T0)
    assert item["Remediation"]["Recommendation"]["Url"] == KMS_DOCS
    assert item["SourceUrl"] == "https://us-east-1.console.aws.amazon.com/kms/home?region=us-east-1#/kms/keys/k1"
    assert_valid_asff([item])


def test_every_check_has_a_documentation_page(registry) -> None:  # type: ignore[no-untyped-def]
    # ASFF takes Remediation.Recommendation.Url from here: none may be missing or off AWS's docs.
    urls = {c.meta.id: c.meta.docs_url for c in registry}
    assert all(u and u.startswith("https://docs.aws.amazon.com/") for u in urls.values()), urls
    assert urls["kms.cmk_rotation_enabled"].endswith("kms-controls.html#kms-4")


def test_docs_url_defaults_and_is_validated_at_registration() -> None:
    from pydantic import ValidationError

    from posture.core.models import CheckMeta
    from posture.core.registry import resolve

    base = dict(id="kms.some_control", title="A control title", description="d" * 10, rationale="r" * 10,
                remediation="x" * 10, service="kms", scope="regional", resource_type="AwsKmsKey",
                severity="low", boundaries=["data"], csf=["PR.DS-01"], owasp_llm=["LLM06", "LLM02:2025"],
                atlas=["AML.T0035"], nist_ai_rmf=["MEASURE 2.7"], iso42001=["A.7.2"],
                permissions=["kms:ListKeys"])
    service_docs = "https://docs.aws.amazon.com/kms/latest/developerguide/kms-security.html"
    assert CheckMeta(**resolve({**base, "service_docs": service_docs})).docs_url == service_docs
    assert CheckMeta(**resolve({**base, "service_docs": service_docs, "securityhub_controls": ["KMS.4"]})
                     ).docs_url == KMS_DOCS
    assert CheckMeta(**base, securityhub_controls=["KMS.4"]).docs_url == KMS_DOCS
    assert CheckMeta(**base, docs_url="https://docs.aws.amazon.com/kms/latest/x.html").docs_url.endswith("x.html")
    with pytest.raises(ValidationError, match="AWS documentation"):
        CheckMeta(**base, docs_url="http://example.com/kms")
    with pytest.raises(ValidationError, match="set docs_url"):
        CheckMeta(**base)


def test_botocore_refuses_what_security_hub_would() -> None:
    # Guards the validator: a wrong type, an unknown field and a missing member all fail.
    item = asff.to_asff(make_finding(), home="us-east-1", now=T0)
    for breakage in ({"Severity": {"Normalized": "high"}}, {"Bogus": 1}, {"Resources": [{"Type": "AwsKmsKey"}]}):
        assert asff_problems([{**item, **breakage}]) != []
    assert asff_problems([item]) == []


@pytest.mark.xdist_group("demo")
def test_every_finding_the_demo_scan_writes_is_valid_for_botocore(demo_account, registry) -> None:  # type: ignore[no-untyped-def]
    from posture.core.config import ScanConfig
    from posture.core.runner import scan

    findings = scan(ScanConfig(checks=("kms.cmk_rotation_enabled", "s3.ai_bucket_versioning_enabled",
                                       "accessanalyzer.no_external_access_to_ai_resources"),
                               regions=("us-east-1",), max_attempts=2), registry).findings
    items = json.loads(asff.render(make_report(findings)))
    assert_valid_asff(items)
    assert all(i["Remediation"]["Recommendation"]["Url"].startswith("https://docs.aws.amazon.com/") for i in items)
    assert all(i["SourceUrl"].startswith("https://") for i in items)


@pytest.mark.parametrize(("finding", "url"), [
    (make_finding("acme-logs", region="global", resource_type="AwsS3Bucket", arn="arn:aws:s3:::acme-logs"),
     "https://console.aws.amazon.com/s3/buckets/acme-logs"),
    (make_finding("/acme/invocations", resource_type="AwsLogsLogGroup"),
     "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1"
     "#logsV2:log-groups/log-group/$252Facme$252Finvocations"),
    (make_finding("agent1", resource_type="Other", arn="arn:aws:bedrock:us-west-2:123456789012:agent/agent1",
                  region="us-west-2"), "https://us-west-2.console.aws.amazon.com/bedrock/home?region=us-west-2"),
    (make_finding("r-1", resource_type="Other", region="global", check_id="organizations.scp_attached",
                  arn="arn:aws:organizations::123456789012:root/o-1/r-1"),
     "https://console.aws.amazon.com/organizations/v2/home"),
])
def test_source_url_is_the_resource_console_page(finding, url) -> None:  # type: ignore[no-untyped-def]
    item = asff.to_asff(finding, home="us-east-1", now=T0)
    assert item["SourceUrl"] == url
    assert_valid_asff([item])
