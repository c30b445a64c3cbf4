from __future__ import annotations

from dataclasses import asdict, fields
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from ....domain.errors import DoseRefused, Reason
from ....domain.vaccinations import DoseSubject, Vaccination
from ..tables import people, vaccinations
from .base import Repository
from .due_lists import forget_summaries

_V = vaccinations.c
# Read at every booking, built once (``base.Repository``); the latest day wins, as in the
# full history.
_HISTORY = (
    select(_V.dose_code, _V.given_on)
    .where(_V.state_code == bindparam("k_state"), _V.person_id == bindparam("k_person"),
           _V.schedule == bindparam("k_schedule"))
    .order_by(_V.given_on, _V.dose_code)
)  # fmt: skip


class VaccinationRepository(Repository):
    def add(self, v: Vaccination) -> None:
        try:
            with self.conn.begin_nested():
                self.conn.execute(vaccinations.insert(), [asdict(v)])
                forget_summaries(self.conn, v.state_code, [v.person_id])
        except IntegrityError:
            # Recorded by someone else meanwhile: the unique constraint has the last word.
            raise DoseRefused("dose_code", code=v.dose_code, day=v.given_on.isoformat(),
                              reason=Reason("it is already recorded")) from None  # fmt: skip

    def of_person(self, state_code: str, person_id: str) -> list[Vaccination]:
        rows = self.conn.execute(
            select(vaccinations)
            .where(vaccinations.c.state_code == state_code, vaccinations.c.person_id == person_id)
            .order_by(vaccinations.c.given_on, vaccinations.c.dose_code)
        )
        return [Vaccination(**r._mapping) for r in rows]

    def history(self, state_code: str, person_id: str, schedule: str) -> dict[str, date]:
        """Dose code -> the day given, of one schedule (what eligibility needs, nothing else)."""
        found = self.conn.execute(
            _HISTORY, {"k_state": state_code, "k_person": person_id, "k_schedule": schedule}
        )
        return {code: day for code, day in found}

    # --- many at once, for batches ---------------------------------------------------------

    def subjects(self, person_ids: list[str]) -> dict[str, DoseSubject]:
        """The people who exist among these ids, as a dose needs them; locked in a write unit on
        PostgreSQL, in one order, so that two batches never wait on each other in a circle."""
        if not person_ids:
            return {}
        query = (
            select(people.c.id, people.c.state_code, people.c.birth_date, people.c.area_code)
            .where(self.among(people.c.id, sorted(set(person_ids))))
            .order_by(people.c.state_code, people.c.id)
        )
        if self.locking:
            query = query.with_for_update()
        return {
            r.id: DoseSubject(r.id, r.state_code, r.birth_date, r.area_code)
            for r in self.conn.execute(query)
        }

    def histories(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str, str], dict[str, date]]:
        """(state, person, schedule) -> dose code -> day given, for these (state, person)."""
        out: dict[tuple[str, str, str], dict[str, date]] = {}
        if not keys:
            return out
        c = vaccinations.c
        wanted = set(keys)
        query = select(c.state_code, c.person_id, c.schedule, c.dose_code, c.given_on).where(
            self.among(c.state_code, sorted({s for s, _ in wanted})),
            self.among(c.person_id, sorted({p for _, p in wanted})),
        )
        for r in self.conn.execute(query):
            if (r.state_code, r.person_id) not in wanted:
                continue
            out.setdefault((r.state_code, r.person_id, r.schedule), {})[r.dose_code] = r.given_on
        return out

    def products(
        self, keys: list[tuple[str, str]], schedule: str
    ) -> dict[tuple[str, str], dict[str, str]]:
        """(state, person) -> dose code -> product, for a campaign schedule's doses."""
        out: dict[tuple[str, str], dict[str, str]] = {}
        if not keys:
            return out
        c = vaccinations.c
        wanted = set(keys)
        query = select(c.state_code, c.person_id, c.dose_code, c.product).where(
            c.schedule == schedule,
            self.among(c.state_code, sorted({s for s, _ in wanted})),
            self.among(c.person_id, sorted({p for _, p in wanted})),
        )
        for r in self.conn.execute(query):
            if (r.state_code, r.person_id) in wanted:
                out.setdefault((r.state_code, r.person_id), {})[r.dose_code] = r.product
        return out

    def add_many(self, items: list[Vaccination]) -> set[str]:
        """Insert what is not recorded yet, in one statement per few hundred rows and without
        savepoints; the ids inserted come back (a dose recorded meanwhile by someone else is
        left out, and its caller is told)."""
        if not items:
            return set()
        by_state: dict[str, set[str]] = {}
        for v in items:
            by_state.setdefault(v.state_code, set()).add(v.person_id)
        for state_code, person_ids in sorted(by_state.items()):
            forget_summaries(self.conn, state_code, person_ids)  # their schedules change
        if self.conn.dialect.name == "postgresql":
            return self._add_many_pg(items)
        insert = pg_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
        c = vaccinations.c
        stmt = (
            insert(vaccinations)
            .on_conflict_do_nothing(
                index_elements=[c.state_code, c.person_id, c.schedule, c.dose_code]
            )
            .returning(c.id)
        )
        result = self.conn.execute(stmt, [_row(v) for v in items])
        return {r.id for r in result}

    def _add_many_pg(self, items: list[Vaccination]) -> set[str]:
        """One array parameter per column, unnested by the server: 15 parameters for a thousand
        rows instead of 15,000 for psycopg to place."""
        names = [c.name for c in vaccinations.columns]
        kinds = {
            c.name: _PG_ARRAY.get(type(c.type).__name__, "text[]") for c in vaccinations.columns
        }
        prep = self.conn.dialect.identifier_preparer
        statement = text(
            f"INSERT INTO {prep.format_table(vaccinations)} "
            f"({', '.join(prep.quote(n) for n in names)}) "
            f"SELECT * FROM unnest({', '.join(f'CAST(:{n} AS {kinds[n]})' for n in names)}) "
            "ON CONFLICT (state_code, person_id, schedule, dose_code) DO NOTHING RETURNING id"
        )
        rows = [_row(v) for v in items]
        return {
            r.id for r in self.conn.execute(statement, {n: [r[n] for r in rows] for n in names})
        }


def _row(v: Vaccination) -> dict[str, Any]:
    return {name: getattr(v, name) for name in _FIELDS}  # asdict() deep-copies: slower


_FIELDS = [f.name for f in fields(Vaccination)]
_PG_ARRAY = {"Date": "date[]", "UtcDateTime": "timestamptz[]"}
