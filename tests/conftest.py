"""Shared fixtures. Every test talks only to 127.0.0.1: the environment is pointed at a
dead loopback port before any test runs, and AWS-touching tests get a local moto server
(behind posture's simulation layer) reset before each test."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from posture.core.config import ScanConfig
from posture.core.models import Finding
from posture.core.registry import Registry
from posture.core.runner import scan
from tests.support.catalogue import uncovered
from tests.support.demo import seeded_demo
from tests.support.findings import ASSERTED

_EMPTY_FD, _EMPTY_PATH = tempfile.mkstemp(prefix="posture-test-aws-")
os.close(_EMPTY_FD)
SAFE_ENVIRONMENT = {
    "AWS_ENDPOINT_URL": "http://127.0.0.1:9",  # nothing listens there: a stray call fails fast, locally
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": _EMPTY_PATH,
    "AWS_SHARED_CREDENTIALS_FILE": _EMPTY_PATH,
    "AWS_EC2_METADATA_DISABLED": "true",
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
    "MOTO_ACM_VALIDATION_WAIT": "0",
    # Scan history defaults to the user's state directory: keep tests out of the real one.
    "XDG_STATE_HOME": tempfile.mkdtemp(prefix="posture-test-state-"),
}
os.environ.update(SAFE_ENVIRONMENT)
for _var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"):
    os.environ.pop(_var, None)


# Hypothesis budgets: a small one by default (`make test`), a larger one with HYPOTHESIS_PROFILE=full
# (`make test-full`). Property tests take their example count from the loaded profile.
settings.register_profile("ci", max_examples=25, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.register_profile("full", max_examples=400, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry.load(plugins=False)


@pytest.fixture(scope="session")
def _local_aws() -> Iterator[object]:
    from posture.demo.server import LocalAws, patched_environ

    server = LocalAws().start()
    with patched_environ(server.environment()):
        yield server
    server.stop()


@pytest.fixture
def aws(_local_aws: object) -> object:
    """The local AWS, empty: moto state and simulation state are reset for each test."""
    _local_aws.reset()  # type: ignore[attr-defined]
    return _local_aws


@pytest.fixture
def demo_account(_local_aws: Any) -> Iterator[Any]:
    """The local AWS holding the seeded demo account, to read only (see `seeded_demo`)."""
    seeded_demo(_local_aws)
    yield _local_aws
    _local_aws.simulation.clear_faults()


@pytest.fixture
def demo_seeded(demo_account: Any) -> Any:
    """What seeding the demo account returned (its ids), with the account in place."""
    return seeded_demo(demo_account)


# (check id, status) a test asserted through `tests.support.findings.expect` (a status a check merely returned
# counts for nothing); the session fails when a check lacks a PASS, FAIL or ERROR test.
OBSERVED = ASSERTED
CHECK_TESTS = Path(__file__).parent / "checks"


@pytest.fixture
def run_check(aws: object, registry: Registry):  # type: ignore[no-untyped-def]
    """Scan with one check and return its findings (through the real runner)."""

    def run(check_id: str, regions: tuple[str, ...] = ("us-east-1",), **config: object) -> list[Finding]:
        result = scan(ScanConfig(checks=(check_id,), regions=regions, max_attempts=2, **config), registry)
        return result.findings

    return run


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Remember whether this session runs every per-check test module, unfiltered."""
    modules = {Path(str(item.fspath)).resolve() for item in items}
    every_module = {p.resolve() for p in CHECK_TESTS.glob("test_*.py")} <= modules
    config.stash[_WHOLE_CATALOGUE] = every_module and not config.option.keyword and not config.option.markexpr


_WHOLE_CATALOGUE = pytest.StashKey[bool]()
_WORKERS_SEEN = pytest.StashKey[set[tuple[str, str]]]()
_WORKERS_WHOLE = pytest.StashKey[bool]()


def pytest_testnodedown(node: object, error: object) -> None:
    """pytest-xdist (controller): gather what each worker's tests saw."""
    output = getattr(node, "workeroutput", {})
    config = node.config  # type: ignore[attr-defined]
    config.stash.setdefault(_WORKERS_SEEN, set()).update(tuple(pair) for pair in output.get("posture_observed", []))
    if output.get("posture_whole_catalogue"):
        config.stash[_WORKERS_WHOLE] = True


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Every check has a test where it passes, one where it fails and one where it reports ERROR.

    Under pytest-xdist each worker sends what it saw to the controller, which judges the union."""
    config = session.config
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: report, do not judge
        workeroutput["posture_observed"] = sorted(OBSERVED)
        workeroutput["posture_whole_catalogue"] = config.stash.get(_WHOLE_CATALOGUE, False)
        return
    distributed = config.pluginmanager.hasplugin("dsession") and _WORKERS_SEEN in config.stash
    observed = config.stash.get(_WORKERS_SEEN, set()) if distributed else OBSERVED
    whole = config.stash.get(_WORKERS_WHOLE, False) if distributed else config.stash.get(_WHOLE_CATALOGUE, False)
    if not whole or exitstatus not in (0, 1):
        return
    missing = uncovered(observed, [c.meta.id for c in Registry.load(plugins=False)])
    if missing:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        lines = [f"  {check_id}: no {', '.join(statuses)} test" for check_id, statuses in sorted(missing.items())]
        if reporter is not None:
            reporter.write_line("checks without a PASS, FAIL or ERROR test (asserted through expect):")
            for line in lines:
                reporter.write_line(line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
