"""Shared fixtures. Every test talks only to 127.0.0.1: the environment is pointed at a
dead loopback port before any test runs, and AWS-touching tests get a local moto server
(behind posture's simulation layer) reset before each test."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest

from posture.config import ScanConfig
from posture.models import Finding
from posture.registry import Registry
from posture.runner import scan

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
}
os.environ.update(SAFE_ENVIRONMENT)
for _var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"):
    os.environ.pop(_var, None)


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
def run_check(aws: object, registry: Registry):  # type: ignore[no-untyped-def]
    """Scan with one check and return its findings (through the real runner)."""

    def run(check_id: str, regions: tuple[str, ...] = ("us-east-1",), **config: object) -> list[Finding]:
        result = scan(ScanConfig(checks=(check_id,), regions=regions, max_attempts=2, **config), registry)
        return result.findings

    return run


def only(findings: list[Finding], resource_id: str) -> Finding:
    """The one finding on `resource_id`; fails loudly when there are none or several."""
    matching = [f for f in findings if f.resource_id == resource_id]
    seen = [(f.resource_id, f.status.value) for f in findings]
    assert len(matching) == 1, f"expected one finding on {resource_id}, got {seen}"
    return matching[0]
