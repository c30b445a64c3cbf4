"""What a due list reads: the children of an area and their doses, streamed in two queries
(not one per child), plus the few adults and ASHAs the list names."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    String,
    Text,
    and_,
    any_,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    null,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY

from ....domain.due_lists import ChildRow, ContactRow, Summary
from ..bulk import bulk_insert
from ..tables import births, households, people, schedule_summaries, users, vaccinations
from ..upsert import upsert
from .base import Repository

# Relations that may be a child's mother (or the household's contact) in a roster.
CONTACT_RELATIONS = ("head", "spouse", "daughter_in_law", "daughter")
STREAM = 2000  # rows fetched at a time: memory stays flat for a district's children
CHUNK = 500  # people per IN list (SQLite allows 32,766 parameters; PostgreSQL gets an array)


class DueListRepository(Repository):
    def _stream(self, query: Any) -> Any:
        """The rows of a query read whole, a batch at a time (a server-side cursor on
        PostgreSQL), planned for all its rows: PostgreSQL plans a cursor for its first tenth
        by default (``cursor_tuple_fraction``), and with statistics that expect no summary
        judged on the list's day that plan joined every child to every summary row by row
        (4 s instead of 20 ms for a block's list for tomorrow)."""
        if self.conn.dialect.name == "postgresql":
            self.conn.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1.0")
        # For this statement only: ``Connection.execution_options`` would leave every later
        # statement of the unit on a server-side cursor too.
        return self.conn.execute(query, execution_options={"yield_per": STREAM})

    def _children_where(self, state_code: str, area_codes: list[str], born_after: date) -> list:  # type: ignore[type-arg]
        return [
            people.c.state_code == state_code,
            people.c.area_code.in_(area_codes),
            people.c.birth_date > born_after,
        ]

    def children(
        self, state_code: str, area_codes: list[str], born_after: date
    ) -> Iterator[ChildRow]:
        """Everyone born after ``born_after`` living in these areas, with their household."""
        query = (
            select(
                people.c.id, people.c.name, people.c.name_latin, people.c.sex,
                people.c.birth_date, people.c.phone, people.c.area_code, people.c.household_id,
                people.c.relation_to_head, households.c.address, households.c.head_person_id,
            )
            .outerjoin(households, and_(households.c.state_code == people.c.state_code,
                                        households.c.id == people.c.household_id))
            .where(*self._children_where(state_code, area_codes, born_after))
        )  # fmt: skip
        result = self._stream(query)
        for r in result:
            yield ChildRow(*r)

    def campaign_people(
        self, state_code: str, area_codes: list[str], schedule: str
    ) -> Iterator[tuple[ChildRow, dict[str, tuple[date, str]]]]:
        """Everyone in these areas with a dose of the campaign ``schedule``, with those doses
        (code -> (day, vaccine)): the people a second or precaution dose may be due for."""
        v = vaccinations.c
        query = (
            select(
                people.c.id, people.c.name, people.c.name_latin, people.c.sex,
                people.c.birth_date, people.c.phone, people.c.area_code, people.c.household_id,
                people.c.relation_to_head, households.c.address, households.c.head_person_id,
                v.dose_code, v.given_on, v.product,
            )
            .join(people, and_(people.c.state_code == v.state_code, people.c.id == v.person_id))
            .outerjoin(households, and_(households.c.state_code == people.c.state_code,
                                        households.c.id == people.c.household_id))
            .where(people.c.state_code == state_code, people.c.area_code.in_(area_codes),
                   v.state_code == state_code, v.schedule == schedule)
            .order_by(people.c.id)
        )  # fmt: skip
        current: ChildRow | None = None
        doses: dict[str, tuple[date, str]] = {}
        for r in self._stream(query):
            if current is not None and r[0] != current.id:
                yield current, doses
                doses = {}
            current = ChildRow(*r[:11])
            doses[r.dose_code] = (r.given_on, r.product)
        if current is not None:
            yield current, doses

    def _joined_doses(self) -> Any:
        v = vaccinations.c
        pair = v.dose_code + "=" + cast(v.given_on, String)
        if self.conn.dialect.name == "postgresql":
            return func.string_agg(pair, literal_column("','"))
        return func.group_concat(pair, ",")

    def doses(
        self, state_code: str, area_codes: list[str], born_after: date, schedule: str
    ) -> Iterator[tuple[str, dict[str, date]]]:
        """(person id, {dose code: given on}) of those children's doses of ``schedule``: one
        row per child, the doses joined in the database (25 times fewer rows to fetch)."""
        v = vaccinations.c
        query = (
            select(v.person_id, self._joined_doses())
            .join(people, and_(people.c.state_code == v.state_code, people.c.id == v.person_id))
            .where(*self._children_where(state_code, area_codes, born_after),
                   v.state_code == state_code, v.schedule == schedule)
            .group_by(v.person_id)
        )  # fmt: skip
        yield from _split_doses(self._stream(query))

    def doses_of(
        self, state_code: str, person_ids: list[str], schedule: str
    ) -> Iterator[tuple[str, dict[str, date]]]:
        """As ``doses``, for these people."""
        v = vaccinations.c
        size = self._chunk
        for start in range(0, len(person_ids), size):
            query = (
                select(v.person_id, self._joined_doses())
                .where(v.state_code == state_code,
                       self.among(v.person_id, person_ids[start : start + size]),
                       v.schedule == schedule)
                .group_by(v.person_id)
            )  # fmt: skip
            yield from _split_doses(self.conn.execute(query))

    # --- schedule summaries -----------------------------------------------------------------

    def children_to_list(
        self, state_code: str, area_codes: list[str], born_after: date, start: date, end: date,
        schedule: str, version: str, flags: dict[str, str],
    ) -> Iterator[tuple[ChildRow, str | None, str | None]]:  # fmt: skip
        """As ``children``, each with the flags and listed statuses of their summary judged on
        ``start`` for this schedule and version (None, None without one); the children whose
        valid summary (judged with the flags their area has now, ``flags``) lists nothing up
        to ``end`` are left out, unread."""
        s = schedule_summaries.c
        by_flags: dict[str, list[str]] = {}
        for code in area_codes:
            by_flags.setdefault(flags[code], []).append(code)
        valid = and_(
            s.person_id.is_not(None),
            or_(*[and_(people.c.area_code.in_(codes), s.flags == text)
                  for text, codes in sorted(by_flags.items())]),
        )  # fmt: skip
        # As text: decoded (and remembered by its text) in ``domain.due_lists.listable_json``.
        listed = cast(case((s.first_listed <= end, s.listed), else_=null()), Text).label("listed")
        query = (
            select(
                people.c.id, people.c.name, people.c.name_latin, people.c.sex,
                people.c.birth_date, people.c.phone, people.c.area_code, people.c.household_id,
                people.c.relation_to_head, households.c.address, households.c.head_person_id,
                s.flags, listed,
            )
            .outerjoin(households, and_(households.c.state_code == people.c.state_code,
                                        households.c.id == people.c.household_id))
            .outerjoin(schedule_summaries, and_(
                s.state_code == people.c.state_code, s.person_id == people.c.id,
                s.judged_on == start, s.schedule == schedule, s.schedule_version == version))
            .where(*self._children_where(state_code, area_codes, born_after),
                   ~and_(valid, or_(s.first_listed.is_(None), s.first_listed > end)))
        )  # fmt: skip
        result = self._stream(query)
        for rows in result.partitions():  # a batch at a time: no per-row fetch call
            for r in rows:
                yield ChildRow(*r[:11]), r[11], r[12]

    def subjects_of(self, state_code: str, person_ids: list[str]) -> dict[str, tuple[date, str]]:
        """person id -> (birth date, area code); in a write unit on PostgreSQL the rows are
        locked against change (FOR SHARE, in id order, as ``VaccinationRepository.subjects``
        locks them) until it ends, so that no dose or correction slips between the check that
        a judgement is still right and the summary written from it."""
        found: dict[str, tuple[date, str]] = {}
        ids, size = sorted(set(person_ids)), self._chunk  # one order for every lock
        for start in range(0, len(ids), size):
            query = (
                select(people.c.id, people.c.birth_date, people.c.area_code)
                .where(people.c.state_code == state_code,
                       self.among(people.c.id, ids[start : start + size]))
                .order_by(people.c.id)
            )  # fmt: skip
            if self.locking:  # a write unit on PostgreSQL
                query = query.with_for_update(read=True)
            found.update((r.id, (r.birth_date, r.area_code)) for r in self.conn.execute(query))
        return found

    def dose_counts(self, state_code: str, person_ids: list[str], schedule: str) -> dict[str, int]:
        v = vaccinations.c
        found: dict[str, int] = {}
        size = self._chunk
        for start in range(0, len(person_ids), size):
            query = (
                select(v.person_id, func.count())
                .where(v.state_code == state_code,
                       self.among(v.person_id, person_ids[start : start + size]),
                       v.schedule == schedule)
                .group_by(v.person_id)
            )  # fmt: skip
            found.update((r[0], r[1]) for r in self.conn.execute(query))
        return found

    def save_summaries(
        self,
        state_code: str,
        schedule: str,
        version: str,
        summaries: Iterable[tuple[str, Summary]],
        now: datetime,
    ) -> int:
        items = list(summaries)
        rows = [
            dict(state_code=state_code, person_id=person_id, schedule=schedule,
                 judged_on=s.judged_on, flags=s.flags, schedule_version=version,
                 first_listed=s.first_listed, statuses=s.statuses, listed=s.listed,
                 updated_at=now)
            for person_id, s in items
        ]  # fmt: skip
        if self.conn.dialect.name == "postgresql":
            # Delete and COPY: ten times faster than an upsert of thousands of rows.
            forget_summaries(self.conn, state_code, [pid for pid, _ in items])
            bulk_insert(self.conn, schedule_summaries, rows)
            return len(rows)
        for start in range(0, len(rows), 1000):
            upsert(self.conn, schedule_summaries, rows[start : start + 1000],
                   ["state_code", "person_id"])  # fmt: skip
        return len(rows)

    @property
    def _chunk(self) -> int:
        return 5000 if self.conn.dialect.name == "postgresql" else CHUNK

    def contacts(self, state_code: str, household_ids: list[str]) -> list[ContactRow]:
        """The adults of these households who may be a child's mother or the contact."""
        query = select(
            people.c.id, people.c.household_id, people.c.name, people.c.sex,
            people.c.phone, people.c.relation_to_head, people.c.birth_date,
        ).where(
            people.c.state_code == state_code,
            self.among(people.c.household_id, household_ids),
            people.c.relation_to_head.in_(CONTACT_RELATIONS),
        )  # fmt: skip
        return [ContactRow(*r) for r in self.conn.execute(query).all()]  # one fetch for all

    def mothers(self, state_code: str, child_ids: list[str]) -> dict[str, ContactRow]:
        """The mothers recorded at the children's deliveries, by child id."""
        query = select(
            births.c.person_id, people.c.id, people.c.household_id, people.c.name,
            people.c.sex, people.c.phone, people.c.relation_to_head, people.c.birth_date,
        ).join(
            people, (people.c.state_code == births.c.state_code)
            & (people.c.id == births.c.mother_id),
        ).where(
            births.c.state_code == state_code, self.among(births.c.person_id, child_ids)
        )  # fmt: skip
        return {child_id: ContactRow(*mother) for child_id, *mother in self.conn.execute(query)}

    def ashas(self, area_codes: list[str]) -> list[tuple[str, str, str | None]]:
        """(area code, full name, username) of the active ASHAs posted to these areas."""
        query = (
            select(users.c.area_code, users.c.full_name, users.c.username)
            .where(users.c.role == "asha", users.c.active.is_(True),
                   users.c.area_code.in_(area_codes))
            .order_by(users.c.full_name)
        )  # fmt: skip
        return [(r.area_code, r.full_name, r.username) for r in self.conn.execute(query)]


def _split_doses(rows: Iterable[Any]) -> Iterator[tuple[str, dict[str, date]]]:
    day = date.fromisoformat
    for person_id, text in rows:
        yield person_id, {c: day(d) for c, _, d in (p.partition("=") for p in text.split(","))}


def forget_summaries(conn: Connection, state_code: str, person_ids: Iterable[str]) -> None:
    """Delete these people's schedule summaries: every writer of their doses, birth date or
    area calls it in its own transaction, so that no stale summary outlives the change."""
    ids = sorted(set(person_ids))
    s = schedule_summaries.c
    size = 5000 if conn.dialect.name == "postgresql" else CHUNK
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        among = (
            s.person_id == any_(bindparam(None, chunk, type_=ARRAY(String)))
            if conn.dialect.name == "postgresql"
            else s.person_id.in_(chunk)
        )
        conn.execute(schedule_summaries.delete().where(s.state_code == state_code, among))
