"""The JSON report: a published contract for ticketing systems.

The JSON Schema is generated from these models (`posture schema`), so the schema
and what the tool writes cannot drift apart; tests validate every report against it.
Bump SCHEMA_VERSION's major on any change a consumer would notice.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from posture import __version__
from posture.core.models import CheckMeta, EvidenceValue, Finding, Severity, Status
from posture.core.runner import ScanResult
from posture.core.scoring import RiskDefense, Scores, defense_in_depth, score
from posture.report.inventory import Inventory, build_inventory

SCHEMA_VERSION: Literal["1.0"] = "1.0"


class Tool(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: Literal["posture"] = "posture"
    version: str


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
    shard: str | None = Field(None, description="'I/N' when this report is one shard of a scan; see `posture merge`")


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
        ),
        summary=summarize(result.findings),
        findings=result.findings,
        inventory=build_inventory(result.assets, result.inventory_errors)
        if result.assets or result.inventory_errors else None,
        sections=build_sections([c.meta for c in result.checks], result.findings),
    )


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
