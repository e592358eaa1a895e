import pytest

from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"
CHECKS = {
    "inspector2.ec2_scanning_enabled": ("ec2",),
    "inspector2.ecr_scanning_enabled": ("ecr",),
    "inspector2.lambda_scanning_enabled": ("lambda", "lambdaCode"),
}


def status(enabled: tuple[str, ...]) -> dict:
    state = {t: {"status": "ENABLED" if t in enabled else "DISABLED"} for t in ("ec2", "ecr", "lambda", "lambdaCode")}
    return {"accounts": [{"accountId": ACCOUNT, "state": {"status": "ENABLED" if enabled else "DISABLED"},
                          "resourceState": state}], "failedAccounts": []}


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_enabled_scanning_passes(aws, run_check, check_id):
    aws.simulation.put("inspector2", "BatchGetAccountStatus", status(CHECKS[check_id]))
    expect(run_check(check_id), ACCOUNT, Status.PASS)


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_other_scanning_only_fails(aws, run_check, check_id):
    others = tuple(t for t in ("ec2", "ecr", "lambda", "lambdaCode") if t not in CHECKS[check_id])
    aws.simulation.put("inspector2", "BatchGetAccountStatus", status(others))
    expect(run_check(check_id), ACCOUNT, Status.FAIL)


def test_lambda_code_scanning_is_required(aws, run_check):
    aws.simulation.put("inspector2", "BatchGetAccountStatus", status(("lambda",)))
    finding = expect(run_check("inspector2.lambda_scanning_enabled"), ACCOUNT, Status.FAIL)
    assert "Lambda code" in finding.message


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_never_enabled_account_fails(aws, run_check, check_id):
    # The default answer of a fresh account: listed as DISABLED.
    expect(run_check(check_id), ACCOUNT, Status.FAIL)


def test_account_missing_from_answer_is_disabled(aws, run_check):
    aws.simulation.put("inspector2", "BatchGetAccountStatus", {"accounts": [], "failedAccounts": []})
    expect(run_check("inspector2.ecr_scanning_enabled"), ACCOUNT, Status.FAIL)


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_access_denied_is_error(aws, run_check, check_id):
    aws.simulation.fail("inspector2", "BatchGetAccountStatus", "AccessDeniedException", status=403)
    finding = expect(run_check(check_id), ACCOUNT, Status.ERROR)
    assert "inspector2:BatchGetAccountStatus" in finding.message
