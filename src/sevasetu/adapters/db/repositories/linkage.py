"""The linkage tables: ``legacy_link_runs``, ``legacy_candidates``, ``legacy_links``; reading
both sides of a linkage; merging a linked record's doses into the person's history.

Both sides are streamed (a registry may hold millions); candidates and decisions go in with
``bulk_insert`` (COPY on PostgreSQL) inside the caller's transaction, and doses are merged
with one ``INSERT ... SELECT`` whatever their number.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, and_, delete, func, literal, null, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ....domain.linkage import Decision
from ..bulk import bulk_insert
from ..tables import (
    legacy_candidates,
    legacy_doses,
    legacy_link_runs,
    legacy_links,
    legacy_records,
    people,
    person_identifiers,
    vaccinations,
)
from .base import Repository
from .due_lists import forget_summaries

STREAM = 20_000
CHUNK = 5_000  # ids per ``among`` parameter
LINKING = [Decision.AUTO.value, Decision.LINKED.value]

# (record id, name_key, sex, birth_date, age_years, age_as_of, area_code, phone, id_hash)
LegacyRow = tuple[
    str, str, str | None, date | None, int | None, date | None, str | None, str | None, str | None
]
# (person id, name_key, sex, birth_date, area_code, phone, id_hash)
PersonRow = tuple[str, str, str, date, str, str | None, str | None]


class LinkageRepository(Repository):
    # --- reading the two sides -------------------------------------------------------------

    def source_states(self, source: str) -> list[str]:
        r = legacy_records.c
        query = select(r.state_code).where(r.source == source).group_by(r.state_code)
        return sorted(self.conn.execute(query).scalars())

    def legacy_side(self, state_code: str, source: str) -> Iterator[LegacyRow]:
        r = legacy_records.c
        query = select(
            r.id,
            r.name_key,
            r.sex,
            r.birth_date,
            r.age_years,
            r.age_as_of,
            r.area_code,
            r.phone,
            r.id_lookup_hash,
        ).where(r.state_code == state_code, r.source == source)
        for row in self.conn.execute(query.execution_options(yield_per=STREAM)):
            yield tuple(row)  # type: ignore[misc]

    def identifier_kind(self, state_code: str, source: str) -> str | None:
        """The kind of identifier the source carries most often (a portal asks for one)."""
        r = legacy_records.c
        query = (
            select(r.id_kind)
            .where(r.state_code == state_code, r.source == source, r.id_kind.is_not(None))
            .group_by(r.id_kind)
            .order_by(func.count().desc(), r.id_kind)
            .limit(1)
        )
        return self.conn.execute(query).scalar()

    def registry_side(self, state_code: str, id_kind: str | None) -> Iterator[PersonRow]:
        """Everyone of the state, with their identifier of the kind the legacy source carries
        (one per person and kind: the key of ``person_identifiers``)."""
        p, i = people.c, person_identifiers.c
        query = (
            select(p.id, p.name_key, p.sex, p.birth_date, p.area_code, p.phone, i.lookup_hash)
            .outerjoin(
                person_identifiers,
                and_(i.state_code == p.state_code, i.person_id == p.id, i.kind == (id_kind or "-")),
            )
            .where(p.state_code == state_code)
        )
        with self._hash_joins():
            for row in self.conn.execute(query.execution_options(yield_per=STREAM)):
                yield tuple(row)  # type: ignore[misc]

    @contextmanager
    def _hash_joins(self) -> Iterator[None]:
        """For statements over a whole source or state: a hash join is always the plan. Right
        after a bulk load PostgreSQL's statistics may still say a state has a few dozen
        people, and a nested loop over a million of them would take hours. Statements about
        a few records keep their index lookups afterwards."""
        postgres = self.conn.dialect.name == "postgresql"
        if postgres:
            self.conn.exec_driver_sql("SET LOCAL enable_nestloop = off")
        try:
            yield
        finally:
            if postgres:
                self.conn.exec_driver_sql("SET LOCAL enable_nestloop = on")

    # --- runs, candidates, decisions --------------------------------------------------------

    def add_run(self, row: dict[str, Any]) -> None:
        self.conn.execute(legacy_link_runs.insert(), [row])

    def finish_run(self, state_code: str, run_id: str, **counts: Any) -> None:
        c = legacy_link_runs.c
        self.conn.execute(
            update(legacy_link_runs)
            .where(c.state_code == state_code, c.id == run_id)
            .values(**counts)
        )

    def _of_source(self, state_code: str, source: str) -> Any:
        r = legacy_records.c
        return select(r.id).where(r.state_code == state_code, r.source == source)

    def replace_candidates(self, state_code: str, source: str, rows: list[dict[str, Any]]) -> None:
        c = legacy_candidates.c
        with self._hash_joins():
            self.conn.execute(
                delete(legacy_candidates).where(
                    c.state_code == state_code,
                    c.record_id.in_(self._of_source(state_code, source)),
                )
            )
        for start in range(0, len(rows), 100_000):
            bulk_insert(self.conn, legacy_candidates, rows[start : start + 100_000])

    def decisions(self, state_code: str, source: str) -> dict[str, tuple[str, str | None]]:
        """record id -> (decision, person id) for the source's records that have one."""
        c = legacy_links.c
        query = select(c.record_id, c.decision, c.person_id).where(
            c.state_code == state_code, c.record_id.in_(self._of_source(state_code, source))
        )
        out: dict[str, tuple[str, str | None]] = {}
        with self._hash_joins():
            for row in self.conn.execute(query.execution_options(yield_per=STREAM)):
                out[row.record_id] = (row.decision, row.person_id)
        return out

    def replace_decisions(self, state_code: str, source: str, rows: list[dict[str, Any]]) -> None:
        """The model's decisions for the source; clerks' decisions (not in ``rows``) stay."""
        c = legacy_links.c
        with self._hash_joins():
            self.conn.execute(
                delete(legacy_links).where(
                    c.state_code == state_code,
                    c.decision.not_in([Decision.LINKED.value, Decision.NOT_MATCH.value]),
                    c.record_id.in_(self._of_source(state_code, source)),
                )
            )
        for start in range(0, len(rows), 100_000):
            bulk_insert(self.conn, legacy_links, rows[start : start + 100_000])

    def link_of(self, record_id: str) -> Row | None:  # type: ignore[type-arg]
        """The record with its current decision (``decision`` NULL before any run)."""
        r, k = legacy_records.c, legacy_links.c
        query = (
            select(
                legacy_records,
                k.decision,
                k.person_id,
                k.match_weight,
                k.run_id,
                k.decided_by,
                k.decided_at,
            )
            .outerjoin(legacy_links, and_(k.state_code == r.state_code, k.record_id == r.id))
            .where(r.id == record_id)
        )
        if self.locking:  # the record's row: two clerks deciding it queue one behind the other
            query = query.with_for_update(of=legacy_records)
        return self.conn.execute(query).first()

    def set_decision(self, row: dict[str, Any]) -> None:
        c = legacy_links.c
        self.conn.execute(
            delete(legacy_links).where(
                c.state_code == row["state_code"], c.record_id == row["record_id"]
            )
        )
        self.conn.execute(legacy_links.insert(), [row])

    def candidates_of(self, state_code: str, record_id: str) -> list[Row]:  # type: ignore[type-arg]
        """The record's candidates, best first, with the registry person's fields."""
        c, p = legacy_candidates.c, people.c
        query = (
            select(
                c.person_id,
                c.match_weight,
                c.match_probability,
                c.contributions,
                p.name,
                p.name_latin,
                p.sex,
                p.birth_date,
                p.phone,
                p.area_code,
            )
            .join(people, and_(p.state_code == c.state_code, p.id == c.person_id))
            .where(c.state_code == state_code, c.record_id == record_id)
            .order_by(c.match_weight.desc(), c.person_id)
        )
        return list(self.conn.execute(query))

    def review_queue(
        self,
        state_code: str,
        source: str | None,
        area_codes: list[str] | None,
        limit: int,
        offset: int = 0,
    ) -> list[Row]:  # type: ignore[type-arg]
        """Records waiting for a clerk, the strongest first."""
        r, k = legacy_records.c, legacy_links.c
        query = (
            select(
                r.id,
                r.source,
                r.source_row_id,
                r.name,
                r.area_code,
                r.area_text,
                k.person_id,
                k.match_weight,
            )
            .join(legacy_links, and_(k.state_code == r.state_code, k.record_id == r.id))
            .where(r.state_code == state_code, k.decision == Decision.REVIEW.value)
        )
        if source:
            query = query.where(r.source == source)
        if area_codes is not None:
            query = query.where(r.area_code.in_(area_codes))
        query = query.order_by(k.match_weight.desc(), r.id).limit(limit).offset(offset)
        return list(self.conn.execute(query))

    def links_of_source(self, state_code: str, source: str) -> Iterator[Row]:  # type: ignore[type-arg]
        r, k = legacy_records.c, legacy_links.c
        query = (
            select(r.id, k.person_id, k.match_weight, k.decision, r.source_row_id)
            .join(legacy_links, and_(k.state_code == r.state_code, k.record_id == r.id))
            .where(r.state_code == state_code, r.source == source)
            .order_by(r.source_row_id)
        )
        yield from self.conn.execute(query.execution_options(yield_per=STREAM))

    # --- merging doses ---------------------------------------------------------------------

    def merge_doses(
        self, state_code: str, record_ids: Iterable[str], *, actor: str, now: datetime
    ) -> int:
        """Copy the doses of these linked records into their people's histories, as
        vaccinations with the legacy dose's own id, source ``legacy`` and the record's source
        and row as evidence. A dose the person already has is left as the registry has it."""
        ids = sorted(set(record_ids))
        merged = 0
        for start in range(0, len(ids), CHUNK):
            merged += self._merge_chunk(state_code, ids[start : start + CHUNK], actor, now)
        return merged

    def merge_source_doses(
        self,
        state_code: str,
        source: str,
        people_ids: Iterable[str],
        *,
        actor: str,
        now: datetime,
    ) -> int:
        """``merge_doses`` for every linked record of a source at once (a run): one statement
        over the source whatever its size. ``people_ids``: whose schedules the new links change."""
        with self._hash_joins():
            merged = self._merge(
                state_code,
                legacy_doses.c.record_id.in_(self._of_source(state_code, source)),
                actor,
                now,
            )
        forget_summaries(self.conn, state_code, people_ids)
        return merged

    def _merge_chunk(self, state_code: str, ids: list[str], actor: str, now: datetime) -> int:
        merged = self._merge(state_code, self.among(legacy_doses.c.record_id, ids), actor, now)
        self._forget(state_code, ids)
        return merged

    def _merge(self, state_code: str, records: Any, actor: str, now: datetime) -> int:
        d, k, r, v = legacy_doses.c, legacy_links.c, legacy_records.c, vaccinations.c
        evidence = func.substr(
            literal("legacy ") + r.source + literal(" row ") + r.source_row_id, 1, 300
        )
        chosen = (
            select(
                d.state_code,
                d.id,
                k.person_id,
                d.schedule,
                d.dose_code,
                d.given_on,
                null(),
                d.product,
                literal(""),
                null(),
                literal("legacy"),
                evidence,
                null(),
                literal(actor),
                literal(now, type_=vaccinations.c.recorded_at.type),
            )
            .join(legacy_links, and_(k.state_code == d.state_code, k.record_id == d.record_id))
            .join(legacy_records, and_(r.state_code == d.state_code, r.id == d.record_id))
            .where(
                d.state_code == state_code,
                records,
                k.decision.in_(LINKING),
                d.vaccination_id.is_(None),
            )
        )
        insert = pg_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
        columns = [
            v.state_code,
            v.id,
            v.person_id,
            v.schedule,
            v.dose_code,
            v.given_on,
            v.facility_code,
            v.product,
            v.lot,
            v.lot_expiry,
            v.source,
            v.evidence,
            v.override_reason,
            v.recorded_by,
            v.recorded_at,
        ]
        statement = (
            insert(vaccinations)
            .from_select(columns, chosen)
            .on_conflict_do_nothing(
                index_elements=[v.state_code, v.person_id, v.schedule, v.dose_code]
            )
        )
        self.conn.execute(statement)
        mine = select(v.id).where(v.state_code == state_code, v.id == d.id)
        done = self.conn.execute(
            update(legacy_doses)
            .where(
                d.state_code == state_code,
                records,
                d.vaccination_id.is_(None),
                mine.exists(),
            )
            .values(vaccination_id=d.id)
        ).rowcount
        return int(done or 0)

    def unmerge_doses(self, state_code: str, record_ids: Iterable[str]) -> int:
        """Remove exactly the vaccinations these records' doses put into a history."""
        ids = sorted(set(record_ids))
        d, v = legacy_doses.c, vaccinations.c
        removed = 0
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            self._forget(state_code, chunk)  # while the doses still name their people
            merged = select(d.vaccination_id).where(
                d.state_code == state_code,
                self.among(d.record_id, chunk),
                d.vaccination_id.is_not(None),
            )
            removed += int(
                self.conn.execute(
                    delete(vaccinations).where(v.state_code == state_code, v.id.in_(merged))
                ).rowcount
                or 0
            )
            self.conn.execute(
                update(legacy_doses)
                .where(
                    d.state_code == state_code,
                    self.among(d.record_id, chunk),
                    d.vaccination_id.is_not(None),
                )
                .values(vaccination_id=None)
            )
        return removed

    def _forget(self, state_code: str, record_ids: list[str]) -> None:
        d, v = legacy_doses.c, vaccinations.c
        query = (
            select(v.person_id)
            .distinct()
            .join(legacy_doses, and_(d.state_code == v.state_code, d.vaccination_id == v.id))
            .where(v.state_code == state_code, self.among(d.record_id, record_ids))
        )
        forget_summaries(self.conn, state_code, list(self.conn.execute(query).scalars()))
