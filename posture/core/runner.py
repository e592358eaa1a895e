"""Plan and run a scan: accounts × regions × selected checks, each check isolated.

A regional check runs once per scanned region in which its service is offered; a
global check runs once per account, in the account's home region. Every unit gets
its own `CheckContext` over the shared per-(account, region) `AwsContext`, so reads
are shared and verdicts are not. An exception that escapes a check becomes an ERROR
finding with the reason; it never stops the scan.

Accounts stream through one bounded worker pool: an account is opened (role assumed,
regions listed) one step ahead of the pool, its (account, region, check) units are
fed in as workers free up, and when its last unit is done nothing of it is kept but
its findings. Memory so follows the few accounts in flight, not the organisation.
An account that cannot be opened gives an ERROR finding per selected check, with the
reason, and the scan goes on with the next.

A region closed to the scanner by policy (an organization's region-deny SCP: every request
refused by an explicit deny) is said once per (account, region, service): when an account's
last unit is done, each service its `AwsContext` of that region saw only explicit denials
from (`AwsContext.closed`) becomes one "not assessed" ERROR finding (`posture.not_assessed`)
with AWS's reason, in place of the ERRORs of the checks of that service there and of the
AI-scope and region gaps that read only such services (checks/_scope.py,
`CheckContext.each_region`). Nothing outside the closed region is touched: checks that read
every region put what they could not read there into that region, as gaps, and judge the
rest. A service denied only in part, or without an explicit deny, is a permission gap and
stays with the checks that needed it. The engine names no service: it reads the service of
each read and of each check's metadata.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ProfileNotFound

from posture.aws.accounts import (
    AccountSessions,
    Caller,
    target_accounts,
)
from posture.aws.context import AwsContext, CallLog, client_config, offered_in
from posture.aws.errors import AwsReadError, explain_error
from posture.aws.regions import account_home, home_region
from posture.aws.sessions import open_session
from posture.core.config import ScanConfig
from posture.core.context import CheckContext, Resource, ScanArea, error_reason, make_finding
from posture.core.errors import ScanError, UsageError
from posture.core.models import GLOBAL_REGION, Asset, CheckMeta, Finding, Scope, Severity, Status
from posture.core.registry import Check, Collector, Registry, RegistryError
from posture.core.shard import Shard

__all__ = ["Progress", "ProgressInfo", "ScanResult", "Unit", "plan", "run_unit", "scan"]

Progress = Callable[["ProgressInfo"], None]
LOOKAHEAD = 2  # accounts opened ahead of the pool, so workers never wait for an AssumeRole
WHOLE = Shard()  # an unsharded scan


@dataclass
class ScanResult:
    scan_id: str
    started_at: datetime
    finished_at: datetime
    partition: str
    accounts: list[str]
    regions: list[str]
    checks: list[Check]
    findings: list[Finding]
    api_calls: int
    units_run: int
    units_skipped: int
    warnings: list[str] = field(default_factory=list)
    accounts_failed: dict[str, str] = field(default_factory=dict)  # account id -> why it could not be read
    shard: str | None = None  # "I/N" when this is one shard of a scan
    assets: list[Asset] = field(default_factory=list)  # the GenAI inventory (unfiltered scans)
    inventory_errors: list[str] = field(default_factory=list)
    # Scope: the (account, region) pairs evaluated (region "global" for account-wide checks), and
    # the (account, region, check) units that could not run or ended in ERROR.
    areas: list[tuple[str, str]] = field(default_factory=list)
    units_not_run: list[tuple[str, str, str]] = field(default_factory=list)
    not_offered: list[tuple[str, str, str]] = field(default_factory=list)  # (account, region, service)


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


@dataclass(frozen=True)
class Unit:
    check: Check | Collector
    account_id: str
    region: str


@dataclass
class UnitResult:
    findings: list[Finding] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    inventory_error: str | None = None


@dataclass
class OpenedAccount:
    """An account ready to scan, or the reason it is not."""

    account_id: str
    session: boto3.Session | None = None
    regions: list[str] = field(default_factory=list)
    error: str | None = None


def scan_session(config: ScanConfig) -> boto3.Session:
    try:
        session = open_session(config.profile)
    except ProfileNotFound as exc:
        name = exc.kwargs.get("profile") or config.profile
        raise ScanError(f"AWS profile {name!r} does not exist in the AWS config files") from None
    region = session.region_name
    if region and not is_region_name(session, region):
        # The default region picks where the identity is asked; a name no partition has would be
        # sent to a host that does not exist (or, behind an endpoint override, silently ignored).
        raise UsageError(f"AWS region {region[:64]!r} (AWS_DEFAULT_REGION or the profile's region) is not an "
                         "AWS region; set a region such as us-east-1")
    return session


def identify(session: boto3.Session, call_log: CallLog, max_attempts: int) -> tuple[str, str, str]:
    """(account id, partition, region for the first calls) of the credentials in use."""
    region = session.region_name or "us-east-1"
    probe = AwsContext(
        session, account_id="-", partition="aws", region=region, call_log=call_log,
        config=client_config(max_attempts),
    )
    try:
        arn = probe.call("sts", "get_caller_identity")["Arn"]
    except AwsReadError as exc:
        raise ScanError(f"cannot identify the AWS account: {exc.reason}") from None
    except (BotoCoreError, ClientError) as exc:
        reason = explain_error("sts:GetCallerIdentity", exc).reason
        raise ScanError(f"cannot identify the AWS account: {reason}") from None
    _, partition, _, _, account_id, _ = arn.split(":", 5)
    return account_id, partition, region


def enabled_regions(context: AwsContext) -> list[str]:
    """The regions enabled for the context's account; raises AwsReadError."""
    answer = context.call("ec2", "describe_regions", AllRegions=False)
    return sorted(r["RegionName"] for r in answer.get("Regions", []))


def is_region_name(session: boto3.Session, region: str) -> bool:
    """Whether `region` has the form of a region of some partition (botocore's partition data:
    cheap, and it accepts regions newer than botocore's list of endpoints)."""
    partitions = session._loader.load_data("partitions").get("partitions", [])
    return any(re.match(p.get("regionRegex", r"^$"), region) for p in partitions) or any(
        region in p.get("regions", {}) for p in partitions)


def known_regions(session: boto3.Session, partition: str) -> set[str]:
    return set(session.get_available_regions("ec2", partition_name=partition))


def plan(
    checks: Sequence[Check | Collector],
    session: boto3.Session,
    account_id: str,
    partition: str,
    regions: list[str],
    shard: Shard = WHOLE,
) -> tuple[list[Unit], list[tuple[str, str]]]:
    """The (check, account, region) units of one account that this shard runs, and the
    (region, service) of each (check, region) pair it skips because the service is not offered
    there (one entry per pair: a service with three checks is skipped three times)."""
    home = account_home(partition, regions)
    owned = [r for r in regions if shard.owns(account_id, r)]
    units: list[Unit] = []
    skipped: list[tuple[str, str]] = []
    for c in checks:
        if c.meta.scope is Scope.GLOBAL:
            if home in owned:
                units.append(Unit(c, account_id, home))
            continue
        offered = offered_in(session, c.meta.service, partition)
        for region in owned:
            if offered is None or region in offered:
                units.append(Unit(c, account_id, region))
            else:
                skipped.append((region, c.meta.service))  # not offered there: reported once, in the scope
    return units, skipped


def run_unit(unit: Unit, aws: AwsContext, area: ScanArea) -> UnitResult:
    ctx = CheckContext(unit.check.meta, aws, area)
    if isinstance(unit.check, Collector):
        try:
            return UnitResult(assets=list(unit.check.run(ctx)))
        except Exception as exc:  # an inventory that could not be read is said, never a silent gap
            return UnitResult(inventory_error=f"{unit.check.meta.id} in {aws.account_id}/{aws.region}: "
                                             f"{error_reason(exc)}")
    try:
        unit.check.run(ctx)
    except Exception as exc:
        region = aws.region if unit.check.meta.scope is Scope.REGIONAL else GLOBAL_REGION
        account = Resource(aws.account_id, f"arn:{aws.partition}:iam::{aws.account_id}:root", region, "AwsAccount")
        meta = unit.check.meta
        ctx.findings.append(make_finding(meta, aws, account, Status.ERROR, error_reason(exc), {}))
    return UnitResult(findings=ctx.findings)


# The finding that stands for every check of one service in one closed (account, region).
NOT_ASSESSED_ID = "posture.not_assessed"


def not_assessed_meta(service: str) -> CheckMeta:
    """Metadata of the engine's own "not assessed" finding (no control of the catalogue: it maps to no
    framework, and scoring sees it only in the overall area)."""
    return CheckMeta.model_construct(
        id=NOT_ASSESSED_ID, title="Service not assessed in this region",
        description="Every request the scan sent to this service in this region was refused by an explicit deny.",
        rationale="A region closed by policy (an organization's region-deny SCP) cannot be read; it is said once.",
        remediation="Nothing to fix when the region is closed on purpose; otherwise exempt the scanner's role "
        "from the deny, or leave the region out with --region.",
        service=service, scope=Scope.REGIONAL, resource_type="AwsAccount", severity=Severity.INFORMATIONAL,
        boundaries=(), csf=(), owasp_llm=(), securityhub_controls=(), permissions=(),
    )


def not_assessed(aws: AwsContext, closed: dict[str, AwsReadError]) -> list[Finding]:
    """One ERROR per service the (account, region) of `aws` is closed to, with AWS's reason."""
    found = []
    for service, exc in sorted(closed.items()):
        resource = Resource(f"not-assessed/{service}", f"arn:{aws.partition}:iam::{aws.account_id}:root",
                            aws.region, "AwsAccount")
        message = (f"not assessed: every request to {service} in {aws.region} was refused by an explicit deny "
                   f"({exc.code}: {exc.message[:300]})")
        found.append(make_finding(not_assessed_meta(service), aws, resource, Status.ERROR, message,
                                  {"service": service, "error_code": exc.code}))
    return found


def smeared(finding: Finding, closed: dict[str, AwsReadError], service_of: dict[str, str]) -> bool:
    """Whether an ERROR finding of a closed (account, region) only repeats that its services are closed:
    the finding of a check of a closed service, a gap whose sources read only closed services, or an
    ERROR whose reason is a denied read of a closed service (its IAM action prefix)."""
    if finding.status is not Status.ERROR:
        return False
    sources = finding.evidence.get("unread_services")
    if isinstance(sources, list) and sources:
        return {str(s) for s in sources} <= set(closed)
    if service_of.get(finding.check_id) in closed:
        return True
    prefixes = {exc.action.split(":", 1)[0] + ":" for exc in closed.values()}
    return "access denied" in finding.message and finding.message.startswith(tuple(prefixes))


def account_errors(checks: list[Check], aws: AwsContext, reason: str) -> list[Finding]:
    """An account that could not be read: every selected check is unevaluated there."""
    account = Resource(aws.account_id, f"arn:{aws.partition}:iam::{aws.account_id}:root", GLOBAL_REGION, "AwsAccount")
    return [make_finding(c.meta, aws, account, Status.ERROR, reason, {}) for c in checks]


class _Scan:
    """The state of one scan run; `scan()` below is its only user."""

    def __init__(self, config: ScanConfig, checks: list[Check], collectors: list[Collector],
                 session: boto3.Session, progress: Progress | None):
        self.config = config
        self.checks = checks
        self.collectors = collectors
        self.session = session
        self.progress = progress
        self.call_log = CallLog()
        self.aws_config: Config = client_config(config.max_attempts)
        self.shard = Shard(config.shard_index, config.shard_count)
        malformed = [r for r in config.regions if not is_region_name(session, r)]
        if malformed:  # before any request: a name no partition has is a typo, whatever the account
            raise UsageError(f"unknown region {malformed[0][:64]!r}: not the name of an AWS region")
        account_id, partition, region = identify(session, self.call_log, config.max_attempts)
        self.caller = Caller(account_id, partition, region)
        self.findings: list[Finding] = []
        self.assets: list[Asset] = []
        self.inventory_errors: list[str] = []
        self.regions_seen: set[str] = set()
        self.failed: dict[str, str] = {}
        self.areas: set[tuple[str, str]] = set()
        self.units_run = self.units_skipped = self.units_done = 0
        self.not_offered: set[tuple[str, str, str]] = set()  # (account, region, service) not offered there
        # Accounts whose units are in the pool: their contexts (to see which regions were closed) and
        # how many units are left; an account is settled, and its contexts dropped, when none is.
        self.in_flight: dict[str, _InFlight] = {}
        self.read_pool: ThreadPoolExecutor | None = None
        self.account_of: dict[Future[UnitResult], tuple[str, str]] = {}  # -> (account, region) of the unit
        self.inventory_gaps: list[tuple[str, str, str]] = []  # (account, region, reason) behind inventory_errors
        self.service_of = {c.meta.id: c.meta.service for c in checks}
        self.accounts_total = self.accounts_done = self.errors = 0

    def context(self, session: boto3.Session, account_id: str, region: str) -> AwsContext:
        return AwsContext(
            session, account_id=account_id, partition=self.caller.partition, region=region,
            call_log=self.call_log, config=self.aws_config,
        )

    def fixed_regions(self) -> list[str] | None:
        if not self.config.regions:
            return None
        unknown = sorted(set(self.config.regions) - known_regions(self.session, self.caller.partition))
        if unknown:
            raise UsageError(f"unknown region {unknown[0]!r} for partition {self.caller.partition}")
        return sorted(set(self.config.regions))

    def open_account(self, sessions: AccountSessions, account_id: str, regions: list[str] | None) -> OpenedAccount:
        try:
            session = sessions.open(account_id)
            if regions is None:
                own = account_id == self.caller.account_id
                start = self.caller.region if own else home_region(self.caller.partition)
                regions = enabled_regions(self.context(session, account_id, start))
        except AwsReadError as exc:
            return OpenedAccount(account_id, error=str(exc))
        if not regions:
            return OpenedAccount(account_id, error="the account has no enabled region")
        return OpenedAccount(account_id, session, regions)

    def accounts(self, targets: list[str], regions: list[str] | None, sessions: AccountSessions
                 ) -> Iterator[OpenedAccount]:
        """Opened accounts in order, each opened while the pool still works on the ones before."""
        wanted = [
            a for a in targets
            # With the regions known, a shard skips accounts it owns no unit of without a call.
            if regions is None or self.shard.owns(a, GLOBAL_REGION) or any(self.shard.owns(a, r) for r in regions)
        ]
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="posture-open") as opener:
            ahead: list[Future[OpenedAccount]] = []
            for account_id in wanted:
                ahead.append(opener.submit(self.open_account, sessions, account_id, regions))
                if len(ahead) > LOOKAHEAD:
                    yield ahead.pop(0).result()
            for future in ahead:
                yield future.result()

    def units_of(self, account: OpenedAccount) -> Iterator[tuple[Unit, AwsContext, ScanArea]]:
        if account.error is not None or account.session is None:
            if self.shard.owns(account.account_id, GLOBAL_REGION):
                self.failed[account.account_id] = account.error or "unknown"
                anchor = self.context(self.session, account.account_id, self.caller.region)
                self.findings.extend(account_errors(self.checks, anchor, account.error or "unknown"))
            return
        self.regions_seen.update(account.regions)
        home = account_home(self.caller.partition, account.regions)
        for region in account.regions:
            if self.shard.owns(account.account_id, region):
                self.areas.add((account.account_id, region))
                if region == home:
                    self.areas.add((account.account_id, GLOBAL_REGION))
        runnable: list[Check | Collector] = [*self.checks, *self.collectors]
        units, skipped = plan(runnable, account.session, account.account_id,
                              self.caller.partition, account.regions, self.shard)
        self.units_skipped += len(skipped)
        self.not_offered.update((account.account_id, region, service) for region, service in skipped)
        if not units:
            return
        # Every region's context exists (a global check may read any region); clients are made on first use.
        contexts = {r: self.context(account.session, account.account_id, r) for r in account.regions}
        area = ScanArea(tuple(account.regions), contexts, self.config.check_settings, pool=self.read_pool)
        self.in_flight[account.account_id] = _InFlight(contexts)
        for unit in units:
            yield unit, contexts[unit.region], area

    def run(self, targets: list[str], regions: list[str] | None, sessions: AccountSessions) -> None:
        limit = self.config.workers * 2  # queued units: enough to keep workers busy, no more
        self.accounts_total = len(targets)
        pool = ThreadPoolExecutor(max_workers=self.config.workers, thread_name_prefix="posture")
        # A check's per-resource reads fan out here (CheckContext.fan_out), apart from the units' pool,
        # so a unit waiting on its reads never waits for a place its own reads need.
        self.read_pool = ThreadPoolExecutor(max_workers=self.config.workers, thread_name_prefix="posture-read")
        try:
            pending: set[Future[UnitResult]] = set()
            for account in self.accounts(targets, regions, sessions):
                for unit, aws, area in self.units_of(account):
                    while len(pending) >= limit:
                        pending = self._collect(pending)
                    future = pool.submit(run_unit, unit, aws, area)
                    self.account_of[future] = (unit.account_id, unit.region)
                    self.in_flight[unit.account_id].pending += 1
                    pending.add(future)
                    self.units_run += 1
                fed = self.in_flight.get(account.account_id)
                if fed is not None:
                    fed.fed = True
                    self._settle(account.account_id)
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

    def _collect(self, pending: set[Future[UnitResult]]) -> set[Future[UnitResult]]:
        done, rest = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            result = future.result()
            self.findings.extend(result.findings)
            self.errors += sum(1 for f in result.findings if f.status is Status.ERROR)
            self.assets.extend(result.assets)
            account_id, region = self.account_of.pop(future)
            if result.inventory_error:
                self.inventory_errors.append(result.inventory_error)
                self.inventory_gaps.append((account_id, region, result.inventory_error))
            self.units_done += 1
            self.in_flight[account_id].pending -= 1
            self._settle(account_id)
            if self.progress:
                self.progress(ProgressInfo(
                    units_done=self.units_done, units_total=self.units_run, accounts_done=self.accounts_done,
                    accounts_total=self.accounts_total, regions=len(self.regions_seen),
                    api_calls=self.call_log.total, errors=self.errors))
        return rest

    def _settle(self, account_id: str) -> None:
        """Once every unit of an account is done: each (region, service) closed to the scanner by
        policy becomes one not-assessed finding, in place of the ERRORs that only repeat it."""
        state = self.in_flight.get(account_id)
        if state is None or not state.fed or state.pending:
            return
        del self.in_flight[account_id]
        self.accounts_done += 1
        for region, aws in state.contexts.items():
            closed = aws.closed()
            if not closed:
                continue
            self.findings = [f for f in self.findings
                             if not (f.account_id == account_id and f.region == region
                                     and smeared(f, closed, self.service_of))]
            self.findings.extend(not_assessed(aws, closed))
            repeats = {e for a, r, e in self.inventory_gaps if a == account_id and r == region and "access denied" in e}
            self.inventory_errors = [e for e in self.inventory_errors if e not in repeats]


@dataclass
class _InFlight:
    contexts: dict[str, AwsContext]
    pending: int = 0
    fed: bool = False  # every unit of the account has been submitted


def scan(
    config: ScanConfig,
    registry: Registry,
    *,
    session: boto3.Session | None = None,
    progress: Progress | None = None,
) -> ScanResult:
    started = datetime.now(UTC)
    try:
        checks = registry.select(include=config.checks, exclude=config.exclude_checks, services=config.services)
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    if not checks:
        raise UsageError("no check selected")
    # The inventory comes with a full scan; a scan narrowed to some checks reads only what they need.
    wants_inventory = config.inventory if config.inventory is not None else not (config.checks or config.services)
    collectors = registry.collectors if wants_inventory else []
    run = _Scan(config, checks, collectors, session or scan_session(config), progress)
    caller = run.caller
    home = run.context(run.session, caller.account_id, home_region(caller.partition))
    targets = target_accounts(config.accounts, config.org, config.role_name, caller, home)
    regions = run.fixed_regions()
    sessions = AccountSessions(
        run.session, caller, run.context(run.session, caller.account_id, caller.region),
        role_name=config.role_name, external_id=config.external_id, role_session_name=config.role_session_name,
    )
    run.run(targets, regions, sessions)
    if targets == [caller.account_id] and caller.account_id in run.failed:
        # Only the caller's own account, and it cannot be read: the scan could not run at all.
        raise ScanError(f"cannot scan the account: {run.failed[caller.account_id]}; name regions with --region")
    run.findings.sort(key=lambda f: (f.check_id, f.account_id, f.region, f.resource_id))
    return ScanResult(
        scan_id=str(uuid.uuid4()),
        started_at=started,
        finished_at=datetime.now(UTC),
        partition=caller.partition,
        accounts=targets,
        regions=sorted(set(regions or ()) | run.regions_seen),
        checks=checks,
        findings=run.findings,
        api_calls=run.call_log.total,
        units_run=run.units_run,
        units_skipped=run.units_skipped,
        not_offered=sorted(run.not_offered),
        warnings=list(registry.warnings),
        accounts_failed=dict(sorted(run.failed.items())),
        shard=run.shard.label,
        assets=run.assets,
        inventory_errors=run.inventory_errors,
        areas=sorted(run.areas),
        units_not_run=sorted({(f.account_id, f.region, f.check_id) for f in run.findings if f.status is Status.ERROR}),
    )
