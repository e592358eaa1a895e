from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"
CHECK = "securitylake.data_lake_enabled"


def lake(status: str = "COMPLETED", region: str = "us-east-1") -> dict:
    return {"dataLakes": [{"dataLakeArn": f"arn:aws:securitylake:{region}:{ACCOUNT}:data-lake/default",
                           "region": region, "createStatus": status}]}


def test_completed_lake_passes(aws, run_check):
    aws.simulation.put("securitylake", "ListDataLakes", lake(), region="us-east-1")
    expect(run_check(CHECK), ACCOUNT, Status.PASS)


def test_no_lake_fails(aws, run_check):
    expect(run_check(CHECK), ACCOUNT, Status.FAIL)


def test_failed_lake_fails(aws, run_check):
    aws.simulation.put("securitylake", "ListDataLakes", lake("FAILED"))
    finding = expect(run_check(CHECK), ACCOUNT, Status.FAIL)
    assert "failed" in finding.message


def test_access_denied_is_error(aws, run_check):
    aws.simulation.fail("securitylake", "ListDataLakes", "AccessDeniedException", status=403)
    finding = expect(run_check(CHECK), ACCOUNT, Status.ERROR)
    assert "securitylake:ListDataLakes" in finding.message
