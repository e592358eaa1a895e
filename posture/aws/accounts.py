"""Which accounts a scan covers, and the credentials it reads each one with.

The caller is identified (`identify`, STS GetCallerIdentity) and each account's regions listed
(`enabled_regions`) by explicit calls of the runner, never when an object is made.

Targets come from `--account ID` (repeatable) and/or `--org` (Organizations
ListAccounts, ACTIVE accounts only); with neither, the scan covers the account of
the current credentials. Every other account is read through a role assumed with
STS: `arn:<partition>:iam::<account>:role/<--role-name>`, partition-aware, with
`--external-id` and `--role-session-name` passed through. The caller's own account
is read with the caller's credentials (organisation-wide roles are often not
deployed to the management account).

Assumed-role credentials refresh themselves before they expire, so a long scan
never reads with stale credentials. Every session shares the process's botocore
loader (`posture.aws.sessions`): service models are parsed once, not once per account.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.credentials import RefreshableCredentials
from botocore.exceptions import BotoCoreError, ClientError

from posture.aws.context import AwsContext, CallLog
from posture.aws.errors import AwsReadError, explain_error
from posture.aws.sessions import session_with
from posture.core.errors import ScanError, UsageError

ACCOUNT_ID = re.compile(r"^\d{12}$")
ROLE_SESSION_SECONDS = 3600


@dataclass(frozen=True)
class Caller:
    """Who is running the scan: the account, partition and first region of its credentials."""

    account_id: str
    partition: str
    region: str


def role_arn(partition: str, account_id: str, role_name: str) -> str:
    """The role to assume in `account_id`; `role_name` may carry a path (`audit/Posture`)."""
    return f"arn:{partition}:iam::{account_id}:role/{role_name.strip('/')}"


def org_accounts(context: AwsContext) -> list[str]:
    """The organisation's ACTIVE accounts (suspended and closing ones cannot be read)."""
    try:
        answer = context.paginate("organizations", "list_accounts")
    except AwsReadError as exc:
        raise ScanError(f"cannot list the organisation's accounts ({exc.reason})") from None
    # `State` replaces the deprecated `Status`; accept whichever the API answers.
    return sorted(a["Id"] for a in answer.get("Accounts", []) if (a.get("State") or a.get("Status")) == "ACTIVE")


def target_accounts(
    accounts: tuple[str, ...], org: bool, role_name: str | None, caller: Caller, context: AwsContext
) -> list[str]:
    """The sorted account ids to scan (the caller's own when none was named)."""
    bad = [a for a in accounts if not ACCOUNT_ID.match(a)]
    if bad:
        raise UsageError(f"account id {bad[0]!r} is not 12 digits")
    found = set(accounts)
    if org:
        found |= set(org_accounts(context))
    targets = sorted(found) or [caller.account_id]
    others = [a for a in targets if a != caller.account_id]
    if others and not role_name:
        raise UsageError(f"scanning account {others[0]} needs --role-name (the role to assume in it)")
    return targets


def identify(session: boto3.Session, call_log: CallLog, config: Config) -> Caller:
    """Who the credentials in use are (STS GetCallerIdentity): the scan's first request."""
    region = session.region_name or "us-east-1"
    probe = AwsContext(session, account_id="-", partition="aws", region=region, call_log=call_log, config=config)
    try:
        arn = probe.call("sts", "get_caller_identity")["Arn"]
    except AwsReadError as exc:
        raise ScanError(f"cannot identify the AWS account: {exc.reason}") from None
    except (BotoCoreError, ClientError) as exc:
        reason = explain_error("sts:GetCallerIdentity", exc).reason
        raise ScanError(f"cannot identify the AWS account: {reason}") from None
    _, partition, _, _, account_id, _ = arn.split(":", 5)
    return Caller(account_id, partition, region)


def enabled_regions(context: AwsContext) -> list[str]:
    """The regions enabled for the context's account; raises AwsReadError."""
    answer = context.call("ec2", "describe_regions", AllRegions=False)
    return sorted(r["RegionName"] for r in answer.get("Regions", []))


class AccountSessions:
    """Opens a session per target account; the STS calls are counted like every other read."""

    def __init__(
        self,
        base: boto3.Session,
        caller: Caller,
        sts_context: AwsContext,
        *,
        role_name: str | None,
        external_id: str | None,
        role_session_name: str,
    ) -> None:
        self.base = base
        self.caller = caller
        self._sts_context = sts_context
        self._role_name = role_name
        self._external_id = external_id
        self._session_name = role_session_name

    def open(self, account_id: str) -> boto3.Session:
        """The session for `account_id`; raises AwsReadError when its role cannot be assumed."""
        if account_id == self.caller.account_id:
            return self.base
        assert self._role_name is not None  # target_accounts() insists on it
        arn = role_arn(self.caller.partition, account_id, self._role_name)

        def fetch() -> dict[str, str]:
            return self._assume(arn)

        credentials = RefreshableCredentials.create_from_metadata(
            metadata=fetch(), refresh_using=fetch, method="sts-assume-role"
        )
        return session_with(credentials, self.caller.region)

    def _assume(self, arn: str) -> dict[str, str]:
        params: dict[str, Any] = {
            "RoleArn": arn, "RoleSessionName": self._session_name, "DurationSeconds": ROLE_SESSION_SECONDS,
        }
        if self._external_id:
            params["ExternalId"] = self._external_id
        # Not memoised like other reads: a refresh must fetch new credentials.
        sts = self._sts_context.client("sts")
        try:
            answer = sts.assume_role(**params)["Credentials"]
        except Exception as exc:
            error = explain_error("sts:AssumeRole", exc)
            raise error.reworded(f"cannot assume {arn}: {error.reason}") from exc
        return {
            "access_key": answer["AccessKeyId"],
            "secret_key": answer["SecretAccessKey"],
            "token": answer["SessionToken"],
            "expiry_time": answer["Expiration"].isoformat(),
        }
