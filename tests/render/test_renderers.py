"""The formatter tables are exhaustive: every formatter module is registered, every entry renders."""

from __future__ import annotations

import pkgutil

import posture.render
from posture.render import RENDERERS, formatter_modules
from tests.support.reporting import make_finding, make_report


def test_every_formatter_module_is_in_a_table() -> None:
    modules = {m.name for m in pkgutil.iter_modules(posture.render.__path__)}
    assert modules == formatter_modules()
    assert {"table", "json", "asff", "csv", "ocsf", "html"} == set(RENDERERS)


def test_every_renderer_renders_text() -> None:
    report = make_report([make_finding("k1"), make_finding("k2", status="PASS")])
    for name, render in RENDERERS.items():
        text = render(report)
        assert isinstance(text, str) and text.strip(), name
