from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, update

from ....domain.aefi import AefiReport, Outcome, SeriousReason, Severity, Symptom
from ....domain.vaccinations import Vaccination
from ..tables import aefi_reports, vaccinations
from .base import Repository


def _row(report: AefiReport) -> dict[str, Any]:
    row = asdict(report)
    row.update(
        symptoms=[s.value for s in report.symptoms],
        severity=report.severity.value,
        serious=report.serious,
        serious_reasons=[r.value for r in report.serious_reasons],
        outcome=report.outcome.value,
    )
    return row


def _report(row: Row[Any]) -> AefiReport:
    values = dict(row._mapping)
    values.pop("serious")
    values.update(
        symptoms=[Symptom(s) for s in values["symptoms"]],
        severity=Severity(values["severity"]),
        serious_reasons=[SeriousReason(r) for r in values["serious_reasons"]],
        outcome=Outcome(values["outcome"]),
    )
    return AefiReport(**values)


class AefiRepository(Repository):
    def add(self, report: AefiReport) -> None:
        self.conn.execute(aefi_reports.insert(), [_row(report)])

    def get(self, report_id: str) -> AefiReport | None:
        query = self.for_update(select(aefi_reports).where(aefi_reports.c.id == report_id))
        row = self.conn.execute(query).first()
        return _report(row) if row else None

    def update_outcome(self, report: AefiReport, previous_version: int) -> bool:
        c = aefi_reports.c
        done = self.conn.execute(
            update(aefi_reports)
            .where(c.state_code == report.state_code, c.id == report.id,
                   c.version == previous_version)
            .values(outcome=report.outcome.value, outcome_history=report.outcome_history,
                    updated_at=report.updated_at, version=report.version)
        )  # fmt: skip
        return done.rowcount == 1

    def in_areas(
        self,
        area_codes: list[str],
        *,
        serious: bool | None,
        since: datetime | None,
        limit: int,
        offset: int,
    ) -> list[AefiReport]:
        c = aefi_reports.c
        query = select(aefi_reports).where(c.area_code.in_(area_codes))
        if serious is not None:
            query = query.where(c.serious == serious)
        if since is not None:
            query = query.where(c.onset_at >= since)
        query = query.order_by(c.onset_at.desc(), c.id).limit(limit).offset(offset)
        return [_report(r) for r in self.conn.execute(query)]

    def vaccination(self, vaccination_id: str) -> Vaccination | None:
        row = self.conn.execute(
            select(vaccinations).where(vaccinations.c.id == vaccination_id)
        ).first()
        return Vaccination(**row._mapping) if row else None
