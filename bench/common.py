"""What the benchmark scripts share: fresh databases and a loaded demo population."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sevasetu.adapters.db.migrate import upgrade
from sevasetu.bootstrap import AppContext
from sevasetu.config import Settings
from sevasetu.services.areas import load_geography
from sevasetu.services.demo import load_demo

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
BENCH_DIR = ROOT / "var" / "bench"
# Production settings for the served app: placeholder secrets are refused there.
SECRETS = {
    "SEVASETU_SECRET_KEY": secrets.token_hex(16),
    "SEVASETU_IDENTIFIER_KEY": "bench-identifier-key-0001",
}


def bench_settings(url: str) -> Settings:
    """The settings the served app runs with, for the benchmark's own in-process work."""
    keys = {k.removeprefix("SEVASETU_").lower(): v for k, v in SECRETS.items()}
    return Settings(database_url=url, environment="production", **keys)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


@contextmanager
def serving(url: str, workers: int) -> Iterator[str]:
    """``uvicorn`` serving sevasetu on a free loopback port, in production mode, with
    ``workers`` processes (one for SQLite: one writer); yields the base URL, stops after."""
    port = free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/uvicorn"), "sevasetu.entrypoints.api.asgi:app", "--host",
         "127.0.0.1", "--port", str(port), "--workers", str(workers), "--log-level", "warning",
         "--no-access-log"],
        env={**os.environ, **SECRETS, "SEVASETU_DATABASE_URL": url,
             "SEVASETU_ENVIRONMENT": "production"},
        cwd=ROOT,
    )  # fmt: skip
    try:
        wait_until_up(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # still answering a backlog: the figures are taken
            server.kill()
            server.wait()


def fresh_postgres(server_url: str, name: str, *, reuse: bool = False) -> str:
    """The database ``name`` on the server, dropped and created again unless reused."""
    url = make_url(server_url).set(drivername="postgresql+psycopg")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first()
        if not (reuse and exists):
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_postgres(name: str, server_url: str = DEFAULT_POSTGRES) -> None:
    """Drop a benchmark's database when the run is over: benchmarks leave nothing behind."""
    url = make_url(server_url).set(drivername="postgresql+psycopg")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def fresh_sqlite(path: Path, *, reuse: bool = False) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not reuse:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def fresh_database(backend: str, name: str, *, reuse: bool = False) -> str:
    if backend == "sqlite":
        return fresh_sqlite(BENCH_DIR / f"{name}.db", reuse=reuse)
    return fresh_postgres(DEFAULT_POSTGRES, name, reuse=reuse)


def progress_bar(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), console=console,
    )  # fmt: skip


def load_people(
    ctx: AppContext,
    people: int,
    seed: int = 7,
    districts: list[str] | None = None,
    history: bool = False,
) -> int:
    """Migrate and load the demo population unless at least ``people`` are there already;
    ``districts`` as ``load_demo`` takes them (by default its mix of three districts);
    ``history``: their doses too (about seven a person)."""
    upgrade(ctx.engine)
    with ctx.uow() as uow:
        present = uow.people.count()
    if present >= people:
        return present
    if present == 0:
        load_geography(ctx)
    with progress_bar(Console(stderr=True)) as bar:
        task = bar.add_task("demo people", total=people, rate="")
        started = time.perf_counter()

        def advance(n: int) -> None:
            bar.update(task, completed=n, rate=f"{n / (time.perf_counter() - started):,.0f}/s")

        # People only unless asked: the API figures are about the registry.
        load_demo(ctx, people=people - present, seed=seed, progress=advance,
                  append=present > 0, history=history, districts=districts)  # fmt: skip
    with ctx.uow() as uow:
        return uow.people.count()
