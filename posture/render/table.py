"""The terminal summary a person reads after a scan."""

from __future__ import annotations

from tabulate import tabulate

from posture.core.models import Status
from posture.core.scoring import AreaScore, Layer, RiskDefense
from posture.render.compliance import text as compliance_text
from posture.report.model import Report

LAYER_MARKS = {Layer.HOLDS: "holds", Layer.PARTIAL: "partial", Layer.FAILS: "FAILS", Layer.ERROR: "error",
               Layer.ABSENT: "-"}
MAX_MESSAGE = 90


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _score(area: AreaScore) -> str:
    return "not assessed" if area.score is None else f"{area.score:.1f}"


def _area_rows(areas: list[AreaScore]) -> list[list[object]]:
    return [[a.name, _score(a), _pct(a.coverage), a.passed, a.failed, a.errors] for a in areas]


def render(report: Report, *, findings: bool = True) -> str:
    scan, summary = report.scan, report.summary
    by_status = summary.by_status
    lines = [
        f"posture {report.tool.version}  account {', '.join(scan.accounts)}  regions {', '.join(scan.regions)}",
        f"{summary.findings} findings: {by_status[Status.PASS]} PASS, {by_status[Status.FAIL]} FAIL, "
        f"{by_status[Status.ERROR]} ERROR, {summary.muted} muted;  {scan.api_calls} API calls in "
        f"{scan.duration_seconds:.1f} s",
        "",
    ]
    header = ["", "Score", "Coverage", "Pass", "Fail", "Error"]
    overall = summary.scores.overall
    lines.append(tabulate(_area_rows([overall]) + _area_rows(list(summary.scores.boundaries.values())),
                          headers=["Trust boundary", *header[1:]], tablefmt="simple"))
    lines.append("")
    lines.append(tabulate(_area_rows(list(summary.scores.csf_functions.values())),
                          headers=["NIST CSF 2.0 function", *header[1:]], tablefmt="simple"))
    lines.append("")
    boundaries = list(summary.scores.boundaries)
    matrix = [[f"{d.risk} {d.name}", *(_cell(d, b) for b in boundaries), d.layers_holding]
              for d in summary.defense_in_depth]
    lines.append("Defense in depth: per trust boundary, mapped controls passing everywhere / evaluated")
    lines.append(tabulate(matrix, headers=["OWASP LLM 2025 × trust boundary", *boundaries, "layers"],
                          tablefmt="simple"))
    thin = [d for d in summary.defense_in_depth if d.called_out and d.layers_present]
    if thin:
        lines.append("")
        lines.append("Held by one layer or none: " + "; ".join(
            f"{d.risk} {d.name} ({d.layers_holding} of {d.layers_present} layers hold)" for d in thin))
    if report.inventory is not None:
        inventory = report.inventory
        lines.append("")
        counts = ", ".join(f"{n} {kind}" for kind, n in inventory.counts.items()) or "no AI assets found"
        lines.append(f"GenAI inventory: {counts}")
        if inventory.scoping_scope:
            lines.append(f"Generative AI Security Scoping Matrix: scope {inventory.scoping_scope} "
                         f"({inventory.scoping_label}), shown by {inventory.scoping_evidence[0]}"
                         + (f" and {len(inventory.scoping_evidence) - 1} more" if len(inventory.scoping_evidence) > 1
                            else ""))
        for error in inventory.errors:
            lines.append(f"  inventory incomplete: {error}")
    for section in report.sections:
        lines.append("")
        lines.append(f"{section.title}:")
        rows = [[r.status.value, r.region, r.resource_id, *(_clip(c) for c in r.cells)] for r in section.rows]
        lines.append(tabulate(rows, headers=["Status", "Region", "Resource", *section.columns], tablefmt="simple")
                     if rows else "  (nothing to show)")
    for view in report.compliance:
        lines.append("")
        lines.append(compliance_text(view))
    if report.scan.not_offered:
        per_region: dict[str, list[str]] = {}
        for gap in report.scan.not_offered:
            per_region.setdefault(gap.region, []).append(gap.service)
        lines.append("")
        lines.append("Not assessed, the service is not offered in the region: " + "; ".join(
            f"{region}: {', '.join(sorted(set(services)))}" for region, services in sorted(per_region.items())))
    if findings:
        failing = [f for f in report.findings if f.status is not Status.PASS and not f.muted]
        failing.sort(key=lambda f: (f.status is Status.ERROR, -f.severity.rank, f.check_id, f.resource_id))
        if failing:
            rows = [[f.status.value, f.severity.value, f.check_id, f.region, f.resource_id, _clip(f.message)]
                    for f in failing]
            lines.append("")
            lines.append(tabulate(rows, headers=["Status", "Severity", "Check", "Region", "Resource", "Message"],
                                  tablefmt="simple"))
    return "\n".join(lines) + "\n"


def _cell(defense: RiskDefense, boundary: str) -> str:
    """The layer's state with controls passing / present (e.g. "holds 2/5")."""
    state = defense.layers[boundary]
    if state is Layer.ABSENT:
        return LAYER_MARKS[state]
    return f"{LAYER_MARKS[state]} {defense.controls_passing[boundary]}/{defense.controls_present[boundary]}"


def _clip(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"
