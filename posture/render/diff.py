"""The diff of two scans as a table or JSON (pure)."""

from __future__ import annotations

from tabulate import tabulate

from posture.report.diff import Change, Diff

# What the new scan says of a finding it does not list, per change.
AFTER = {Change.OUT_OF_SCOPE: "not scanned", Change.NOT_REASSESSED: "not re-assessed"}


def render_table(d: Diff, *, show_unchanged_passing: bool = False) -> str:
    lines = [f"{d.old_scan} -> {d.new_scan}: " + ", ".join(f"{d.counts[c]} {c.value}" for c in Change), ""]
    rows = [[e.change.value, e.severity.value, e.check_id, e.region, e.resource_id,
             f"{e.old_status or '-'} -> {e.new_status or AFTER.get(e.change, 'gone')}"
             + (" (muted)" if e.muted else "")]
            for e in d.entries if e.change is not Change.UNCHANGED or e.open or show_unchanged_passing]
    if rows:
        lines.append(tabulate(rows, headers=["Change", "Severity", "Check", "Region", "Resource", "Status"],
                              tablefmt="simple"))
    return "\n".join(lines) + "\n"


def render_json(d: Diff) -> str:
    return d.model_dump_json(indent=2) + "\n"
