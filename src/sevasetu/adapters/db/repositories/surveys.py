"""Household surveys, the households' earlier versions and what the surveys found changed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, and_, func, select, update

from ....domain.households import Household
from ....domain.surveys import ChangeKind, Survey, SurveyKind, SurveyStatus
from ..tables import (
    household_events,
    household_history,
    household_surveys,
    households,
    people,
    person_attributes,
    service_records,
)
from .base import Repository
from .people import _jsonable

SURVEY_COLUMNS = [c.name for c in household_surveys.columns]


def _survey(row: Row) -> Survey:  # type: ignore[type-arg]
    values = {c: getattr(row, c) for c in SURVEY_COLUMNS}
    values["kind"] = SurveyKind(values["kind"])
    values["status"] = SurveyStatus(values["status"])
    return Survey(**values)


def _row(survey: Survey) -> dict[str, Any]:
    row = {c: getattr(survey, c) for c in SURVEY_COLUMNS}
    row["kind"] = survey.kind.value
    row["status"] = survey.status.value
    return row


class SurveyRepository(Repository):
    # --- surveys ---------------------------------------------------------------------------

    def add(self, survey: Survey) -> None:
        self.conn.execute(household_surveys.insert(), [_row(survey)])

    def get(self, survey_id: str) -> Survey | None:
        query = self.for_update(
            select(household_surveys).where(household_surveys.c.id == survey_id)
        )
        row = self.conn.execute(query).first()
        return None if row is None else _survey(row)

    def save(self, survey: Survey) -> None:
        values = {c: v for c, v in _row(survey).items() if c not in ("state_code", "id")}
        self.conn.execute(
            update(household_surveys)
            .where(
                household_surveys.c.state_code == survey.state_code,
                household_surveys.c.id == survey.id,
            )
            .values(**values)
        )

    def listed(
        self, area_codes: list[str], statuses: list[SurveyStatus], limit: int = 200
    ) -> list[Survey]:
        s = household_surveys.c
        query = (
            select(household_surveys)
            .where(self.among(s.area_code, area_codes), s.status.in_([x.value for x in statuses]))
            .order_by(s.status, s.surveyed_at, s.created_at, s.id)
            .limit(limit)
        )
        return [_survey(r) for r in self.conn.execute(query)]

    def latest_of(self, state_code: str, household_id: str) -> Survey | None:
        s = household_surveys.c
        row = self.conn.execute(
            select(household_surveys)
            .where(s.state_code == state_code, s.household_id == household_id)
            .order_by(s.created_at.desc(), s.id.desc())
            .limit(1)
        ).first()
        return None if row is None else _survey(row)

    def households_without_task(
        self, state_code: str, area_codes: list[str], year: int
    ) -> list[tuple[str, str]]:
        """(household id, area code) of the area's households with no task for ``year``."""
        h, s = households.c, household_surveys.c
        query = (
            select(h.id, h.area_code)
            .outerjoin(
                household_surveys,
                and_(s.state_code == h.state_code, s.household_id == h.id, s.campaign_year == year),
            )
            .where(h.state_code == state_code, self.among(h.area_code, area_codes), s.id.is_(None))
            .order_by(h.area_code, h.id)
        )
        return [(r.id, r.area_code) for r in self.conn.execute(query)]

    def tasks_of_year(self, state_code: str, area_codes: list[str], year: int) -> int:
        s = household_surveys.c
        return int(
            self.conn.execute(
                select(func.count()).where(
                    s.state_code == state_code,
                    self.among(s.area_code, area_codes),
                    s.campaign_year == year,
                )
            ).scalar_one()
        )

    # --- households ------------------------------------------------------------------------

    def update_household(self, household: Household) -> None:
        self.conn.execute(
            update(households)
            .where(households.c.state_code == household.state_code, households.c.id == household.id)
            .values(
                area_code=household.area_code,
                address=household.address,
                head_person_id=household.head_person_id,
            )
        )

    def add_household_version(
        self, household: Household, members: list[dict[str, Any]], *, by: str, at: datetime,
        reason: str,
    ) -> int:  # fmt: skip
        """Keep the household as it is now (with its members and their relations) as its
        next earlier version; returns that version's number."""
        hh = household_history.c
        last = self.conn.execute(
            select(func.max(hh.version)).where(
                hh.state_code == household.state_code, hh.household_id == household.id
            )
        ).scalar()
        version = int(last or 0) + 1
        snapshot = {
            "area_code": household.area_code,
            "address": household.address,
            "head_person_id": household.head_person_id,
            "members": members,
        }
        self.conn.execute(
            household_history.insert(),
            [dict(state_code=household.state_code, household_id=household.id, version=version,
                  snapshot=_jsonable(snapshot), changed_by=by, changed_at=at,
                  reason=reason[:300])],
        )  # fmt: skip
        return version

    def household_versions(self, state_code: str, household_id: str) -> list[dict[str, Any]]:
        hh = household_history.c
        query = (
            select(household_history)
            .where(hh.state_code == state_code, hh.household_id == household_id)
            .order_by(hh.version)
        )
        return [dict(r._mapping) for r in self.conn.execute(query)]

    # --- what changed ----------------------------------------------------------------------

    def add_event(
        self, *, state_code: str, event_id: str, household_id: str, person_id: str,
        kind: ChangeKind, occurred_on: date, area_code: str, survey_id: str | None,
        detail: dict[str, Any], by: str, at: datetime,
    ) -> None:  # fmt: skip
        self.conn.execute(
            household_events.insert(),
            [dict(state_code=state_code, id=event_id, household_id=household_id,
                  person_id=person_id, kind=kind.value, occurred_on=occurred_on,
                  year=occurred_on.year, area_code=area_code, survey_id=survey_id,
                  detail=_jsonable(detail), recorded_by=by, recorded_at=at)],
        )  # fmt: skip

    def events(self, state_code: str, area_codes: list[str], year: int) -> list[dict[str, Any]]:
        """The year's events of the area with the person each is about."""
        e, p = household_events.c, people.c
        query = (
            select(
                e.kind,
                e.occurred_on,
                e.area_code,
                e.household_id,
                e.person_id,
                e.detail,
                e.survey_id,
                p.name,
                p.sex,
                p.birth_date,
            )  # fmt: skip
            .join(people, and_(p.state_code == e.state_code, p.id == e.person_id))
            .where(e.state_code == state_code, e.year == year, self.among(e.area_code, area_codes))
            .order_by(e.area_code, e.occurred_on, p.name_key)
        )
        return [dict(r._mapping) for r in self.conn.execute(query)]

    def registry_births_deaths(
        self, state_code: str, area_codes: list[str], year: int
    ) -> list[dict[str, Any]]:
        """People of the area born in ``year`` (a known birth date, not an age) or recorded
        dead in it, whether or not a survey saw it (a delivery registers a newborn too)."""
        p, a = people.c, person_attributes.c
        first, last = date(year, 1, 1), date(year, 12, 31)
        born = select(p.id.label("person_id"), p.name, p.sex, p.birth_date, p.area_code,
                      p.household_id).where(
            p.state_code == state_code, self.among(p.area_code, area_codes),
            p.birth_date.between(first, last), p.birth_date_estimated.is_(False),
        )  # fmt: skip
        died = (
            select(
                p.id.label("person_id"),
                p.name,
                p.sex,
                p.birth_date,
                p.area_code,
                p.household_id,
                a.deceased_on,
            )  # fmt: skip
            .join(person_attributes, and_(a.state_code == p.state_code, a.person_id == p.id))
            .where(
                p.state_code == state_code,
                self.among(p.area_code, area_codes),
                a.deceased_on.between(first, last),
            )  # fmt: skip
        )
        found = [
            {**dict(r._mapping), "kind": ChangeKind.BIRTH, "occurred_on": r.birth_date}
            for r in self.conn.execute(born)
        ]
        found += [
            {**dict(r._mapping), "kind": ChangeKind.DEATH, "occurred_on": r.deceased_on}
            for r in self.conn.execute(died)
        ]
        return found

    def benefits(
        self, state_code: str, area_codes: list[str], years: tuple[int, int]
    ) -> list[dict[str, Any]]:
        """(person, scheme, year) of the resolved service records of the area's people in the
        two years, once each, with the person's name and area."""
        r, p = service_records.c, people.c
        query = (
            select(
                r.person_id,
                r.scheme_code,
                r.year,
                p.name,
                p.sex,
                p.birth_date,
                p.area_code,
                p.household_id,
            )  # fmt: skip
            .join(people, and_(p.state_code == r.state_code, p.id == r.person_id))
            .where(
                r.state_code == state_code,
                r.status == "resolved",
                r.year.in_(years),
                self.among(p.area_code, area_codes),
            )  # fmt: skip
            .distinct()
        )
        return [dict(x._mapping) for x in self.conn.execute(query)]
