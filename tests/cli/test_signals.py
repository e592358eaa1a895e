"""Signals like a Unix tool (issue 12 item 5): Ctrl-C exits 130 and SIGTERM 143, each with one line,
and leaves no report and no temporary file. A real `posture scan` process against the local moto
server, interrupted while a read hangs (the simulation layer delays kms:ListKeys)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

POSTURE = str(Path(sys.executable).with_name("posture"))


def started(aws: Any, tmp_path: Path) -> subprocess.Popen[str]:
    aws.simulation.slow("kms", "ListKeys", 30.0)  # the kms check hangs; guardduty answers at once
    env = {**os.environ, **aws.environment(), "POSTURE_PROGRESS_INTERVAL": "0",
           "XDG_STATE_HOME": str(tmp_path / "state")}
    return subprocess.Popen(
        # A shell starts a command with SIGINT at its default; a test worker's disposition (xdist's
        # may be "ignore") would be inherited, and a child that ignores Ctrl-C proves nothing.
        [POSTURE, "scan", "--check", "kms.cmk_rotation_enabled", "--check", "guardduty.detector_enabled",
         "--region", "us-east-1", "--workers", "2", "--progress", "--quiet", "--json", str(tmp_path / "r.json"),
         "--html", str(tmp_path / "r.html")],
        stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
        preexec_fn=_default_signals)


def _default_signals() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def wait_for_progress(proc: subprocess.Popen[str]) -> str:
    """The first progress line: the scan is running, the kms read is hanging."""
    assert proc.stderr is not None
    line = proc.stderr.readline()
    assert line.startswith("posture: progress:"), line
    time.sleep(0.3)
    return line


@pytest.mark.parametrize("signum, code, word", [(signal.SIGINT, 130, "interrupted"),
                                                (signal.SIGTERM, 143, "terminated")])
def test_a_signal_ends_the_scan_with_its_code_one_line_and_no_file(aws: Any, tmp_path: Path, signum: int,
                                                                    code: int, word: str) -> None:
    proc = started(aws, tmp_path)
    try:
        wait_for_progress(proc)
        began = time.monotonic()
        proc.send_signal(signum)
        try:
            _, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            pytest.fail(f"no exit 20 s after the signal (this process's SIGINT handler: "
                        f"{signal.getsignal(signal.SIGINT)!r})")
    finally:
        proc.kill()
    assert proc.returncode == code, err  # before: SIGINT exit 1 ("no credentials"), SIGTERM silent -15
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("posture: progress:")]
    assert len(lines) == 1 and word in lines[0] and "Traceback" not in err, err
    assert time.monotonic() - began < 10, "the exit waited for the hanging read"
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != "state")
    assert left == [], f"an interrupted scan left {left}"
