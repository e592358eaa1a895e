"""Imports go one way: cli -> report/render/sinks -> core -> aws; checks -> core; nothing
imports checks but the registry's discovery (by name, not by import statement)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# package -> packages it must never import (posture.<x> or the top-level `checks`)
FORBIDDEN = {
    "posture.aws": {"posture.core", "posture.report", "posture.render", "posture.sinks", "posture.cli",
                    "posture.demo", "posture.checks"},
    "posture.core": {"posture.report", "posture.render", "posture.sinks", "posture.cli", "posture.demo", "posture.checks"},
    "posture.report": {"posture.render", "posture.sinks", "posture.cli", "posture.demo", "posture.checks"},
    "posture.render": {"posture.sinks", "posture.cli", "posture.demo", "posture.checks"},
    "posture.sinks": {"posture.cli", "posture.demo", "posture.checks"},
    "posture.demo": {"posture.cli", "posture.checks"},
    "posture.checks": {"posture.cli", "posture.render", "posture.sinks", "posture.report", "posture.demo", "posture.aws"},
}
# The narrow exceptions, each for a reason: the one-line error types are shared by every layer,
# and a check may catch the error a read raises.
ALLOWED = {
    "posture.aws": {"posture.core.errors"},
    "posture.checks": {"posture.aws.errors"},
}


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def package_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:2]) if parts[0] == "posture" else f"posture.{parts[0]}"


def sources() -> list[Path]:
    found = [p for p in ROOT.joinpath("posture").rglob("*.py") if "checks" not in p.relative_to(ROOT).parts[:2]]
    return sorted([*found, *ROOT.joinpath("checks").rglob("*.py")])


def violations(path: Path) -> list[str]:
    package = package_of(path)
    forbidden = FORBIDDEN.get(package, set())
    allowed = ALLOWED.get(package, set())
    bad = []
    for name in imports_of(path):
        if any(name == a or name.startswith(a + ".") for a in allowed):
            continue
        if any(name == f or name.startswith(f + ".") for f in forbidden):
            bad.append(f"{path.relative_to(ROOT)} imports {name}")
    return bad


def test_imports_go_one_way() -> None:
    bad = [v for path in sources() for v in violations(path)]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(("package", "module"), [
    ("posture/core/runner.py", "posture.checks.kms"), ("posture/render/table.py", "posture.sinks.files"),
    ("checks/kms.py", "posture.cli.main"), ("checks/kms.py", "posture.render.html"),
])
def test_the_rule_sees_a_wrong_way_import(tmp_path: Path, package: str, module: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    fake_root = tmp_path
    target = fake_root / package
    target.parent.mkdir(parents=True)
    target.write_text(f"import {module}\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", fake_root)
    assert violations(target) == [f"{package} imports {module}"]


def test_every_package_says_what_it_holds() -> None:
    for init in ROOT.joinpath("posture").glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text("utf-8")))
        assert doc and len(doc) > 30, f"{init.relative_to(ROOT)} has no docstring saying what the package is for"
    assert not ROOT.joinpath("posture", "bench.py").exists()
    # posture/api.py is all a check author imports; every other module sits in its package
    assert {p.name for p in ROOT.joinpath("posture").glob("*.py")} == {"__init__.py", "api.py"}
