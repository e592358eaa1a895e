"""AWS Backup reads: the region's backup plans with their resource selections, and its backup vaults."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Kind, Service

BACKUP = Service("backup")
LIST_PLANS = BACKUP.read("ListBackupPlans", path="BackupPlansList", paginate=True)
LIST_SELECTIONS = BACKUP.read("ListBackupSelections", path="BackupSelectionsList", param="BackupPlanId",
                              paginate=True)
GET_SELECTION = BACKUP.read("GetBackupSelection", path="BackupSelection", default={})
PLAN = Kind("backup plan", list=LIST_PLANS, id="BackupPlanId", details=(LIST_SELECTIONS,))
# A selection is named by its plan and its own id (GetBackupSelection takes both).
SELECTION = Kind("backup selection", list=LIST_SELECTIONS, id="SelectionId", details=(GET_SELECTION,))
LIST_VAULTS = BACKUP.read("ListBackupVaults", path="BackupVaultList", paginate=True)
VAULT = Kind("backup vault", list=LIST_VAULTS, id="BackupVaultName", arn="BackupVaultArn")


def backup_plans(ctx: CheckContext) -> list[dict[str, Any]]:
    return PLAN.all(ctx)


def selections(ctx: CheckContext, plan_id: str) -> list[dict[str, Any]]:
    """The resource selections of a backup plan, in full (read side by side)."""
    ids = [s["SelectionId"] for s in LIST_SELECTIONS(ctx, plan_id)]
    return ctx.fan_out(lambda i: dict(GET_SELECTION(ctx, BackupPlanId=plan_id, SelectionId=i)), ids)


def plan_selections(ctx: CheckContext) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(plan, its selections in full) for each backup plan of the region; the plans are read side by side."""
    plans = backup_plans(ctx)
    return list(zip(plans, ctx.fan_out(lambda plan: selections(ctx, plan["BackupPlanId"]), plans), strict=True))


def vaults(ctx: CheckContext) -> list[dict[str, Any]]:
    return VAULT.all(ctx)
