"""AWS Backup: recoverable copies of the data an LLM application is built from."""

from __future__ import annotations

from collections.abc import Callable
from fnmatch import fnmatchcase
from typing import Any

from posture.api import CheckContext, EvidenceValue, Family
from posture.checks import _scope
from posture.checks._read import backup, s3

check = Family(
    service="backup",
    scope="global",
    resource_type="AwsS3Bucket",
    boundaries=["data"],
    service_docs="https://docs.aws.amazon.com/aws-backup/latest/devguide/security-considerations.html",
    maps=["PR.DS-11", "RC.RP-03", "LLM03", "LLM04:2025", "AML.T0029", "AML.T0101", "MANAGE 2.3", "MEASURE 2.7"],
)

TAG_KEY_PREFIX = "aws:resourcetag/"
# Backup selection condition operators over a resource tag's value (None: the tag is absent).
CONDITION_TESTS: dict[str, Callable[[str | None, str], bool]] = {
    "StringEquals": lambda value, want: value == want,
    "StringNotEquals": lambda value, want: value != want,
    "StringLike": lambda value, want: value is not None and fnmatchcase(value, want),
    "StringNotLike": lambda value, want: value is None or not fnmatchcase(value, want),
}


def _tag_value(tags: dict[str, str], key: str) -> str | None:
    key = key[len(TAG_KEY_PREFIX):] if key.lower().startswith(TAG_KEY_PREFIX) else key
    return tags.get(key)


def selects(selection: dict[str, Any], arn: str, tags: dict[str, str]) -> bool:
    """Whether a backup selection picks the resource (ARN patterns or tags, then conditions, then exclusions)."""
    by_arn = any(fnmatchcase(arn, pattern) for pattern in selection.get("Resources") or [])
    by_tag = any(
        c.get("ConditionType", "STRINGEQUALS") == "STRINGEQUALS"
        and _tag_value(tags, str(c.get("ConditionKey", ""))) == c.get("ConditionValue")
        for c in selection.get("ListOfTags") or []
    )
    if not (by_arn or by_tag) or any(fnmatchcase(arn, p) for p in selection.get("NotResources") or []):
        return False
    conditions = selection.get("Conditions") or {}
    for operator, test in CONDITION_TESTS.items():
        for condition in conditions.get(operator) or []:
            value = _tag_value(tags, str(condition.get("ConditionKey", "")))
            if not test(value, str(condition.get("ConditionValue", ""))):
                return False
    return True


def covering_plans(plans: list[tuple[dict[str, Any], list[dict[str, Any]]]], arn: str,
                   tags: dict[str, str]) -> list[str]:
    """Names of the backup plans (each with its selections) with a selection that picks the resource."""
    return [str(plan.get("BackupPlanName") or plan["BackupPlanId"]) for plan, chosen in plans
            if any(selects(s, arn, tags) for s in chosen)]


@check(
    id="backup.ai_bucket_in_backup_plan",
    title="AI data buckets are in an AWS Backup plan",
    description="Every bucket that holds training data, RAG sources, model artifacts or invocation logs is "
    "selected (by ARN or by tag) by a backup plan in its region.",
    rationale=(
        "Versioning does not survive a deleted bucket, a compromised account or a poisoned dataset that went "
        "unnoticed for months. Backups in a separate vault let a team restore known-good training data and "
        "RAG sources."
    ),
    remediation="Add the bucket to a backup plan: `aws backup create-backup-selection --backup-plan-id <id> "
    "--backup-selection '{\"SelectionName\":\"ai-data\",\"IamRoleArn\":\"<role>\",\"Resources\":"
    "[\"arn:aws:s3:::<bucket>\"]}'` (S3 backups need versioning on).",
    severity="medium",
    maps=["LLM08:2025", "AML.T0020", "AML.T0059", "A.7.2", "Art. 15"],
    reads=[_scope.AI_BUCKET_READS, backup.PLAN, backup.SELECTION],
)
def ai_bucket_in_backup_plan(ctx: CheckContext) -> None:
    for bucket in _scope.judged(ctx, _scope.ai_buckets(ctx, s3.bucket_tags)):
        region = s3.bucket_region(ctx, bucket.name)
        with ctx.resource(bucket.name, arn=bucket.arn, region=region):
            if region not in ctx.regions or not ctx.offers("backup", region):
                ctx.skip()  # backup plans protect resources of their own region, and that one is not scanned
                continue
            tags = s3.bucket_tags(ctx, bucket.name)
            plans = covering_plans(backup.plan_selections(ctx.in_region(region)), bucket.arn, tags)
            evidence: dict[str, EvidenceValue] = {"backup_plans": plans, "ai_data_because": bucket.why}
            if plans:
                ctx.passed(f"backed up by {', '.join(plans)}", evidence)
            else:
                ctx.failed(f"no backup plan in {region} selects the bucket", evidence)


@check(
    id="backup.vault_lock_enabled",
    title="Backup vaults are locked",
    description="Every AWS Backup vault in the region has Vault Lock, so recovery points cannot be deleted "
    "before their retention ends.",
    rationale=(
        "An attacker or ransomware that reaches the backups of training data and model artifacts deletes "
        "them first. A locked vault keeps the copies a team needs to recover from poisoning or destruction."
    ),
    remediation="`aws backup put-backup-vault-lock-configuration --backup-vault-name <name> "
    "--min-retention-days <days>` (add --changeable-for-days to enter compliance mode).",
    scope="regional",
    resource_type="AwsBackupBackupVault",
    severity="medium",
    maps=["A.6.2.6"],
    reads=[backup.LIST_VAULTS],
)
def vault_lock_enabled(ctx: CheckContext) -> None:
    for vault in backup.vaults(ctx):
        with ctx.resource(vault["BackupVaultName"], arn=vault.get("BackupVaultArn")):
            evidence = {"min_retention_days": vault.get("MinRetentionDays"),
                        "max_retention_days": vault.get("MaxRetentionDays")}
            if vault.get("Locked"):
                ctx.passed("Vault Lock is on", evidence)
            else:
                ctx.failed("the vault is not locked", evidence)
