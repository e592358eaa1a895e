"""`posture merge`: join the reports of a sharded scan into the report of the whole scan.

Shards (`posture scan --shard I/N`) own disjoint (account, region) units, so the
whole scan's findings are the union of theirs. Only a complete set of one scan's shards
(one shard total, one check selection) is merged; an incomplete set is refused, naming
the missing shards, unless `allow_partial`, which marks the result "partial I,J/N" in
`scan.shard`. Whole scans merge only when they cover different accounts, so no finding
or counter is ever counted twice. Summary and scores are recomputed
from that union; counters add up. The result equals an unsharded scan of the same
estate except for what only describes one run: the scan id, the timings, and
`api_calls`, which is the sum of the calls each shard made (every shard identifies
itself and opens the accounts it needs, so it is a little above an unsharded run's).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from posture import __version__
from posture.core.errors import UsageError
from posture.core.models import Finding
from posture.report.inventory import build_inventory
from posture.report.model import Report, ScanInfo, Tool, merge_sections, summarize


def load_report(path: str) -> Report:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not a posture JSON report (it is not UTF-8 text)") from None
    try:
        return Report.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "document"
        raise UsageError(f"{path} is not a posture JSON report ({where}: {first['msg']})") from None


def _shard_of(report: Report) -> tuple[int, int] | None:
    label = report.scan.shard
    if not label:
        return None
    index, _, total = label.partition("/")
    if not index.isdigit() or not total.isdigit():
        raise UsageError(f"report {report.scan.id} is itself a partial merge ({label}): merge the shards' own reports")
    return int(index), int(total)


def check_parts(parts: list[Report], *, allow_partial: bool = False) -> str | None:
    """Refuse what would not give the report of one whole scan; return the merged report's
    `scan.shard` (None: complete; "partial I,J/N" with `allow_partial`)."""
    partitions = {p.scan.partition for p in parts}
    if len(partitions) > 1:
        raise UsageError(f"cannot merge reports of different partitions: {', '.join(sorted(partitions))}")
    labels = [p.scan.shard for p in parts if p.scan.shard]
    if len(labels) != len(set(labels)):
        raise UsageError(f"shard {next(s for s in labels if labels.count(s) > 1)} is given twice")
    ids = [p.scan.id for p in parts]
    if len(ids) != len(set(ids)):
        raise UsageError(f"report {next(i for i in ids if ids.count(i) > 1)} is given twice")
    shards = [_shard_of(p) for p in parts]
    whole = [p for p, s in zip(parts, shards, strict=True) if s is None]
    if whole and len(whole) < len(parts):
        raise UsageError(f"report {whole[0].scan.id} is a whole scan, the others are shards: "
                         "merge the shards of one scan")
    if whole:
        # Whole scans join only when they cover different accounts; two scans of one account
        # are not parts of one scan (their findings and counters would count twice).
        seen: dict[str, str] = {}
        for p in parts:
            for account in p.scan.accounts:
                if account in seen:
                    raise UsageError(f"reports {seen[account]} and {p.scan.id} both scanned account {account}: "
                                     "they are two scans, not parts of one (diff them instead)")
                seen[account] = p.scan.id
        return None
    totals = sorted({s[1] for s in shards if s is not None})
    if len(totals) > 1:
        raise UsageError(f"the parts come from scans of different shard totals ({', '.join(map(str, totals))}): "
                         "merge the shards of one scan")
    selections = {tuple(sorted(p.scan.check_ids)) for p in parts}
    if len(selections) > 1:
        raise UsageError("the parts come from different scans: their check selections differ")
    total = totals[0]
    have = sorted(s[0] for s in shards if s is not None)
    missing = [i for i in range(1, total + 1) if i not in have]
    if not missing:
        return None
    if not allow_partial:
        raise UsageError(f"shard{'s' if len(missing) > 1 else ''} {', '.join(f'{i}/{total}' for i in missing)} "
                         f"missing (have {', '.join(f'{i}/{total}' for i in have)}); give every shard, "
                         "or --allow-partial to mark the result partial")
    return f"partial {','.join(map(str, have))}/{total}"


def merge_reports(parts: list[Report], *, allow_partial: bool = False) -> Report:
    """One report from the shards' reports of one scan (or from whole scans of different accounts)."""
    if not parts:
        raise UsageError("nothing to merge")
    shard_label = check_parts(parts, allow_partial=allow_partial)
    findings: dict[str, Finding] = {}
    for part in parts:
        for f in part.findings:
            findings.setdefault(f.id, f)  # a unit is in one shard; a repeat is the same verdict
    merged = sorted(findings.values(), key=lambda f: (f.check_id, f.account_id, f.region, f.resource_id))
    started = min(p.scan.started_at for p in parts)
    finished = max(p.scan.finished_at for p in parts)
    failed: dict[str, str] = {}
    for part in parts:
        failed.update(part.scan.accounts_failed)
    info = ScanInfo(**{
        **_combined_extras(parts),
        "id": str(uuid.uuid4()),
        "started_at": started,
        "finished_at": finished,
        "duration_seconds": round((finished - started).total_seconds(), 3),
        "partition": parts[0].scan.partition,
        "accounts": sorted({a for p in parts for a in p.scan.accounts}),
        "regions": sorted({r for p in parts for r in p.scan.regions}),
        "checks_selected": max(p.scan.checks_selected for p in parts),
        "units_run": sum(p.scan.units_run for p in parts),
        "units_skipped": sum(p.scan.units_skipped for p in parts),
        "api_calls": sum(p.scan.api_calls for p in parts),
        "warnings": list(dict.fromkeys(w for p in parts for w in p.scan.warnings)),
        "accounts_failed": dict(sorted(failed.items())),
        "shard": shard_label,
        "areas": None if any(p.scan.areas is None for p in parts) else sorted(
            {(a.account_id, a.region): a for p in parts for a in p.scan.areas or []}.values(),
            key=lambda a: (a.account_id, a.region)),
        "not_offered": sorted({(n.account_id, n.region, n.service): n for p in parts
                               for n in p.scan.not_offered}.values(),
                              key=lambda n: (n.account_id, n.region, n.service)),
        "units_not_run": sorted({(u.account_id, u.region, u.check_id): u for p in parts
                                 for u in p.scan.units_not_run}.values(),
                                key=lambda u: (u.account_id, u.region, u.check_id)),
    })
    inventories = [p.inventory for p in parts if p.inventory is not None]
    inventory = build_inventory(
        list({(a.kind, a.account_id, a.region, a.id): a for i in inventories for a in i.assets}.values()),
        list(dict.fromkeys(e for i in inventories for e in i.errors)),
    ) if inventories else None
    return Report(tool=Tool(version=__version__), scan=info, summary=summarize(merged), findings=merged,
                  inventory=inventory, sections=merge_sections([p.sections for p in parts]))


NAMED = {"areas", "units_not_run", "not_offered", "shard", "accounts_failed"}  # merged by merge_reports() itself


def _combined_extras(parts: list[Report]) -> dict[str, Any]:
    """Scan fields merge_reports() does not name: lists are joined in order, dicts updated,
    anything else taken from the first part (so a field added later is never lost)."""
    combined: dict[str, Any] = {}
    for part in parts:
        for key, value in part.scan.model_dump().items():
            if key in NAMED:
                continue
            if key not in combined:
                combined[key] = value
            elif isinstance(value, list):
                combined[key] = list(dict.fromkeys([*combined[key], *value]))
            elif isinstance(value, dict):
                combined[key] = {**combined[key], **value}
    return combined
