"""Per-requirement views of frameworks (`--compliance`) as text and CSV, and the list of frameworks
`posture compliance --list` prints. Pure: reports and catalogues in, text out."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from tabulate import tabulate

from posture.core.models import CheckMeta
from posture.report.compliance import FRAMEWORK_KEYS, STATUS_TEXT, FrameworkView, build_view, framework
from posture.report.model import Report

STATUS_ORDER = ("fail", "error", "pass", "muted", "no_findings", "not_assessed", "manual")
STATUS_MARK = {"fail": "FAIL", "error": "ERROR", "pass": "PASS", "muted": "muted", "no_findings": "no findings",
               "not_assessed": "not assessed", "manual": "manual evidence needed"}
CSV_COLUMNS = ["framework", "framework_version", "requirement_id", "requirement", "group", "status", "passed",
               "failed", "errors", "muted", "checks", "checks_selected"]
MAX_TITLE = 60


def summary_line(view: FrameworkView) -> str:
    counts = view.by_status
    judged = ", ".join(f"{counts[s]} {STATUS_MARK[s]}" for s in STATUS_ORDER if counts.get(s))
    return (f"{view.name} {view.version}: {len(view.requirements)} requirements, {view.with_evidence} with evidence "
            f"from this scan, {view.mapped} mapped to checks ({judged})")


def _clip(text: str, width: int = MAX_TITLE) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def text(view: FrameworkView) -> str:
    rows = [[r.id, _clip(r.title), STATUS_MARK[r.status], r.passed, r.failed, r.errors,
             len(r.checks)] for r in view.requirements]
    lines = [summary_line(view)]
    if view.note:
        lines.append(f"  ({view.note})")
    lines.append(tabulate(rows, headers=["Requirement", "Title", "Status", "Pass", "Fail", "Error", "Checks"],
                          tablefmt="simple"))
    return "\n".join(lines)


def _cell(value: str) -> str:
    # A cell a spreadsheet would run as a formula starts with a quote (as in the findings CSV).
    return "'" + value if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value


def render_csv(report: Report) -> str:
    """One row per requirement of each framework in the report (RFC 4180, CRLF)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for view in report.compliance:
        for r in view.requirements:
            writer.writerow([_cell(str(v)) for v in (
                view.key, view.version, r.id, r.title, r.group, r.status, r.passed, r.failed, r.errors, r.muted,
                ";".join(c.check_id for c in r.checks), ";".join(c.check_id for c in r.checks if c.selected))])
    return out.getvalue()


def render_list(catalogue: Iterable[CheckMeta]) -> str:
    """Every framework `--compliance` knows: its key, what it is, and how much of it checks cover."""
    metas = list(catalogue)
    rows = []
    for key in FRAMEWORK_KEYS:
        view = build_view(key, metas, [], [])
        fw = framework(key)
        rows.append([key, f"{fw.name} {fw.version}", len(view.requirements), view.mapped,
                     len(view.requirements) - view.mapped])
    return tabulate(rows, headers=["Key", "Framework", "Requirements", "Mapped to checks", "Manual evidence needed"],
                    tablefmt="simple") + "\n"


def render_mapping(key: str, catalogue: Iterable[CheckMeta]) -> str:
    """One framework without a scan: each requirement and the checks that give evidence for it."""
    view = build_view(key, catalogue, [], [])
    lines = [f"{view.name} {view.version}: {len(view.requirements)} requirements, {view.mapped} mapped to checks"]
    rows = [[r.id, _clip(r.title, 50), ", ".join(c.check_id for c in r.checks) or STATUS_TEXT["manual"]]
            for r in view.requirements]
    lines.append(tabulate(rows, headers=["Requirement", "Title", "Checks"], tablefmt="simple"))
    return "\n".join(lines) + "\n"
