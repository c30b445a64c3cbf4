"""Pregnancies, antenatal visits and the outcome of a delivery: the rules, no I/O.

The expected date of delivery follows Naegele's rule (LMP + 280 days); gestation is counted in
completed weeks from the LMP. Pregnancy Td doses are judged against the pregnancy's window
(``PregnancyWindow``) by the schedule engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from .errors import (
    BirthWeightOutOfRange,
    DoseNotForPerson,
    ImpossibleDate,
    InvalidInput,
    NotEligibleForPregnancy,
    PregnancyAlreadyOpen,
    PregnancyClosed,
)
from .people import Person, Sex, age_in_years

GESTATION_DAYS = 280  # Naegele: 40 weeks from the first day of the last menstrual period
MAX_WEEKS_SINCE_LMP = 44
MIN_AGE_YEARS, MAX_AGE_YEARS = 10, 60
MIN_BIRTH_WEIGHT_G, MAX_BIRTH_WEIGHT_G = 300, 6000
MAX_BABIES = 8
HOME = "home"


class PregnancyStatus(StrEnum):
    OPEN = "open"
    DELIVERED = "delivered"


@dataclass(frozen=True, slots=True)
class PregnancyWindow:
    """What the schedule engine needs to judge pregnancy doses: from the LMP to the day before
    the delivery (or, while the pregnancy is open, to 44 weeks after the LMP)."""

    lmp: date
    delivered_on: date | None = None

    @property
    def last_day(self) -> date:
        if self.delivered_on is not None:
            return self.delivered_on - timedelta(days=1)
        return self.lmp + timedelta(weeks=MAX_WEEKS_SINCE_LMP, days=-1)


@dataclass(slots=True)
class Pregnancy:
    id: str
    state_code: str
    person_id: str
    area_code: str  # the woman's village or ward (the ASHA's area)
    lmp: date
    edd: date
    gravida: int | None
    parity: int | None
    facility_code: str | None
    status: PregnancyStatus
    registered_by: str
    registered_at: datetime
    delivered_on: date | None = None
    delivery_place: str | None = None  # a facility code or "home"
    live_births: int | None = None
    stillbirths: int | None = None

    @property
    def window(self) -> PregnancyWindow:
        return PregnancyWindow(self.lmp, self.delivered_on)


@dataclass(frozen=True, slots=True)
class AncVisit:
    id: str
    state_code: str
    pregnancy_id: str
    visit_on: date
    gestation_weeks: int
    weight_kg: float | None
    bp_systolic: int | None
    bp_diastolic: int | None
    hb_g_dl: float | None
    notes: str
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class Newborn:
    """A live-born baby, as entered at the delivery point."""

    sex: str
    birth_weight_g: int
    name: str | None = None
    birth_doses: tuple[tuple[str, str], ...] = field(default=())  # (dose code, lot)


def expected_delivery(lmp: date) -> date:
    return lmp + timedelta(days=GESTATION_DAYS)


def gestation_weeks(lmp: date, day: date) -> int:
    """Completed weeks of gestation on ``day``."""
    return (day - lmp).days // 7


def check_can_register(
    woman: Person, *, lmp: date, today: date, open_pregnancy: Pregnancy | None
) -> None:
    if woman.sex is not Sex.FEMALE:
        raise NotEligibleForPregnancy("person_id", reason="only a woman can be registered")
    age = age_in_years(woman.birth_date, lmp)
    if not MIN_AGE_YEARS <= age <= MAX_AGE_YEARS:
        raise NotEligibleForPregnancy(
            "person_id",
            reason=f"her age must be between {MIN_AGE_YEARS} and {MAX_AGE_YEARS} years",
        )
    if lmp > today:
        raise ImpossibleDate("lmp", value=lmp.isoformat(), reason="it is in the future")
    if lmp < today - timedelta(weeks=MAX_WEEKS_SINCE_LMP):
        raise ImpossibleDate(
            "lmp", value=lmp.isoformat(),
            reason=f"it is more than {MAX_WEEKS_SINCE_LMP} weeks ago",
        )  # fmt: skip
    if lmp <= woman.birth_date:
        raise ImpossibleDate("lmp", value=lmp.isoformat(), reason="it is before her birth")
    if open_pregnancy is not None:
        raise PregnancyAlreadyOpen("person_id", since=open_pregnancy.lmp.isoformat())


def check_counts(gravida: int | None, parity: int | None) -> None:
    if gravida is not None and not 1 <= gravida <= 20:
        raise InvalidInput("gravida", reason="Gravida must be between 1 and 20.")
    if parity is not None and not 0 <= parity <= 20:
        raise InvalidInput("parity", reason="Parity must be between 0 and 20.")
    if gravida is not None and parity is not None and parity >= gravida:
        raise InvalidInput("parity", reason="Parity must be less than gravida.")


def check_open(pregnancy: Pregnancy) -> None:
    if pregnancy.status is not PregnancyStatus.OPEN:
        raise PregnancyClosed("id", day=str(pregnancy.delivered_on))


def check_visit(pregnancy: Pregnancy, visit_on: date, today: date) -> int:
    """The visit's completed weeks of gestation, if the day is possible."""
    check_open(pregnancy)
    if visit_on > today:
        raise ImpossibleDate("visit_on", value=visit_on.isoformat(), reason="it is in the future")
    if visit_on < pregnancy.lmp:
        raise ImpossibleDate(
            "visit_on", value=visit_on.isoformat(), reason="it is before the last period"
        )
    return gestation_weeks(pregnancy.lmp, visit_on)


def check_delivery(
    pregnancy: Pregnancy,
    *,
    delivered_on: date,
    today: date,
    live_births: int,
    stillbirths: int,
    babies: list[Newborn],
) -> None:
    check_open(pregnancy)
    if delivered_on > today:
        raise ImpossibleDate(
            "delivered_on", value=delivered_on.isoformat(), reason="it is in the future"
        )
    if delivered_on <= pregnancy.lmp:
        raise ImpossibleDate(
            "delivered_on", value=delivered_on.isoformat(), reason="it is before the last period"
        )
    if live_births < 0 or stillbirths < 0 or live_births + stillbirths == 0:
        raise InvalidInput("live_births", reason="A delivery has at least one birth.")
    if live_births + stillbirths > MAX_BABIES:
        raise InvalidInput("live_births", reason=f"At most {MAX_BABIES} babies are recorded.")
    if len(babies) != live_births:
        raise InvalidInput(
            "babies", reason="Give one entry in babies for each live birth, and only those."
        )
    for index, baby in enumerate(babies):
        check_birth_weight(baby.birth_weight_g, f"babies[{index}].birth_weight_g")


def check_birth_weight(grams: int, field_name: str = "birth_weight_g") -> None:
    if not MIN_BIRTH_WEIGHT_G <= grams <= MAX_BIRTH_WEIGHT_G:
        raise BirthWeightOutOfRange(field_name, grams=grams)


def baby_name(mother: Person) -> str:
    return f"Baby of {mother.name}"


def check_pregnancy_dose(
    code: str, *, sex: str | None, birth: date, window: PregnancyWindow | None, on: date
) -> None:
    """A pregnancy dose (Td) is for a woman with a registered pregnancy; no override makes a
    pregnancy dose right for a man or a child."""
    if sex != Sex.FEMALE.value or age_in_years(birth, on) < MIN_AGE_YEARS:
        raise DoseNotForPerson("code", code=code, reason="it is given only to pregnant women")
    if window is None:
        raise DoseNotForPerson("code", code=code, reason="she has no registered pregnancy")
