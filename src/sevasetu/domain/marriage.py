"""The child-marriage check (S3, Tala): may these two people marry on this day?

A registrar names the bride and the groom (by an identifier or the person's id) and the day of
the marriage. Each party's age on that day is read from the registry's birth date, and the check
says ``allowed``, ``refused`` (someone under the minimum age, with the day they reach it) or
``unknown`` (no trustworthy birth date: only a declared age was recorded, or the number's own
birth year contradicts the registry, or the recorded sex is not the party's). It never allows on
an estimate. The minimum ages are data per country (``data/marriage_ages.toml``): 18 for the
bride and 21 for the groom in India (Prohibition of Child Marriage Act, 2006) and Bangladesh
(Child Marriage Restraint Act, 2017) unless the file says otherwise.

Someone born on 29 February reaches an age on 1 March in a year without one: never earlier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from .errors import InvalidInput, Reason
from .identifiers import IdentifierKind, error_label

BRIDE_MINIMUM = 18
GROOM_MINIMUM = 21


class Party(StrEnum):
    BRIDE = "bride"
    GROOM = "groom"


class Outcome(StrEnum):
    ALLOWED = "allowed"
    REFUSED = "refused"
    UNKNOWN = "unknown"


class BirthSource(StrEnum):
    """Where the registry's birth date came from, strongest first."""

    BIRTH_RECORD = "birth_record"  # born in a delivery recorded in the registry
    REGISTRY = "registry"  # a date of birth given when the person was registered
    DECLARED_AGE = "declared_age"  # only an age was given: the date is an estimate


@dataclass(frozen=True, slots=True)
class MinimumAges:
    country: str
    bride: int = BRIDE_MINIMUM
    groom: int = GROOM_MINIMUM
    law: str = ""

    def of(self, party: Party) -> int:
        return self.bride if party is Party.BRIDE else self.groom


def minimum_ages(table: Mapping[str, Any], country: str) -> MinimumAges:
    """The country's minimum ages from the data file's table (``[IN] bride = 18 ...``);
    18 and 21 for a country it does not list. A wrong entry is refused, naming it."""
    entry = table.get(country)
    if entry is None:
        return MinimumAges(country)
    ages = {}
    for party in Party:
        value = entry.get(party.value, MinimumAges(country).of(party))
        if not isinstance(value, int) or isinstance(value, bool) or not 10 <= value <= 30:
            raise InvalidInput(
                f"{country}.{party.value}",
                reason=Reason(
                    "The minimum age {value} for {country} is not a whole number from 10 to 30.",
                    value=repr(value),
                    country=country,
                ),
            )
        ages[party.value] = value
    return MinimumAges(country, ages["bride"], ages["groom"], str(entry.get("law", "")))


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the registry holds of one party, and how the registrar named them."""

    person_id: str
    name: str
    sex: str
    birth_date: date
    source: BirthSource
    named_by: str  # an identifier kind, or "person_id"
    number_shown: str  # the identifier as it may be shown (masked for Aadhaar and NID)
    number_birth_year: int | None = None  # the year a BRN or 17-digit NID carries
    registered_by: str = ""
    registered_on: date | None = None
    birth_date_corrected: bool = False  # changed since the first registration


@dataclass(frozen=True, slots=True)
class PartyResult:
    party: Party
    evidence: Evidence
    age: int  # on the day (an estimate when the source is a declared age)
    minimum: int
    reaches_minimum_on: date
    outcome: Outcome
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class MarriageCheck:
    on: date
    ages: MinimumAges
    bride: PartyResult
    groom: PartyResult
    outcome: Outcome

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return self.bride.reasons + self.groom.reasons


def birthday(birth: date, years: int) -> date:
    """The day someone born on ``birth`` is ``years`` old: 1 March for 29 February in a
    year without one."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return date(birth.year + years, 2, 28) + timedelta(days=1)


def age_on(birth: date, day: date) -> int:
    """Whole years on ``day``, counted so that the age changes on ``birthday``."""
    years = day.year - birth.year
    return years if day >= birthday(birth, years) else years - 1


def year_in_number(kind: IdentifierKind | str, number: str) -> int | None:
    """The birth year a Bangladeshi number starts with: a 17-digit birth registration number,
    or a 17-digit NID (the old 13 digits after the holder's birth year)."""
    bangladeshi = kind in (IdentifierKind.BD_BRN, IdentifierKind.BD_NID)
    if bangladeshi and len(number) == 17 and number[:2] in ("19", "20") and number.isdigit():
        return int(number[:4])
    return None


# One sentence per party, so that each language can say "she" and "he" (the extractor reads
# the literal templates of ``Reason``).
_UNDER = {
    Party.BRIDE: lambda **k: Reason(
        "The bride is {age} on {day}: a bride must be at least {minimum}. "
        "She turns {minimum} on {turns}.",
        **k,
    ),
    Party.GROOM: lambda **k: Reason(
        "The groom is {age} on {day}: a groom must be at least {minimum}. "
        "He turns {minimum} on {turns}.",
        **k,
    ),
}
_ESTIMATED = {
    Party.BRIDE: lambda **k: Reason(
        "Only an age was recorded for the bride (the birth date {birth} is an estimate): ask "
        "for her birth registration or another proof of the date of birth.",
        **k,
    ),
    Party.GROOM: lambda **k: Reason(
        "Only an age was recorded for the groom (the birth date {birth} is an estimate): ask "
        "for his birth registration or another proof of the date of birth.",
        **k,
    ),
}
_YEAR_DIFFERS = {
    Party.BRIDE: lambda **k: Reason(
        "The bride's {kind} number carries the birth year {year}, but the registry has the "
        "birth date {birth}: correct the record before the marriage is registered.",
        **k,
    ),
    Party.GROOM: lambda **k: Reason(
        "The groom's {kind} number carries the birth year {year}, but the registry has the "
        "birth date {birth}: correct the record before the marriage is registered.",
        **k,
    ),
}
_SEX = {
    Party.BRIDE: lambda: Reason(
        "The registry does not record the person named as the bride as female."
    ),
    Party.GROOM: lambda: Reason(
        "The registry does not record the person named as the groom as male."
    ),
}
_EXPECTED_SEX = {Party.BRIDE: "female", Party.GROOM: "male"}


def judge_party(party: Party, evidence: Evidence, on: date, ages: MinimumAges) -> PartyResult:
    minimum = ages.of(party)
    age = age_on(evidence.birth_date, on)
    turns = birthday(evidence.birth_date, minimum)
    estimated = evidence.source is BirthSource.DECLARED_AGE
    reasons: list[Reason] = []
    doubts: list[Reason] = []
    if age < minimum and not estimated:
        reasons.append(
            _UNDER[party](age=age, day=on.isoformat(), minimum=minimum, turns=turns.isoformat())
        )
    if estimated:
        doubts.append(_ESTIMATED[party](birth=evidence.birth_date.isoformat()))
    year = evidence.number_birth_year
    if year is not None and year != evidence.birth_date.year:
        doubts.append(
            _YEAR_DIFFERS[party](
                kind=error_label(IdentifierKind(evidence.named_by)),
                year=year,
                birth=evidence.birth_date.isoformat(),
            )
        )
    if evidence.sex != _EXPECTED_SEX[party]:
        doubts.append(_SEX[party]())
    if reasons:
        outcome = Outcome.REFUSED
    elif doubts:
        outcome = Outcome.UNKNOWN
    else:
        outcome = Outcome.ALLOWED
    return PartyResult(party, evidence, age, minimum, turns, outcome, tuple(reasons + doubts))


def judge_marriage(bride: Evidence, groom: Evidence, on: date, ages: MinimumAges) -> MarriageCheck:
    """Refused when either party is under age on a recorded birth date; unknown when either
    party's birth date cannot be trusted; allowed only when both are of age on the evidence."""
    if bride.person_id == groom.person_id:
        raise InvalidInput(
            "groom", reason=Reason("The bride and the groom are the same person in the registry.")
        )
    b = judge_party(Party.BRIDE, bride, on, ages)
    g = judge_party(Party.GROOM, groom, on, ages)
    outcomes = {b.outcome, g.outcome}
    if Outcome.REFUSED in outcomes:
        outcome = Outcome.REFUSED
    elif Outcome.UNKNOWN in outcomes:
        outcome = Outcome.UNKNOWN
    else:
        outcome = Outcome.ALLOWED
    return MarriageCheck(on, ages, b, g, outcome)


# --- the outreach list ---------------------------------------------------------------------

# Girls and boys who will reach the minimum age within three years: the ages at which families
# arrange marriages that the law forbids, and so the ones to visit.
OUTREACH_YEARS = 3


def outreach_birth_window(on: date, minimum: int) -> tuple[date, date]:
    """Birth dates (first, last, inclusive) of those aged ``minimum - 3`` to ``minimum - 1``
    on ``on``: born after the day that makes someone ``minimum`` and on or before the day that
    makes someone ``minimum - 3``."""
    youngest = minimum - OUTREACH_YEARS
    # age_on(b, on) >= youngest  <=>  birthday(b, youngest) <= on
    last = _latest_birth(on, youngest)
    first = _latest_birth(on, minimum) + timedelta(days=1)
    return first, last


def _latest_birth(on: date, years: int) -> date:
    """The latest birth date of someone at least ``years`` old on ``on``."""
    try:
        candidate = on.replace(year=on.year - years)
    except ValueError:  # on is 29 February: born 29 February turns on it, 1 March does not
        candidate = date(on.year - years, 2, 28)
    # Born 29 February is older than its year suggests only on 1 March of a common year:
    # step forward while a later birth date still gives the age.
    while age_on(candidate + timedelta(days=1), on) >= years:
        candidate += timedelta(days=1)
    while age_on(candidate, on) < years:
        candidate -= timedelta(days=1)
    return candidate
