"""A desk's local state in one directory: the issuer's keys and revocation lists as last synced
(``keys.json``) and the queue of admissions and discharges (``queue.sqlite3``, one row per
event with the body exactly as it is sent, and what the deployment answered).

The queue is a plain SQLite file so that it survives a crash, a reboot or a pulled plug: an
event is in the file before the desk says it is queued, and it is marked only after the
deployment answered for it. Sending it again is harmless (its idempotency key).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

QUEUED = "queued"
KEYS_FILE = "keys.json"
QUEUE_FILE = "queue.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',
    answered_at TEXT,
    problem TEXT
);
CREATE INDEX IF NOT EXISTS events_status ON events (status, seq);
"""


@dataclass(frozen=True, slots=True)
class QueuedEvent:
    seq: int
    id: str
    idempotency_key: str
    kind: str
    body: dict[str, Any]
    status: str  # queued | recorded | already_recorded | error
    answered_at: str | None
    problem: str | None


class DeskStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.directory / QUEUE_FILE, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")  # a queued event survives a power cut
            yield db
        finally:
            db.close()

    # --- the saved keys --------------------------------------------------------------------

    def save_keys(self, document: dict[str, Any]) -> None:
        """Replace the saved keys atomically (a crash leaves the old or the new file)."""
        path = self.directory / KEYS_FILE
        partial = path.with_suffix(".json.partial")
        partial.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(partial, path)

    def keys(self) -> dict[str, Any] | None:
        try:
            found = json.loads((self.directory / KEYS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return found if isinstance(found, dict) else None

    # --- the queue -------------------------------------------------------------------------

    def add(self, body: dict[str, Any]) -> QueuedEvent:
        with self._db() as db:
            cursor = db.execute(
                "INSERT INTO events (id, idempotency_key, kind, body) VALUES (?, ?, ?, ?)",
                (
                    body["id"],
                    body["idempotency_key"],
                    body["kind"],
                    json.dumps(body, ensure_ascii=False, sort_keys=True),
                ),
            )
            seq = int(cursor.lastrowid or 0)
        found = self.get(body["id"])
        assert found is not None and found.seq == seq
        return found

    def get(self, event_id: str) -> QueuedEvent | None:
        with self._db() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM events WHERE id = ?", (event_id,)).fetchone()
        return _event(row) if row else None

    def pending(self, limit: int) -> list[QueuedEvent]:
        """The oldest events not yet answered for, in the order they were queued."""
        with self._db() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM events WHERE status = ? ORDER BY seq LIMIT ?",
                (QUEUED, limit),
            ).fetchall()
        return [_event(r) for r in rows]

    def all(self) -> list[QueuedEvent]:
        with self._db() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM events ORDER BY seq").fetchall()
        return [_event(r) for r in rows]

    def mark(self, answers: list[tuple[str, str, str | None]], at: str) -> None:
        """Record the deployment's answers ``(idempotency key, status, problem)`` together."""
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                "UPDATE events SET status = ?, answered_at = ?, problem = ? "
                "WHERE idempotency_key = ? AND status = ?",
                [(status, at, problem, key, QUEUED) for key, status, problem in answers],
            )
            db.execute("COMMIT")

    def counts(self) -> dict[str, int]:
        with self._db() as db:
            rows = db.execute("SELECT status, count(*) FROM events GROUP BY status").fetchall()
        return {str(s): int(n) for s, n in rows}


_COLUMNS = "seq, id, idempotency_key, kind, body, status, answered_at, problem"


def _event(row: Any) -> QueuedEvent:
    seq, event_id, key, kind, body, status, answered_at, problem = row
    return QueuedEvent(seq, event_id, key, kind, json.loads(body), status, answered_at, problem)
