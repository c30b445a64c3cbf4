"""Immunisation history for the demo population, drawn as the field records it.

Children: each dose of their country's routine schedule that fell due more than four weeks ago
was given with probability 0.85, within four weeks of the day it was due (counted from the
dose before it where an interval applies), at a facility near home; a primary dose missed
leaves the rest of its series missing, as in the field.

Indian adults: the COVID-19 campaign, by the rules in force on each day
(``schedules/covid19-india.toml``): 85 % took a first dose within four months of their phase
opening (three in four Covishield), 90 % of those a second dose of the same vaccine after the
interval in force, one in ten of those second doses in another district (people travel for
work), and a third took the precaution dose.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from ...domain.schedule import Schedule

RECORDED_BY = "system:demo"
GIVEN_SHARE = 0.85
SECOND_DOSE_SHARE = 0.90
PRECAUTION_SHARE = 0.33
ELSEWHERE_SHARE = 0.10


def history(
    rng: random.Random,
    people: Sequence[dict[str, Any]],
    *,
    routine: Callable[[str], Schedule | None],
    campaign: Schedule | None,
    flags: Callable[[str], frozenset[str]],
    facility_near: Mapping[str, str],
    elsewhere: Mapping[str, str],
    today: date,
    now: datetime,
    new_id: Callable[[], str],
) -> list[dict[str, Any]]:
    """Vaccination rows for these people rows (as the demo generator makes them)."""
    rows: list[dict[str, Any]] = []
    for person in people:
        birth: date = person["birth_date"]
        age_days = (today - birth).days
        home = facility_near.get(person["area_code"])
        drawn: list[tuple[Schedule, str, date, str, str | None]] = []
        schedule = routine(person["state_code"])
        if schedule is not None and age_days < 17 * 365:
            given = _routine(rng, schedule, birth, today, flags(person["area_code"]))
            drawn += [(schedule, code, day, "", home) for code, day in given]
        if campaign is not None and campaign.campaign is not None and age_days >= 18 * 365 \
                and person["state_code"].startswith("IN-"):  # fmt: skip
            far = elsewhere.get(person["state_code"])
            drawn += [
                (campaign, code, day, product, far if away and far else home)
                for code, day, product, away in _campaign(rng, campaign, birth, today)
            ]
        rows += [{
            "state_code": person["state_code"], "id": new_id(), "person_id": person["id"],
            "schedule": s.name, "dose_code": code, "given_on": day, "facility_code": at,
            "product": product, "lot": "", "lot_expiry": None, "source": "session",
            "evidence": "", "override_reason": None, "recorded_by": RECORDED_BY,
            "recorded_at": now,
        } for s, code, day, product, at in drawn]  # fmt: skip
    return rows


def _routine(
    rng: random.Random, schedule: Schedule, birth: date, today: date, flags: frozenset[str]
) -> list[tuple[str, date]]:
    given: dict[str, date] = {}
    missed: set[str] = set()
    drawn_before = today - timedelta(days=28)
    for dose, dates in zip(schedule.doses, schedule.dates_for(birth), strict=True):
        if (
            dose.group != "child"
            or dose.catch_up_for
            or (dose.applies_if and dose.applies_if not in flags)
        ):
            continue
        before = schedule.series_previous.get(dose.code)
        if before in missed or any(c not in given for c in dose.requires_before):
            missed.add(dose.code)
            continue
        due = dates.due
        anchors = [given[p.code] for p in schedule.previous_of[dose.code] if p.code in given]
        if schedule.previous_of[dose.code] and not anchors:
            missed.add(dose.code)  # waits for a dose before it that was never given
            continue
        if anchors and dose.min_interval is not None:
            due = max(due, dose.min_interval.after(max(anchors)))
        if due >= drawn_before or rng.random() >= GIVEN_SHARE:
            missed.add(dose.code)
            continue
        window = 27 if dates.last is None else min(27, (dates.last - due).days)
        day = due + timedelta(days=rng.randint(0, max(window, 0)))  # birth doses: at birth
        if day > today or (dates.last is not None and day > dates.last):
            missed.add(dose.code)
            continue
        given[dose.code] = day
    return list(given.items())


def _campaign(
    rng: random.Random, schedule: Schedule, birth: date, today: date
) -> list[tuple[str, date, str, bool]]:
    campaign = schedule.campaign
    assert campaign is not None
    opened = campaign.opens("COVID1", birth, frozenset())
    if opened is None or opened > today or rng.random() >= GIVEN_SHARE:
        return []
    first = opened + timedelta(days=rng.randint(0, 120))
    # Three in four took Covishield where their phase offered it; 15-17 Covaxin, 12-14 Corbevax.
    wanted = "covishield" if rng.random() < 0.75 else "covaxin"
    offered = [
        p for p in (wanted, "covishield", "covaxin", "corbevax")
        if (day := campaign.opens("COVID1", birth, frozenset(), p)) and day <= first
    ]  # fmt: skip
    if not offered:
        return []
    product = offered[0]
    doses = [("COVID1", first, product, False)]
    if rng.random() >= SECOND_DOSE_SHARE:
        return doses if first <= today else []
    # The interval is the one in force on the day the second dose is given.
    second = first + timedelta(days=28 + rng.randint(0, 20))
    for _ in range(3):
        rule = campaign.interval("COVID2", product, second)
        if rule is None or second >= rule.minimum.after(first):
            break
        second = rule.minimum.after(first) + timedelta(days=rng.randint(0, 20))
    doses.append(("COVID2", second, product, rng.random() < ELSEWHERE_SHARE))
    if rng.random() < PRECAUTION_SHARE:
        third = campaign.opens("COVIDP", birth, frozenset()) or today
        for _ in range(3):  # the interval in force on the day it is given
            rule = campaign.interval("COVIDP", product, third)
            if rule is None or third >= rule.minimum.after(second):
                break
            third = rule.minimum.after(second)
        doses.append(("COVIDP", third + timedelta(days=rng.randint(0, 60)), product, False))
    return [d for d in doses if d[1] <= today]
