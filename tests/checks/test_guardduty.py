import pytest

from posture.core.models import Status
from tests.conftest import only

ACCOUNT = "123456789012"
FEATURE_CHECKS = [
    ("guardduty.s3_protection_enabled", "S3_DATA_EVENTS"),
    ("guardduty.malware_protection_enabled", "EBS_MALWARE_PROTECTION"),
    ("guardduty.rds_protection_enabled", "RDS_LOGIN_EVENTS"),
    ("guardduty.eks_protection_enabled", "EKS_AUDIT_LOGS"),
    ("guardduty.lambda_protection_enabled", "LAMBDA_NETWORK_LOGS"),
]


def detector(aws, enable=True, features=(), disabled=None):
    """A detector with `features` on and the rest of FEATURE_CHECKS (or `disabled`) listed as off."""
    off = [f for _, f in FEATURE_CHECKS if f not in features] if disabled is None else list(disabled)
    return aws.client("guardduty").create_detector(
        Enable=enable, Features=[{"Name": f, "Status": "ENABLED"} for f in features]
        + [{"Name": f, "Status": "DISABLED"} for f in off])["DetectorId"]


def test_enabled_detector_passes(aws, run_check):
    detector(aws)
    finding = only(run_check("guardduty.detector_enabled"), ACCOUNT)
    assert finding.status is Status.PASS


def test_suspended_detector_fails(aws, run_check):
    detector(aws, enable=False)
    assert only(run_check("guardduty.detector_enabled"), ACCOUNT).status is Status.FAIL


def test_no_detector_fails(aws, run_check):
    assert only(run_check("guardduty.detector_enabled"), ACCOUNT).status is Status.FAIL


def test_detector_listing_denied_is_error(aws, run_check):
    aws.simulation.fail("guardduty", "ListDetectors", "AccessDeniedException", status=403)
    finding = only(run_check("guardduty.detector_enabled"), ACCOUNT)
    assert finding.status is Status.ERROR


@pytest.mark.parametrize(("check_id", "feature"), FEATURE_CHECKS)
def test_feature_enabled_passes(aws, run_check, check_id, feature):
    detector_id = detector(aws, features=[feature])
    assert only(run_check(check_id), detector_id).status is Status.PASS


@pytest.mark.parametrize(("check_id", "feature"), FEATURE_CHECKS)
def test_feature_off_fails(aws, run_check, check_id, feature):
    others = [f for _, f in FEATURE_CHECKS if f != feature]
    detector_id = detector(aws, features=others)
    finding = only(run_check(check_id), detector_id)
    assert finding.status is Status.FAIL
    assert finding.evidence[feature.lower()] == "DISABLED"


@pytest.mark.parametrize(("check_id", "feature"), FEATURE_CHECKS)
def test_feature_missing_from_the_answer_is_not_offered_not_disabled(aws, run_check, check_id, feature):
    """Regression (issue 9): a feature the region does not offer was reported DISABLED (a FAIL)."""
    others = [f for _, f in FEATURE_CHECKS if f != feature]
    detector_id = detector(aws, features=others, disabled=())
    finding = only(run_check(check_id), detector_id)
    assert finding.status is Status.ERROR
    assert "not offered in this region" in finding.message
    assert finding.evidence[feature.lower()] == "NOT_OFFERED"


@pytest.mark.parametrize(("check_id", "feature"), FEATURE_CHECKS)
def test_feature_on_suspended_detector_fails(aws, run_check, check_id, feature):
    detector_id = detector(aws, enable=False, features=[feature])
    assert only(run_check(check_id), detector_id).status is Status.FAIL


@pytest.mark.parametrize(("check_id", "feature"), FEATURE_CHECKS)
def test_no_detector_is_account_fail(aws, run_check, check_id, feature):
    assert only(run_check(check_id), ACCOUNT).status is Status.FAIL


@pytest.mark.parametrize(("check_id", "feature"), FEATURE_CHECKS)
def test_get_detector_denied_is_error(aws, run_check, check_id, feature):
    detector(aws, features=[feature])
    aws.simulation.fail("guardduty", "GetDetector", "AccessDeniedException", status=403)
    findings = run_check(check_id)
    assert [f.status for f in findings] == [Status.ERROR]
    assert "guardduty:GetDetector" in findings[0].message
