"""Pregnancy rules: EDD and gestation, who may be registered, delivery checks, and the Td
doses judged against the pregnancy by the schedule engine."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sevasetu.adapters.schedules import load_schedule
from sevasetu.domain import aefi
from sevasetu.domain.errors import (
    AefiInvalid,
    BirthWeightOutOfRange,
    DoseNotForPerson,
    DoseRefused,
    ImpossibleDate,
    InvalidInput,
    NotEligibleForPregnancy,
    PregnancyAlreadyOpen,
    PregnancyClosed,
)
from sevasetu.domain.people import Person, Sex
from sevasetu.domain.pregnancies import (
    Newborn,
    Pregnancy,
    PregnancyStatus,
    PregnancyWindow,
    check_birth_weight,
    check_can_register,
    check_delivery,
    check_pregnancy_dose,
    expected_delivery,
    gestation_weeks,
)
from sevasetu.domain.schedule import Status, booster_applies, check_dose, due_doses

UIP = load_schedule("india-uip")
TODAY = date(2026, 11, 20)
WOMAN_BORN = date(1998, 5, 1)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


def woman(sex: Sex = Sex.FEMALE, born: date = WOMAN_BORN) -> Person:
    return Person("p1", "IN-WB", "IN-WB-NAD-KN1-DOG", "Rina", "Rina", "rina", sex, born)


def open_pregnancy(lmp: date = date(2026, 3, 1)) -> Pregnancy:
    return Pregnancy("g1", "IN-WB", "p1", "IN-WB-NAD-KN1-DOG", lmp, expected_delivery(lmp),
                     None, None, None, PregnancyStatus.OPEN, "user:x",
                     datetime(2026, 3, 20, tzinfo=UTC))  # fmt: skip


def judged(given: dict[str, date], today: date, window: PregnancyWindow | None) -> dict:
    statuses = due_doses(UIP, birth=WOMAN_BORN, today=today, given=given, pregnancy=window)
    return {s.code: s for s in statuses}


@given(days)
def test_edd_is_280_days_after_the_lmp_and_40_completed_weeks(lmp: date) -> None:
    edd = expected_delivery(lmp)
    assert (edd - lmp).days == 280
    assert gestation_weeks(lmp, edd) == 40


@given(days, st.integers(min_value=0, max_value=320))
def test_gestation_counts_completed_weeks(lmp: date, elapsed: int) -> None:
    weeks = gestation_weeks(lmp, lmp + timedelta(days=elapsed))
    assert weeks * 7 <= elapsed < (weeks + 1) * 7


@given(st.integers(min_value=0, max_value=44 * 7))
def test_any_lmp_within_44_weeks_is_accepted(back: int) -> None:
    check_can_register(woman(), lmp=TODAY - timedelta(days=back), today=TODAY, open_pregnancy=None)


@given(st.integers(min_value=44 * 7 + 1, max_value=5000))
def test_an_lmp_more_than_44_weeks_ago_is_refused(back: int) -> None:
    with pytest.raises(ImpossibleDate):
        check_can_register(woman(), lmp=TODAY - timedelta(days=back), today=TODAY,
                           open_pregnancy=None)  # fmt: skip


@pytest.mark.parametrize(
    ("person", "lmp", "pregnancy", "error"),
    [
        (woman(Sex.MALE), date(2026, 3, 1), None, NotEligibleForPregnancy),
        (woman(born=date(2017, 1, 1)), date(2026, 3, 1), None, NotEligibleForPregnancy),
        (woman(born=date(1965, 1, 1)), date(2026, 3, 1), None, NotEligibleForPregnancy),
        (woman(), date(2026, 11, 21), None, ImpossibleDate),
        (woman(), date(2026, 3, 1), open_pregnancy(), PregnancyAlreadyOpen),
    ],
)
def test_who_cannot_be_registered(person, lmp, pregnancy, error) -> None:
    with pytest.raises(error):
        check_can_register(person, lmp=lmp, today=TODAY, open_pregnancy=pregnancy)


@given(st.integers(min_value=-1000, max_value=10_000))
def test_birth_weight_range(grams: int) -> None:
    if 300 <= grams <= 6000:
        check_birth_weight(grams)
    else:
        with pytest.raises(BirthWeightOutOfRange):
            check_birth_weight(grams)


def test_delivery_checks() -> None:
    preg = open_pregnancy()
    ok = dict(today=TODAY, live_births=1, stillbirths=0, babies=[Newborn("female", 2900)])
    check_delivery(preg, delivered_on=date(2026, 11, 18), **ok)
    with pytest.raises(ImpossibleDate):
        check_delivery(preg, delivered_on=date(2026, 2, 1), **ok)
    with pytest.raises(ImpossibleDate):
        check_delivery(preg, delivered_on=date(2026, 11, 21), **ok)
    with pytest.raises(InvalidInput):
        check_delivery(preg, delivered_on=date(2026, 11, 18), today=TODAY, live_births=0,
                       stillbirths=0, babies=[])  # fmt: skip
    preg.status = PregnancyStatus.DELIVERED
    with pytest.raises(PregnancyClosed):
        check_delivery(preg, delivered_on=date(2026, 11, 18), **ok)


def test_pregnancy_doses_are_not_applicable_without_a_pregnancy() -> None:
    statuses = judged({}, TODAY, None)
    assert {statuses[c].status for c in ("TD1", "TD2", "TDB")} == {Status.NOT_APPLICABLE}


@given(st.integers(min_value=0, max_value=300), st.integers(min_value=0, max_value=120))
def test_td2_is_due_four_weeks_after_td1(td1_day: int, gap: int) -> None:
    lmp = date(2026, 1, 1)
    window = PregnancyWindow(lmp)
    td1 = lmp + timedelta(days=td1_day)
    today = td1 + timedelta(days=gap)
    if today > window.last_day:
        return
    status = judged({"TD1": td1}, today, window)["TD2"]
    assert status.due_date == td1 + timedelta(weeks=4)
    assert status.status is (Status.UPCOMING if gap < 28 else Status.DUE if gap <= 56
                             else Status.OVERDUE)  # fmt: skip
    if gap < 28:
        with pytest.raises(DoseRefused):
            check_dose(UIP, "TD2", birth=WOMAN_BORN, on=today, given={"TD1": td1},
                       pregnancy=window)  # fmt: skip
    else:
        check_dose(UIP, "TD2", birth=WOMAN_BORN, on=today, given={"TD1": td1}, pregnancy=window)


@given(st.integers(min_value=0, max_value=307))
def test_td1_is_due_from_the_lmp_until_the_delivery(elapsed: int) -> None:
    lmp = date(2026, 1, 1)
    today = lmp + timedelta(days=elapsed)
    open_status = judged({}, today, PregnancyWindow(lmp))["TD1"]
    assert open_status.due_date == lmp
    assert open_status.status in (Status.DUE, Status.OVERDUE)
    delivered = judged({}, today, PregnancyWindow(lmp, delivered_on=lmp + timedelta(days=1)))
    if elapsed >= 1:
        assert delivered["TD1"].status is Status.EXPIRED


@given(st.integers(min_value=30, max_value=2500))
def test_the_booster_replaces_td1_and_td2_within_three_years(days_before: int) -> None:
    lmp = date(2026, 6, 1)
    td2 = lmp - timedelta(days=days_before)
    history = {"TD1": td2 - timedelta(weeks=5), "TD2": td2}
    day = 28 if (td2.month, td2.day) == (2, 29) else td2.day
    within = td2.replace(year=td2.year + 3, day=day) > lmp  # three calendar years
    assert booster_applies(UIP, history, lmp) is within
    statuses = judged(history, lmp + timedelta(days=60), PregnancyWindow(lmp))
    assert statuses["TDB"].status is (Status.OVERDUE if within else Status.NOT_APPLICABLE)


def test_children_are_judged_the_same_with_or_without_a_pregnancy_window() -> None:
    birth = date(2026, 3, 31)
    history = {"BCG": birth, "OPV0": birth, "HEPB0": birth}
    plain = due_doses(UIP, birth=birth, today=TODAY, given=history)
    other = due_doses(UIP, birth=birth, today=TODAY, given=history,
                      pregnancy=PregnancyWindow(date(2026, 9, 1)))  # fmt: skip
    child = [s for s in plain if UIP.by_code[s.code].group == "child"]
    assert child == [s for s in other if UIP.by_code[s.code].group == "child"]


def test_a_pregnancy_dose_is_only_for_a_woman_with_a_registered_pregnancy() -> None:
    window = PregnancyWindow(date(2026, 3, 1))
    check_pregnancy_dose("TD1", sex="female", birth=WOMAN_BORN, window=window, on=TODAY)
    for sex, birth, win in (("male", WOMAN_BORN, window), ("female", date(2020, 1, 1), window),
                            ("female", WOMAN_BORN, None)):  # fmt: skip
        with pytest.raises(DoseNotForPerson):
            check_pregnancy_dose("TD1", sex=sex, birth=birth, window=win, on=TODAY)


def test_aefi_rules() -> None:
    assert aefi.symptoms_of(["seizure", "fever", "fever"], "") == [
        aefi.Symptom.FEVER, aefi.Symptom.SEIZURE]  # fmt: skip
    severity, why = aefi.severity_of("serious", ["cluster", "death"])
    assert severity is aefi.Severity.SERIOUS and why[0] is aefi.SeriousReason.DEATH
    assert aefi.outcome_of("died", why) is aefi.Outcome.DIED
    for call in (lambda: aefi.severity_of("serious", []), lambda: aefi.outcome_of("died", []),
                 lambda: aefi.symptoms_of(["other"], " ")):  # fmt: skip
        with pytest.raises(AefiInvalid):
            call()
