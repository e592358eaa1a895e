from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"
SESSION = {"status": "ENABLED", "findingPublishingFrequency": "FIFTEEN_MINUTES",
           "serviceRole": f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/macie.amazonaws.com/x",
           "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"}


def test_enabled_passes(aws, run_check):
    aws.simulation.put("macie2", "GetMacieSession", SESSION, region="us-east-1")
    expect(run_check("macie.enabled"), ACCOUNT, Status.PASS)


def test_never_enabled_fails(aws, run_check):
    finding = expect(run_check("macie.enabled"), ACCOUNT, Status.FAIL)
    assert "not enabled" in finding.message


def test_macie_not_enabled_answer_fails(aws, run_check):
    # What AWS answers where Macie is off: a denial whose message says so.
    aws.simulation.fail("macie2", "GetMacieSession", "AccessDeniedException", "Macie is not enabled.", status=403)
    expect(run_check("macie.enabled"), ACCOUNT, Status.FAIL)


def test_paused_fails(aws, run_check):
    aws.simulation.put("macie2", "GetMacieSession", {**SESSION, "status": "PAUSED"})
    expect(run_check("macie.enabled"), ACCOUNT, Status.FAIL)


def test_access_denied_is_error(aws, run_check):
    aws.simulation.fail("macie2", "GetMacieSession", "AccessDeniedException",
                        "User is not authorized to perform: macie2:GetMacieSession", status=403)
    finding = expect(run_check("macie.enabled"), ACCOUNT, Status.ERROR)
    assert "macie2:GetMacieSession" in finding.message


def test_automated_discovery_enabled_passes(aws, run_check):
    aws.simulation.put("macie2", "GetMacieSession", SESSION)
    aws.simulation.put("macie2", "GetAutomatedDiscoveryConfiguration", {"status": "ENABLED"})
    expect(run_check("macie.automated_discovery_enabled"), ACCOUNT, Status.PASS)


def test_automated_discovery_disabled_fails(aws, run_check):
    aws.simulation.put("macie2", "GetMacieSession", SESSION)
    finding = expect(run_check("macie.automated_discovery_enabled"), ACCOUNT, Status.FAIL)
    assert finding.evidence["status"] == "DISABLED"


def test_automated_discovery_without_macie_fails(aws, run_check):
    aws.simulation.put("macie2", "GetAutomatedDiscoveryConfiguration", {"status": "ENABLED"})
    expect(run_check("macie.automated_discovery_enabled"), ACCOUNT, Status.FAIL)


def test_automated_discovery_denied_is_error(aws, run_check):
    aws.simulation.put("macie2", "GetMacieSession", SESSION)
    aws.simulation.fail("macie2", "GetAutomatedDiscoveryConfiguration", "AccessDeniedException", status=403)
    expect(run_check("macie.automated_discovery_enabled"), ACCOUNT, Status.ERROR)
