"""Amazon Inspector reads: the scanning account's status in the region."""

from __future__ import annotations

from typing import Any

from posture.api import CheckContext, Service

INSPECTOR2 = Service("inspector2")
BATCH_GET_ACCOUNT_STATUS = INSPECTOR2.read("BatchGetAccountStatus", path="accounts", default=[])  # with accountIds


def account_status(ctx: CheckContext) -> dict[str, Any]:
    """The scanning account's Inspector status in the region; an account not listed was never enabled."""
    for account in BATCH_GET_ACCOUNT_STATUS(ctx, accountIds=[ctx.account_id]):
        if account.get("accountId") == ctx.account_id:
            return dict(account)
    return {}
