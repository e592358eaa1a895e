"""The wheel installs one top-level package, `posture`, with the built-in checks as `posture.checks`."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def declared_packages() -> set[str]:
    return set(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])


def source_packages() -> set[str]:
    """Every folder with an __init__.py, named as it installs (checks/ is posture.checks)."""
    found = set()
    for init in [*ROOT.joinpath("posture").rglob("__init__.py"), *ROOT.joinpath("checks").rglob("__init__.py")]:
        parts = init.parent.relative_to(ROOT).parts
        if parts[:2] == ("posture", "checks"):
            continue  # the development link to checks/ (for mypy), not a package of its own
        found.add(".".join(("posture", *parts) if parts[0] == "checks" else parts))
    return found


def test_every_package_is_declared() -> None:
    assert declared_packages() == source_packages()


@pytest.mark.slow
def test_the_wheel_holds_only_posture(tmp_path: Path) -> None:
    shutil.rmtree(ROOT / "build" / "lib", ignore_errors=True)  # setuptools would add what an old build left
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("aws_llm_posture-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        top_level = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
        assert top_level == {"posture"}
        packages = {"/".join(n.split("/")[:-1]).replace("/", ".") for n in names if n.endswith("/__init__.py")}
        assert packages == declared_packages()
        # every built-in check module is there, under posture/checks
        modules = {n.removeprefix("posture/checks/") for n in names if n.startswith("posture/checks/")}
        assert modules == {p.relative_to(ROOT / "checks").as_posix() for p in ROOT.joinpath("checks").rglob("*.py")}
