"""The JSON report: a published contract for ticketing systems.

The JSON Schema is generated from these models (`posture schema`), so the schema
and what the tool writes cannot drift apart; tests validate every report against it.
Bump SCHEMA_VERSION's major on any change a consumer would notice.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from posture import __version__
from posture.core.models import GLOBAL_REGION, CheckMeta, EvidenceValue, Finding, Severity, Status
from posture.core.scoring import RiskDefense, Scores, defense_in_depth, score
from posture.report.compliance import FrameworkView
from posture.report.inventory import Inventory, build_inventory

if TYPE_CHECKING:
    from posture.core.runner import ScanResult

SCHEMA_VERSION: Literal["1.0"] = "1.0"


class Tool(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: Literal["posture"] = "posture"
    version: str


class NotOffered(BaseModel):
    """A service whose checks were not run in a region because AWS does not offer it there."""

    model_config = ConfigDict(frozen=True)
    account_id: str
    region: str
    service: str
    reason: str = "not assessed: the service is not offered in this region"


class Area(BaseModel):
    """An (account, region) pair a scan evaluated; region "global" for account-wide checks."""

    model_config = ConfigDict(frozen=True)
    account_id: str
    region: str


class UnitRef(BaseModel):
    """An (account, region, check) unit that could not run, or ran and ended in ERROR."""

    model_config = ConfigDict(frozen=True)
    account_id: str
    region: str
    check_id: str


class ScanInfo(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    started_at: datetime
    finished_at: datetime
    duration_seconds: float
    partition: str
    accounts: list[str]
    regions: list[str]
    checks_selected: int
    units_run: int = Field(description="(check, region) pairs evaluated")
    units_skipped: int = Field(0, description="(check, region) pairs skipped: service not offered there")
    api_calls: int = Field(description="AWS API calls made by the scan")
    warnings: list[str] = Field(default_factory=list)
    check_ids: list[str] = Field(default_factory=list, description="Checks selected for the scan")
    accounts_failed: dict[str, str] = Field(
        default_factory=dict, description="Accounts that could not be read (role not assumable, ...), with the reason"
    )
    shard: str | None = Field(None, description="'I/N' when this report is one shard of a scan; see `posture merge`. "
                              "'partial I,J/N' when `merge --allow-partial` joined an incomplete set of shards")
    areas: list[Area] | None = Field(
        None, description="The (account, region) pairs this scan evaluated (region 'global': account-wide checks). "
                          "None in reports written before scope was recorded: accounts x regions")
    units_not_run: list[UnitRef] = Field(
        default_factory=list, description="(account, region, check) units that could not run or ended in ERROR: "
                                          "what they found before is not re-assessed")
    not_offered: list[NotOffered] = Field(
        default_factory=list, description="(account, region, service) not assessed because AWS does not offer the "
                                          "service in that region, each once (however many checks it has)")


class Summary(BaseModel):
    model_config = ConfigDict(frozen=True)
    findings: int
    by_status: dict[Status, int]
    failing_by_severity: dict[Severity, int]
    muted: int
    scores: Scores
    defense_in_depth: list[RiskDefense]


class ExpiredRule(BaseModel):
    """A suppression rule past its expiry date: it no longer mutes anything."""

    model_config = ConfigDict(frozen=True)
    line: int
    check: str
    reason: str
    expires: date


class SuppressionInfo(BaseModel):
    model_config = ConfigDict(frozen=True)
    file: str
    rules: int
    muted: int
    expired: list[ExpiredRule] = Field(default_factory=list)


class HistoryInfo(BaseModel):
    model_config = ConfigDict(frozen=True)
    path: str
    previous_scan_id: str | None = None
    scans_recorded: int


class SectionRow(BaseModel):
    """One finding of a sectioned check, as a row: its verdict and the evidence the section names."""

    model_config = ConfigDict(frozen=True)
    finding_id: str
    status: Status
    account_id: str
    region: str
    resource_id: str
    cells: list[str] = Field(description="One value per column of the section, as text")


class Section(BaseModel):
    """A table of one check's findings (the guardrail coverage of every path to a model, ...)."""

    model_config = ConfigDict(frozen=True)
    check_id: str
    title: str
    columns: list[str] = Field(description="Evidence keys shown, in order (after account, region, resource)")
    rows: list[SectionRow]


def cell(value: EvidenceValue) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "-"
    return str(value)


def build_sections(metas: list[CheckMeta], findings: list[Finding]) -> list[Section]:
    """A section per selected check that declares one, rows in finding order (checks in catalogue order)."""
    sections = []
    for meta in metas:
        if meta.section is None:
            continue
        columns = list(meta.section.columns)
        rows = [SectionRow(finding_id=f.id, status=f.status, account_id=f.account_id, region=f.region,
                           resource_id=f.resource_id, cells=[cell(f.evidence.get(c)) for c in columns])
                for f in findings if f.check_id == meta.id]
        sections.append(Section(check_id=meta.id, title=meta.section.title, columns=columns, rows=rows))
    return sections


def merge_sections(parts: list[list[Section]]) -> list[Section]:
    """Sections of several reports (shards) joined by check: rows of each in report order."""
    joined: dict[str, Section] = {}
    for sections in parts:
        for section in sections:
            seen = joined.get(section.check_id)
            if seen is None:
                joined[section.check_id] = section
                continue
            ids = {r.finding_id for r in seen.rows}
            joined[section.check_id] = seen.model_copy(
                update={"rows": [*seen.rows, *(r for r in section.rows if r.finding_id not in ids)]})
    return list(joined.values())


class Report(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    schema_version: Literal["1.0"] = SCHEMA_VERSION
    tool: Tool
    scan: ScanInfo
    summary: Summary
    findings: list[Finding]
    inventory: Inventory | None = None
    sections: list[Section] = Field(default_factory=list, description="Tables of sectioned checks' findings")
    compliance: list[FrameworkView] = Field(
        default_factory=list, description="Per-requirement views of the frameworks asked for (--compliance)")
    suppressions: SuppressionInfo | None = None
    history: HistoryInfo | None = None


def summarize(findings: list[Finding]) -> Summary:
    statuses = Counter(f.status for f in findings if not f.muted)
    failing = Counter(f.severity for f in findings if f.status is Status.FAIL and not f.muted)
    return Summary(
        findings=len(findings),
        by_status={s: statuses.get(s, 0) for s in Status},
        failing_by_severity={s: failing.get(s, 0) for s in Severity},
        muted=sum(1 for f in findings if f.muted),
        scores=score(findings),
        defense_in_depth=defense_in_depth(findings),
    )


def build_report(result: ScanResult) -> Report:
    return Report(
        tool=Tool(version=__version__),
        scan=ScanInfo(
            id=result.scan_id,
            started_at=result.started_at,
            finished_at=result.finished_at,
            duration_seconds=round((result.finished_at - result.started_at).total_seconds(), 3),
            partition=result.partition,
            accounts=result.accounts,
            regions=result.regions,
            checks_selected=len(result.checks),
            units_run=result.units_run,
            units_skipped=result.units_skipped,
            api_calls=result.api_calls,
            warnings=result.warnings,
            check_ids=[c.meta.id for c in result.checks],
            accounts_failed=result.accounts_failed,
            shard=result.shard,
            areas=[Area(account_id=a, region=r) for a, r in result.areas],
            units_not_run=[UnitRef(account_id=a, region=r, check_id=c) for a, r, c in result.units_not_run],
            not_offered=[NotOffered(account_id=a, region=r, service=s) for a, r, s in result.not_offered],
        ),
        summary=summarize(result.findings),
        findings=result.findings,
        inventory=build_inventory(result.assets, result.inventory_errors)
        if result.assets or result.inventory_errors else None,
        sections=build_sections([c.meta for c in result.checks], result.findings),
    )


class Scope:
    """What a report evaluated, and so what it can say about a finding of an earlier scan.

    `verdict(account, region, check)` is "evaluated" (the unit ran without ERROR), "not_reassessed"
    (it was meant to run and could not: account unreadable, unit in ERROR) or "out_of_scope"
    (another account, region, shard or check selection)."""

    def __init__(self, scan: ScanInfo) -> None:
        self.check_ids = set(scan.check_ids) or None  # None: reports that did not record them
        self.accounts = set(scan.accounts)
        self.accounts_failed = set(scan.accounts_failed)
        if scan.areas is not None:
            self.areas: set[tuple[str, str]] | None = {(a.account_id, a.region) for a in scan.areas}
        else:
            self.areas = None
        self.regions = set(scan.regions)
        self.not_run = {(u.account_id, u.region, u.check_id) for u in scan.units_not_run}

    def verdict(self, account_id: str, region: str, check_id: str) -> str:
        if self.check_ids is not None and check_id not in self.check_ids:
            return "out_of_scope"
        if account_id not in self.accounts:
            return "out_of_scope"
        if account_id in self.accounts_failed:
            return "not_reassessed"
        if self.areas is not None:
            if (account_id, region) not in self.areas:
                return "out_of_scope"
        elif region != GLOBAL_REGION and region not in self.regions:
            return "out_of_scope"
        if (account_id, region, check_id) in self.not_run:
            return "not_reassessed"
        return "evaluated"


def json_schema() -> dict[str, Any]:
    schema = Report.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://posture.dev/schema/report-{SCHEMA_VERSION}.json"
    return schema


def failing_at_or_above(report: Report, threshold: Severity | None) -> int:
    if threshold is None:
        return 0
    return sum(
        1
        for f in report.findings
        if f.status is Status.FAIL and not f.muted and f.severity.rank >= threshold.rank
    )
