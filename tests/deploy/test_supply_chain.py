"""The lock files, the SBOM and the audit: `make lock`, `make sbom`, `make audit`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.support.deploy import ROOT, deploy_module

# The targets run from the test environment: never reinstall it (-o: the install stamp counts as current).
MAKE = ["make", "-s", "-o", ".venv/.installed"]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+)", re.M)


def pins(name: str) -> dict[str, str]:
    return {n.lower(): v for n, v in PIN.findall((ROOT / name).read_text("utf-8"))}


def requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def test_every_locked_package_is_pinned_with_hashes() -> None:
    for name in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / name).read_text("utf-8")
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text.strip())
        assert blocks and all(PIN.match(b) and "--hash=sha256:" in b for b in blocks), name


def test_the_locks_hold_what_pyproject_asks_and_agree() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert requirement_names(project["dependencies"]) <= set(runtime)
    extras = [r for rs in project["optional-dependencies"].values() for r in rs]
    assert requirement_names(extras) - {"moto", "py-ocsf-models", "policy-sentry"} <= set(dev) | {"moto"}
    assert all(dev[n] == v for n, v in runtime.items()), "the runtime lock and the development lock disagree"
    assert "cloudsplaining" not in runtime and "cloudsplaining" in dev


def test_make_install_installs_from_the_lock() -> None:
    makefile = (ROOT / "Makefile").read_text("utf-8")
    stamp = makefile[makefile.index("$(STAMP):"):makefile.index("install: $(STAMP)")]
    assert "$(DEV_LOCK)" in stamp.splitlines()[0] and "--require-hashes -r $(DEV_LOCK)" in stamp


@pytest.mark.slow
def test_make_sbom_writes_a_valid_cyclonedx_sbom_of_the_runtime_set(tmp_path: Path) -> None:
    from cyclonedx.schema import OutputFormat, SchemaVersion
    from cyclonedx.validation import make_schemabased_validator

    out = tmp_path / "sbom.cdx.json"
    done = subprocess.run([*MAKE, "sbom", f"SBOM={out}", f"SBOM_ENV={tmp_path / 'env'}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    text = out.read_text("utf-8")
    document = json.loads(text)
    version = SchemaVersion.from_version(document["specVersion"])
    errors = make_schemabased_validator(OutputFormat.JSON, version).validate_str(text)
    assert errors is None, errors
    assert document["metadata"]["component"]["name"] == "aws-llm-posture"
    components = {c["name"].lower().replace("_", "-"): c["version"] for c in document["components"]}
    assert components == pins("requirements.lock")


def test_audit_judges_a_skipped_package_as_not_audited() -> None:
    audit = deploy_module("audit.py")
    reason = "Dependency not found on PyPI and could not be audited"
    skipped = {"dependencies": [{"name": "boto3", "version": "1", "vulns": []},
                                {"name": "click", "skip_reason": reason}]}
    verdict = audit.judge(skipped)
    assert verdict.code == 2 and "could not audit 1 of 2" in verdict.lines[0]
    assert "not a clean result" in verdict.lines[0]
    assert audit.judge({"dependencies": []}).code == 2
    clean = audit.judge({"dependencies": [{"name": "boto3", "version": "1", "vulns": []}]})
    assert clean.code == 0 and "1 locked packages audited" in clean.lines[0]
    found = audit.judge({"dependencies": [{"name": "boto3", "version": "1", "vulns": [
        {"id": "PYSEC-1", "fix_versions": ["2"]}]}]})
    assert found.code == 1 and "boto3 1: PYSEC-1 (fixed in 2)" in found.lines[1]


def test_make_audit_says_it_could_not_audit_when_the_service_is_unreachable(tmp_path: Path) -> None:
    """Every request goes to a closed local port: no answer is never "no known vulnerabilities". (One locked
    package, not all: pip-audit retries each with back-off.)"""
    first = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / "requirements.lock").read_text("utf-8"))[0]
    lock = tmp_path / "one.lock"
    lock.write_text(first + "\n")
    closed = "http://127.0.0.1:9"
    env = {**os.environ, "HTTPS_PROXY": closed, "https_proxy": closed, "HTTP_PROXY": closed, "http_proxy": closed,
           "NO_PROXY": "", "no_proxy": ""}
    done = subprocess.run([*MAKE, "audit", f"LOCK={lock}"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode != 0
    assert "audit: could not audit" in done.stderr
    assert "No known vulnerabilities" not in done.stdout + done.stderr
    assert "no known vulnerabilities" not in done.stdout


@pytest.mark.slow
def test_checkov_finds_nothing_in_the_templates() -> None:
    """checkov runs in its own environment (uv tool run): its pins would hold back boto3 in ours."""
    done = subprocess.run([*MAKE, "checkov"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    if done.returncode != 0 and "Failed checks" not in done.stdout:
        last = (done.stderr.strip().splitlines() or [""])[-1]
        pytest.skip(f"checkov could not be installed or run here: {last}")
    assert "Failed checks: 0" in done.stdout, done.stdout[-3000:]
