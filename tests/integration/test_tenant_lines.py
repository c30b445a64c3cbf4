"""The canonical lines PostgreSQL writes itself are the bytes Python writes, value by value.

A bundle exported from PostgreSQL (lines written by the server) must import into SQLite and
verify against lines encoded in Python, and the other way round, so the two readers may not
differ by a single byte for any value a column can hold.
"""

from __future__ import annotations

import string
import threading
from datetime import UTC, date, datetime, time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Time,
    func,
    select,
    text,
)

from sevasetu.adapters.db.engine import make_engine
from sevasetu.adapters.db.types import UtcDateTime
from sevasetu.adapters.tenant.parallel import each_table
from sevasetu.adapters.tenant.rows import canonical_chunks, canonical_rows, written_by_server
from sevasetu.adapters.tenant.scope import exported_tables
from sevasetu.services.demo import load_demo
from sevasetu.services.tenant_export import snapshot

from ..conftest import PG_URL

STATE = "IN-WB"
needs_pg = pytest.mark.skipif(PG_URL is None, reason="PostgreSQL not reachable")

_meta = MetaData()
odd = Table(
    "tenant_line_probe", _meta,
    Column("state_code", String(16), primary_key=True),
    Column("id", String(40), primary_key=True),
    Column("n", Integer), Column("flag", Boolean), Column("day", Date),
    Column("at", UtcDateTime), Column("clock", Time), Column("blob", LargeBinary),
    Column("note", String),
)  # fmt: skip
probe_copy = Table("tenant_line_probe_2", _meta, Column("id", String(40), primary_key=True))


def _lines_both_ways(conn, table: Table) -> tuple[bytes, bytes]:  # type: ignore[no-untyped-def]
    python = b"".join(line for _, line in canonical_rows(conn, table, STATE))
    return python, b"".join(canonical_chunks(conn, table, STATE))


def test_every_exported_table_reads_the_same_both_ways(ctx):
    load_demo(ctx, people=60, seed=5)
    with ctx.engine.connect() as conn, conn.begin():
        served = 0
        for table in exported_tables():
            python, chunks = _lines_both_ways(conn, table)
            assert chunks == python, table.name
            served += written_by_server(conn, table)
        if conn.dialect.name == "postgresql":
            assert written_by_server(conn, exported_tables()[0])  # areas
            assert served >= 20  # people, households, doses and most others


# Everything a text column may hold on PostgreSQL (no NUL): control characters, quotes,
# backslashes, the characters JSON escapes, scripts of the region, and beyond the BMP.
texts = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",), blacklist_characters="\x00", max_codepoint=0x1FFFF
    )
    | st.sampled_from(list('"\\/\b\f\n\r\t\x01\x02\x1f\x7f\u2028\u2029নমস्ते')),
    max_size=30,
)
instants = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
)
rows = st.lists(
    st.fixed_dictionaries(
        {
            "n": st.none() | st.integers(-(2**31), 2**31 - 1),
            "flag": st.none() | st.booleans(),
            "day": st.none() | st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
            "at": st.none() | instants,
            "clock": st.none() | st.times(),
            "blob": st.none() | st.binary(max_size=120),
            "note": st.none() | texts,
        }
    ),  # fmt: skip
    max_size=12,
)


@pytest.fixture
def pg_probe(pg_schema_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(pg_schema_url)
    _meta.create_all(engine)
    yield engine
    _meta.drop_all(engine)
    engine.dispose()


@needs_pg
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=rows, ids=st.lists(st.text(string.ascii_letters + "-_ÿ", min_size=1), min_size=12,
                                 max_size=12, unique=True))  # fmt: skip
def test_any_value_gives_the_same_line_from_the_server_as_from_python(pg_probe, values, ids):
    with pg_probe.connect() as conn, conn.begin():
        conn.execute(odd.delete())
        if values:
            keyed = zip(ids, values, strict=False)
            conn.execute(odd.insert(), [{"state_code": STATE, "id": k, **row} for k, row in keyed])
        conn.execute(odd.insert().values(state_code="IN-CG", id="elsewhere"))
        assert written_by_server(conn, odd)
        python, chunks = _lines_both_ways(conn, odd)
        assert chunks == python
        assert chunks.count(b"\n") == len(values)


@needs_pg
def test_the_session_zone_does_not_change_the_instants(pg_probe):
    with pg_probe.connect() as conn, conn.begin():
        conn.execute(text("SET LOCAL TIME ZONE 'Asia/Kolkata'"))
        conn.execute(odd.insert().values(
            state_code=STATE, id="a", at=datetime(2026, 11, 25, 23, 59, 59, 1, tzinfo=UTC),
            clock=time(0, 0, 0, 7), day=date(2026, 2, 28)))  # fmt: skip
        python, chunks = _lines_both_ways(conn, odd)
    assert chunks == python
    assert b'"2026-11-25T23:59:59.000001Z"' in chunks and b'"00:00:00.000007"' in chunks


@needs_pg
def test_both_connections_read_one_snapshot(pg_probe):
    """Tables read two at a time still see one moment: a row committed while they are read
    is seen by neither connection."""
    with pg_probe.begin() as conn:
        conn.execute(odd.insert().values(state_code=STATE, id="before"))
    both = threading.Barrier(2, timeout=30)  # each connection holds one table: both work
    backends = set()

    def count(conn, table):  # type: ignore[no-untyped-def]
        both.wait()
        backends.add(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())
        return conn.execute(select(func.count()).select_from(odd)).scalar_one()

    with snapshot(pg_probe) as conn:
        conn.execute(select(func.count()).select_from(odd)).scalar_one()  # the moment is set
        with pg_probe.begin() as other:  # a write elsewhere, committed after that moment
            other.execute(odd.insert().values(state_code=STATE, id="after"))
        counts = each_table(pg_probe, conn, [odd, probe_copy], count)
    assert counts == {odd.name: 1, probe_copy.name: 1}
    assert len(backends) == 2
    with pg_probe.connect() as conn:
        assert conn.execute(select(func.count()).select_from(odd)).scalar_one() == 2
