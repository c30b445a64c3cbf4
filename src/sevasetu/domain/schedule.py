"""The immunisation schedule engine: one set of rules, any schedule file.

A schedule is data (``sevasetu/schedules/*.toml``, read by ``adapters.schedules``); this module
judges, for one child and a day, every dose of it: given, due, overdue, upcoming, expired or
not applicable. Ages are calendar-correct: 9 months after 31 March is 31 December, and 9
months after 31 May is the last day of February.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from .ages import Age
from .campaigns import Campaign, campaign_due, check_campaign_dose
from .errors import InvalidInput, Reason
from .pregnancies import PregnancyWindow


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
    campaign: Campaign | None = None  # a campaign's phases, products and dated intervals
    # Indexes built once: the engine judges millions of children against one schedule.
    by_code: dict[str, Dose] = field(init=False, repr=False, compare=False)
    previous_of: dict[str, tuple[Dose, ...]] = field(init=False, repr=False, compare=False)
    series_previous: dict[str, str] = field(init=False, repr=False, compare=False)
    grace: timedelta = field(init=False, repr=False, compare=False)
    series_codes: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _by_birth: dict[date, tuple[BirthDates, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

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
        object.__setattr__(self, "series_previous", {
            d.code: by_place[(d.series, d.number - 1)].code
            for d in self.doses if (d.series, d.number - 1) in by_place
        })  # fmt: skip
        object.__setattr__(self, "grace", timedelta(days=self.grace_days))
        object.__setattr__(self, "series_codes", {
            series: tuple(d.code for d in sorted((d for d in self.doses if d.series == series),
                                                 key=lambda d: d.number))
            for series in {d.series for d in self.doses}
        })  # fmt: skip

    def dates_for(self, birth: date) -> tuple[BirthDates, ...]:
        """Each dose's dates for a child born on ``birth``, in schedule order. Children share
        birth dates (a district's million children have fewer than 6,000), so they are kept."""
        found = self._by_birth.get(birth)
        if found is None:
            if len(self._by_birth) >= _BIRTH_DATES_KEPT:
                self._by_birth.clear()
            found = tuple(_birth_dates(self, d, birth) for d in self.doses)
            self._by_birth[birth] = found
        return found

    def series_of(self, dose: Dose) -> tuple[str, ...]:
        """The codes of the dose's series, in order (COVID1, COVID2, COVIDP)."""
        return self.series_codes[dose.series]

    def dose(self, code: str) -> Dose:
        try:
            return self.by_code[code]
        except KeyError:
            raise InvalidInput("code", reason=Reason(
                "{code} is not a dose of the {schedule} schedule.", code=code, schedule=self.name,
            )) from None  # fmt: skip


_BIRTH_DATES_KEPT = 20_000


@dataclass(frozen=True, slots=True)
class BirthDates:
    """One dose's dates for one birth date: recommended, last day, and rule limits."""

    due: date
    last: date | None
    requires_before: tuple[tuple[str, date], ...]  # (dose code, given before this day)
    catch_up_from: date | None  # the catch-up dose applies from the day its primary expires
    catch_up_never: bool  # the primary never expires: the catch-up never applies


def _birth_dates(schedule: Schedule, dose: Dose, birth: date) -> BirthDates:
    primary = schedule.by_code[dose.catch_up_for].latest if dose.catch_up_for else None
    return BirthDates(
        due=dose.due.after(birth),
        last=dose.latest.after(birth) - timedelta(days=1) if dose.latest else None,
        requires_before=tuple((c, a.after(birth)) for c, a in dose.requires_before.items()),
        catch_up_from=primary.after(birth) if primary else None,
        catch_up_never=dose.catch_up_for is not None and primary is None,
    )


class DoseStatus(NamedTuple):
    """One dose's standing for a child on a day (a tuple: millions are made per run)."""

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
    pregnancy: PregnancyWindow | None = None,
    products: Mapping[str, str] | None = None,
    conditions: frozenset[str] = frozenset(),
) -> list[DoseStatus]:
    """Every child dose of the schedule as of ``today``, in schedule order; with a pregnancy
    (open or the latest delivered), its pregnancy doses too. A campaign schedule's doses are
    judged by its phases (``conditions``: health_worker, comorbidity ...) and by the product
    of each dose given (``products``: dose code -> product)."""
    for code, day in given.items():
        if code not in schedule.by_code:
            schedule.dose(code)  # raises, naming the schedule
        if day < birth or day > today:
            raise InvalidInput(
                "given",
                reason=Reason(
                    "{code} cannot be given on {day}: before birth or in the future.",
                    code=code,
                    day=day.isoformat(),
                ),
            )
    if schedule.campaign is not None:
        return _campaign_statuses(schedule, schedule.campaign, birth, today, given,
                                  products or {}, conditions)  # fmt: skip
    expected: dict[str, date] = {}  # when each dose was or will be given, for the next one
    judged: dict[str, Status] = {}
    result = []
    previous_of, series_previous = schedule.previous_of, schedule.series_previous
    for dose, dates in zip(schedule.doses, schedule.dates_for(birth), strict=True):
        status = _judge(schedule, dose, dates, previous_of[dose.code], today, given, flags,
                        expected)  # fmt: skip
        before = series_previous.get(dose.code)
        lost = judged.get(before) if before is not None else None
        if lost in _NEVER and status.status not in (Status.GIVEN, Status.NOT_APPLICABLE):
            # The dose before it can never be given, so neither can this one.
            status = DoseStatus(dose.code, lost, None, status.last_date)  # type: ignore[arg-type]
        judged[dose.code] = status.status
        if status.status is Status.GIVEN:
            expected[dose.code] = status.given_date  # type: ignore[assignment]
        elif status.due_date is not None and status.status not in _NEVER:
            expected[dose.code] = max(status.due_date, today)
        result.append(status)
    if pregnancy is not None:
        return _with_pregnancy(schedule, result, today, given, pregnancy)
    return result


_NEVER = frozenset({Status.NOT_APPLICABLE, Status.EXPIRED})


def _previous(schedule: Schedule, dose: Dose) -> tuple[Dose, ...]:
    return schedule.previous_of[dose.code]


def _judge(
    schedule: Schedule,
    dose: Dose,
    dates: BirthDates,
    previous: tuple[Dose, ...],
    today: date,
    given: Mapping[str, date],
    flags: frozenset[str],
    expected: Mapping[str, date],
) -> DoseStatus:
    last = dates.last
    if dose.group != "child" or (dose.applies_if and dose.applies_if not in flags):
        return DoseStatus(dose.code, Status.NOT_APPLICABLE, None, None)
    if dose.code in given:
        return DoseStatus(dose.code, Status.GIVEN, None, last, given[dose.code])
    for code, limit in dates.requires_before:
        if (code in given and given[code] >= limit) or (code not in given and today >= limit):
            return DoseStatus(dose.code, Status.NOT_APPLICABLE, None, last)
    if dose.catch_up_for is not None and (
        dose.catch_up_for in given or dates.catch_up_never or today < dates.catch_up_from  # type: ignore[operator]
    ):
        return DoseStatus(dose.code, Status.NOT_APPLICABLE, None, last)
    due = dates.due
    waiting_for_previous = False
    if previous:
        before = [expected[p.code] for p in previous if p.code in expected]
        if before:
            anchor = max(before)
            if dose.min_interval is not None:
                due = max(due, dose.min_interval.after(anchor))
            waiting_for_previous = not any(p.code in given for p in previous)
    return _by_date(schedule, dose.code, due, last, today, waiting=waiting_for_previous)


def _campaign_statuses(
    schedule: Schedule, campaign: Campaign, birth: date, today: date,
    given: Mapping[str, date], products: Mapping[str, str], conditions: frozenset[str],
) -> list[DoseStatus]:  # fmt: skip
    result = []
    for dose in schedule.doses:
        if dose.code in given:
            result.append(DoseStatus(dose.code, Status.GIVEN, None, None, given[dose.code]))
            continue
        due, late, waiting = campaign_due(
            campaign, dose.code, birth=birth, today=today, given=given, products=products,
            series=schedule.series_of(dose), conditions=conditions,
        )  # fmt: skip
        if due is None:
            status = Status.UPCOMING if waiting else Status.NOT_APPLICABLE
            result.append(DoseStatus(dose.code, status, None, None))
        elif late is not None and today > late:
            result.append(DoseStatus(dose.code, Status.OVERDUE, due, None))
        elif late is not None and today >= due:
            result.append(DoseStatus(dose.code, Status.DUE, due, None))
        else:
            result.append(_by_date(schedule, dose.code, due, None, today, waiting=False))
    return result


def _by_date(
    schedule: Schedule, code: str, due: date, last: date | None, today: date, *, waiting: bool
) -> DoseStatus:
    """A dose that applies and is not given: expired, upcoming, due or overdue on ``today``."""
    if last is not None and today > last:
        return DoseStatus(code, Status.EXPIRED, due, last)
    if waiting or today < due:
        return DoseStatus(code, Status.UPCOMING, due, last)
    if today <= due + schedule.grace:
        return DoseStatus(code, Status.DUE, due, last)
    return DoseStatus(code, Status.OVERDUE, due, last)


def check_dose(
    schedule: Schedule,
    code: str,
    *,
    birth: date,
    on: date,
    given: Mapping[str, date],
    flags: frozenset[str] = frozenset(),
    pregnancy: PregnancyWindow | None = None,
    product: str | None = None,
    products: Mapping[str, str] | None = None,
    conditions: frozenset[str] = frozenset(),
) -> None:
    """May ``code`` be given on ``on``, with these earlier doses? Raises DoseRefused with the
    reason: already given, too early (with the date it is due), expired, not applicable; for
    a campaign also another product than the first dose, or the person's phase not open."""
    from .errors import DoseRefused

    dose = schedule.dose(code)
    if schedule.campaign is not None:
        earlier = {c: d for c, d in given.items() if d <= on and c != code}
        check_campaign_dose(schedule.campaign, code, birth=birth, on=on, given=earlier,
                            products=products or {}, product=product,
                            series=schedule.series_of(dose), conditions=conditions)  # fmt: skip
        return
    earlier = {c: d for c, d in given.items() if d <= on and c != code}
    if code in given:
        raise DoseRefused("code", code=code, day=on.isoformat(), reason=Reason(
            "it was already given on {day}", day=given[code].isoformat()))  # fmt: skip
    judged = {s.code: s for s in due_doses(schedule, birth=birth, today=on, given=earlier,
                                           flags=flags, pregnancy=pregnancy)}[code]  # fmt: skip
    if judged.status in (Status.DUE, Status.OVERDUE):
        return
    if pregnancy is not None and schedule.dose(code).group == "pregnancy":
        raise DoseRefused("code", code=code, day=on.isoformat(),
                          reason=_pregnancy_refusal(schedule, code, judged, earlier))  # fmt: skip
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


# --- pregnancy doses (Td): judged against the pregnancy, not the date of birth ---------------

TD_BOOSTER_WITHIN = Age(3, "y")  # a booster replaces the primary doses this long after them


def _pregnancy_series(schedule: Schedule) -> tuple[list[Dose], list[Dose]]:
    """(primary doses, booster doses): a booster is a pregnancy series of a single dose."""
    doses = [d for d in schedule.doses if d.group == "pregnancy"]
    sizes: dict[str, int] = {}
    for d in doses:
        sizes[d.series] = sizes.get(d.series, 0) + 1
    return [d for d in doses if sizes[d.series] > 1], [d for d in doses if sizes[d.series] == 1]


def booster_applies(schedule: Schedule, given: Mapping[str, date], lmp: date) -> bool:
    """Two Td doses in a pregnancy within the last 3 years: a booster instead of TD1 and TD2."""
    primary, _ = _pregnancy_series(schedule)
    days = [given[d.code] for d in primary if d.code in given]
    if not primary or len(days) < len(primary) or max(days) >= lmp:
        return False
    return TD_BOOSTER_WITHIN.after(max(days)) > lmp


def _with_pregnancy(
    schedule: Schedule,
    result: list[DoseStatus],
    today: date,
    given: Mapping[str, date],
    pregnancy: PregnancyWindow,
) -> list[DoseStatus]:
    primary, boosters = _pregnancy_series(schedule)
    booster = booster_applies(schedule, given, pregnancy.lmp)
    applicable = {d.code for d in (boosters if booster else primary)}
    judged: dict[str, DoseStatus] = {}
    for status in result:
        dose = schedule.by_code[status.code]
        if dose.group != "pregnancy":
            continue
        judged[dose.code] = _judge_pregnancy(
            schedule, dose, today, given, pregnancy, dose.code in applicable, judged
        )
    return [judged.get(s.code, s) for s in result]


def _judge_pregnancy(
    schedule: Schedule,
    dose: Dose,
    today: date,
    given: Mapping[str, date],
    pregnancy: PregnancyWindow,
    applicable: bool,
    judged: Mapping[str, DoseStatus],
) -> DoseStatus:
    """As early as possible in the pregnancy (from the LMP), each later dose its interval after
    the one before; expired from the delivery."""
    last = pregnancy.last_day
    if dose.code in given:
        return DoseStatus(dose.code, Status.GIVEN, None, last, given[dose.code])
    if not applicable:
        return DoseStatus(dose.code, Status.NOT_APPLICABLE, None, None)
    due, waiting = pregnancy.lmp, False
    before = schedule.series_previous.get(dose.code)
    if before is not None:
        previous = judged.get(before)
        if previous is None or previous.status in _NEVER:
            return DoseStatus(dose.code, Status.EXPIRED if previous else Status.NOT_APPLICABLE,
                              None, last)  # fmt: skip
        anchor = previous.given_date or max(previous.due_date or today, today)
        waiting = previous.given_date is None
        if dose.min_interval is not None:
            due = max(due, dose.min_interval.after(anchor))
    return _by_date(schedule, dose.code, due, last, today, waiting=waiting)


def _pregnancy_refusal(
    schedule: Schedule, code: str, judged: DoseStatus, earlier: Mapping[str, date]
) -> Reason:
    missing = schedule.series_previous.get(code)
    if judged.status is Status.UPCOMING and missing is not None and missing not in earlier:
        return Reason("{previous} has not been given yet", previous=missing)
    if judged.status is Status.UPCOMING:
        return Reason("it is due from {due}", due=str(judged.due_date))
    if judged.status is Status.EXPIRED:
        return Reason("the pregnancy has ended ({last})", last=str(judged.last_date))
    primary = {d.code for d in _pregnancy_series(schedule)[0]}
    if judged.status is Status.NOT_APPLICABLE and code in primary:
        return Reason("two Td doses in a pregnancy within 3 years: give the booster instead")
    return Reason("it is given only when two Td doses were given in a pregnancy within 3 years")
