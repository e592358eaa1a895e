"""The history store: every scan, and per finding id when it was first and last seen.

stdlib sqlite3 in WAL mode with a busy timeout; every write is one `BEGIN IMMEDIATE`
transaction, so scans that share a store (cron jobs overlapping, shards of one scan)
queue for the write lock instead of corrupting the file or losing a row.
ASFF FirstObservedAt/LastObservedAt and the report's first_seen/last_seen come from here.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from posture.core.errors import UsageError
from posture.core.models import Finding, Status
from posture.report.model import HistoryInfo, Report

BUSY_TIMEOUT_MS = 60_000
SCHEMA = """
CREATE TABLE IF NOT EXISTS scans (
    id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    accounts TEXT NOT NULL,
    regions TEXT NOT NULL,
    findings INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS findings (
    id TEXT PRIMARY KEY,
    check_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    last_status TEXT NOT NULL,
    last_scan_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS status_changes (
    finding_id TEXT NOT NULL,
    scan_id TEXT NOT NULL,
    at TEXT NOT NULL,
    old_status TEXT,
    new_status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS observations (
    scan_id TEXT NOT NULL,
    finding_id TEXT NOT NULL,
    finding TEXT NOT NULL,
    PRIMARY KEY (scan_id, finding_id)
);
CREATE INDEX IF NOT EXISTS status_changes_finding ON status_changes (finding_id);
"""


def default_path() -> Path:
    """Per user: $XDG_STATE_HOME/posture/history.sqlite, else ~/.local/state/posture/history.sqlite."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "posture" / "history.sqlite"


class History:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            with self._write():
                for statement in filter(str.strip, SCHEMA.split(";")):
                    self._db.execute(statement)
        except (OSError, sqlite3.Error) as exc:
            raise UsageError(f"cannot open the history store {self.path}: {exc}") from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")  # take the write lock now: waits (busy timeout) for others
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def record(self, report: Report) -> Report:
        """Record the scan; return the report with first_seen/last_seen on every finding."""
        scan = report.scan
        at = scan.finished_at.isoformat()
        with self._write():
            previous = self._db.execute(
                "SELECT id FROM scans WHERE id != ? ORDER BY finished_at DESC LIMIT 1", (scan.id,)).fetchone()
            self._db.execute(
                "INSERT OR REPLACE INTO scans VALUES (?, ?, ?, ?, ?, ?)",
                (scan.id, scan.started_at.isoformat(), at, ",".join(scan.accounts), ",".join(scan.regions),
                 len(report.findings)),
            )
            findings: list[Finding] = []
            for f in report.findings:
                row = self._db.execute("SELECT first_seen, last_status FROM findings WHERE id = ?",
                                       (f.id,)).fetchone()
                first = row[0] if row else at
                old_status = row[1] if row else None
                self._db.execute(
                    "INSERT OR REPLACE INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (f.id, f.check_id, f.account_id, f.region, f.resource_id, first, at, f.status.value, scan.id),
                )
                if old_status != f.status.value:
                    self._db.execute("INSERT INTO status_changes VALUES (?, ?, ?, ?, ?)",
                                     (f.id, scan.id, at, old_status, f.status.value))
                seen = f.model_copy(update={"first_seen": datetime.fromisoformat(first),
                                            "last_seen": scan.finished_at,
                                            "previous_status": Status(old_status) if old_status else None})
                self._db.execute("INSERT OR REPLACE INTO observations VALUES (?, ?, ?)",
                                 (scan.id, f.id, seen.model_dump_json()))
                findings.append(seen)
            scans = self._db.execute("SELECT count(*) FROM scans").fetchone()[0]
        info = HistoryInfo(path=str(self.path), previous_scan_id=previous[0] if previous else None,
                           scans_recorded=scans)
        return report.model_copy(update={"findings": findings, "history": info})

    def scan_ids(self) -> list[str]:
        """Recorded scans, oldest first."""
        return [r[0] for r in self._db.execute("SELECT id FROM scans ORDER BY finished_at, id")]

    def findings_of(self, scan_id: str) -> list[Finding]:
        rows = self._db.execute("SELECT finding FROM observations WHERE scan_id = ? ORDER BY finding_id",
                                (scan_id,))
        return [Finding.model_validate(json.loads(r[0])) for r in rows]

    def first_seen(self, finding_id: str) -> datetime | None:
        row = self._db.execute("SELECT first_seen FROM findings WHERE id = ?", (finding_id,)).fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def status_changes(self, finding_id: str) -> list[tuple[str, str | None, str]]:
        """(scan id, old status, new status), oldest first."""
        rows = self._db.execute(
            "SELECT scan_id, old_status, new_status FROM status_changes WHERE finding_id = ? ORDER BY at, rowid",
            (finding_id,))
        return [(r[0], r[1], r[2]) for r in rows]

    def integrity(self) -> str:
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])
