"""Engines for SQLite (embedded default) and PostgreSQL, configured for the same behaviour."""

from __future__ import annotations

import threading
import weakref
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

IMMEDIATE = "sevasetu_immediate"
SQLITE_MMAP_BYTES = 1 << 30  # address space, not memory: the OS pages the file in as read
_WRITERS: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()


def writer_lock(engine: Engine) -> threading.RLock | None:
    """The in-process queue for SQLite's single writer; None for PostgreSQL."""
    return _WRITERS.get(engine)


def make_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, echo=echo)
    if parsed.drivername in ("postgresql", "postgres"):
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=pool_size,
        # Recycling instead of a ping before every checkout: one round trip less per request;
        # a connection the server dropped fails one request, which the client retries.
        pool_recycle=1800,
        future=True,
    )


def _sqlite_engine(url: str, *, echo: bool) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" event below decide how each transaction starts.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        # Pages read through a shared memory map instead of copied into each connection's
        # cache by read(2): an area's due list reads thousands of summaries (its query takes
        # 40 ms of CPU instead of 65). Writes still go through the WAL; only reads use the map.
        cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):  # type: ignore[no-untyped-def]
        # A read-then-write transaction takes the write lock at once, so two writers never
        # both read and then fail to upgrade their locks (SQLITE_BUSY mid-transaction).
        immediate = conn.get_execution_options().get(IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    # SQLite has one writer at a time. Threads of this process queue for it on a lock, in
    # order, instead of polling the database file with growing sleeps (SQLite's busy handler
    # waits up to 100 ms a try, which turns a short queue into second-long tails).
    _WRITERS[engine] = threading.RLock()
    return engine
