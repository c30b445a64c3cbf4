"""Service records: writing them, the look-ups that resolve them to a person, the queue."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select, update

from ....domain.benefits import RecordStatus, ServiceRecord
from ..tables import people, person_identifiers, service_records
from ..upsert import upsert
from .base import Repository

COLUMNS = tuple(c.name for c in service_records.columns)


def _record(r: Any) -> ServiceRecord:
    return ServiceRecord(
        id=r.id,
        state_code=r.state_code,
        department=r.department,
        scheme_code=r.scheme_code,
        reference=r.reference,
        delivered_on=r.delivered_on,
        period_key=r.period_key,
        status=RecordStatus(r.status),
        person_id=r.person_id,
        resolved_by=r.resolved_by,
        key_kind=r.key_kind,
        key_last4=r.key_last4,
        name=r.name,
        birth_date=r.birth_date,
        phone=r.phone,
        area_code=r.area_code,
        amount=r.amount,
        note=r.note,
        created_at=r.created_at,
    )


class ServiceRecordRepository(Repository):
    # --- resolution look-ups (services.service_records, in the order documented there) -----

    def holder(self, state_code: str, kind: str, lookup_hash: str) -> str | None:
        i = person_identifiers.c
        return self.conn.execute(  # type: ignore[no-any-return]
            select(i.person_id).where(
                i.state_code == state_code, i.kind == kind, i.lookup_hash == lookup_hash
            )
        ).scalar()

    def phone_holders(self, state_code: str, phone: str) -> list[tuple[str, str, date]]:
        p = people.c
        rows = self.conn.execute(
            select(p.id, p.name_key, p.birth_date).where(
                p.state_code == state_code, p.phone == phone
            )
        )
        return [(r.id, r.name_key, r.birth_date) for r in rows]

    def named_born(self, state_code: str, name_key: str, birth_date: date) -> list[str]:
        p = people.c
        rows = self.conn.execute(
            select(p.id).where(
                p.state_code == state_code, p.name_key == name_key, p.birth_date == birth_date
            )
        )
        return [r.id for r in rows]

    # --- writing ---------------------------------------------------------------------------

    def known_references(self, state_code: str, department: str, refs: Iterable[str]) -> set[str]:
        r = service_records.c
        rows = self.conn.execute(
            select(r.reference).where(
                r.state_code == state_code,
                r.department == department,
                self.among(r.reference, refs),
            )
        )
        return {row.reference for row in rows}

    def add_many(self, rows: list[dict[str, Any]]) -> None:
        """Rows with every column; a reference already on file is left as it is."""
        for start in range(0, len(rows), 1000):
            upsert(
                self.conn,
                service_records,
                rows[start : start + 1000],
                ["state_code", "department", "reference"],
                update=False,
            )

    def get(self, record_id: str) -> ServiceRecord | None:
        row = self.conn.execute(
            self.for_update(select(service_records).where(service_records.c.id == record_id))
        ).first()
        return _record(row) if row else None

    def decide(
        self,
        state_code: str,
        record_id: str,
        *,
        status: RecordStatus,
        person_id: str | None,
        by: str,
        note: str | None,
    ) -> None:
        r = service_records.c
        self.conn.execute(
            update(service_records)
            .where(r.state_code == state_code, r.id == record_id)
            .values(status=status.value, person_id=person_id, resolved_by=by, note=note)
        )

    # --- reading ---------------------------------------------------------------------------

    def of_people(self, state_code: str, person_ids: list[str]) -> list[ServiceRecord]:
        r = service_records.c
        rows = self.conn.execute(
            select(service_records)
            .where(r.state_code == state_code, self.among(r.person_id, person_ids))
            .order_by(r.delivered_on.desc(), r.department, r.reference)
        )
        return [_record(row) for row in rows]

    def evidence(
        self,
        state_code: str,
        person_id: str,
        schemes: list[str],
        period_key: str | None,
        year: int | None,
    ) -> list[ServiceRecord]:
        r = service_records.c
        query = select(service_records).where(
            r.state_code == state_code,
            r.person_id == person_id,
            r.status == RecordStatus.RESOLVED.value,
            self.among(r.scheme_code, schemes),
        )
        if period_key is not None:
            query = query.where(r.period_key == period_key)
        if year is not None:
            query = query.where(r.year == year)
        return [_record(row) for row in self.conn.execute(query.order_by(r.delivered_on))]

    def queue(self, state_code: str, areas: list[str] | None, limit: int) -> list[ServiceRecord]:
        """Records waiting for a clerk, oldest first: those placed in ``areas`` and those the
        department placed nowhere."""
        r = service_records.c
        query = select(service_records).where(
            r.state_code == state_code, r.status == RecordStatus.QUEUED.value
        )
        if areas is not None:
            query = query.where(or_(r.area_code.is_(None), self.among(r.area_code, areas)))
        rows = self.conn.execute(query.order_by(r.created_at, r.reference).limit(limit))
        return [_record(row) for row in rows]

    def candidates(self, record: ServiceRecord, limit: int = 10) -> list[str]:
        """People a clerk may pick for a queued record: the same name key, or the same phone."""
        p = people.c
        name_key = self.conn.execute(
            select(service_records.c.name_key).where(
                service_records.c.state_code == record.state_code,
                service_records.c.id == record.id,
            )
        ).scalar()
        ors = []
        if name_key:
            ors.append(p.name_key == name_key)
        if record.phone:
            ors.append(p.phone == record.phone)
        if record.birth_date and record.area_code:
            ors.append(and_(p.birth_date == record.birth_date, p.area_code == record.area_code))
        if not ors:
            return []
        rows = self.conn.execute(
            select(p.id)
            .where(p.state_code == record.state_code, or_(*ors))
            .order_by(p.name)
            .limit(limit)
        )
        return [r.id for r in rows]
