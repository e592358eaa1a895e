from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"
CHECK = "detective.behavior_graph_enabled"


def test_graph_passes(aws, run_check):
    aws.simulation.put("detective", "ListGraphs", {"GraphList": [
        {"Arn": "arn:aws:detective:us-east-1:123456789012:graph:abc123", "CreatedTime": "2026-01-01T00:00:00Z"}]},
        region="us-east-1")
    findings = run_check(CHECK, regions=("us-east-1", "us-west-2"))
    expect(findings, "123456789012", Status.PASS, region="us-east-1")
    expect(findings, "123456789012", Status.FAIL, region="us-west-2")


def test_no_graph_fails(aws, run_check):
    expect(run_check(CHECK), ACCOUNT, Status.FAIL)


def test_access_denied_is_error(aws, run_check):
    aws.simulation.fail("detective", "ListGraphs", "AccessDeniedException", status=403)
    finding = expect(run_check(CHECK), ACCOUNT, Status.ERROR)
    assert "detective:ListGraphs" in finding.message
