"""Pure formatters: `render(report) -> str`, one per module, chosen from one table; the diff
of two scans and the check catalogue have their own entries beside the report formats."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from posture.render import asff as asff_render
from posture.render import catalogue as catalogue_render
from posture.render import compliance as compliance_render
from posture.render import csv as csv_render
from posture.render import diff as diff_render
from posture.render import html as html_render
from posture.render import json as json_render
from posture.render import ocsf as ocsf_render
from posture.render import table as table_render
from posture.report.model import Report

RENDERERS: dict[str, Callable[[Report], str]] = {
    "table": table_render.render,
    "json": json_render.render,
    "asff": asff_render.render,
    "csv": csv_render.render,
    "ocsf": ocsf_render.render,
    "html": html_render.render,
}

# Formatters of what is not a report: a diff of two scans, the catalogue of checks, the
# frameworks (and a report's per-requirement views as CSV, written beside the findings CSV).
OTHER_RENDERERS: dict[str, Callable[..., str]] = {
    "diff-table": diff_render.render_table,
    "diff-json": diff_render.render_json,
    "catalogue-markdown": catalogue_render.markdown,
    "compliance-csv": compliance_render.render_csv,
    "compliance-list": compliance_render.render_list,
    "compliance-mapping": compliance_render.render_mapping,
}


def formatter_modules() -> set[str]:
    """The modules the two tables draw from (a test proves it is every module of this package)."""
    tables: list[dict[str, Any]] = [RENDERERS, OTHER_RENDERERS]
    return {fn.__module__.rsplit(".", 1)[1] for table in tables for fn in table.values()}
