"""The January update (S3: "data updated every January"): once a year, in the month the
deployment chooses (``SEVASETU_ANNUAL_UPDATE_MONTH``), every household of an area gets a
re-verification task, done through the same survey form and verification; and the year's
change report: births, deaths, marriages, migrations in and out, new and stopped benefits."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..domain.access import Action, Principal, Role, require, require_area
from ..domain.areas import Area
from ..domain.errors import InvalidInput, Reason
from ..domain.surveys import ChangeKind, Survey, SurveyKind, SurveyStatus, benefit_changes
from .audit import audit_denials, record
from .ports import Context

FIRST_YEAR = 2000


@dataclass(frozen=True, slots=True)
class CampaignResult:
    area_code: str
    year: int
    created: int  # tasks created now
    already: int  # tasks of that year that were there before


def _year(year: int, today: date) -> int:
    if not FIRST_YEAR <= year <= today.year + 1:
        raise InvalidInput("year", reason=Reason(
            "The year must be between {first} and {last}.", first=FIRST_YEAR,
            last=today.year + 1))  # fmt: skip
    return year


@audit_denials
def start_campaign(ctx: Context, principal: Principal, area_code: str, year: int) -> CampaignResult:
    """One re-verification task for each household of the area that has none for ``year``;
    running it again creates nothing new (one task per household and year, by constraint)."""
    require(principal, Action.SURVEY_CAMPAIGN)
    year = _year(year, ctx.today())
    tree = ctx.area_tree()
    area = tree.get(area_code.strip(), "area_code")
    require_area(principal, area)
    codes = [a.code for a in tree.within(area.code)]
    with ctx.uow(write=True) as uow:
        before = uow.surveys.tasks_of_year(area.state_code, codes, year)
        due = uow.surveys.households_without_task(area.state_code, codes, year)
        now = ctx.now()
        for household_id, home in due:
            last = uow.surveys.latest_of(area.state_code, household_id)  # where it was found
            uow.surveys.add(Survey(
                ctx.new_id(), area.state_code, household_id, home, SurveyKind.REVERIFICATION,
                SurveyStatus.OPEN, now, campaign_year=year,
                latitude=last.latitude if last else None,
                longitude=last.longitude if last else None, place=last.place if last else None,
            ))  # fmt: skip
        record(ctx, uow, actor=principal, action="survey.campaign", subject_type="area",
               subject_id=area.code, state_code=area.state_code, year=year, created=len(due),
               already=before)  # fmt: skip
        uow.commit()
    return CampaignResult(area.code, year, len(due), before)


def start_due_campaigns(ctx: Context, today: date) -> list[CampaignResult]:
    """What the worker runs once a day: in the update month, the year's tasks for every state
    of the deployment (nothing in other months; nothing new once they exist)."""
    if today.month != ctx.settings.annual_update_month:
        return []
    tree = ctx.area_tree()
    states = sorted({a.state_code for a in tree.by_code.values() if a.state_code in tree})
    results = []
    for code in states:
        state = tree.get(code)
        keeper = Principal(kind="system", id="annual-update", role=Role.STATE_ADMIN,
                           name="annual update", area_code=state.code,
                           state_code=state.state_code)  # fmt: skip
        results.append(start_campaign(ctx, keeper, state.code, today.year))
    return results


# --- the year's change report ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    occurred_on: date | None  # None for benefits: the year is the period
    person_id: str
    name: str
    sex: str
    birth_date: date
    area_code: str
    household_id: str | None
    scheme_code: str | None = None
    source: str = "registry"  # registry | survey | service_records


@dataclass(slots=True)
class ChangeReport:
    area: Area
    year: int
    generated_at: datetime
    changes: list[Change] = field(default_factory=list)

    def counts(self) -> dict[str, Counter[str]]:
        """Per ward (residence area), how many changes of each kind."""
        per: dict[str, Counter[str]] = {}
        for c in self.changes:
            per.setdefault(c.area_code, Counter())[c.kind.value] += 1
        return dict(sorted(per.items()))

    def totals(self) -> Counter[str]:
        return Counter(c.kind.value for c in self.changes)


@audit_denials
def change_report(ctx: Context, principal: Principal, area_code: str, year: int) -> ChangeReport:
    """The year's changes among the people of the area, each with the person behind it: births
    and deaths from the registry and the surveys, marriages and moves from the surveys, new and
    stopped benefits from the service records (a scheme paid this year and not last, or last
    year and not this)."""
    require(principal, Action.REPORT_READ)
    year = _year(year, ctx.today())
    tree = ctx.area_tree()
    area = tree.get(area_code.strip(), "area")
    require_area(principal, area)
    codes = [a.code for a in tree.within(area.code)]
    report = ChangeReport(area, year, ctx.now())
    seen: set[tuple[ChangeKind, str]] = set()
    with ctx.uow(write=True) as uow:
        for e in uow.surveys.events(area.state_code, codes, year):
            kind = ChangeKind(e["kind"])
            seen.add((kind, e["person_id"]))
            report.changes.append(Change(
                kind, e["occurred_on"], e["person_id"], e["name"], e["sex"], e["birth_date"],
                e["area_code"], e["household_id"], source="survey"))  # fmt: skip
        for r in uow.surveys.registry_births_deaths(area.state_code, codes, year):
            if (r["kind"], r["person_id"]) in seen:
                continue
            report.changes.append(Change(
                r["kind"], r["occurred_on"], r["person_id"], r["name"], r["sex"],
                r["birth_date"], r["area_code"], r["household_id"]))  # fmt: skip
        paid = uow.surveys.benefits(area.state_code, codes, (year - 1, year))
        who = {r["person_id"]: r for r in paid}
        new, stopped = benefit_changes(
            ((r["person_id"], r["scheme_code"]) for r in paid if r["year"] == year),
            ((r["person_id"], r["scheme_code"]) for r in paid if r["year"] == year - 1),
        )
        for kind, pairs in ((ChangeKind.NEW_BENEFIT, new), (ChangeKind.STOPPED_BENEFIT, stopped)):
            for person_id, scheme in sorted(pairs):
                p = who[person_id]
                report.changes.append(Change(
                    kind, None, person_id, p["name"], p["sex"], p["birth_date"], p["area_code"],
                    p["household_id"], scheme_code=scheme, source="service_records"))  # fmt: skip
        record(ctx, uow, actor=principal, action="report.changes", subject_type="area",
               subject_id=area.code, state_code=area.state_code, year=year,
               changes=len(report.changes))  # fmt: skip
        uow.commit()
    order = {k: i for i, k in enumerate(ChangeKind)}
    report.changes.sort(
        key=lambda c: (c.area_code, order[c.kind], c.occurred_on or date(year, 1, 1), c.name)
    )
    return report


def as_plain(report: ChangeReport) -> dict[str, Any]:
    """The report as JSON-ready values (the API, the JSON file)."""
    return {
        "area": report.area.code,
        "year": report.year,
        "generated_at": report.generated_at.isoformat(),
        "totals": dict(report.totals()),
        "wards": {code: dict(c) for code, c in report.counts().items()},
        "changes": [
            {
                "kind": c.kind.value,
                "occurred_on": c.occurred_on.isoformat() if c.occurred_on else None,
                "person_id": c.person_id,
                "name": c.name,
                "sex": c.sex,
                "birth_date": c.birth_date.isoformat(),
                "area_code": c.area_code,
                "household_id": c.household_id,
                "scheme_code": c.scheme_code,
                "source": c.source,
            }
            for c in report.changes
        ],
    }
