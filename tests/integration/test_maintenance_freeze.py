"""The write freeze sits where every write passes: whatever the statement's shape (one row,
many rows, COPY, an upsert, an UPDATE or DELETE by key), a frozen state's write is refused and
leaves nothing behind; other states, the audit trail and reads go on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, insert, select, update

from sevasetu.adapters.db import tables as t
from sevasetu.adapters.db.bulk import bulk_insert
from sevasetu.adapters.db.upsert import upsert
from sevasetu.domain.maintenance import StateInMaintenance
from sevasetu.services.audit import record
from sevasetu.services.maintenance import start_maintenance, stop_maintenance

from ..builders import NADIA_VILLAGE

CG_VILLAGE = "IN-CG-RGH-RGH-KDT"
AT = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def household(state: str, hid: str, area: str = NADIA_VILLAGE) -> dict:
    return {"state_code": state, "id": hid, "area_code": area, "address": "", "head_person_id":
            None, "created_by": "tests", "created_at": AT}  # fmt: skip


def households(ctx, state: str) -> int:  # type: ignore[no-untyped-def]
    with ctx.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(t.households)
                            .where(t.households.c.state_code == state)).scalar_one()  # fmt: skip


def test_every_shape_of_write_to_a_frozen_state_is_refused(ctx, clock):
    with ctx.engine.begin() as conn:
        conn.execute(insert(t.households), [household("IN-WB", "h-0")])
    start_maintenance(ctx, "IN-WB", clock() + timedelta(hours=2), "moving", actor="tests")
    h = t.households.c
    attempts = {
        "one row": lambda c: c.execute(insert(t.households), household("IN-WB", "h-1")),
        "many rows": lambda c: c.execute(insert(t.households), [
            household("IN-CG", "c-1", CG_VILLAGE), household("IN-WB", "h-2")]),
        "values()": lambda c: c.execute(insert(t.households).values(**household("IN-WB", "h-3"))),
        "values([...])": lambda c: c.execute(insert(t.households).values(
            [household("IN-CG", "c-2", CG_VILLAGE), household("IN-WB", "h-5")])),
        "bulk (COPY)": lambda c: bulk_insert(c, t.households, [household("IN-WB", "h-4")]),
        "upsert": lambda c: upsert(c, t.households, [household("IN-WB", "h-0")], ["state_code",
                                                                                   "id"]),
        "update by key": lambda c: c.execute(update(t.households).where(
            h.state_code == "IN-WB", h.id == "h-0").values(address="moved")),
        "delete by IN": lambda c: c.execute(delete(t.households).where(
            h.state_code.in_(["IN-CG", "IN-WB"]))),
    }  # fmt: skip
    for name, attempt in attempts.items():
        with ctx.uow(write=True) as uow, pytest.raises(StateInMaintenance):
            attempt(uow.conn)
            pytest.fail(f"{name} went through")
    assert households(ctx, "IN-WB") == 1 and households(ctx, "IN-CG") == 0

    # Other states, the audit trail and reads go on.
    with ctx.uow(write=True) as uow:
        uow.conn.execute(insert(t.households), household("IN-CG", "c-1", CG_VILLAGE))
        bulk_insert(uow.conn, t.households, [household("IN-CG", "c-2", CG_VILLAGE)])
        record(ctx, uow, actor="tests", action="person.read", subject_type="household",
               subject_id="h-0", state_code="IN-WB")  # fmt: skip
        uow.commit()
    assert households(ctx, "IN-CG") == 2
    with ctx.uow() as uow:
        assert uow.households.get("h-0") is not None

    stop_maintenance(ctx, "IN-WB", actor="tests")
    with ctx.uow(write=True) as uow:
        uow.conn.execute(update(t.households).where(h.id == "h-0").values(address="moved"))
        uow.commit()
