"""The runner across accounts: each read once per unit, global checks once per account,
a bounded pool, and nothing of an account kept once it is done."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from typing import Any

import pytest

from bench.scenarios import LatencyProxy, assume, client_factory, seed_copy
from posture.core.config import ScanConfig
from posture.core.context import CheckContext
from posture.core.errors import UsageError
from posture.core.models import Scope
from posture.core.registry import Check, Registry
from posture.core.runner import scan
from posture.demo.server import patched_environ

CALLER = "123456789012"
OTHERS = ("111122223333", "444455556666")
REGIONS = ("us-east-1", "us-west-2")


def probe(registry: Registry, check_id: str, scope: Scope, run: Any) -> Check:
    """A check with real metadata (borrowed) and a body the test controls."""
    meta = registry.get("kms.cmk_rotation_enabled").meta.model_copy(
        update={"id": check_id, "scope": scope, "service": "iam" if scope is Scope.GLOBAL else "kms"})
    return Check(meta, run, "tests")


@pytest.mark.slow
def test_each_read_is_made_once_per_account_and_region(aws: Any, registry: Registry) -> None:
    seed_copy(client_factory(aws.url), "caller", REGIONS)
    for account_id in OTHERS:
        seed_copy(client_factory(aws.url, assume(aws.url, account_id)), f"a{account_id}", REGIONS)
    proxy = LatencyProxy(aws.port, delay=0).start()
    try:
        with patched_environ({"AWS_ENDPOINT_URL": proxy.url}):
            result = scan(ScanConfig(accounts=(CALLER, *OTHERS), role_name="PostureAudit", regions=REGIONS,
                                     workers=8), registry)
    finally:
        proxy.stop()
    assert {f.account_id for f in result.findings} == {CALLER, *OTHERS}
    assert proxy.total > 100
    assert proxy.repeated() == {}  # no (credentials, region, operation, parameters) read twice
    assert result.api_calls == proxy.total  # the report states every request made


def test_global_checks_run_once_per_account_and_regional_ones_per_region(aws: Any, registry: Registry) -> None:
    seen: list[tuple[str, str, str]] = []
    lock = threading.Lock()

    def record(ctx: CheckContext) -> None:
        with lock:
            seen.append((ctx.meta.id, ctx.account_id, ctx.region))

    checks = Registry([probe(registry, "probe.global_probe", Scope.GLOBAL, record),
                       probe(registry, "probe.regional_probe", Scope.REGIONAL, record)])
    result = scan(ScanConfig(accounts=(CALLER, *OTHERS), role_name="PostureAudit", regions=("us-west-2", *REGIONS)),
                  checks)
    accounts = [CALLER, *OTHERS]
    assert sorted(seen) == sorted(
        [("probe.global_probe", a, "us-east-1") for a in accounts]  # the home region, once
        + [("probe.regional_probe", a, r) for a in accounts for r in REGIONS]
    )
    assert result.units_run == len(seen) == 9
    assert result.regions == sorted(REGIONS)


def test_the_pool_is_bounded_by_workers(aws: Any, registry: Registry) -> None:
    running, peak = 0, 0
    lock = threading.Lock()

    def busy(ctx: CheckContext) -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.05)
        with lock:
            running -= 1

    checks = Registry([probe(registry, "probe.busy", Scope.REGIONAL, busy)])
    result = scan(ScanConfig(accounts=(CALLER, *OTHERS), role_name="PostureAudit",
                             regions=("us-east-1", "us-west-2", "eu-west-1"), workers=3), checks)
    assert result.units_run == 9
    assert 1 <= peak <= 3


@pytest.mark.slow
def test_nothing_of_a_finished_account_is_kept(aws: Any, registry: Registry) -> None:
    accounts = sorted(f"{n:012d}" for n in range(100000000001, 100000000009))
    contexts: list[tuple[int, weakref.ref[Any]]] = []
    alive_behind = 0
    lock = threading.Lock()

    def watch(ctx: CheckContext) -> None:
        nonlocal alive_behind
        index = accounts.index(ctx.account_id)
        with lock:
            contexts.append((index, weakref.ref(ctx.aws)))

            def behind() -> int:
                return sum(1 for i, ref in contexts if i < index - 4 and ref() is not None)

            # Accounts well behind this one have finished: their contexts (clients, cached reads) are gone.
            # A full collection (slow on the suite's heap) only when one looks alive: it may be garbage in a cycle.
            if behind():
                gc.collect()
            alive_behind = max(alive_behind, behind())

    checks = Registry([probe(registry, "probe.watch", Scope.REGIONAL, watch)])
    infos: list[Any] = []
    result = scan(ScanConfig(accounts=tuple(accounts), role_name="PostureAudit", regions=REGIONS, workers=2),
                  checks, progress=infos.append)
    assert result.units_run == 16
    assert alive_behind == 0
    assert (infos[-1].units_done, infos[-1].units_total) == (16, 16)
    # Accounts done count up to every account, once each, while units of later accounts are queued.
    assert infos[-1].accounts_done == infos[-1].accounts_total == len(accounts)
    assert [i.accounts_done for i in infos] == sorted(i.accounts_done for i in infos)


def test_an_unknown_region_is_a_usage_error(aws: Any, registry: Registry) -> None:
    with pytest.raises(UsageError, match="unknown region 'mars-east-1'"):
        scan(ScanConfig(checks=("kms.cmk_rotation_enabled",), regions=("mars-east-1",)), registry)
