from posture.models import Status
from tests.conftest import only

ACCOUNT = "123456789012"
CHECK = "accessanalyzer.external_access_analyzer_active"


def analyzer(name: str, status: str = "ACTIVE", type: str = "ACCOUNT") -> dict:
    return {"arn": f"arn:aws:access-analyzer:us-east-1:{ACCOUNT}:analyzer/{name}", "name": name, "type": type,
            "status": status, "createdAt": "2026-01-01T00:00:00Z"}


def test_active_analyzer_passes(aws, run_check):
    aws.simulation.put("accessanalyzer", "ListAnalyzers", {"analyzers": [analyzer("ext")]}, region="us-east-1")
    finding = only(run_check(CHECK), ACCOUNT)
    assert finding.status is Status.PASS
    assert finding.region == "us-east-1"


def test_region_without_analyzer_fails(aws, run_check):
    aws.simulation.put("accessanalyzer", "ListAnalyzers", {"analyzers": [analyzer("ext")]}, region="us-east-1")
    findings = run_check(CHECK, regions=("us-east-1", "us-west-2"))
    west = [f for f in findings if f.region == "us-west-2"]
    assert [f.status for f in west] == [Status.FAIL]


def test_unused_access_analyzer_alone_fails(aws, run_check):
    aws.simulation.put("accessanalyzer", "ListAnalyzers",
                       {"analyzers": [analyzer("unused", type="ACCOUNT_UNUSED_ACCESS")]})
    assert only(run_check(CHECK), ACCOUNT).status is Status.FAIL


def test_access_denied_is_error(aws, run_check):
    aws.simulation.fail("accessanalyzer", "ListAnalyzers", "AccessDeniedException", status=403)
    finding = only(run_check(CHECK), ACCOUNT)
    assert finding.status is Status.ERROR
    assert "access-analyzer:ListAnalyzers" in finding.message
