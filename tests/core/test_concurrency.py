"""Concurrency safety: many workers, same answers, no shared state changed behind a check's back.

Repeated full scans of the seeded demo account, with many workers and with one, give the
same findings (ids, statuses, messages, evidence). Every answer AWS gave is shared by
the checks that need it (memoised per context), so a check that changed one would
change what another check judges depending on which ran first: the answers are
snapshotted when first read and compared after the scan.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

import pytest

from posture.aws.context import AwsContext
from posture.core.config import ScanConfig
from posture.core.models import Finding
from posture.core.registry import Registry
from posture.core.runner import scan
from posture.demo.seed import REGIONS

pytestmark = pytest.mark.slow  # full scans of the demo account: `make test` runs them, `-m "not slow"` skips

RUNS = 3


def fingerprint(findings: list[Finding]) -> dict[str, tuple[str, str, str]]:
    found: dict[str, tuple[str, str, str]] = {}
    for f in findings:
        assert f.id not in found, f"two findings share the id {f.id} ({f.check_id} {f.resource_id})"
        found[f.id] = (f.status.value, f.message, repr(sorted(f.evidence.items())))
    return found


@pytest.mark.xdist_group("demo")
def test_repeated_scans_with_many_workers_agree(demo_account: Any, registry: Registry) -> None:
    serial = fingerprint(scan(ScanConfig(regions=REGIONS, workers=1, max_attempts=3), registry).findings)
    assert len(serial) > 50
    for run in range(RUNS):
        parallel = fingerprint(scan(ScanConfig(regions=REGIONS, workers=64, max_attempts=3), registry).findings)
        assert parallel.keys() == serial.keys(), f"run {run}: finding ids differ"
        changed = {i: (serial[i], parallel[i]) for i in serial if serial[i] != parallel[i]}
        assert not changed, f"run {run}: {len(changed)} findings differ, e.g. {next(iter(changed.items()))}"


@pytest.mark.xdist_group("demo")
def test_no_check_changes_a_shared_answer(demo_account: Any, registry: Registry,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[tuple[int, Any], tuple[Any, Any]] = {}
    lock = threading.Lock()
    original = AwsContext._once

    def once(self: AwsContext, key: Any, read: Any) -> Any:
        result = original(self, key, read)
        with lock:
            seen.setdefault((id(self), key), (result, copy.deepcopy(result)))
        return result

    monkeypatch.setattr(AwsContext, "_once", once)
    scan(ScanConfig(regions=REGIONS, workers=32, max_attempts=3), registry)
    assert len(seen) > 50
    changed = sorted(f"{key[1]}:{key[2]}" for (_, key), (now, then) in seen.items() if now != then)
    assert not changed, f"answers changed after they were read (a check mutated shared data): {changed}"
