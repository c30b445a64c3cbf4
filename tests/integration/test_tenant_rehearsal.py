"""The rehearsal runs the whole window on real databases: SQLite to PostgreSQL and back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from sevasetu.adapters.db import tables as t
from sevasetu.adapters.passwords import Argon2Passwords
from sevasetu.bootstrap import AppContext
from sevasetu.domain.errors import CardRevoked, InvalidInput
from sevasetu.domain.maintenance import StateMovedAway
from sevasetu.domain.tenancy import TargetHoldsOtherData
from sevasetu.services.areas import load_geography
from sevasetu.services.eligibility_cards import issue_for_operator, revoke_card, verify_with_issuer
from sevasetu.services.maintenance import maintenance_status
from sevasetu.services.schemes import load_schemes, scheme_files
from sevasetu.services.tenant_purge import purge_backup
from sevasetu.services.tenant_rehearsal import rehearse

from ..builders import state_admin
from ..conftest import PG_URL, migrated_pg_schema
from ..fakes import FakeClock, RecordingSms
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
        # Without the demo's schemes the state has no hospital desk: the events a desk replays
        # at the target after the switch would (rightly) make the two copies differ. The desk's
        # own move is the two-PostgreSQL test below.
        _populate(sqlite, ledger=False)
        seen: list[tuple[str, str, int]] = []  # (step, table, rows so far)
        steps: list[str] = []

        def progress(table: str, rows: int) -> None:
            seen.append((steps[-1], table, rows))

        there = rehearse(sqlite, postgres, STATE, tmp_path / "there", target_name="pg-side",
                         load_per_second=50, step=steps.append, progress=progress)  # fmt: skip
        assert there.switched and there.identical
        # The operator sees the rows of each table grow in the export and again in the import.
        counts = {d.name: d.live_rows for d in there.target}
        for step in ("export", "import"):
            reached = {table: rows for s, table, rows in seen if s == step}
            assert reached["people"] == counts["people"] > 0, step
            assert reached["vaccinations"] == counts["vaccinations"] > 0, step
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


@pytest.fixture
def second_pg_schema() -> Iterator[str]:
    """A second PostgreSQL schema, migrated and empty: the target deployment's database."""
    yield from migrated_pg_schema("_target")


@pytest.mark.skipif(PG_URL is None, reason="PostgreSQL not reachable (set SEVASETU_TEST_PG_URL)")
def test_hospital_events_queue_in_the_window_and_replay_exactly_once_at_the_target(
    request, tmp_path: Path, second_pg_schema: str
):
    origin = _context("postgresql", tmp_path, "national", request)
    settings = origin.settings.model_copy(
        update={"database_url": second_pg_schema, "secret_key": "wb-sdc-secret-key-0123456789"}
    )
    target = AppContext(
        settings,
        sms=RecordingSms(),
        clock=FakeClock(datetime(2026, 11, 20, 6, 30, tzinfo=UTC)),
        passwords=Argon2Passwords(time_cost=1, memory_cost=1024),
    )
    load_geography(target)
    try:
        _populate(origin)
        admin = state_admin(STATE, "wb-admin")
        load_schemes(origin, admin, [p for p in scheme_files() if p.name == "west-bengal.toml"])
        with origin.uow() as uow:
            kept, lost = (
                uow.conn.execute(
                    select(t.people.c.id)
                    .where(t.people.c.state_code == STATE)
                    .order_by(t.people.c.id)
                    .limit(2)
                )
                .scalars()
                .all()
            )
        kept_card = issue_for_operator(origin, kept, "WB-SWASTHYA-SATHI")
        lost_card = issue_for_operator(origin, lost, "WB-SWASTHYA-SATHI")
        revoke_card(origin, lost_card.card_id, "reported lost")
        report = rehearse(
            origin, target, STATE, tmp_path / "move", target_name="wb-sdc", load_per_second=50
        )
        assert report.switched and report.identical
        assert [n for n, _ in report.steps][-1] == "replay hospital events"
        assert {"eligibility_cards", "hospital_events"} <= {d.name for d in report.target}
        for a, b in zip(report.origin, report.target, strict=True):
            assert (a.live_rows, a.live_sha256) == (b.live_rows, b.live_sha256), a.name
        desk = report.hospital
        assert desk is not None and desk.scheme == "WB-SWASTHYA-SATHI" and desk.cards == 20
        # Events queued in the window met the 503 and went to the target after the switch.
        assert desk.replays_refused >= 1 and desk.replayed >= 1
        assert desk.queued == desk.admissions + desk.discharges
        assert desk.recorded_at_origin + desk.replayed == desk.queued
        assert desk.already_recorded == desk.queued  # the whole queue sent again: a no-op
        assert (desk.lost, desk.duplicated, desk.refused) == (0, 0, 0) and desk.exactly_once
        with target.engine.connect() as conn:
            at_target = conn.execute(select(func.count()).select_from(t.hospital_events)).scalar()
        assert at_target == desk.queued
        # The cards issued at the origin verify at the target (its JWKS publishes the origin's
        # keys) and a card revoked there stays revoked.
        assert verify_with_issuer(target, kept_card.jws).person_id == kept
        with pytest.raises(CardRevoked, match="reported lost"):
            verify_with_issuer(target, lost_card.jws)
    finally:
        origin.close()
        target.close()
