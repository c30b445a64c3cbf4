"""Fixtures shared by the suite.

Database tests run on SQLite always and on PostgreSQL when ``SEVASETU_TEST_PG_URL`` answers;
with ``CI=true`` PostgreSQL is mandatory (postgresql://postgres@127.0.0.1:5432/test by default)
and an unreachable server fails the run instead of skipping. Each xdist worker gets its own
schema inside that database, and every test starts from empty tables plus the geography.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.engine import make_url

from sevasetu.adapters.db.engine import make_engine
from sevasetu.adapters.db.migrate import upgrade
from sevasetu.adapters.db.tables import metadata
from sevasetu.adapters.passwords import Argon2Passwords
from sevasetu.bootstrap import AppContext
from sevasetu.config import Settings
from sevasetu.services.areas import load_geography

from .fakes import FakeClock, RecordingSms

# Tests never time things: hypothesis's per-example deadline (200 ms) would fail a test on a
# loaded machine for being slow, not wrong.
hypothesis_settings.register_profile("sevasetu", deadline=None)
hypothesis_settings.load_profile("sevasetu")

CI = os.environ.get("CI", "").lower() == "true"
CI_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_url() -> str | None:
    url = os.environ.get("SEVASETU_TEST_PG_URL") or (CI_PG_URL if CI else None)
    if not url:
        return None
    try:
        engine = make_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return url
    except Exception as exc:
        if CI:
            raise RuntimeError(
                f"CI requires PostgreSQL at {url}, which does not answer: {exc}"
            ) from exc
        return None


PG_URL = postgres_url()
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            PG_URL is None, reason="PostgreSQL not reachable (set SEVASETU_TEST_PG_URL)"
        ),
    ),
]


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    yield from migrated_pg_schema()


def migrated_pg_schema(suffix: str = "") -> Iterator[str]:
    """A PostgreSQL schema of its own, migrated and empty (its URL), dropped after: for a
    fixture to ``yield from``. ``suffix`` names a second one beside the test run's."""
    assert PG_URL is not None
    # SEVASETU_TEST_SCHEMA keeps two checkouts' runs on one server apart; each xdist worker
    # still gets a schema of its own under that prefix.
    schema = f"{os.environ.get('SEVASETU_TEST_SCHEMA') or 'sevasetu_test'}_{_worker()}{suffix}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = url.render_as_string(hide_password=False)
    engine = make_engine(rendered)
    upgrade(engine)
    engine.dispose()
    yield rendered
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "sevasetu.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_schema_url")
    engine = make_engine(url)
    with engine.begin() as conn:
        names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {names} CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 20, 6, 30, tzinfo=UTC))


@pytest.fixture
def sms() -> RecordingSms:
    return RecordingSms()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        environment="test",
        secret_key="test-secret-key-0123456789",
        identifier_key="test-identifier-key-0123",
    )


@pytest.fixture
def ctx(settings: Settings, clock: FakeClock, sms: RecordingSms) -> Iterator[AppContext]:
    context = AppContext(
        settings, sms=sms, clock=clock, passwords=Argon2Passwords(time_cost=1, memory_cost=1024)
    )
    load_geography(context)
    yield context
    context.close()
