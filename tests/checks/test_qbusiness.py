import pytest

from posture.checks import qbusiness
from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"
NOW = "2026-11-01T00:00:00Z"
CHECK = "qbusiness.application_not_anonymous"
APP_ID = "a1b2c3d4-0000-4000-8000-00000000beef"  # 36 characters, as Q Business ids are


def application(aws, **detail) -> str:
    """A Q Business application (moto has no Q Business: list and get are simulated)."""
    aws.simulation.put("qbusiness", "ListApplications", {"applications": [
        {"displayName": "helpdesk", "applicationId": APP_ID, "createdAt": NOW, "updatedAt": NOW, "status": "ACTIVE",
         **({"identityType": detail["identityType"]} if "identityType" in detail else {})}]})
    aws.simulation.put("qbusiness", "GetApplication", {
        "displayName": "helpdesk", "applicationId": APP_ID, "status": "ACTIVE", "createdAt": NOW, "updatedAt": NOW,
        "applicationArn": f"arn:aws:qbusiness:us-east-1:{ACCOUNT}:application/{APP_ID}", **detail},
        applicationId=APP_ID)
    return APP_ID


def test_anonymous_application_fails(aws, run_check):
    app = application(aws, identityType="ANONYMOUS")
    finding = expect(run_check(CHECK), app, Status.FAIL)
    assert finding.evidence["identity_type"] == "ANONYMOUS"


def test_identity_center_application_passes(aws, run_check):
    app = application(aws, identityType="AWS_IAM_IDC", identityCenterApplicationArn=(
        "arn:aws:sso::123456789012:application/ssoins-1234567890abcdef/apl-1234567890abcdef"))
    expect(run_check(CHECK), app, Status.PASS)


def test_application_read_denied_is_error(aws, run_check):
    app = application(aws, identityType="AWS_IAM_IDC")
    aws.simulation.fail("qbusiness", "GetApplication", "AccessDeniedException", status=403)
    expect(run_check(CHECK), app, Status.ERROR)


def test_no_application_gives_nothing(aws, run_check):
    assert run_check(CHECK) == []


@pytest.mark.parametrize("detail, verdict", [
    ({"identityType": "ANONYMOUS"}, "FAIL"),
    ({"identityType": "AWS_IAM_IDP_SAML", "iamIdentityProviderArn": "arn:aws:iam::1:saml-provider/okta"}, "PASS"),
    ({"identityType": "AWS_IAM_IDP_OIDC"}, "PASS"),
    ({"identityType": "AWS_QUICKSIGHT_IDP"}, "PASS"),
    ({"identityCenterApplicationArn": "arn:aws:sso::1:application/ssoins-1/apl-1"}, "PASS"),  # before identityType
    ({}, "ERROR"),
    ({"identityType": "SOMETHING_NEW"}, "ERROR"),
])
def test_judge_identity(detail, verdict):
    assert qbusiness.judge_identity(detail)[0] == verdict
