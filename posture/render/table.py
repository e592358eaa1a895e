"""The terminal summary a person reads after a scan.

By default a summary: the counts, the score tables, the defense-in-depth matrix, the top failing
findings (at most TOP of them, worst first, then how many more the report holds) and the
unreadable ones in a line per check. `View(verbose=True)` lists every finding of the statuses
asked for; `statuses` and `severities` narrow what is listed. Every line fits `width` columns.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from dataclasses import dataclass

from tabulate import tabulate

from posture.core.models import Finding, Severity, Status
from posture.core.scoring import AreaScore, Layer, RiskDefense
from posture.render.compliance import text as compliance_text
from posture.report.model import Report
from posture.report.views import fix_first, not_assessed

LAYER_MARKS = {Layer.HOLDS: "holds", Layer.PARTIAL: "partial", Layer.FAILS: "FAILS", Layer.ERROR: "error",
               Layer.ABSENT: "-"}
BOUNDARY_SHORT = {"user_interface": "UI", "application": "App", "model": "Model", "data": "Data",
                  "organizational": "Org"}
TOP = 25
MIN_CELL = 8


@dataclass(frozen=True)
class View:
    """What the terminal lists: every finding (verbose) or the top ones; of these statuses and
    severities (empty: FAIL, and in verbose mode ERROR too; every severity); in `width` columns."""

    verbose: bool = False
    statuses: tuple[Status, ...] = ()
    severities: tuple[Severity, ...] = ()
    width: int = 120
    top: int = TOP


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _score(area: AreaScore) -> str:
    return "not assessed" if area.score is None else f"{area.score:.1f}"


def _area_rows(areas: list[AreaScore]) -> list[list[object]]:
    return [[a.name, _score(a), _pct(a.coverage), a.passed, a.failed, a.errors] for a in areas]


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def fit_table(rows: list[list[object]], headers: list[str], width: int, flexible: dict[int, int]) -> str:
    """A tabulate table whose lines fit `width`: the `flexible` columns (index: the narrowest it may
    get) are clipped, the one with the most to spare first, until they do."""
    cells = [[str(c) for c in row] for row in rows]
    limits = {i: max([len(headers[i]), *(len(r[i]) for r in cells)]) for i in flexible}
    while True:
        shown = [[_clip(c, limits[i]) if i in limits else c for i, c in enumerate(row)] for row in cells]
        table = tabulate(shown, headers=headers, tablefmt="simple", disable_numparse=True)
        over = max(len(line) for line in table.splitlines()) - width
        if over <= 0:
            return table
        spare = {i: limits[i] - max(flexible[i], len(headers[i])) for i in flexible}
        i = max(spare, key=lambda k: spare[k])
        if spare[i] <= 0:
            return "\n".join(_clip(line, width) for line in table.splitlines())
        limits[i] -= min(spare[i], max(1, over if len(spare) == 1 else min(over, spare[i] - sorted(
            spare.values())[-2] + 1)))


def _wrap(text: str, width: int, indent: str = "  ") -> list[str]:
    return textwrap.wrap(text, width=width, subsequent_indent=indent, break_long_words=True, break_on_hyphens=False)


def _selected(report: Report, view: View) -> list[Finding]:
    statuses = set(view.statuses) or ({Status.FAIL, Status.ERROR} if view.verbose else {Status.FAIL})
    severities = set(view.severities)
    chosen = [f for f in report.findings if not f.muted and f.status in statuses
              and (not severities or f.severity in severities)]
    ranked = fix_first(chosen)
    rest = [f for f in chosen if f.status is not Status.FAIL]
    rest.sort(key=lambda f: (f.status is Status.PASS, not_assessed(f), -f.severity.rank, f.check_id, f.region,
                             f.resource_id))
    return ranked + rest


def _findings(report: Report, view: View) -> list[str]:
    chosen = _selected(report, view)
    if not chosen:
        return []
    listed = chosen if view.verbose else chosen[: view.top]
    several = len({f.status for f in chosen}) > 1
    rows: list[list[object]] = [[*([f.status.value] if several else []), f.severity.value, f.check_id, f.region,
                                 f.resource_id, f.message] for f in listed]
    headers = [*(["Status"] if several else []), "Severity", "Check", "Region", "Resource", "Message"]
    first = len(headers) - 5
    shown = "All" if view.verbose or len(listed) == len(chosen) else "Top"
    kinds = "/".join(sorted({f.status.value for f in chosen}, key=["FAIL", "ERROR", "PASS"].index))
    lines = ["", *_wrap(f"{shown} {len(listed)} of {len(chosen)} {kinds} findings, worst first:", view.width),
             fit_table(rows, headers, view.width, flexible={first + 4: 24, first + 3: 14, first + 1: 24})]
    if len(listed) < len(chosen):
        lines.append(f"… {len(chosen) - len(listed)} more in the report (--verbose lists them all here)")
    return lines


def _unreadable(report: Report, view: View) -> list[str]:
    """In the summary, the ERROR findings as one count per check (most are alike: a closed region)."""
    if view.verbose or view.statuses:
        return []
    errors = [f for f in report.findings if f.status is Status.ERROR and not f.muted
              and (not view.severities or f.severity in view.severities)]
    if not errors:
        return []
    per_check = Counter(f.check_id for f in errors)
    closed = sorted({f.region for f in errors if not_assessed(f)})
    text = (f"Unreadable (ERROR, not scored; coverage shows them): {len(errors)} findings of {len(per_check)} checks"
            + (f", {sum(not_assessed(f) for f in errors)} of them services not assessed in a region closed to the "
               f"scanner ({', '.join(closed)})" if closed else "")
            + ": " + ", ".join(f"{check} ×{n}" if n > 1 else check for check, n in per_check.most_common())
            + ". --status ERROR lists them.")
    return ["", *_wrap(text, view.width)]


def _matrix(report: Report, width: int) -> list[str]:
    summary = report.summary
    boundaries = list(summary.scores.boundaries)
    rows: list[list[object]] = [[f"{d.risk.split(':')[0]} {d.name}", *(_cell(d, b) for b in boundaries),
                                 f"{d.layers_holding} of {d.layers_present}"] for d in summary.defense_in_depth]
    headers = ["OWASP LLM 2025 risk", *(BOUNDARY_SHORT.get(b, b) for b in boundaries), "Layers holding"]
    lines = [*_wrap("Defense in depth: per trust boundary, the controls that pass everywhere / the controls judged",
                    width), fit_table(rows, headers, width, flexible={0: 14})]
    legend = ("holds: a control passes on every resource; partial: some resources pass; FAILS: nothing passes; "
              "error: unreadable; -: no control judged there. "
              + ", ".join(f"{short} = {b.replace('_', ' ')}" for b, short in BOUNDARY_SHORT.items()))
    lines += _wrap(legend, width)
    thin = [d for d in summary.defense_in_depth if d.called_out and d.layers_present]
    if thin:
        lines += _wrap("Held by one layer or none: " + "; ".join(
            f"{d.risk.split(':')[0]} {d.name} ({d.layers_holding} of {d.layers_present})" for d in thin), width)
    return lines


def _sections(report: Report, view: View) -> list[str]:
    lines = []
    for section in report.sections:
        lines.append("")
        if not view.verbose:
            counts = Counter(r.status.value for r in section.rows)
            lines += _wrap(f"{section.title}: {len(section.rows)} rows, "
                           + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
                           + " (--verbose or the HTML report shows the table)", view.width)
            continue
        lines.append(f"{section.title}:")
        rows: list[list[object]] = [[r.status.value, r.region, r.resource_id, *r.cells] for r in section.rows]
        lines.append(fit_table(rows, ["Status", "Region", "Resource", *section.columns], view.width,
                               flexible={i: 12 for i in range(2, 3 + len(section.columns))})
                     if rows else "  (nothing to show)")
    return lines


def render(report: Report, view: View | None = None) -> str:
    view = view or View()
    width = max(view.width, 40)
    scan, summary = report.scan, report.summary
    by_status = summary.by_status
    lines = [
        *_wrap(f"posture {report.tool.version} · account {', '.join(scan.accounts)} · regions "
               f"{', '.join(scan.regions)}", width),
        *_wrap(f"{scan.units_run} units run (check × region; {scan.checks_selected} checks), {scan.api_calls} API "
               f"calls in {scan.duration_seconds:.1f} s → {summary.findings} findings: {by_status[Status.FAIL]} FAIL, "
               f"{by_status[Status.ERROR]} ERROR, {by_status[Status.PASS]} PASS, {summary.muted} muted", width),
        "",
    ]
    header = ["Score", "Coverage", "Pass", "Fail", "Error"]
    overall = summary.scores.overall
    lines.append(fit_table(_area_rows([overall]) + _area_rows(list(summary.scores.boundaries.values())),
                           ["Trust boundary", *header], width, flexible={0: 8}))
    lines.append("")
    lines.append(fit_table(_area_rows(list(summary.scores.csf_functions.values())),
                           ["NIST CSF 2.0 function", *header], width, flexible={0: 8}))
    lines.append("")
    lines += _matrix(report, width)
    if report.inventory is not None:
        inventory = report.inventory
        lines.append("")
        counts = ", ".join(f"{n} {kind}" for kind, n in inventory.counts.items()) or "no AI assets found"
        lines += _wrap(f"GenAI inventory: {counts}", width)
        if inventory.scoping_scope:
            more = len(inventory.scoping_evidence) - 1
            lines += _wrap(f"Generative AI Security Scoping Matrix: scope {inventory.scoping_scope} "
                           f"({inventory.scoping_label}), shown by {inventory.scoping_evidence[0]}"
                           + (f" and {more} more" if more > 0 else ""), width)
        for error in inventory.errors:
            lines += _wrap(f"  inventory incomplete: {error}", width, "    ")
    lines += _sections(report, View(view.verbose, view.statuses, view.severities, width, view.top))
    for framework in report.compliance:
        lines.append("")
        lines += [_clip(line, width) for line in compliance_text(framework).splitlines()]
    if report.scan.not_offered:
        per_region: dict[str, list[str]] = {}
        for gap in report.scan.not_offered:
            per_region.setdefault(gap.region, []).append(gap.service)
        lines.append("")
        lines += _wrap("Not assessed, the service is not offered in the region: " + "; ".join(
            f"{region}: {', '.join(sorted(set(services)))}" for region, services in sorted(per_region.items())), width)
    shown = View(view.verbose, view.statuses, view.severities, width, view.top)
    lines += _findings(report, shown)
    lines += _unreadable(report, shown)
    return "\n".join(lines) + "\n"


def _cell(defense: RiskDefense, boundary: str) -> str:
    """The layer's state with controls passing / present (e.g. "holds 2/5")."""
    state = defense.layers[boundary]
    if state is Layer.ABSENT:
        return LAYER_MARKS[state]
    return f"{LAYER_MARKS[state]} {defense.controls_passing[boundary]}/{defense.controls_present[boundary]}"
