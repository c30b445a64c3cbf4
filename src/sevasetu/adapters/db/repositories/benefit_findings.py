"""The duplicate-benefits detection, as set-based SQL, and the findings it keeps.

Each kind of finding is one ``INSERT ... SELECT ... GROUP BY`` over the resolved service
records (no Python loop over records): 10 million records are a few hash aggregates for
PostgreSQL. Running it again updates the counts of the findings already kept and leaves their
status alone. Ages are compared as yyyymmdd integers, which both SQLite and PostgreSQL compute
the same way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Integer,
    and_,
    case,
    cast,
    extract,
    func,
    literal,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ....domain.benefits import Finding, FindingKind, FindingStatus, RecordStatus
from ..tables import benefit_findings, people, person_attributes, schemes, service_records
from .base import Repository

FINDING_COLUMNS = [
    "state_code",
    "id",
    "kind",
    "scheme_code",
    "person_id",
    "period_key",
    "area_code",
    "records",
    "amount",
    "status",
    "found_at",
]


def _ymd(column: Any) -> Any:
    return extract("year", column) * 10000 + extract("month", column) * 100 + extract("day", column)


def _finding(r: Any) -> Finding:
    return Finding(
        id=r.id,
        state_code=r.state_code,
        kind=FindingKind(r.kind),
        scheme_code=r.scheme_code,
        person_id=r.person_id,
        period_key=r.period_key,
        area_code=r.area_code,
        records=r.records,
        amount=r.amount,
        status=FindingStatus(r.status),
        reason=r.reason,
        found_at=r.found_at,
        decided_by=r.decided_by,
        decided_at=r.decided_at,
    )


class FindingRepository(Repository):
    def detect(self, state_code: str, areas: list[str] | None, now: datetime) -> int:
        """Find every kind for the people living in ``areas`` (None: the whole state); the
        number of findings written or refreshed. Three passes over the records: duplicates and
        exclusive groups aggregate the records alone (hash aggregates, then the few groups
        found are placed by joining people); the ineligible kinds join each record to its
        scheme and person once and classify it (deceased first, then outside the area, then
        too young: one kind per record)."""
        if self.conn.dialect.name == "postgresql":
            # Hash aggregates over millions of records: memory for this transaction only.
            self.conn.exec_driver_sql("SET LOCAL work_mem = '256MB'")
        r, p, s, a = service_records.c, people.c, schemes.c, person_attributes.c
        resolved = and_(r.state_code == state_code, r.status == RecordStatus.RESOLVED.value)
        if areas is not None:
            resolved = and_(
                resolved,
                r.person_id.in_(
                    select(p.id).where(p.state_code == state_code, self.among(p.area_code, areas))
                ),
            )
        joined_scheme = and_(s.state_code == r.state_code, s.code == r.scheme_code)
        amount = func.coalesce(func.sum(r.amount), 0.0).label("amount")
        # The same scheme more than once in one period.
        duplicates = (
            select(literal(FindingKind.DUPLICATE.value).label("kind"),
                   r.scheme_code.label("scheme"), r.person_id, r.period_key,
                   func.count().label("n"), amount)
            .where(resolved)
            .group_by(r.scheme_code, r.person_id, r.period_key)
            .having(func.count() > 1)
        )  # fmt: skip
        # Two schemes of one exclusive group in one period (a group's schemes share a period).
        exclusive = (
            select(literal(FindingKind.EXCLUSIVE.value).label("kind"),
                   s.exclusive_group.label("scheme"), r.person_id, r.period_key,
                   func.count().label("n"), amount)
            .join(schemes, joined_scheme)
            .where(resolved, s.exclusive_group.is_not(None))
            .group_by(s.exclusive_group, r.person_id, r.period_key)
            .having(func.min(r.scheme_code) != func.max(r.scheme_code))
        )  # fmt: skip
        total = self._place(state_code, duplicates.subquery(), now)
        total += self._place(state_code, exclusive.subquery(), now)
        # Not eligible on the day: dead, living outside the scheme's area (area codes nest by
        # prefix: IN-WB-NAD-...), or younger than the rules allow (ages as yyyymmdd integers).
        inside = or_(p.area_code == s.area_code, p.area_code.like(s.area_code + "-%"))
        too_young = (_ymd(r.delivered_on) - _ymd(p.birth_date)) < cast(s.min_age, Integer) * 10000
        kind = case(
            (and_(a.deceased_on.is_not(None), r.delivered_on > a.deceased_on),
             literal(FindingKind.DECEASED.value)),
            (not_(inside), literal(FindingKind.OUTSIDE_AREA.value)),
            (and_(s.min_age.is_not(None), too_young), literal(FindingKind.TOO_YOUNG.value)),
            else_=None,
        )  # fmt: skip
        classified = (
            select(kind.label("kind"), r.scheme_code, r.person_id, r.amount)
            .join(schemes, joined_scheme)
            .join(people, and_(p.state_code == r.state_code, p.id == r.person_id))
            .outerjoin(person_attributes,
                       and_(a.state_code == r.state_code, a.person_id == r.person_id))
            .where(resolved, kind.is_not(None))
            .subquery()
        )  # fmt: skip
        c = classified.c
        ineligible = (
            select(c.kind, c.scheme_code.label("scheme"), c.person_id,
                   literal("any").label("period_key"), func.count().label("n"),
                   func.coalesce(func.sum(c.amount), 0.0).label("amount"))
            .group_by(c.kind, c.scheme_code, c.person_id)
        )  # fmt: skip
        return total + self._place(state_code, ineligible.subquery(), now)

    def _place(self, state_code: str, found: Any, now: datetime) -> int:
        """Keep what a pass found, placed where the person lives: (kind, scheme, person_id,
        period_key, n, amount) rows become findings, new or refreshed."""
        p, f = people.c, found.c
        finding_id = f.kind + ":" + f.scheme + ":" + f.person_id + ":" + f.period_key
        query = (
            select(p.state_code, finding_id, f.kind, f.scheme, f.person_id, f.period_key,
                   p.area_code, f.n, f.amount, literal(FindingStatus.OPEN.value),
                   literal(now, benefit_findings.c.found_at.type))
            .join(people, and_(p.state_code == state_code, p.id == f.person_id))
            .where(p.state_code == state_code)
        )  # fmt: skip
        return self._keep(query)

    def _keep(self, query: Any) -> int:
        insert = pg_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
        stmt = insert(benefit_findings).from_select(FINDING_COLUMNS, query)
        stmt = stmt.on_conflict_do_update(
            index_elements=["state_code", "id"],
            set_={
                "records": stmt.excluded.records,
                "amount": stmt.excluded.amount,
                "area_code": stmt.excluded.area_code,
            },
        )
        return self.conn.execute(stmt).rowcount or 0

    # --- reading and deciding ----------------------------------------------------------------

    def listed(self, state_code: str, areas: list[str] | None) -> list[Finding]:
        f = benefit_findings.c
        query = select(benefit_findings).where(f.state_code == state_code)
        if areas is not None:
            query = query.where(self.among(f.area_code, areas))
        query = query.order_by(f.area_code, f.scheme_code, f.kind, f.person_id, f.period_key)
        return [_finding(row) for row in self.conn.execute(query)]

    def get(self, finding_id: str) -> Finding | None:
        query = select(benefit_findings).where(benefit_findings.c.id == finding_id)
        row = self.conn.execute(self.for_update(query)).first()
        return _finding(row) if row else None

    def decide(
        self, finding: Finding, status: FindingStatus, reason: str | None, by: str, at: datetime
    ) -> None:
        f = benefit_findings.c
        self.conn.execute(
            update(benefit_findings)
            .where(f.state_code == finding.state_code, f.id == finding.id)
            .values(status=status.value, reason=reason, decided_by=by, decided_at=at)
        )

    def group_schemes(self, state_code: str, group: str) -> list[str]:
        s = schemes.c
        rows = self.conn.execute(
            select(s.code).where(s.state_code == state_code, s.exclusive_group == group)
        )
        return [row.code for row in rows]
