"""Pure renderers: `render(report) -> str`, one per module, chosen from one table."""

from __future__ import annotations

from collections.abc import Callable

from posture import asff as asff_render
from posture.render import csv as csv_render
from posture.render import html as html_render
from posture.render import json as json_render
from posture.render import ocsf as ocsf_render
from posture.render import table as table_render
from posture.report import Report

RENDERERS: dict[str, Callable[[Report], str]] = {
    "table": table_render.render,
    "json": json_render.render,
    "asff": asff_render.render,
    "csv": csv_render.render,
    "ocsf": ocsf_render.render,
    "html": html_render.render,
}
