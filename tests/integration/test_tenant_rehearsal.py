"""The rehearsal runs the whole window on real databases: SQLite to PostgreSQL and back."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from sevasetu.adapters.db import tables as t
from sevasetu.domain.errors import InvalidInput
from sevasetu.domain.maintenance import StateMovedAway
from sevasetu.domain.tenancy import TargetHoldsOtherData
from sevasetu.services.maintenance import maintenance_status
from sevasetu.services.tenant_purge import purge_backup
from sevasetu.services.tenant_rehearsal import rehearse

from ..conftest import PG_URL
from .test_tenant_transfer import STATE, _context, _populate, _state_rows


def _touch(ctx) -> None:  # type: ignore[no-untyped-def]
    """A real write of one of the state's people."""
    with ctx.uow(write=True) as uow:
        person = uow.conn.execute(select(t.people.c.id).where(t.people.c.state_code == STATE)
                                  .limit(1)).scalar_one()  # fmt: skip
        p = t.people.c
        uow.conn.execute(
            update(t.people).where(p.state_code == STATE, p.id == person).values(version=7)
        )
        uow.commit()


@pytest.mark.skipif(PG_URL is None, reason="PostgreSQL not reachable (set SEVASETU_TEST_PG_URL)")
def test_a_state_moves_to_postgresql_and_back_with_identical_copies(request, tmp_path: Path):
    sqlite = _context("sqlite", tmp_path, "sqlite-side", request)
    postgres = _context("postgresql", tmp_path, "pg-side", request)
    try:
        _populate(sqlite)
        there = rehearse(sqlite, postgres, STATE, tmp_path / "there", target_name="pg-side",
                         load_per_second=50)  # fmt: skip
        assert there.switched and there.identical
        assert [name for name, _ in there.steps] == [
            "maintenance on",
            "export",
            "import",
            "verify target",
            "verify origin",
            "switch",
            "maintenance off",
        ]
        assert {d.name for d in there.target} >= {"people", "vaccinations", "documents"}
        assert there.load.reads >= 1 and there.load.read_failures == 0
        assert there.load.writes_refused >= 1 and there.load.write_failures == 0
        assert _state_rows(postgres) == _state_rows(sqlite)
        # The origin keeps its copy as the backup and refuses writes; the target takes them.
        with pytest.raises(StateMovedAway):
            _touch(sqlite)
        _touch(postgres)
        windows, authority = maintenance_status(postgres)
        assert windows == [] and [(a.state_code, a.authoritative) for a in authority] == [
            (STATE, True)
        ]

        # And back, after a change at PostgreSQL: the backup left at SQLite is stale, so the
        # move is refused (an import never overwrites) until the backup is purged.
        with pytest.raises(TargetHoldsOtherData, match="people"):
            rehearse(postgres, sqlite, STATE, tmp_path / "refused", target_name="sqlite-side")
        with pytest.raises(InvalidInput, match="kept here"):
            purge_backup(postgres, STATE)
        purged = purge_backup(sqlite, STATE)
        assert purged.rows["people"] > 0 and "areas" not in purged.rows
        back = rehearse(postgres, sqlite, STATE, tmp_path / "back", target_name="sqlite-side")
        assert back.switched and back.identical
        assert _state_rows(sqlite) == _state_rows(postgres)
        _touch(sqlite)
        with pytest.raises(StateMovedAway):
            _touch(postgres)
    finally:
        sqlite.close()
        postgres.close()
