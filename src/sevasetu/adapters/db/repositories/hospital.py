"""Eligibility cards issued and hospital events recorded (docs/hospital-continuity.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ....domain.hospital_events import EventKind, HospitalEvent
from ..tables import eligibility_cards, hospital_events
from .base import Repository


@dataclass(frozen=True, slots=True)
class IssuedCardRow:
    state_code: str
    id: str
    person_id: str
    scheme_code: str
    valid_from: date
    valid_until: date
    kid: str
    jws: str
    issued_at: datetime
    issued_by: str


class EligibilityCardRepository(Repository):
    def add(self, card: IssuedCardRow) -> None:
        self.conn.execute(eligibility_cards.insert(), [asdict(card)])

    def get(self, card_id: str) -> IssuedCardRow | None:
        row = self.conn.execute(
            select(eligibility_cards).where(eligibility_cards.c.id == card_id)
        ).first()
        return IssuedCardRow(**row._mapping) if row else None

    def of_person(self, state_code: str, person_id: str) -> list[IssuedCardRow]:
        c = eligibility_cards.c
        rows = self.conn.execute(
            select(eligibility_cards)
            .where(c.state_code == state_code, c.person_id == person_id)
            .order_by(c.issued_at.desc(), c.id)
        )
        return [IssuedCardRow(**r._mapping) for r in rows]


def _event(row: Any) -> HospitalEvent:
    m = dict(row._mapping)
    return HospitalEvent(**{**m, "kind": EventKind(m["kind"])})


class HospitalEventRepository(Repository):
    def find(self, keys: Iterable[str], ids: Iterable[str]) -> list[HospitalEvent]:
        """The events recorded under any of these idempotency keys or event ids (UUIDs made by
        the desks: unique whatever the state)."""
        keys, ids = list(keys), list(ids)
        if not keys and not ids:
            return []
        h = hospital_events.c
        found = select(hospital_events).where(
            or_(
                self.among(h.idempotency_key, keys),
                self.among(h.id, ids),
            )
        )
        return [_event(r) for r in self.conn.execute(found)]

    def add_new(self, events: list[HospitalEvent]) -> set[str]:
        """Insert the events whose key is not taken yet; the idempotency keys inserted. A
        concurrent replay of the same key loses quietly to the unique constraint."""
        if not events:
            return set()
        rows = [{**asdict(e), "kind": e.kind.value} for e in events]
        insert = pg_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
        statement = (
            insert(hospital_events)
            .values(rows)
            .on_conflict_do_nothing()
            .returning(hospital_events.c.idempotency_key)
        )
        return set(self.conn.execute(statement).scalars())

    def of_person(self, state_code: str, person_id: str) -> list[HospitalEvent]:
        h = hospital_events.c
        rows = self.conn.execute(
            select(hospital_events)
            .where(h.state_code == state_code, h.person_id == person_id)
            .order_by(h.recorded_at, h.id)
        )
        return [_event(r) for r in rows]

    def count_by_key(self, keys: list[str]) -> dict[str, int]:
        """How many rows each key has (the unique constraint says at most one): for the
        rehearsal's report of lost and duplicated events."""
        from sqlalchemy import func

        h = hospital_events.c
        counted: dict[str, int] = {}
        for start in range(0, len(keys), 1000):
            part = keys[start : start + 1000]
            rows = self.conn.execute(
                select(h.idempotency_key, func.count())
                .where(self.among(h.idempotency_key, part))
                .group_by(h.idempotency_key)
            )
            counted.update({k: int(n) for k, n in rows})
        return counted
