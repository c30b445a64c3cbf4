"""A year of the demo's service records (S3, S4): what each state's departments gave part of
the demo population under the bundled schemes, with a few planted double benefits for the
duplicates report to find (docs/demo.md). Pure: the caller reads the people and writes the rows.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from ...domain.eligibility import Facts, holds, parse_rules
from ...domain.people import age_in_years
from ...domain.schemes import Period, Scheme

# Of the people a scheme's rules hold for (in the households that take part), the share that
# receive it; a scheme not named here reaches half of them.
UPTAKE: dict[str, float] = {
    "WB-SWASTHYA-SATHI": 0.6,  # the family health card: most households enrolled
    "WB-BANGLA-AWAS": 0.02,  # a house: a few a year
    "BD-VGF-RICE": 0.3,  # rice before the lean season for the poorer households
}
HOUSEHOLD_SHARE = 0.4  # the households whose services the departments sent
PLANTED = {"same_key": 2, "two_keys": 2, "exclusive": 1}  # double benefits, per state


@dataclass(frozen=True, slots=True)
class Resident:
    id: str
    state_code: str
    area_path: tuple[str, ...]
    household_id: str | None
    household_size: int
    sex: str
    birth_date: date
    name: str
    name_key: str
    phone: str | None
    keys: tuple[tuple[str, str, str], ...]  # (kind, lookup hash, last 4), best first
    marital_status: str | None = None
    occupation: str | None = None
    disabled: bool = False
    chronic_illness: bool = False


# What a household survey would have recorded: a marital status from the relations, an
# occupation for the men of working age, a disability or a chronic illness now and then.
OCCUPATIONS = (("farmer", 0.3), ("sharecropper", 0.1), ("day_labourer", 0.3), ("trader", 0.1))
PARENTS = (("father", "mother"), ("father_in_law", "mother_in_law"))


def attributes(
    rng: random.Random, people: list[dict[str, Any]], today: date
) -> dict[str, dict[str, Any]]:
    """Person id -> ``marital_status``, ``occupation``, ``disabled``, ``chronic_illness`` for
    people (rows with ``id``, ``household_id``, ``relation_to_head``, ``sex``,
    ``birth_date``); a relation that says nothing leaves the marital status unknown."""
    relations: dict[str, set[str]] = defaultdict(set)
    for p in people:
        relations[p["household_id"]].add(p["relation_to_head"] or "")
    found = {}
    for p in sorted(people, key=lambda p: p["id"]):
        age = age_in_years(p["birth_date"], today)
        rel, present = p["relation_to_head"] or "", relations[p["household_id"]]
        status: str | None = None
        if age < 18:
            status = "never_married"
        elif rel in ("head", "spouse"):
            alone = rel == "head" and "spouse" not in present
            status = "widowed" if alone and age >= 45 else "married"
        elif rel in ("son_in_law", "daughter_in_law"):
            status = "married"
        elif any(rel in pair for pair in PARENTS):
            pair = next(pair for pair in PARENTS if rel in pair)
            status = "married" if set(pair) <= present else "widowed"
        elif rel in ("son", "daughter", "brother", "sister", "grandson", "granddaughter"):
            status = "married" if age >= 25 and rng.random() < 0.5 else "never_married"
        occupation = None
        if p["sex"] == "male" and 18 <= age <= 70:
            draw, edge = rng.random(), 0.0
            for name, share in OCCUPATIONS:
                edge += share
                if draw < edge:
                    occupation = name
                    break
        found[p["id"]] = {
            "marital_status": status, "occupation": occupation,
            "disabled": rng.random() < 0.02,
            "chronic_illness": rng.random() < (0.15 if age >= 50 else 0.03),
        }  # fmt: skip
    return found


@dataclass(slots=True)
class Ledger:
    rows: list[dict[str, Any]]
    planted: dict[str, int]  # kind of double benefit -> how many were planted
    widowed: set[str]  # people whose unknown marital status the planting made "widowed"


def _deliveries(period: Period, today: date, rng: random.Random) -> list[date]:
    """The days one recipient was served in the year up to ``today``: each month, each
    quarter, or once."""
    start = today - timedelta(days=364)
    if period in (Period.YEARLY, Period.ONE_OFF):
        return [start + timedelta(days=rng.randrange(365))]
    step = 1 if period is Period.MONTHLY else 3
    days, year, month = [], start.year, start.month
    while (year, month) <= (today.year, today.month):
        day = date(year, month, rng.randrange(5, 26))
        if start <= day <= today:
            days.append(day)
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return days


def _eligible(rules: list[Any], person: Resident, day: date) -> bool:
    """The rules hold on the day, on the facts the demo recorded."""
    facts = Facts(
        age=age_in_years(person.birth_date, day), sex=person.sex, area_path=person.area_path,
        household_size=person.household_size,
        marital_status=person.marital_status, occupation=person.occupation,
        disabled=person.disabled, chronic_illness=person.chronic_illness,
    )  # fmt: skip
    return all(holds(rule, facts) for rule in rules)


def service_rows(
    rng: random.Random,
    people: list[Resident],
    schemes: list[Scheme],
    *,
    today: date,
    now: datetime,
    new_id: Callable[[], str],
    actor: str,
) -> Ledger:
    """The records of the year for the residents of the households that take part: each
    scheme whose rules hold on the day (facts the registry does not hold, such as a marital
    status or an occupation, are unknown and fail, as in the eligibility check), one scheme of
    an exclusive group at most; then the planted double benefits of each state."""
    parsed = {s.code: parse_rules(list(s.rules)) for s in schemes}
    serial: dict[str, int] = defaultdict(int)
    rows: list[dict[str, Any]] = []

    def row(person: Resident, scheme: Scheme, day: date, key: tuple[str, str, str] | None,
            by_phone: bool = False) -> dict[str, Any]:  # fmt: skip
        serial[scheme.department] += 1
        how = key[0] if key else "phone" if by_phone else "name_birth"
        return {
            "state_code": scheme.state_code, "id": new_id(), "department": scheme.department,
            "scheme_code": scheme.code,
            "reference": f"{scheme.department}-{day.year}-{serial[scheme.department]:06d}",
            "delivered_on": day, "period_key": scheme.period.key(day), "year": day.year,
            "amount": scheme.amount, "status": "resolved", "person_id": person.id,
            "resolved_by": how, "key_kind": key[0] if key else None,
            "key_hash": key[1] if key else None, "key_last4": key[2] if key else None,
            "name": person.name, "name_key": person.name_key, "birth_date": person.birth_date,
            "phone": person.phone, "area_code": person.area_path[-1], "note": None,
            "created_by": actor, "created_at": now,
        }  # fmt: skip

    by_state: dict[str, list[Scheme]] = defaultdict(list)
    for s in sorted(schemes, key=lambda s: s.code):
        by_state[s.state_code].append(s)
    households = sorted({p.household_id or p.id for p in people})
    taking_part = {h for h in households if rng.random() < HOUSEHOLD_SHARE}
    served: dict[str, list[tuple[Resident, Scheme, dict[str, Any]]]] = defaultdict(list)
    for person in sorted(people, key=lambda p: p.id):
        if (person.household_id or person.id) not in taking_part:
            continue
        groups: set[str] = set()
        for scheme in by_state.get(person.state_code, []):
            if scheme.area_code not in person.area_path:
                continue
            if scheme.exclusive_group in groups:
                continue
            if not _eligible(parsed[scheme.code], person, today):
                continue
            if rng.random() >= UPTAKE.get(scheme.code, 0.5):
                continue
            if scheme.exclusive_group:
                groups.add(scheme.exclusive_group)
            key = person.keys[0] if person.keys else None
            for day in _deliveries(scheme.period, today, rng):
                if _eligible(parsed[scheme.code], person, day):
                    made = row(person, scheme, day, key, by_phone=person.phone is not None)
                    rows.append(made)
                    served[person.state_code].append((person, scheme, made))
    planted: Counter[str] = Counter()
    widowed: set[str] = set()
    for state, given in sorted(served.items()):
        mine = [s for s in schemes if s.state_code == state]
        extra, widows = _plant(rng, given, mine, parsed, row, today)
        widowed |= widows
        rows += [r for _, r in extra]
        planted.update(kind for kind, _ in extra)
    return Ledger(rows, dict(planted), widowed)


def _plant(
    rng: random.Random,
    given: list[tuple[Resident, Scheme, dict[str, Any]]],
    schemes: list[Scheme],
    parsed: dict[str, list[Any]],
    row: Callable[..., dict[str, Any]],
    today: date,
) -> tuple[list[tuple[str, dict[str, Any]]], set[str]]:
    """One state's planted double benefits, each on a person and period of its own: the same
    scheme twice in a period under the same identifier (a slip issued again), under a second
    identifier or the phone of the same person, and two schemes of one exclusive group (a
    widow drawing the old-age and the widow pension, whose rules both hold for her: one whose
    marital status was not recorded is returned, to be recorded as widowed)."""
    periodic = [g for g in given if g[1].period in (Period.MONTHLY, Period.QUARTERLY)]
    rng.shuffle(periodic)
    used: set[tuple[str, str]] = set()
    extra: list[tuple[str, dict[str, Any]]] = []
    count: Counter[str] = Counter()
    widowed: set[str] = set()
    groups: dict[str, list[Scheme]] = defaultdict(list)
    for s in schemes:
        if s.exclusive_group:
            groups[s.exclusive_group].append(s)
    for person, scheme, first in periodic:
        if (person.id, first["period_key"]) in used:
            continue
        day = first["delivered_on"]
        widow = _as_widow(person)
        other_scheme = next((o for o in groups.get(scheme.exclusive_group or "", [])
                             if o.code != scheme.code and widow is not None
                             and _eligible(parsed[o.code], widow, day)), None)  # fmt: skip
        if count["exclusive"] < PLANTED["exclusive"] and other_scheme is not None:
            key = person.keys[0] if person.keys else None
            extra.append(("exclusive", row(person, other_scheme, day, key, by_phone=key is None)))
            if person.marital_status != "widowed":
                widowed.add(person.id)  # what the survey recorded of her
            kind = "exclusive"
        elif count["same_key"] < PLANTED["same_key"] and first["key_hash"] is not None:
            later = day + timedelta(days=3)  # delivered on days 5-25: still the same month
            extra.append(("same_key", row(person, scheme, later if later <= today else day,
                                          person.keys[0])))  # fmt: skip
            kind = "same_key"
        elif (
            count["two_keys"] < PLANTED["two_keys"]
            and first["key_hash"] is not None
            and (len(person.keys) > 1 or person.phone)
        ):
            other = person.keys[1] if len(person.keys) > 1 else None
            extra.append(("two_keys", row(person, scheme, day, other, by_phone=other is None)))
            kind = "two_keys"
        else:
            continue
        used.add((person.id, first["period_key"]))
        count[kind] += 1
    return extra, widowed


def _as_widow(person: Resident) -> Resident | None:
    """The person as a widow, unless she is recorded as married or never married."""
    if person.marital_status in (None, "widowed"):
        return replace(person, marital_status="widowed")
    return None
