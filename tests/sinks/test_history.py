"""The history store: first/last seen per finding id, status changes, safe under concurrent writers."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from posture.core.models import Status
from posture.sinks.history import History, default_path
from tests.support.reporting import T0, make_finding, make_report


def test_default_path_is_per_user_and_honours_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert default_path() == tmp_path / "posture" / "history.sqlite"
    monkeypatch.delenv("XDG_STATE_HOME")
    assert default_path() == Path.home() / ".local" / "state" / "posture" / "history.sqlite"


def test_first_seen_is_kept_and_last_seen_moves(tmp_path: Path) -> None:
    path = tmp_path / "state" / "h.sqlite"  # the directory is created
    a, b = make_finding("a"), make_finding("b")
    with History(path) as history:
        one = history.record(make_report([a], scan_id="s1", at=T0))
        two = history.record(make_report([a, b], scan_id="s2", at=T0 + timedelta(days=1)))
    assert one.findings[0].first_seen == T0 and one.history is not None
    assert one.history.previous_scan_id is None and one.history.scans_recorded == 1
    seen = {f.resource_id: f for f in two.findings}
    assert seen["a"].first_seen == T0 and seen["a"].last_seen == T0 + timedelta(days=1)
    assert seen["b"].first_seen == T0 + timedelta(days=1)
    assert two.history is not None and two.history.previous_scan_id == "s1" and two.history.scans_recorded == 2


def test_status_changes_are_recorded(tmp_path: Path) -> None:
    with History(tmp_path / "h.sqlite") as history:
        for i, status in enumerate([Status.FAIL, Status.FAIL, Status.PASS, Status.FAIL]):
            history.record(make_report([make_finding("a", status=status)], scan_id=f"s{i}",
                                       at=T0 + timedelta(hours=i)))
        fid = make_finding("a").id
        assert history.status_changes(fid) == [("s0", None, "FAIL"), ("s2", "FAIL", "PASS"), ("s3", "PASS", "FAIL")]
        assert [f.status for f in history.findings_of("s2")] == [Status.PASS]
        assert history.scan_ids() == ["s0", "s1", "s2", "s3"]


def test_store_is_in_wal_mode(tmp_path: Path) -> None:
    History(tmp_path / "h.sqlite").close()
    with sqlite3.connect(tmp_path / "h.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_unwritable_store_is_a_usage_error(tmp_path: Path) -> None:
    from posture.core.errors import UsageError

    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(UsageError, match="cannot open the history store"):
        History(blocker / "h.sqlite")


def _writer(path: str, worker: int) -> None:
    with History(path) as history:
        for i in range(5):
            findings = [make_finding(f"shared-{j}") for j in range(20)] + [make_finding(f"w{worker}-{i}")]
            history.record(make_report(findings, scan_id=f"w{worker}-s{i}", at=T0 + timedelta(seconds=i)))


def test_concurrent_scans_do_not_corrupt_the_store(tmp_path: Path) -> None:
    path = str(tmp_path / "h.sqlite")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(path, w)) for w in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    with History(path) as history:
        assert history.integrity() == "ok"
        assert len(history.scan_ids()) == 20
        assert all(len(history.findings_of(s)) == 21 for s in history.scan_ids())
        assert history.first_seen(make_finding("shared-0").id) == T0


def test_a_regression_carries_the_previous_status(tmp_path: Path) -> None:
    """The HTML report's REGRESSED badge reads previous_status: history must set it."""
    with History(tmp_path / "h.sqlite") as history:
        first = history.record(make_report([make_finding("a", status="PASS")], scan_id="s1", at=T0))
        second = history.record(make_report([make_finding("a", status="FAIL")], scan_id="s2",
                                            at=T0 + timedelta(hours=1)))
    assert first.findings[0].previous_status is None
    assert second.findings[0].previous_status is Status.PASS and second.findings[0].status is Status.FAIL
