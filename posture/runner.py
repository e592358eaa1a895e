"""Plan and run a scan: accounts × regions × selected checks, each check isolated.

A regional check runs once per scanned region in which its service is offered; a
global check runs once per account, in the account's home region. Every unit gets
its own `CheckContext` over the shared per-(account, region) `AwsContext`, so reads
are shared and verdicts are not. An exception that escapes a check becomes an ERROR
finding with the reason; it never stops the scan.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime

import boto3
from botocore.exceptions import BotoCoreError, ClientError, ProfileNotFound

from posture.aws import AwsContext, AwsReadError, CallLog, client_config, explain_error, offered_in
from posture.config import ScanConfig
from posture.context import CheckContext, Resource, ScanArea, error_reason, make_finding
from posture.errors import ScanError, UsageError
from posture.models import GLOBAL_REGION, Finding, Scope, Status
from posture.registry import Check, Registry, RegistryError

HOME_REGIONS = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}
Progress = Callable[[int, int], None]


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


@dataclass(frozen=True)
class Unit:
    check: Check
    account_id: str
    region: str


def open_session(config: ScanConfig) -> boto3.Session:
    try:
        return boto3.Session(profile_name=config.profile)
    except ProfileNotFound:
        raise ScanError(f"AWS profile {config.profile!r} does not exist in the AWS config files") from None


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
        raise ScanError(f"cannot identify the AWS account: {explain_error('sts:GetCallerIdentity', exc).reason}") from None
    _, partition, _, _, account_id, _ = arn.split(":", 5)
    return account_id, partition, region


def enabled_regions(context: AwsContext) -> list[str]:
    try:
        answer = context.call("ec2", "describe_regions", AllRegions=False)
    except AwsReadError as exc:
        raise ScanError(f"cannot list the account's enabled regions ({exc.reason}); name them with --region") from None
    return sorted(r["RegionName"] for r in answer.get("Regions", []))


def known_regions(session: boto3.Session, partition: str) -> set[str]:
    return set(session.get_available_regions("ec2", partition_name=partition))


def plan(
    checks: list[Check], session: boto3.Session, account_id: str, partition: str, regions: list[str]
) -> tuple[list[Unit], int]:
    home = HOME_REGIONS.get(partition, regions[0])
    home = home if home in regions else regions[0]
    units, skipped = [], 0
    for c in checks:
        if c.meta.scope is Scope.GLOBAL:
            units.append(Unit(c, account_id, home))
            continue
        offered = offered_in(session, c.meta.service, partition)
        for region in regions:
            if offered is None or region in offered:
                units.append(Unit(c, account_id, region))
            else:
                skipped += 1  # the service is not offered there: neither an error nor a finding
    return units, skipped


def run_unit(unit: Unit, aws: AwsContext, area: ScanArea) -> list[Finding]:
    ctx = CheckContext(unit.check.meta, aws, area)
    try:
        unit.check.run(ctx)
    except Exception as exc:
        region = aws.region if unit.check.meta.scope is Scope.REGIONAL else GLOBAL_REGION
        account = Resource(aws.account_id, f"arn:{aws.partition}:iam::{aws.account_id}:root", region, "AwsAccount")
        ctx.findings.append(make_finding(unit.check.meta, aws, account, Status.ERROR, error_reason(exc), {}))
    return ctx.findings


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
    session = session or open_session(config)
    call_log = CallLog()
    account_id, partition, first_region = identify(session, call_log, config.max_attempts)
    aws_config = client_config(config.max_attempts)

    def context(region: str) -> AwsContext:
        return AwsContext(
            session, account_id=account_id, partition=partition, region=region, call_log=call_log,
            config=aws_config,
        )

    if config.regions:
        unknown = sorted(set(config.regions) - known_regions(session, partition))
        if unknown:
            raise UsageError(f"unknown region {unknown[0]!r} for partition {partition}")
        regions = sorted(set(config.regions))
    else:
        regions = enabled_regions(context(first_region))
    contexts = {r: context(r) for r in regions}
    area = ScanArea(tuple(regions), contexts)
    units, skipped = plan(checks, session, account_id, partition, regions)

    findings: list[Finding] = []
    with ThreadPoolExecutor(max_workers=config.workers, thread_name_prefix="posture") as pool:
        futures = [pool.submit(run_unit, u, contexts[u.region], area) for u in units]
        for done, future in enumerate(as_completed(futures), 1):
            findings.extend(future.result())
            if progress:
                progress(done, len(units))
    findings.sort(key=lambda f: (f.check_id, f.account_id, f.region, f.resource_id))
    return ScanResult(
        scan_id=str(uuid.uuid4()),
        started_at=started,
        finished_at=datetime.now(UTC),
        partition=partition,
        accounts=[account_id],
        regions=regions,
        checks=checks,
        findings=findings,
        api_calls=call_log.total,
        units_run=len(units),
        units_skipped=skipped,
        warnings=list(registry.warnings),
    )
