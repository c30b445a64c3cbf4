from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, and_, bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from ....domain.errors import DuplicateIdentifier
from ....domain.households import Household
from ....domain.identifiers import IdentifierKind, error_label
from ....domain.matching import Blocking, CandidateRow
from ....domain.people import Identifier, Person, Sex
from ..tables import households, people, person_history, person_identifiers
from .base import Repository
from .due_lists import forget_summaries

PERSON_COLUMNS = [
    "state_code",
    "id",
    "area_code",
    "name",
    "name_latin",
    "name_key",
    "sex",
    "birth_date",
    "birth_date_estimated",
    "phone",
    "household_id",
    "relation_to_head",
    "version",
    "created_at",
    "updated_at",
]


def person_row(p: Person, created_by: str) -> dict[str, Any]:
    row = {c: getattr(p, c) for c in PERSON_COLUMNS}
    row["sex"] = p.sex.value
    row["created_by"] = created_by
    return row


def identifier_rows(p: Person) -> list[dict[str, Any]]:
    return [
        dict(
            state_code=p.state_code,
            person_id=p.id,
            kind=i.kind.value,
            lookup_hash=i.lookup_hash,
            last4=i.last4,
            value=i.value,
        )
        for i in p.identifiers
    ]


def _person(row: Row, identifiers: list[Identifier]) -> Person:  # type: ignore[type-arg]
    values = {c: getattr(row, c) for c in PERSON_COLUMNS}
    values["sex"] = Sex(values["sex"])
    return Person(**values, identifiers=identifiers)


# The most frequent read, built once (see ``base``: prepared statements).
_IDS = person_identifiers.c
_GET = (
    select(people, _IDS.kind, _IDS.lookup_hash, _IDS.last4, _IDS.value)
    .outerjoin(
        person_identifiers,
        and_(_IDS.state_code == people.c.state_code, _IDS.person_id == people.c.id),
    )
    .where(people.c.id == bindparam("person_id"))
)
_GET_LOCKED = _GET.with_for_update(of=people)


class PeopleRepository(Repository):
    def add(self, person: Person, created_by: str) -> None:
        self.conn.execute(people.insert(), [person_row(person, created_by)])
        if person.identifiers:
            try:
                self.conn.execute(person_identifiers.insert(), identifier_rows(person))
            except IntegrityError:
                # Another transaction registered the same number after our search-before-register
                # looked (PostgreSQL lets both look at once): the constraint has the last word.
                kinds = "/".join(error_label(i.kind) for i in person.identifiers)
                raise DuplicateIdentifier("identifiers", kind=kinds) from None

    def get(self, person_id: str) -> Person | None:
        """One person with their identifiers, in one round trip (the most frequent read)."""
        query = _GET_LOCKED if self.locking else _GET
        rows = list(self.conn.execute(query, {"person_id": person_id}))
        if not rows:
            return None
        identifiers = [
            Identifier(IdentifierKind(r.kind), r.lookup_hash, r.last4, r.value)
            for r in rows
            if r.kind is not None
        ]
        return _person(rows[0], identifiers)

    def many(self, rows: list[Row]) -> list[Person]:  # type: ignore[type-arg]
        if not rows:
            return []
        ids = (
            self._identifiers(rows[0].state_code, [r.id for r in rows])
            if len({r.state_code for r in rows}) == 1
            else {}
        )
        return [_person(r, ids.get(r.id, [])) for r in rows]

    def _identifiers(self, state_code: str, ids: list[str]) -> dict[str, list[Identifier]]:
        found: dict[str, list[Identifier]] = {i: [] for i in ids}
        query = select(person_identifiers).where(
            person_identifiers.c.state_code == state_code, person_identifiers.c.person_id.in_(ids)
        )
        for r in self.conn.execute(query):
            found[r.person_id].append(
                Identifier(IdentifierKind(r.kind), r.lookup_hash, r.last4, r.value)
            )
        return found

    def holders_of(self, hashes: dict[IdentifierKind, str]) -> list[tuple[IdentifierKind, str]]:
        """(kind, person id) of everyone, in any state, holding one of these identifiers."""
        if not hashes:
            return []
        query = select(person_identifiers.c.kind, person_identifiers.c.person_id).where(
            or_(
                *[
                    and_(
                        person_identifiers.c.kind == k.value, person_identifiers.c.lookup_hash == h
                    )
                    for k, h in hashes.items()
                ]
            )
        )
        return [(IdentifierKind(r.kind), r.person_id) for r in self.conn.execute(query)]

    def near_candidates(
        self, state_code: str, area_code: str, first: date, last: date, block: Blocking
    ) -> list[CandidateRow]:
        """People of a village born in a window who pass the blocking rule of
        ``domain.matching.Blocking``: the candidates of search-before-register, only the
        columns compared."""
        key = people.c.name_key
        first_word = or_(*[key.startswith(i, autoescape=True) for i in block.initials])
        rule = [first_word]
        if not block.single_word:
            rule.append(or_(
                *[key.contains(" " + i, autoescape=True) for i in block.initials],
                ~key.contains(" "),
            ))  # fmt: skip
        query = (
            select(people.c.id, people.c.name_key, people.c.birth_date, people.c.area_code)
            .where(
                people.c.state_code == state_code,
                people.c.area_code == area_code,
                people.c.birth_date.between(first, last),
                *rule,
            )
            .limit(5000)
        )
        return [CandidateRow(*r) for r in self.conn.execute(query)]

    def search(
        self,
        *,
        state_code: str | None,
        area_codes: list[str] | None,
        name_key: str | None,
        phone: str | None,
        ids: list[str] | None,
        offset: int,
        limit: int,
    ) -> list[Person]:
        query = select(people)
        if state_code is not None:
            query = query.where(people.c.state_code == state_code)
        if area_codes is not None:
            query = query.where(people.c.area_code.in_(area_codes))
        if name_key:
            query = query.where(
                or_(
                    people.c.name_key.startswith(name_key, autoescape=True),
                    people.c.name_key.contains(" " + name_key, autoescape=True),
                )
            )
        # A number may be a mobile or an identifier: match either.
        by_number = ([people.c.phone == phone] if phone else []) + (
            [people.c.id.in_(ids)] if ids is not None else []
        )
        if by_number:
            query = query.where(or_(*by_number))
        query = query.order_by(people.c.name_key, people.c.id).offset(offset).limit(limit)
        rows = list(self.conn.execute(query))
        by_state: dict[str, list[Row]] = {}  # type: ignore[type-arg]
        for r in rows:
            by_state.setdefault(r.state_code, []).append(r)
        found = {p.id: p for group in by_state.values() for p in self.many(group)}
        return [found[r.id] for r in rows]

    def in_household(self, state_code: str, household_id: str) -> list[Person]:
        query = (
            select(people)
            .where(people.c.state_code == state_code, people.c.household_id == household_id)
            .order_by(people.c.birth_date)
        )
        return self.many(list(self.conn.execute(query)))

    def update(self, person: Person, previous_version: int) -> bool:
        values = {
            c: getattr(person, c)
            for c in PERSON_COLUMNS
            if c not in ("state_code", "id", "created_at")
        }
        values["sex"] = person.sex.value
        moved = self.conn.execute(
            select(people.c.id).where(
                people.c.state_code == person.state_code,
                people.c.id == person.id,
                or_(people.c.birth_date != person.birth_date,
                    people.c.area_code != person.area_code),
            )
        ).first()  # fmt: skip
        if moved is not None:  # a new birth date or area: the schedule is judged anew
            forget_summaries(self.conn, person.state_code, [person.id])
        done = self.conn.execute(
            update(people)
            .where(
                people.c.state_code == person.state_code,
                people.c.id == person.id,
                people.c.version == previous_version,
            )
            .values(**values)
        ).rowcount
        return done == 1

    def replace_identifiers(self, person: Person) -> None:
        self.conn.execute(
            person_identifiers.delete().where(
                person_identifiers.c.state_code == person.state_code,
                person_identifiers.c.person_id == person.id,
            )
        )
        if person.identifiers:
            self.conn.execute(person_identifiers.insert(), identifier_rows(person))

    def add_history(
        self,
        person: Person,
        changed_by: str,
        changed_at: datetime,
        reason: str,
        attributes: dict[str, Any] | None = None,
    ) -> None:
        """Keep ``person`` as it is (and, when given, their attributes: disability, marital
        status, ... as they were) as an earlier version."""
        snapshot = asdict(person)
        snapshot["identifiers"] = [
            {"kind": i.kind.value, "last4": i.last4, "value": i.value} for i in person.identifiers
        ]
        if attributes is not None:
            snapshot["attributes"] = attributes
        self.conn.execute(
            person_history.insert(),
            [
                dict(
                    state_code=person.state_code,
                    person_id=person.id,
                    version=person.version,
                    snapshot=_jsonable(snapshot),
                    changed_by=changed_by,
                    changed_at=changed_at,
                    reason=reason,
                )
            ],
        )

    def history(self, state_code: str, person_id: str) -> list[dict[str, Any]]:
        query = (
            select(person_history)
            .where(
                person_history.c.state_code == state_code, person_history.c.person_id == person_id
            )
            .order_by(person_history.c.version)
        )
        return [dict(r._mapping) for r in self.conn.execute(query)]

    def count(self) -> int:
        return self.conn.execute(select(func.count()).select_from(people)).scalar_one()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


class HouseholdRepository(Repository):
    def add(self, household: Household, created_by: str) -> None:
        self.conn.execute(
            households.insert(),
            [
                dict(
                    state_code=household.state_code,
                    id=household.id,
                    area_code=household.area_code,
                    address=household.address,
                    head_person_id=household.head_person_id,
                    created_by=created_by,
                    created_at=household.created_at,
                )
            ],
        )

    def set_head(self, state_code: str, household_id: str, person_id: str) -> None:
        self.conn.execute(
            update(households)
            .where(households.c.state_code == state_code, households.c.id == household_id)
            .values(head_person_id=person_id)
        )

    def get(self, household_id: str) -> Household | None:
        row = self.conn.execute(select(households).where(households.c.id == household_id)).first()
        if row is None:
            return None
        return Household(
            row.id,
            row.state_code,
            row.area_code,
            row.address,
            row.head_person_id,
            created_at=row.created_at,
        )
