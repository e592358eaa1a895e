"""The renderer table is exhaustive: every renderer module is registered, every entry renders."""

from __future__ import annotations

import pkgutil

import posture.render
from posture.render import RENDERERS
from tests.reporting_helpers import make_finding, make_report


def test_every_renderer_module_is_in_the_table() -> None:
    modules = {m.name for m in pkgutil.iter_modules(posture.render.__path__)}
    assert modules <= set(RENDERERS)
    assert set(RENDERERS) == modules | {"asff"}  # ASFF lives beside the Security Hub sink


def test_every_renderer_renders_text() -> None:
    report = make_report([make_finding("k1"), make_finding("k2", status="PASS")])
    for name, render in RENDERERS.items():
        text = render(report)
        assert isinstance(text, str) and text.strip(), name
