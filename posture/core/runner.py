"""Scan: accounts × regions × selected checks, in three steps a reader can follow in order.

1. Plan (`posture.core.plan`): select the checks, check the region names, then, with the
   credentials identified, name the target accounts. No request is sent while deciding; the
   requests of this step are explicit calls below (`identify`, `target_accounts`).
2. Execute (`posture.core.execute`): open each account (role assumed, regions listed) a step ahead
   of one bounded worker pool, plan its (check, account, region) units, and run every unit
   isolated: an exception that escapes a check is an ERROR finding with its reason and its cause.
3. Settle (`posture.core.settle`): when an account's last unit is done, a region closed by policy
   becomes one "not assessed" finding per service, in place of the ERRORs that only repeat it,
   decided by the structured attributes of the errors (`AwsReadError.denied`, `.explicit_deny`),
   never by the words of a message. The findings of the scan become a `ScanResult`.

`scan` is the whole of it; the CLI and the demo call it. `run_unit` is looked up here when a scan
starts, so a test or the benchmark may wrap it (`monkeypatch.setattr(runner, "run_unit", ...)`).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import boto3

from posture.aws.accounts import AccountSessions, identify, target_accounts
from posture.aws.context import CallLog, client_config
from posture.aws.regions import home_region
from posture.core.config import ScanConfig
from posture.core.errors import ScanError
from posture.core.execute import Execution, Progress, ProgressInfo, UnitResult, run_unit
from posture.core.models import Status
from posture.core.plan import (
    ContextMaker,
    Unit,
    check_region_names,
    fixed_regions,
    plan,
    scan_session,
    select,
)
from posture.core.registry import Registry
from posture.core.settle import NOT_ASSESSED_ID, ScanResult
from posture.core.shard import Shard

__all__ = ["NOT_ASSESSED_ID", "Progress", "ProgressInfo", "ScanResult", "Unit", "UnitResult", "plan", "run_unit",
           "scan", "scan_session"]


def scan(
    config: ScanConfig,
    registry: Registry,
    *,
    session: boto3.Session | None = None,
    progress: Progress | None = None,
) -> ScanResult:
    """Scan the configured accounts and regions with the selected checks."""
    started = datetime.now(UTC)
    # Plan: what to run, and where, before any request.
    selection = select(config, registry)
    session = session or scan_session(config)
    check_region_names(session, config.regions)
    # Open the scan: who the caller is (the first request), the accounts and regions it covers.
    call_log = CallLog()
    aws_config = client_config(config.max_attempts)
    caller = identify(session, call_log, aws_config)
    contexts = ContextMaker(caller.partition, call_log, aws_config)
    targets = target_accounts(config.accounts, config.org, config.role_name, caller,
                              contexts.make(session, caller.account_id, home_region(caller.partition)))
    regions = fixed_regions(config.regions, session, caller.partition)
    sessions = AccountSessions(
        session, caller, contexts.make(session, caller.account_id, caller.region),
        role_name=config.role_name, external_id=config.external_id, role_session_name=config.role_session_name,
    )
    # Execute every account's units on the pool; each account is settled as its last unit ends.
    shard = Shard(config.shard_index, config.shard_count)
    run = Execution(config, selection.checks, selection.collectors, session=session, caller=caller,
                    contexts=contexts, shard=shard, progress=progress, run_unit=run_unit)
    run.run(targets, regions, sessions)
    if targets == [caller.account_id] and caller.account_id in run.failed:
        # Only the caller's own account, and it cannot be read: the scan could not run at all.
        raise ScanError(f"cannot scan the account: {run.failed[caller.account_id]}; name regions with --region")
    findings = sorted(run.findings, key=lambda f: (f.check_id, f.account_id, f.region, f.resource_id))
    return ScanResult(
        scan_id=str(uuid.uuid4()),
        started_at=started,
        finished_at=datetime.now(UTC),
        partition=caller.partition,
        accounts=targets,
        regions=sorted(set(regions or ()) | run.regions_seen),
        checks=selection.checks,
        findings=findings,
        api_calls=call_log.total,
        units_run=run.units_run,
        units_skipped=run.units_skipped,
        not_offered=sorted(run.not_offered),
        warnings=list(registry.warnings),
        accounts_failed=dict(sorted(run.failed.items())),
        shard=shard.label,
        assets=run.assets,
        inventory_errors=run.inventory_errors,
        areas=sorted(run.areas),
        units_not_run=sorted({(f.account_id, f.region, f.check_id) for f in findings if f.status is Status.ERROR}),
    )
