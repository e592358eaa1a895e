from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"
HUB = "securityhub.hub_enabled"
STANDARDS = "securityhub.standards_enabled"
AI = "securityhub.ai_security_standard_enabled"
FSBP = "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0"
AI_ARN = "arn:aws:securityhub:us-east-1::standards/ai-security-best-practices/v/1.0.0"


def subscription(standard_arn: str, status: str = "READY") -> dict:
    name = standard_arn.split("standards/", 1)[1]
    return {"StandardsSubscriptionArn": f"arn:aws:securityhub:us-east-1:{ACCOUNT}:subscription/{name}",
            "StandardsArn": standard_arn, "StandardsInput": {}, "StandardsStatus": status}


def enable(aws, *subscriptions: dict) -> None:
    aws.client("securityhub").enable_security_hub(EnableDefaultStandards=False)
    aws.simulation.put("securityhub", "GetEnabledStandards", {"StandardsSubscriptions": list(subscriptions)})


def test_enabled_hub_passes(aws, run_check):
    enable(aws)
    expect(run_check(HUB), ACCOUNT, Status.PASS)


def test_hub_off_in_a_region_fails(aws, run_check):
    enable(aws)
    findings = run_check(HUB, regions=("us-east-1", "us-west-2"))
    expect(findings, ACCOUNT, Status.PASS, region="us-east-1")
    expect(findings, ACCOUNT, Status.FAIL, region="us-west-2")


def test_hub_access_denied_is_error(aws, run_check):
    aws.simulation.fail("securityhub", "DescribeHub", "AccessDeniedException", status=403)
    expect(run_check(HUB), ACCOUNT, Status.ERROR)


def test_ready_foundational_standard_passes(aws, run_check):
    enable(aws, subscription(FSBP))
    finding = expect(run_check(STANDARDS), ACCOUNT, Status.PASS)
    assert finding.evidence["standards"] == ["aws-foundational-security-best-practices/v/1.0.0"]


def test_only_ai_standard_or_failed_standard_fails(aws, run_check):
    enable(aws, subscription(AI_ARN), subscription(FSBP, status="FAILED"))
    expect(run_check(STANDARDS), ACCOUNT, Status.FAIL)


def test_hub_off_fails_standards(aws, run_check):
    expect(run_check(STANDARDS), ACCOUNT, Status.FAIL)


def test_standards_access_denied_is_error(aws, run_check):
    enable(aws, subscription(FSBP))
    aws.simulation.fail("securityhub", "GetEnabledStandards", "AccessDeniedException", status=403)
    finding = expect(run_check(STANDARDS), ACCOUNT, Status.ERROR)
    assert "securityhub:GetEnabledStandards" in finding.message


def test_ai_standard_ready_passes(aws, run_check):
    enable(aws, subscription(FSBP), subscription(AI_ARN))
    expect(run_check(AI), ACCOUNT, Status.PASS)


def test_without_ai_standard_fails(aws, run_check):
    enable(aws, subscription(FSBP))
    finding = expect(run_check(AI), ACCOUNT, Status.FAIL)
    assert "not enabled" in finding.message


def test_ai_standard_pending_fails(aws, run_check):
    enable(aws, subscription(AI_ARN, status="PENDING"))
    expect(run_check(AI), ACCOUNT, Status.FAIL)


def test_ai_standard_access_denied_is_error(aws, run_check):
    enable(aws)
    aws.simulation.fail("securityhub", "GetEnabledStandards", "AccessDeniedException", status=403)
    expect(run_check(AI), ACCOUNT, Status.ERROR)
