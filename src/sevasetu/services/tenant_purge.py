"""``tenant purge``: remove the backup copy of a state this deployment no longer keeps, so that
the state can be moved back here later (an import never overwrites other rows of a state).

Only a state recorded as kept elsewhere (``tenant switch --elsewhere``) is purged, in one
transaction, children before parents; citizen accounts holding people of no other state go
with it. The geography (areas, facilities) stays: other states' rows may point to it (a dose
given at a facility of the state). So do the deployment's signing keys (they verify the
certificates it issued).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import DBAPIError

from ..adapters.db import tables as t
from ..adapters.db.engine import IMMEDIATE, writer_lock
from ..adapters.tenant import windows
from ..adapters.tenant.freeze import TRANSFER
from ..adapters.tenant.scope import exported_tables, rule_of
from ..domain.errors import InvalidInput
from .audit import record
from .ports import Context
from .tenant_export import state_code_of

KEPT = frozenset({"areas", "facilities"})


@dataclass(frozen=True, slots=True)
class Purged:
    state_code: str
    rows: dict[str, int]


def purge_backup(ctx: Context, state_code: str, actor: str = "cli") -> Purged:
    code = state_code_of(ctx, state_code)
    with ctx.uow() as uow:
        kept = {a.state_code: a for a in windows.authorities(uow.conn)}  # type: ignore[attr-defined]
    if code not in kept or kept[code].authoritative:
        raise InvalidInput(
            "state", reason=f"{code} is kept here: only a copy left behind by a move is purged."
        )
    engine = ctx.engine  # type: ignore[attr-defined]
    lock = writer_lock(engine)
    if lock is not None:
        lock.acquire()
    rows: dict[str, int] = {}
    try:
        with engine.connect() as raw:
            conn = raw.execution_options(**{TRANSFER: True, IMMEDIATE: True})
            with conn.begin():
                accounts = select(t.account_people.c.account_id).where(
                    t.account_people.c.state_code == code
                )
                elsewhere = select(t.account_people.c.account_id).where(
                    t.account_people.c.state_code != code
                )
                only_here = list(conn.execute(accounts.except_(elsewhere)).scalars())
                for table in reversed(exported_tables()):
                    if table.name in KEPT or rule_of(table).kind != "state":  # type: ignore[union-attr]
                        continue
                    try:
                        found = conn.execute(delete(table).where(table.c.state_code == code))
                    except DBAPIError as exc:
                        reason = str(exc.orig).strip().splitlines()[0][:200]
                        why = f"Purging {table.name} failed ({reason}); nothing was deleted."
                        raise InvalidInput("state", reason=why) from None
                    rows[table.name] = found.rowcount
                for start in range(0, len(only_here), 500):
                    found = conn.execute(delete(t.citizen_accounts).where(
                        t.citizen_accounts.c.id.in_(only_here[start:start + 500])))  # fmt: skip
                    rows["citizen_accounts"] = rows.get("citizen_accounts", 0) + found.rowcount
    finally:
        if lock is not None:
            lock.release()
    with ctx.uow(write=True) as uow:
        record(ctx, uow, actor=actor, action="tenant.purge", subject_type="state",
               subject_id=code, state_code=None, rows=sum(rows.values()))  # fmt: skip
        uow.commit()
    ctx.refresh_areas()
    return Purged(code, rows)
