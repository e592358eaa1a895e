"""`make bench` in miniature: seeds, scans through the latency injector, writes the table.
No timing is asserted: only that every part runs and the table says what it measured."""

from __future__ import annotations

import http.client
from pathlib import Path
from typing import Any

import pytest

import bench.scenarios as bench

pytestmark = pytest.mark.slow  # full scans of the demo account: `make test` runs them, `-m "not slow"` skips


def test_a_tiny_benchmark_writes_its_table(tmp_path: Path) -> None:
    out = tmp_path / "benchmarks.md"
    assert bench.main(["--sizes", "2", "--accounts", "2", "--regions", "1", "--delay-ms", "1",
                       "--services", "kms,s3", "--output", str(out)]) == 0
    text = out.read_text()
    assert "python -m bench --sizes 2 --accounts 2" in text  # the command that reproduces it
    targets = text.split("## Targets", 1)[1]  # each scenario judged against issue 16's targets
    assert targets.count("| 2x demo, 1 account |") == 1 and targets.count("| organisation, 2 accounts |") == 1
    table = text.split(bench.HEADER, 1)[1].split("\n\n", 1)[0]  # the measurements (the targets table follows)
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    assert [r.split(" | ")[0] for r in rows] == ["| 2x demo, 1 account", "| organisation, 2 accounts"]
    for row in rows:
        cells = row.strip("| ").split(" | ")
        resources, findings, calls, distinct, repeated = (int(c) for c in cells[2:7])
        assert resources > 0 and findings > 0 and calls >= distinct > 0
        assert repeated == 0  # each read once
        chain, floor, wall, fixed, cpu_per_read = int(cells[7]), float(cells[8]), float(cells[9]), \
            float(cells[11]), float(cells[13])
        assert 2 <= chain < distinct  # the engine's first reads, then at least one check's
        assert 0 < floor <= wall and 0 < fixed < wall and cpu_per_read > 0
        assert float(cells[-1]) > 0  # peak RSS measured


def test_the_latency_injector_listens_on_loopback_only(aws: Any) -> None:
    proxy = bench.LatencyProxy(aws.port, delay=0).start()
    try:
        assert proxy._server.server_address[0] == "127.0.0.1"
        connection = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=10)
        connection.request("GET", "/moto-api/")
        assert connection.getresponse().status == 200
        assert proxy.total == 1
    finally:
        proxy.stop()
