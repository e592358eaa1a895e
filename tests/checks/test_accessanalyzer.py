from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"
CHECK = "accessanalyzer.external_access_analyzer_active"


def analyzer(name: str, status: str = "ACTIVE", type: str = "ACCOUNT") -> dict:
    return {"arn": f"arn:aws:access-analyzer:us-east-1:{ACCOUNT}:analyzer/{name}", "name": name, "type": type,
            "status": status, "createdAt": "2026-01-01T00:00:00Z"}


def test_active_analyzer_passes(aws, run_check):
    aws.simulation.put("accessanalyzer", "ListAnalyzers", {"analyzers": [analyzer("ext")]}, region="us-east-1")
    finding = expect(run_check(CHECK), ACCOUNT, Status.PASS)
    assert finding.region == "us-east-1"


def test_region_without_analyzer_fails(aws, run_check):
    aws.simulation.put("accessanalyzer", "ListAnalyzers", {"analyzers": [analyzer("ext")]}, region="us-east-1")
    findings = run_check(CHECK, regions=("us-east-1", "us-west-2"))
    west = [f for f in findings if f.region == "us-west-2"]
    assert [f.status for f in west] == [Status.FAIL]


def test_unused_access_analyzer_alone_fails(aws, run_check):
    aws.simulation.put("accessanalyzer", "ListAnalyzers",
                       {"analyzers": [analyzer("unused", type="ACCOUNT_UNUSED_ACCESS")]})
    expect(run_check(CHECK), ACCOUNT, Status.FAIL)


def test_access_denied_is_error(aws, run_check):
    aws.simulation.fail("accessanalyzer", "ListAnalyzers", "AccessDeniedException", status=403)
    finding = expect(run_check(CHECK), ACCOUNT, Status.ERROR)
    assert "access-analyzer:ListAnalyzers" in finding.message


UNUSED = "accessanalyzer.unused_access_analyzer_active"
EXTERNAL = "accessanalyzer.no_external_access_to_ai_resources"


def external_finding(resource: str, resource_type: str = "AWS::S3::Bucket") -> dict:
    return {"id": "f-1", "resource": resource, "resourceType": resource_type, "resourceOwnerAccount": ACCOUNT,
            "status": "ACTIVE", "findingType": "ExternalAccess", "analyzedAt": "2026-11-01T00:00:00Z",
            "createdAt": "2026-11-01T00:00:00Z", "updatedAt": "2026-11-01T00:00:00Z"}


def test_unused_access_analyzer_in_another_region_passes(aws, run_check):
    aws.simulation.put("accessanalyzer", "ListAnalyzers",
                       {"analyzers": [analyzer("unused", type="ACCOUNT_UNUSED_ACCESS")]}, region="us-west-2")
    finding = expect(run_check(UNUSED, regions=("us-east-1", "us-west-2")), ACCOUNT, Status.PASS)
    assert finding.region == "global"
    assert finding.evidence["analyzers"] == ["us-west-2/unused"]


def test_only_external_access_analyzers_fail_unused_check(aws, run_check):
    aws.simulation.put("accessanalyzer", "ListAnalyzers", {"analyzers": [analyzer("ext")]})
    expect(run_check(UNUSED), ACCOUNT, Status.FAIL)


def test_disabled_unused_access_analyzer_fails(aws, run_check):
    aws.simulation.put("accessanalyzer", "ListAnalyzers",
                       {"analyzers": [analyzer("unused", status="DISABLED", type="ORGANIZATION_UNUSED_ACCESS")]})
    finding = expect(run_check(UNUSED), ACCOUNT, Status.FAIL)
    assert finding.evidence["statuses"] == ["DISABLED"]


def test_unused_access_denied_is_error(aws, run_check):
    aws.simulation.fail("accessanalyzer", "ListAnalyzers", "AccessDeniedException", status=403)
    expect(run_check(UNUSED), ACCOUNT, Status.ERROR)


def test_no_active_external_findings_passes(aws, run_check):
    aws.simulation.put("accessanalyzer", "ListAnalyzers", {"analyzers": [analyzer("ext")]})
    expect(run_check(EXTERNAL), "ext", Status.PASS)


def test_active_external_finding_on_bucket_fails(aws, run_check):
    aws.simulation.put("accessanalyzer", "ListAnalyzers", {"analyzers": [analyzer("ext")]})
    aws.simulation.put("accessanalyzer", "ListFindingsV2",
                       {"findings": [external_finding("arn:aws:s3:::acme-llm-training-data")]})
    finding = expect(run_check(EXTERNAL), "ext", Status.FAIL)
    assert finding.evidence["resources"] == ["arn:aws:s3:::acme-llm-training-data"]
    assert finding.resource_arn.endswith(":analyzer/ext")


def test_no_external_analyzer_fails_on_account(aws, run_check):
    expect(run_check(EXTERNAL), ACCOUNT, Status.FAIL)


def test_findings_access_denied_is_error(aws, run_check):
    aws.simulation.put("accessanalyzer", "ListAnalyzers", {"analyzers": [analyzer("ext")]})
    aws.simulation.fail("accessanalyzer", "ListFindingsV2", "AccessDeniedException", status=403)
    finding = expect(run_check(EXTERNAL), "ext", Status.ERROR)
    assert "access-analyzer:ListFindingsV2" in finding.message  # the operation
    assert "lacks access-analyzer:ListFindings" in finding.message  # the action IAM has
    assert "ListFindingsV2" not in finding.message.split("lacks")[-1]
