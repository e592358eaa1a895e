"""Imports go one way: cli -> report/render/sinks -> core -> aws; nothing imports the checks but the
registry's discovery (by name, not by import statement). Inside `posture.checks`:

- a read module (`posture.checks._read.*`) imports only `posture.api` and other read modules;
- the policy evaluator (`_policy`) imports nothing of posture.checks (every judging module builds on it);
- the AI scope (`_scope`) imports only `posture.api`, the read layer and the evaluator (to read trust
  policies);
- a shared judging module (`posture.checks._<name>`) imports `posture.api`, the read layer, the evaluator,
  the AI scope and other judging modules;
- a check module imports `posture.api`, the read layer, the evaluator, the AI scope and judging modules, never
  another check module;
- from the engine, a check imports `posture.api` only (all a check author imports);
- no module imports a module by a name made at run time (`import_module`), and nothing forms a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# package -> packages it must never import
FORBIDDEN = {
    "posture.aws": {"posture.core", "posture.report", "posture.render", "posture.sinks", "posture.cli",
                    "posture.demo", "posture.checks"},
    "posture.core": {"posture.report", "posture.render", "posture.sinks", "posture.cli", "posture.demo",
                     "posture.checks"},
    "posture.report": {"posture.render", "posture.sinks", "posture.cli", "posture.demo", "posture.checks"},
    "posture.render": {"posture.sinks", "posture.cli", "posture.demo", "posture.checks"},
    "posture.sinks": {"posture.cli", "posture.demo", "posture.checks"},
    "posture.demo": {"posture.cli", "posture.checks"},
    "posture.checks": {"posture.cli", "posture.render", "posture.sinks", "posture.report", "posture.demo",
                       "posture.aws", "posture.core"},
}
# The narrow exceptions, each for a reason: the one-line error types are shared by every layer.
ALLOWED = {
    "posture.aws": {"posture.core.errors"},
}


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at module level or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def module_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    name = ".".join(parts if parts[0] == "posture" else ("posture", *parts))
    return name.removesuffix(".__init__")


def package_of(path: Path) -> str:
    parts = module_of(path).split(".")
    return ".".join(parts[:2])


def sources() -> list[Path]:
    found = [p for p in ROOT.joinpath("posture").rglob("*.py") if "checks" not in p.relative_to(ROOT).parts[:2]]
    return sorted([*found, *ROOT.joinpath("checks").rglob("*.py")])


def check_sources() -> list[Path]:
    return sorted(ROOT.joinpath("checks").rglob("*.py"))


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


def role(module: str) -> str:
    """read, evaluator, scope, judging, check or package, for a module of posture.checks."""
    rest = module.split(".")[2:]
    if not rest:
        return "package"
    if rest[0] == "_read":
        return "read"
    if rest[0] == "_policy":
        return "evaluator"
    if rest[0] == "_scope":
        return "scope"
    return "judging" if rest[0].startswith("_") else "check"


# role -> the roles of the posture.checks modules it may import (see the module docstring)
MAY_IMPORT = {
    "read": {"read"},
    "evaluator": set(),
    "scope": {"read", "evaluator"},
    "judging": {"read", "evaluator", "judging", "scope"},
    "check": {"read", "evaluator", "judging", "scope"},
    "package": {"read", "evaluator", "judging", "scope", "check"},
}


def checks_module(name: str) -> str | None:
    """The posture.checks module an imported name refers to (`posture.checks._read.kms.LIST_KEYS` ->
    `posture.checks._read.kms`), or None when it is outside the checks."""
    if not name.startswith("posture.checks"):
        return None
    known = {module_of(p) for p in check_sources()}
    parts = name.split(".")
    for end in range(len(parts), 1, -1):
        if ".".join(parts[:end]) in known:
            return ".".join(parts[:end])
    return None


def check_violations(path: Path) -> list[str]:
    """The rules inside posture.checks (see the module docstring)."""
    me = module_of(path)
    mine = role(me)
    bad = []
    source = path.read_text("utf-8")
    if "import_module" in source:
        bad.append(f"{path.relative_to(ROOT)} imports by a name made at run time")
    for name in imports_of(path):
        if name.startswith(("posture.core", "posture.aws")):
            bad.append(f"{path.relative_to(ROOT)} imports {name}: a check imports the engine through posture.api")
        target = checks_module(name)
        if target is None or target == me:
            continue
        theirs = role(target)
        if theirs == "package":
            continue
        if theirs not in MAY_IMPORT[mine]:
            bad.append(f"{path.relative_to(ROOT)} ({mine}) imports {target} ({theirs})")
    return sorted(set(bad))


def cycles() -> list[list[str]]:
    """Import cycles among the modules of posture.checks."""
    graph: dict[str, set[str]] = {}
    for path in check_sources():
        me = module_of(path)
        graph[me] = {t for n in imports_of(path) if (t := checks_module(n)) and t != me and role(t) != "package"}
    found: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append([*stack[stack.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_imports_go_one_way() -> None:
    bad = [v for path in sources() for v in violations(path)]
    assert not bad, "\n".join(bad)


def test_checks_import_only_the_read_layer_and_judging_helpers() -> None:
    bad = [v for path in check_sources() for v in check_violations(path)]
    assert not bad, "\n".join(bad)


def test_no_import_cycle_among_the_checks() -> None:
    assert not cycles(), "\n".join(" -> ".join(c) for c in cycles())


@pytest.mark.parametrize(("package", "module"), [
    ("posture/core/runner.py", "posture.checks.kms"), ("posture/render/table.py", "posture.sinks.files"),
    ("checks/kms.py", "posture.cli.main"), ("checks/kms.py", "posture.render.html"),
])
def test_the_rule_sees_a_wrong_way_import(tmp_path: Path, package: str, module: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / package
    target.parent.mkdir(parents=True)
    target.write_text(f"import {module}\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert violations(target) == [f"{package} imports {module}"]


@pytest.mark.parametrize(("module", "imports", "wrong"), [
    ("checks/kms.py", "from posture.checks import s3", "(check) imports posture.checks.s3 (check)"),
    ("checks/_read/kms.py", "from posture.checks import _policy", "(read) imports posture.checks._policy (evaluator)"),
    ("checks/_scope.py", "from posture.checks import s3", "(scope) imports posture.checks.s3 (check)"),
    ("checks/_scope.py", "from posture.checks import _keys", "(scope) imports posture.checks._keys (judging)"),
    ("checks/_policy.py", "from posture.checks._read import kms", "(evaluator) imports posture.checks._read.kms"),
    ("checks/_policy.py", "from posture.checks import _keys", "(evaluator) imports posture.checks._keys (judging)"),
    ("checks/kms.py", "from posture.core.context import CheckContext", "through posture.api"),
    ("checks/_scope.py", "from importlib import import_module", "a name made at run time"),
])
def test_the_checks_rule_sees_a_wrong_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str,
                                             imports: str, wrong: str) -> None:
    for name in ("checks/__init__.py", "checks/s3.py", "checks/_policy.py", "checks/_keys.py",
                 "checks/_read/__init__.py", "checks/_read/kms.py", "checks/kms.py", "checks/_scope.py"):
        tmp_path.joinpath(name).parent.mkdir(parents=True, exist_ok=True)
        tmp_path.joinpath(name).write_text("")
    tmp_path.joinpath(module).write_text(imports + "\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert any(wrong in v for v in check_violations(tmp_path / module)), check_violations(tmp_path / module)


def test_the_scope_may_read_trust_policies_with_the_evaluator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("checks/__init__.py", "checks/_policy.py", "checks/_read/__init__.py", "checks/_read/iam.py"):
        tmp_path.joinpath(name).parent.mkdir(parents=True, exist_ok=True)
        tmp_path.joinpath(name).write_text("")
    tmp_path.joinpath("checks/_scope.py").write_text("from posture.api import CheckContext\n"
                                                     "from posture.checks import _policy\n"
                                                     "from posture.checks._read import iam\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert check_violations(tmp_path / "checks/_scope.py") == []


def test_the_cycle_rule_sees_a_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, text in (("checks/__init__.py", ""), ("checks/_read/__init__.py", ""),
                       ("checks/_read/a.py", "from posture.checks._read import b\n"),
                       ("checks/_read/b.py", "from posture.checks._read.a import X\n")):
        tmp_path.joinpath(name).parent.mkdir(parents=True, exist_ok=True)
        tmp_path.joinpath(name).write_text(text)
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert cycles() == [["posture.checks._read.a", "posture.checks._read.b", "posture.checks._read.a"]]


def test_every_package_says_what_it_holds() -> None:
    for init in ROOT.joinpath("posture").glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text("utf-8")))
        assert doc and len(doc) > 30, f"{init.relative_to(ROOT)} has no docstring saying what the package is for"
    assert not ROOT.joinpath("posture", "bench.py").exists()
    # posture/api.py is all a check author imports; every other module sits in its package
    assert {p.name for p in ROOT.joinpath("posture").glob("*.py")} == {"__init__.py", "api.py"}


def test_tests_mirror_the_packages() -> None:
    """Test folders follow the packages (tests/core for posture/core, tests/checks for checks/, tests/deploy for
    the top-level deploy/: templates, image, scripts); builders
    and helpers live in tests/support, and no test imports from conftest.py (fixtures come by name)."""
    tests = ROOT / "tests"
    packages = {p.name for p in ROOT.joinpath("posture").iterdir() if p.joinpath("__init__.py").exists()}
    folders = {p.name for p in tests.iterdir() if p.is_dir() and p.joinpath("__init__.py").exists()}
    assert folders - {"checks", "deploy", "support"} <= packages, folders - packages
    for path in tests.rglob("*.py"):
        assert "tests.conftest" not in imports_of(path), f"{path.relative_to(ROOT)} imports from conftest.py"
        if path.parent.name == "support":
            assert not path.name.startswith("test_"), f"{path.relative_to(ROOT)}: support holds no tests"
