"""Execute a plan: every unit on one bounded worker pool, each check isolated.

Execution is the engine's middle step (after `posture.core.plan`, before `posture.core.settle`).

Every unit gets its own `CheckContext` over the shared per-(account, region) `AwsContext`, so reads
are shared and verdicts are not (`run_unit`). An exception that escapes a check becomes an ERROR
finding with the reason, and the exception is kept beside it as the finding's cause, for settling;
it never stops the scan.

Accounts stream through the pool (`Execution.run`): an account is opened (role assumed, regions
listed) one step ahead of the pool on a thread of its own (`opened_ahead`), its units are fed in
as workers free up, and when its last unit is done it is settled (`settle_account`) and nothing of
it is kept but its findings. Memory so follows the few accounts in flight, not the organisation.
An account that cannot be opened gives an ERROR finding per selected check, with the reason, and
the scan goes on with the next.

`Execution()` only sets up state: requests are sent by `run`, never by the constructor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import boto3

from posture.aws.accounts import AccountSessions, Caller
from posture.aws.context import AwsContext
from posture.core.config import ScanConfig
from posture.core.context import CheckContext, Resource, ScanArea, error_reason, make_finding
from posture.core.models import GLOBAL_REGION, Asset, Finding, Scope, Status
from posture.core.plan import ContextMaker, OpenedAccount, Unit, accounts_to_open, areas, open_account, plan
from posture.core.registry import Check, Collector
from posture.core.settle import AccountOutcome, InventoryGap, account_errors, settle_account
from posture.core.shard import Shard

Progress = Callable[["ProgressInfo"], None]
LOOKAHEAD = 2  # accounts opened ahead of the pool, so workers never wait for an AssumeRole


@dataclass(frozen=True)
class ProgressInfo:
    """Where a scan stands, for a progress line."""

    units_done: int
    units_total: int
    accounts_done: int
    accounts_total: int
    regions: int
    api_calls: int
    errors: int


@dataclass
class UnitResult:
    """What one unit returned: its findings (and the exception behind each ERROR it could not
    judge, by finding id), or an inventory collector's assets, or why they could not be listed."""

    findings: list[Finding] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    inventory_error: str | None = None
    causes: dict[str, BaseException] = field(default_factory=dict)
    inventory_cause: BaseException | None = None


UnitRunner = Callable[[Unit, AwsContext, ScanArea], UnitResult]


def run_unit(unit: Unit, aws: AwsContext, area: ScanArea) -> UnitResult:
    """Run one check (or collector) in one region; whatever escapes it is an ERROR with its cause."""
    ctx = CheckContext(unit.check.meta, aws, area)
    if isinstance(unit.check, Collector):
        try:
            return UnitResult(assets=list(unit.check.run(ctx)))
        except Exception as exc:  # an inventory that could not be read is said, never a silent gap
            return UnitResult(inventory_error=f"{unit.check.meta.id} in {aws.account_id}/{aws.region}: "
                                              f"{error_reason(exc)}", inventory_cause=exc)
    try:
        unit.check.run(ctx)
    except Exception as exc:
        region = aws.region if unit.check.meta.scope is Scope.REGIONAL else GLOBAL_REGION
        account = Resource(aws.account_id, f"arn:{aws.partition}:iam::{aws.account_id}:root", region, "AwsAccount")
        finding = make_finding(unit.check.meta, aws, account, Status.ERROR, error_reason(exc), {})
        ctx.findings.append(finding)
        ctx.causes[finding.id] = exc
    return UnitResult(findings=ctx.findings, causes=ctx.causes)


def opened_ahead(account_ids: Iterable[str], open_one: Callable[[str], OpenedAccount]) -> Iterator[OpenedAccount]:
    """Opened accounts in order, each opened while the pool still works on the ones before."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="posture-open") as opener:
        ahead: list[Future[OpenedAccount]] = []
        for account_id in account_ids:
            ahead.append(opener.submit(open_one, account_id))
            if len(ahead) > LOOKAHEAD:
                yield ahead.pop(0).result()
        for future in ahead:
            yield future.result()


@dataclass
class _InFlight:
    """An account whose units are in the pool: what they returned so far, and how many are left."""

    outcome: AccountOutcome
    pending: int = 0
    fed: bool = False  # every unit of the account has been submitted


class Execution:
    """The running part of one scan: what it has found so far and the accounts still in flight.

    `run_unit` runs each unit; the runner passes its own (tests and the benchmark wrap it there).
    """

    def __init__(self, config: ScanConfig, checks: list[Check], collectors: list[Collector], *,
                 session: boto3.Session, caller: Caller, contexts: ContextMaker, shard: Shard,
                 progress: Progress | None = None, run_unit: UnitRunner = run_unit) -> None:
        self.config = config
        self.checks = checks
        self.collectors = collectors
        self.session = session
        self.caller = caller
        self.contexts = contexts
        self.shard = shard
        self.progress = progress
        self.run_unit = run_unit
        self.service_of = {c.meta.id: c.meta.service for c in checks}
        # What the scan found: settled findings, assets, and what could not be read.
        self.findings: list[Finding] = []
        self.assets: list[Asset] = []
        self.inventory_errors: list[str] = []
        self.failed: dict[str, str] = {}  # account id -> why it could not be opened
        # What it covered: regions, (account, region) areas, (account, region, service) not offered.
        self.regions_seen: set[str] = set()
        self.areas: set[tuple[str, str]] = set()
        self.not_offered: set[tuple[str, str, str]] = set()
        self.units_run = self.units_skipped = self.units_done = 0
        self.accounts_total = self.accounts_done = self.errors = 0
        self._in_flight: dict[str, _InFlight] = {}
        self._unit_of: dict[Future[UnitResult], Unit] = {}
        # A check's per-resource reads fan out here (CheckContext.fan_out), apart from the units' pool,
        # so a unit waiting on its reads never waits for a place its own reads need.
        self.read_pool: ThreadPoolExecutor | None = None

    def run(self, targets: list[str], regions: list[str] | None, sessions: AccountSessions) -> None:
        """Open every target account, run its units on the pool, settle it when its last unit is done."""
        limit = self.config.workers * 2  # queued units: enough to keep workers busy, no more
        self.accounts_total = len(targets)

        def open_one(account_id: str) -> OpenedAccount:
            return open_account(sessions, self.contexts, account_id, regions)

        pool = ThreadPoolExecutor(max_workers=self.config.workers, thread_name_prefix="posture")
        self.read_pool = ThreadPoolExecutor(max_workers=self.config.workers, thread_name_prefix="posture-read")
        try:
            pending: set[Future[UnitResult]] = set()
            for account in opened_ahead(accounts_to_open(targets, regions, self.shard), open_one):
                for unit, aws, area in self._units_of(account):
                    while len(pending) >= limit:
                        pending = self._collect(pending)
                    future = pool.submit(self.run_unit, unit, aws, area)
                    self._unit_of[future] = unit
                    self._in_flight[unit.account_id].pending += 1
                    pending.add(future)
                    self.units_run += 1
                fed = self._in_flight.get(account.account_id)
                if fed is not None:
                    fed.fed = True
                    self._settle_if_done(account.account_id)
                else:  # nothing of it to run (unreadable, or no unit in this shard)
                    self.accounts_done += 1
            while pending:
                pending = self._collect(pending)
        except BaseException:
            # Interrupted (Ctrl-C, SIGTERM): drop the queued units instead of running them all first.
            pool.shutdown(wait=False, cancel_futures=True)
            self.read_pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        self.read_pool.shutdown(wait=True)

    def _units_of(self, account: OpenedAccount) -> Iterator[tuple[Unit, AwsContext, ScanArea]]:
        """The planned units of an opened account, each with the context and area it runs in."""
        if account.error is not None or account.session is None:
            if self.shard.owns(account.account_id, GLOBAL_REGION):
                self.failed[account.account_id] = account.error or "unknown"
                anchor = self.contexts.make(self.session, account.account_id, self.caller.region)
                self.findings.extend(account_errors(self.checks, anchor, account.error or "unknown"))
            return
        self.regions_seen.update(account.regions)
        self.areas |= areas(account.account_id, self.caller.partition, account.regions, self.shard)
        runnable: list[Check | Collector] = [*self.checks, *self.collectors]
        units, skipped = plan(runnable, account.session, account.account_id,
                              self.caller.partition, account.regions, self.shard)
        self.units_skipped += len(skipped)
        self.not_offered.update((account.account_id, region, service) for region, service in skipped)
        if not units:
            return
        # Every region's context exists (a global check may read any region); clients are made on first use.
        contexts = {r: self.contexts.make(account.session, account.account_id, r) for r in account.regions}
        area = ScanArea(tuple(account.regions), contexts, self.config.check_settings, pool=self.read_pool)
        self._in_flight[account.account_id] = _InFlight(AccountOutcome(account.account_id, contexts))
        for unit in units:
            yield unit, contexts[unit.region], area

    def _collect(self, pending: set[Future[UnitResult]]) -> set[Future[UnitResult]]:
        """Take in the units that finished (at least one), and settle the accounts they complete."""
        done, rest = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            result = future.result()
            unit = self._unit_of.pop(future)
            state = self._in_flight[unit.account_id]
            state.outcome.findings.extend(result.findings)
            state.outcome.causes.update(result.causes)
            self.errors += sum(1 for f in result.findings if f.status is Status.ERROR)
            self.assets.extend(result.assets)
            if result.inventory_error:
                state.outcome.inventory_gaps.append(
                    InventoryGap(unit.region, result.inventory_error, result.inventory_cause))
            self.units_done += 1
            state.pending -= 1
            self._settle_if_done(unit.account_id)
            if self.progress:
                self.progress(ProgressInfo(
                    units_done=self.units_done, units_total=self.units_run, accounts_done=self.accounts_done,
                    accounts_total=self.accounts_total, regions=len(self.regions_seen),
                    api_calls=self.contexts.call_log.total, errors=self.errors))
        return rest

    def _settle_if_done(self, account_id: str) -> None:
        """Once every unit of an account is done, settle it and drop its contexts."""
        state = self._in_flight.get(account_id)
        if state is None or not state.fed or state.pending:
            return
        del self._in_flight[account_id]
        self.accounts_done += 1
        settled = settle_account(state.outcome, self.service_of)
        self.findings.extend(settled.findings)
        self.inventory_errors.extend(settled.inventory_errors)
