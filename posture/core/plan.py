"""Plan a scan: which checks run, in which accounts and regions, decided before they run.

Planning is the first of the engine's three steps (plan, `posture.core.execute`,
`posture.core.settle`; `posture.core.runner.scan` calls them in order):

1. `select` takes the checks (and inventory collectors) the configuration asks for.
2. `scan_session` and `check_region_names` give the credentials to read with, and refuse a region
   name no partition has, before any request.
3. Per account, once it is opened (`open_account`: its role assumed, its enabled regions listed),
   `plan` gives its (check, account, region) units: a regional check runs once per region in
   which its service is offered, a global check once per account in the account's home region.
   A shard keeps only the (account, region) pairs it owns.

Only `open_account` talks to AWS here, and only when it is called; nothing in this module sends
a request from a constructor or at import.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import boto3
from botocore.config import Config
from botocore.exceptions import ProfileNotFound

from posture.aws.accounts import AccountSessions, enabled_regions
from posture.aws.context import AwsContext, CallLog, offered_in
from posture.aws.errors import AwsReadError
from posture.aws.regions import account_home, home_region
from posture.aws.sessions import open_session
from posture.core.config import ScanConfig
from posture.core.errors import ScanError, UsageError
from posture.core.models import GLOBAL_REGION, Scope
from posture.core.registry import Check, Collector, Registry, RegistryError
from posture.core.shard import Shard

WHOLE = Shard()  # an unsharded scan


@dataclass(frozen=True)
class Unit:
    """One check (or inventory collector) in one region of one account: what a worker runs."""

    check: Check | Collector
    account_id: str
    region: str


@dataclass(frozen=True)
class Selection:
    """The checks a scan judges with, and the inventory collectors it runs beside them."""

    checks: list[Check]
    collectors: list[Collector]


def select(config: ScanConfig, registry: Registry) -> Selection:
    """The checks the configuration selects; a selection that names nothing is a usage error."""
    try:
        checks = registry.select(include=config.checks, exclude=config.exclude_checks, services=config.services)
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    if not checks:
        raise UsageError("no check selected")
    # The inventory comes with a full scan; a scan narrowed to some checks reads only what they need.
    wants_inventory = config.inventory if config.inventory is not None else not (config.checks or config.services)
    return Selection(checks, registry.collectors if wants_inventory else [])


def scan_session(config: ScanConfig) -> boto3.Session:
    """The session of the configured profile (no request is sent)."""
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


def is_region_name(session: boto3.Session, region: str) -> bool:
    """Whether `region` has the form of a region of some partition (botocore's partition data:
    cheap, and it accepts regions newer than botocore's list of endpoints)."""
    partitions = session._loader.load_data("partitions").get("partitions", [])
    return any(re.match(p.get("regionRegex", r"^$"), region) for p in partitions) or any(
        region in p.get("regions", {}) for p in partitions)


def check_region_names(session: boto3.Session, regions: Sequence[str]) -> None:
    """Refuse, before any request, a region name no partition has: a typo, whatever the account."""
    malformed = [r for r in regions if not is_region_name(session, r)]
    if malformed:
        raise UsageError(f"unknown region {malformed[0][:64]!r}: not the name of an AWS region")


def known_regions(session: boto3.Session, partition: str) -> set[str]:
    return set(session.get_available_regions("ec2", partition_name=partition))


def fixed_regions(regions: Sequence[str], session: boto3.Session, partition: str) -> list[str] | None:
    """The regions named in the configuration (checked against the caller's partition), or None
    when each account's enabled regions are to be listed."""
    if not regions:
        return None
    unknown = sorted(set(regions) - known_regions(session, partition))
    if unknown:
        raise UsageError(f"unknown region {unknown[0]!r} for partition {partition}")
    return sorted(set(regions))


@dataclass(frozen=True)
class ContextMaker:
    """What every `AwsContext` of a scan shares: the caller's partition, the log that counts every
    request, and the client settings. Making a context sends nothing; clients are made on first use."""

    partition: str
    call_log: CallLog
    config: Config

    def make(self, session: boto3.Session, account_id: str, region: str) -> AwsContext:
        return AwsContext(session, account_id=account_id, partition=self.partition, region=region,
                          call_log=self.call_log, config=self.config)


@dataclass
class OpenedAccount:
    """An account ready to scan, or the reason it is not."""

    account_id: str
    session: boto3.Session | None = None
    regions: list[str] = field(default_factory=list)
    error: str | None = None


def accounts_to_open(targets: Sequence[str], regions: Sequence[str] | None, shard: Shard) -> list[str]:
    """The target accounts this shard may own a unit of. With the regions known, a shard skips an
    account it owns no unit of without a request; otherwise only its regions will tell."""
    return [a for a in targets
            if regions is None or shard.owns(a, GLOBAL_REGION) or any(shard.owns(a, r) for r in regions)]


def open_account(sessions: AccountSessions, contexts: ContextMaker, account_id: str,
                 regions: list[str] | None) -> OpenedAccount:
    """Open one account: assume its role (another account's) and, unless the regions were named,
    list its enabled regions. A failure is the account's reason, never an exception."""
    caller = sessions.caller
    try:
        session = sessions.open(account_id)
        if regions is None:
            start = caller.region if account_id == caller.account_id else home_region(caller.partition)
            regions = enabled_regions(contexts.make(session, account_id, start))
    except AwsReadError as exc:
        return OpenedAccount(account_id, error=str(exc))
    if not regions:
        return OpenedAccount(account_id, error="the account has no enabled region")
    return OpenedAccount(account_id, session, regions)


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


def areas(account_id: str, partition: str, regions: Sequence[str], shard: Shard = WHOLE) -> set[tuple[str, str]]:
    """The (account, region) pairs this shard evaluates in an opened account; region "global"
    stands for the account-wide checks, evaluated with the home region."""
    home = account_home(partition, list(regions))
    found: set[tuple[str, str]] = set()
    for region in regions:
        if shard.owns(account_id, region):
            found.add((account_id, region))
            if region == home:
                found.add((account_id, GLOBAL_REGION))
    return found
