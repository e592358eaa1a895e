from posture.checks.backup import selects
from posture.core.models import Status
from tests.support.findings import expect

ACCOUNT = "123456789012"
CHECK = "backup.ai_bucket_in_backup_plan"
ROLE = "arn:aws:iam::123456789012:role/backup"


def ai_bucket(aws, name="acme-train", extra_tags=()):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=name)
    tags = [{"Key": "posture:ai-data", "Value": "training"}, *extra_tags]
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tags})


def plan_with_selection(aws, selection, region="us-east-1"):
    """A backup plan (moto) with one selection (simulated: moto lacks selections)."""
    backup = aws.client("backup", region)
    backup.create_backup_vault(BackupVaultName="ai-vault")
    plan_id = backup.create_backup_plan(BackupPlan={"BackupPlanName": "ai-daily", "Rules": [
        {"RuleName": "daily", "TargetBackupVaultName": "ai-vault"}]})["BackupPlanId"]
    aws.simulation.put("backup", "ListBackupSelections", {"BackupSelectionsList": [
        {"SelectionId": "sel-1", "SelectionName": selection["SelectionName"], "BackupPlanId": plan_id,
         "IamRoleArn": ROLE}]}, region=region, backupPlanId=plan_id)
    aws.simulation.put("backup", "GetBackupSelection", {"BackupSelection": selection, "BackupPlanId": plan_id,
                                                        "SelectionId": "sel-1"},
                       region=region, backupPlanId=plan_id, selectionId="sel-1")
    return plan_id


def test_bucket_selected_by_arn_passes(aws, run_check):
    ai_bucket(aws)
    plan_with_selection(aws, {"SelectionName": "ai", "IamRoleArn": ROLE, "Resources": ["arn:aws:s3:::acme-train"]})
    finding = expect(run_check(CHECK), "acme-train", Status.PASS)
    assert finding.evidence["backup_plans"] == ["ai-daily"]


def test_bucket_selected_by_tag_condition_passes(aws, run_check):
    ai_bucket(aws, extra_tags=[{"Key": "backup", "Value": "daily"}])
    plan_with_selection(aws, {"SelectionName": "tagged", "IamRoleArn": ROLE, "Resources": ["*"], "Conditions": {
        "StringEquals": [{"ConditionKey": "aws:ResourceTag/backup", "ConditionValue": "daily"}]}})
    expect(run_check(CHECK), "acme-train", Status.PASS)


def test_selection_of_other_resources_fails(aws, run_check):
    ai_bucket(aws)
    plan_with_selection(aws, {"SelectionName": "db", "IamRoleArn": ROLE,
                              "Resources": ["arn:aws:rds:us-east-1:123456789012:db:*"]})
    finding = expect(run_check(CHECK), "acme-train", Status.FAIL)
    assert finding.evidence["backup_plans"] == []


def test_excluded_bucket_fails(aws, run_check):
    ai_bucket(aws)
    plan_with_selection(aws, {"SelectionName": "all-but", "IamRoleArn": ROLE, "Resources": ["arn:aws:s3:::*"],
                              "NotResources": ["arn:aws:s3:::acme-train"]})
    expect(run_check(CHECK), "acme-train", Status.FAIL)


def test_no_backup_plan_fails(aws, run_check):
    ai_bucket(aws)
    expect(run_check(CHECK), "acme-train", Status.FAIL)


def test_backup_plans_denied_is_error(aws, run_check):
    ai_bucket(aws)
    aws.simulation.fail("backup", "ListBackupPlans", "AccessDeniedException", status=403)
    finding = expect(run_check(CHECK), "acme-train", Status.ERROR)
    assert "backup:ListBackupPlans" in finding.message


def test_locked_vault_passes(aws, run_check):
    backup = aws.client("backup")
    backup.create_backup_vault(BackupVaultName="ai-vault")
    backup.put_backup_vault_lock_configuration(BackupVaultName="ai-vault", MinRetentionDays=7)
    finding = expect(run_check("backup.vault_lock_enabled"), "ai-vault", Status.PASS)
    assert finding.evidence["min_retention_days"] == 7


def test_unlocked_vault_fails(aws, run_check):
    aws.client("backup").create_backup_vault(BackupVaultName="ai-vault")
    expect(run_check("backup.vault_lock_enabled"), "ai-vault", Status.FAIL)


def test_vault_listing_denied_is_error(aws, run_check):
    aws.client("backup").create_backup_vault(BackupVaultName="ai-vault")
    aws.simulation.fail("backup", "ListBackupVaults", "AccessDeniedException", status=403)
    expect(run_check("backup.vault_lock_enabled"), ACCOUNT, Status.ERROR)


def test_selection_logic():
    arn = "arn:aws:s3:::acme-train"
    assert selects({"ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup",
                                    "ConditionValue": "yes"}]}, arn, {"backup": "yes"})
    assert not selects({"ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup",
                                        "ConditionValue": "yes"}]}, arn, {})
    assert selects({"Resources": ["arn:aws:s3:::acme-*"], "Conditions": {"StringLike": [
        {"ConditionKey": "aws:ResourceTag/env", "ConditionValue": "prod*"}]}}, arn, {"env": "prod-1"})
    assert not selects({"Resources": ["arn:aws:s3:::acme-*"], "Conditions": {"StringNotEquals": [
        {"ConditionKey": "aws:ResourceTag/env", "ConditionValue": "dev"}]}}, arn, {"env": "dev"})
