"""Settle what ran: an account's outcome becomes its findings, each failure said once.

Settling is the engine's last step (after `posture.core.plan` and `posture.core.execute`). It runs
once per account, when the account's last unit is done, over what its units returned: the
findings, the exception behind each ERROR (`causes`, by finding id) and the inventory gaps.

A region closed to the scanner by policy (an organization's region-deny SCP: every request
refused by an explicit deny) is said once per (account, region, service): each service the
account's `AwsContext` of that region saw only explicit denials from (`AwsContext.closed`)
becomes one "not assessed" ERROR finding (`posture.not_assessed`) with AWS's reason, in place of
the ERRORs that only repeat it (`smeared`): the findings of the checks of that service there, the
AI-scope and region gaps that read only such services (evidence `unread_services`), and the
ERRORs and inventory gaps whose cause is a denied read of a closed service. Nothing outside the
closed region is touched. A service denied only in part, or without an explicit deny, is a
permission gap and stays with the checks that needed it.

Failures are told apart by the structured attributes of `AwsReadError` (`denied`,
`explicit_deny`, `namespace`), set once in `posture.aws.errors` from AWS's answer; the words of a
finding or of AWS's message are never read here. The engine names no service: it reads the
service of each read and of each check's metadata.

`ScanResult` is what the whole scan settles into; `posture.core.runner.scan` builds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from posture.aws.context import AwsContext
from posture.aws.errors import AwsReadError
from posture.core.context import Resource, make_finding
from posture.core.models import GLOBAL_REGION, Asset, CheckMeta, Finding, Scope, Severity, Status
from posture.core.registry import Check

# The finding that stands for every check of one service in one closed (account, region).
NOT_ASSESSED_ID = "posture.not_assessed"


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
class InventoryGap:
    """An inventory collector that could not read one region: said in the report, with its cause."""

    region: str
    text: str
    cause: BaseException | None = None


@dataclass
class AccountOutcome:
    """Everything the units of one account returned, and the contexts they read through."""

    account_id: str
    contexts: Mapping[str, AwsContext]  # region -> the context every unit of that region read with
    findings: list[Finding] = field(default_factory=list)
    causes: dict[str, BaseException] = field(default_factory=dict)  # finding id -> what its ERROR stands for
    inventory_gaps: list[InventoryGap] = field(default_factory=list)


@dataclass(frozen=True)
class Settled:
    """An account's findings and inventory errors, as the report states them."""

    findings: list[Finding]
    inventory_errors: list[str]


def settle_account(outcome: AccountOutcome, service_of: Mapping[str, str]) -> Settled:
    """The findings of one account once every unit is done: in each region, each service closed to
    the scanner by policy becomes one not-assessed finding, in place of the ERRORs that only repeat
    it. `service_of` is check id -> the service of its metadata."""
    findings = list(outcome.findings)
    gaps = list(outcome.inventory_gaps)
    for region, aws in outcome.contexts.items():
        closed = aws.closed()
        if not closed:
            continue
        findings = [f for f in findings
                    if not (f.region == region and smeared(f, outcome.causes.get(f.id), closed, service_of))]
        findings.extend(not_assessed(aws, closed))
        gaps = [g for g in gaps if not (g.region == region and refused_by_closed(g.cause, closed))]
    return Settled(findings, [g.text for g in gaps])


def smeared(finding: Finding, cause: BaseException | None, closed: Mapping[str, AwsReadError],
            service_of: Mapping[str, str]) -> bool:
    """Whether an ERROR finding of a closed (account, region) only repeats that its services are closed:
    the finding of a check of a closed service, a gap whose sources read only closed services, or an
    ERROR whose cause is a denied read of a closed service."""
    if finding.status is not Status.ERROR:
        return False
    sources = finding.evidence.get("unread_services")
    if isinstance(sources, list) and sources:
        return {str(s) for s in sources} <= set(closed)
    if service_of.get(finding.check_id) in closed:
        return True
    return refused_by_closed(cause, closed)


def refused_by_closed(cause: BaseException | None, closed: Mapping[str, AwsReadError]) -> bool:
    """Whether `cause` is a read refused by IAM (`AwsReadError.denied`: its code, never its text) of a
    service the region is closed to (the IAM namespace of its action, as AWS names the closed ones)."""
    if not isinstance(cause, AwsReadError) or not cause.denied:
        return False
    return cause.namespace in {exc.namespace for exc in closed.values()}


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


def not_assessed(aws: AwsContext, closed: Mapping[str, AwsReadError]) -> list[Finding]:
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


def account_errors(checks: list[Check], aws: AwsContext, reason: str) -> list[Finding]:
    """An account that could not be read: every selected check is unevaluated there."""
    account = Resource(aws.account_id, f"arn:{aws.partition}:iam::{aws.account_id}:root", GLOBAL_REGION, "AwsAccount")
    return [make_finding(c.meta, aws, account, Status.ERROR, reason, {}) for c in checks]
