"""The runtime dependency set is small and each piece is accounted for (docs/dependencies.md).

- The privilege-escalation methods are packaged data whose provenance is recorded; they equal the list of
  the cloudsplaining the tests install (a test-only dependency now), so a new release is noticed.
- `pip install .` needs no data-only package.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from posture.checks import _policy
from tests.support import escalation_data

ROOT = Path(__file__).resolve().parents[1]


def shipped() -> dict[str, object]:
    data: dict[str, object] = json.loads(escalation_data.DATA_FILE.read_text("utf-8"))
    return data


def test_the_shipped_methods_equal_the_source_package() -> None:
    pytest.importorskip("cloudsplaining")
    data = shipped()
    assert data["methods"] == escalation_data.source_methods(), (
        "cloudsplaining's PRIVILEGE_ESCALATION_METHODS changed: review the diff, then "
        "`python -m tests.support.escalation_data` and a CHANGELOG line")
    assert data == escalation_data.build(), "the provenance (version, licence) is stale: regenerate the file"


def test_the_provenance_names_package_version_licence_and_file() -> None:
    provenance = shipped()["provenance"]
    assert isinstance(provenance, dict)
    assert provenance["package"] == "cloudsplaining" and provenance["file"] == "cloudsplaining/shared/constants.py"
    assert re.fullmatch(r"\d+\.\d+\.\d+", provenance["version"])
    assert provenance["license"] == "BSD-3-Clause"
    assert provenance["license_text"].startswith("Copyright (c) 2020, Salesforce.com, Inc.")


def test_escalation_methods_read_the_packaged_data() -> None:
    methods = _policy.escalation_methods()
    data = shipped()["methods"]
    assert isinstance(data, dict)
    assert {name: tuple(actions) for name, actions in data.items()}.items() <= methods.items()
    assert set(methods) - set(data) == {a.split(":", 1)[1] for a in _policy.EXTRA_ESCALATION_ACTIONS}


def test_the_data_file_is_packaged() -> None:
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["package-data"]
    assert "data/*.json" in package_data["posture"]


def test_runtime_dependencies_are_the_justified_ones() -> None:
    """Each runtime dependency has its paragraph in docs/dependencies.md, and no data-only package is one."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    names = {re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0].lower() for d in project["dependencies"]}
    assert "cloudsplaining" not in names and "policy_sentry" not in names
    doc = (ROOT / "docs" / "dependencies.md").read_text("utf-8")
    justified = {m.lower() for m in re.findall(r"^### `([^`]+)`", doc, re.M)}
    assert names <= justified, f"runtime dependencies without a paragraph: {sorted(names - justified)}"
    test_extra = {re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0].lower() for d in project["optional-dependencies"]["test"]}
    assert "cloudsplaining" in test_extra
