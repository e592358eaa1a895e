from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"
CHECK = "account.security_contact_configured"


def test_security_contact_passes(aws, run_check):
    aws.client("account").put_alternate_contact(AlternateContactType="SECURITY", Name="Acme SecOps",
                                                EmailAddress="secops@acme.example", PhoneNumber="+15555550100",
                                                Title="Security operations")
    finding = expect(run_check(CHECK), ACCOUNT, Status.PASS)
    assert "secops@acme.example" not in str(finding.evidence)


def test_only_billing_contact_fails(aws, run_check):
    aws.client("account").put_alternate_contact(AlternateContactType="BILLING", Name="Acme Finance",
                                                EmailAddress="ap@acme.example", PhoneNumber="+15555550101",
                                                Title="Accounts payable")
    expect(run_check(CHECK), ACCOUNT, Status.FAIL)


def test_access_denied_is_error(aws, run_check):
    aws.simulation.fail("account", "GetAlternateContact", "AccessDeniedException", status=403)
    finding = expect(run_check(CHECK), ACCOUNT, Status.ERROR)
    assert "account:GetAlternateContact" in finding.message
