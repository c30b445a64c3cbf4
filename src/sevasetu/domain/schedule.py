"""The immunisation schedule engine: one set of rules, any schedule file.

A schedule is data (``sevasetu/schedules/*.toml``, read by ``adapters.schedules``); this module
judges, for one child and a day, every dose of it: given, due, overdue, upcoming, expired or
not applicable. Ages are calendar-correct: 9 months after 31 March is 31 December, and 9
months after 31 May is the last day of February.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from .errors import InvalidInput, Reason

_AGE = re.compile(r"^(\d+)([dwmy])$")


@dataclass(frozen=True, slots=True)
class Age:
    """An age or interval: days, weeks, calendar months or years ("6w", "9m", "16y")."""

    amount: int
    unit: str

    @classmethod
    def parse(cls, text: str) -> Age:
        match = _AGE.match(text.strip())
        if not match:
            raise InvalidInput(
                "age", reason=Reason("{text} is not an age such as 6w, 9m or 10y.", text=repr(text))
            )
        return cls(int(match.group(1)), match.group(2))

    def after(self, start: date) -> date:
        if self.unit == "d":
            return start + timedelta(days=self.amount)
        if self.unit == "w":
            return start + timedelta(weeks=self.amount)
        months = self.amount * (12 if self.unit == "y" else 1)
        year, month = divmod(start.month - 1 + months, 12)
        year, month = start.year + year, month + 1
        return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


class Status(StrEnum):
    GIVEN = "given"
    DUE = "due"
    OVERDUE = "overdue"
    UPCOMING = "upcoming"
    EXPIRED = "expired"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True)
class Dose:
    code: str
    antigen: str
    series: str
    number: int
    due: Age  # recommended age
    min_age: Age | None = None  # defaults to the recommended age
    min_interval: Age | None = None  # from the dose before it (its series, or ``follows``)
    latest: Age | None = None  # after this age it is expired, never to be given
    follows: tuple[str, ...] = ()  # another series' doses it counts its interval from
    requires_before: Mapping[str, Age] = field(default_factory=dict)  # PENTA1 before 1y
    applies_if: str | None = None  # a flag of the area: je_endemic, pcv_offered
    catch_up_for: str | None = None  # given only when this dose was not started in time
    group: str = "child"  # child | pregnancy

    @property
    def earliest_age(self) -> Age:
        return self.min_age or self.due


@dataclass(frozen=True, slots=True)
class Schedule:
    name: str
    title: str
    doses: tuple[Dose, ...]
    grace_days: int = 28  # due until this many days after the due date, overdue after
    # Indexes built once: the engine judges millions of children against one schedule.
    by_code: dict[str, Dose] = field(init=False, repr=False, compare=False)
    previous_of: dict[str, tuple[Dose, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_code = {d.code: d for d in self.doses}
        by_place = {(d.series, d.number): d for d in self.doses}
        previous = {
            d.code: tuple(
                (
                    [by_place[(d.series, d.number - 1)]]
                    if (d.series, d.number - 1) in by_place
                    else []
                )
                + [by_code[c] for c in d.follows if c in by_code]
            )
            for d in self.doses
        }
        object.__setattr__(self, "by_code", by_code)
        object.__setattr__(self, "previous_of", previous)

    def dose(self, code: str) -> Dose:
        try:
            return self.by_code[code]
        except KeyError:
            raise InvalidInput("code", reason=Reason(
                "{code} is not a dose of the {schedule} schedule.", code=code, schedule=self.name,
            )) from None  # fmt: skip


@dataclass(frozen=True, slots=True)
class DoseStatus:
    code: str
    status: Status
    due_date: date | None
    last_date: date | None
    given_date: date | None = None


def due_doses(
    schedule: Schedule,
    *,
    birth: date,
    today: date,
    given: Mapping[str, date],
    flags: frozenset[str] = frozenset(),
) -> list[DoseStatus]:
    """Every child dose of the schedule as of ``today``, in schedule order."""
    for code, day in given.items():
        schedule.dose(code)
        if day < birth or day > today:
            raise InvalidInput(
                "given",
                reason=Reason(
                    "{code} cannot be given on {day}: before birth or in the future.",
                    code=code,
                    day=day.isoformat(),
                ),
            )
    expected: dict[str, date] = {}  # when each dose was or will be given, for the next one
    judged: dict[str, Status] = {}
    result = []
    for dose in schedule.doses:
        status = _judge(schedule, dose, birth, today, given, flags, expected)
        lost = [
            judged[p.code] for p in _previous(schedule, dose)
            if p.series == dose.series and judged.get(p.code) in _NEVER
        ]  # fmt: skip
        if lost and status.status not in (Status.GIVEN, Status.NOT_APPLICABLE):
            # The dose before it can never be given, so neither can this one.
            status = DoseStatus(dose.code, lost[0], None, status.last_date)
        judged[dose.code] = status.status
        if status.status is Status.GIVEN:
            expected[dose.code] = status.given_date  # type: ignore[assignment]
        elif status.due_date is not None and status.status not in _NEVER:
            expected[dose.code] = max(status.due_date, today)
        result.append(status)
    return result


_NEVER = frozenset({Status.NOT_APPLICABLE, Status.EXPIRED})


def _previous(schedule: Schedule, dose: Dose) -> tuple[Dose, ...]:
    return schedule.previous_of[dose.code]


def _judge(
    schedule: Schedule,
    dose: Dose,
    birth: date,
    today: date,
    given: Mapping[str, date],
    flags: frozenset[str],
    expected: Mapping[str, date],
) -> DoseStatus:
    last = dose.latest.after(birth) - timedelta(days=1) if dose.latest else None
    if dose.group != "child" or (dose.applies_if and dose.applies_if not in flags):
        return DoseStatus(dose.code, Status.NOT_APPLICABLE, None, None)
    if dose.code in given:
        return DoseStatus(dose.code, Status.GIVEN, None, last, given[dose.code])
    for code, by_age in dose.requires_before.items():
        limit = by_age.after(birth)
        if (code in given and given[code] >= limit) or (code not in given and today >= limit):
            return DoseStatus(dose.code, Status.NOT_APPLICABLE, None, last)
    if dose.catch_up_for is not None:
        started = given.get(dose.catch_up_for)
        primary_latest = schedule.dose(dose.catch_up_for).latest
        if started is not None or primary_latest is None or today < primary_latest.after(birth):
            return DoseStatus(dose.code, Status.NOT_APPLICABLE, None, last)
    due = dose.due.after(birth)
    previous = _previous(schedule, dose)
    waiting_for_previous = False
    if previous:
        before = [expected[p.code] for p in previous if p.code in expected]
        if before:
            anchor = max(before)
            if dose.min_interval is not None:
                due = max(due, dose.min_interval.after(anchor))
            waiting_for_previous = not any(p.code in given for p in previous)
    if last is not None and today > last:
        return DoseStatus(dose.code, Status.EXPIRED, due, last)
    if waiting_for_previous or today < due:
        return DoseStatus(dose.code, Status.UPCOMING, due, last)
    if today <= due + timedelta(days=schedule.grace_days):
        return DoseStatus(dose.code, Status.DUE, due, last)
    return DoseStatus(dose.code, Status.OVERDUE, due, last)


def check_dose(
    schedule: Schedule,
    code: str,
    *,
    birth: date,
    on: date,
    given: Mapping[str, date],
    flags: frozenset[str] = frozenset(),
) -> None:
    """May ``code`` be given on ``on``, with these earlier doses? Raises DoseRefused with the
    reason: already given, too early (with the date it is due), expired, not applicable."""
    from .errors import DoseRefused

    schedule.dose(code)
    earlier = {c: d for c, d in given.items() if d <= on and c != code}
    if code in given:
        raise DoseRefused("code", code=code, day=on.isoformat(), reason=Reason(
            "it was already given on {day}", day=given[code].isoformat()))  # fmt: skip
    judged = {s.code: s for s in due_doses(schedule, birth=birth, today=on, given=earlier,
                                           flags=flags)}[code]  # fmt: skip
    if judged.status in (Status.DUE, Status.OVERDUE):
        return
    missing = [p.code for p in _previous(schedule, schedule.dose(code)) if p.code not in earlier]
    if judged.status is Status.UPCOMING and missing and not schedule.dose(code).follows:
        reason = Reason("{previous} has not been given yet", previous=missing[0])
    elif judged.status is Status.UPCOMING:
        reason = Reason("it is due from {due}", due=str(judged.due_date))
    elif judged.status is Status.EXPIRED:
        reason = Reason("the child is past the age for it ({last})", last=str(judged.last_date))
    else:
        reason = Reason("it does not apply to this child")
    raise DoseRefused("code", code=code, day=on.isoformat(), reason=reason)
