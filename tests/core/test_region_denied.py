"""A region closed by policy (an organization's region-deny SCP) is said once per service, and
changes nothing elsewhere (issue 9, item 1).

Issue 9 measured that denying every request of one region changed 35 of 116 findings in the
OTHER region and global scope. Here the seeded demo account is scanned over its two regions
plus a third, once fault-free and once with every request to the third refused the way an
SCP refuses it; every finding outside the third region must be identical, and the third
region must hold exactly one not-assessed finding per service the scan read there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import posture.core.context
import posture.core.execute
from posture.aws.errors import AwsReadError
from posture.core.config import ScanConfig
from posture.core.models import Finding, Status
from posture.core.registry import Registry
from posture.core.runner import NOT_ASSESSED_ID, scan
from posture.demo.seed import REGIONS
from tests.support.demo import seeded_demo

pytestmark = pytest.mark.xdist_group("demo")  # seeded once with the other readers of the demo account
CLOSED = "eu-west-1"
SCANNED = (*REGIONS, CLOSED)


def view(findings: list[Finding]) -> dict[tuple[str, str, str], tuple[str, str, Any]]:
    return {(f.check_id, f.region, f.resource_id): (f.status.value, f.message, f.evidence) for f in findings}


@pytest.fixture(scope="module")
def seeded(_local_aws: Any, registry: Registry) -> Iterator[Any]:
    seeded_demo(_local_aws)
    yield _local_aws
    _local_aws.simulation.clear_faults()


def run(registry: Registry, regions: tuple[str, ...] = SCANNED) -> list[Finding]:
    return scan(ScanConfig(regions=regions, max_attempts=2, workers=8), registry).findings


@pytest.fixture(scope="module")
def clean(seeded: Any, registry: Registry) -> list[Finding]:
    return run(registry)


def test_a_denied_region_changes_nothing_outside_it(seeded: Any, registry: Registry, clean: list[Finding]) -> None:
    seeded.simulation.deny_region(CLOSED)
    try:
        denied = run(registry)
    finally:
        seeded.simulation.clear_faults()
    outside_clean = view([f for f in clean if f.region != CLOSED])
    outside_denied = view([f for f in denied if f.region != CLOSED])
    changed = sorted(k for k in outside_clean.keys() | outside_denied.keys()
                     if outside_clean.get(k) != outside_denied.get(k))
    print(f"\nregion denied: {len(outside_clean)} findings outside {CLOSED}, {len(changed)} changed; "
          f"{len([f for f in clean if f.region == CLOSED])} findings in {CLOSED} fault-free")
    assert changed == [], changed[:20]
    inside = [f for f in denied if f.region == CLOSED]
    assert inside, "the closed region is not reported at all"
    assert {f.check_id for f in inside} == {NOT_ASSESSED_ID}, sorted({f.check_id for f in inside})
    services = [f.evidence["service"] for f in inside]
    assert len(services) == len(set(services)), "a service reported twice"
    assert all(f.status is Status.ERROR and "explicit deny" in f.message for f in inside)
    assert "ec2" in services and "sagemaker" in services
    print(f"{len(inside)} not-assessed findings in {CLOSED}: {sorted(services)}")


def test_without_the_deny_the_third_region_is_judged(clean: list[Finding]) -> None:
    inside = [f for f in clean if f.region == CLOSED]
    assert inside and not any(f.check_id == NOT_ASSESSED_ID for f in clean)


def test_a_reworded_reason_is_settled_the_same(seeded: Any, registry: Registry, clean: list[Finding],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Settling reads the cause of an ERROR, never its words (issue 16, item 4): with the reason of every
    failed read reworded (as a translation would), the closed region holds only its not-assessed
    findings, and every status outside it is as fault-free."""
    said = posture.core.context.error_reason

    def reworded(exc: BaseException) -> str:
        return f"Lesen verweigert ({exc.code})" if isinstance(exc, AwsReadError) else said(exc)

    monkeypatch.setattr(posture.core.context, "error_reason", reworded)
    monkeypatch.setattr(posture.core.execute, "error_reason", reworded)
    seeded.simulation.deny_region(CLOSED)
    try:
        denied = run(registry)
    finally:
        seeded.simulation.clear_faults()
    inside = [f for f in denied if f.region == CLOSED]
    assert {f.check_id for f in inside} == {NOT_ASSESSED_ID}, sorted({f.check_id for f in inside})
    outside = {(f.check_id, f.region, f.resource_id): f.status for f in clean if f.region != CLOSED}
    assert {(f.check_id, f.region, f.resource_id): f.status for f in denied if f.region != CLOSED} == outside
