"""The schedule engine: the traps other registries fell into, and its rules as properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sevasetu.adapters.schedules import available, load_schedule
from sevasetu.domain.errors import InvalidInput
from sevasetu.domain.schedule import Age, Status, due_doses

UIP = load_schedule("india-uip")


def statuses(birth, today, given=None, flags=frozenset()):
    return {s.code: s for s in due_doses(UIP, birth=birth, today=today, given=given or {},
                                         flags=flags)}  # fmt: skip


@pytest.mark.parametrize(
    ("start", "age", "expected"),
    [
        (date(2026, 3, 31), "9m", date(2026, 12, 31)),
        (date(2026, 5, 31), "9m", date(2027, 2, 28)),
        (date(2027, 5, 31), "9m", date(2028, 2, 29)),
        (date(2024, 2, 29), "1y", date(2025, 2, 28)),
        (date(2026, 1, 1), "6w", date(2026, 2, 12)),
        (date(2026, 1, 31), "15d", date(2026, 2, 15)),
    ],
)
def test_ages_are_calendar_correct(start, age, expected):
    assert Age.parse(age).after(start) == expected


def test_mr1_for_a_child_born_on_31_march_is_due_on_31_december():
    child = statuses(date(2026, 3, 31), date(2026, 12, 31))
    assert child["MR1"].due_date == date(2026, 12, 31)
    assert child["MR1"].status is Status.DUE


def test_opv0_expires_after_15_days_instead_of_going_overdue():
    assert statuses(date(2026, 1, 1), date(2026, 1, 15))["OPV0"].status is Status.DUE
    assert statuses(date(2026, 1, 1), date(2026, 1, 16))["OPV0"].status is Status.EXPIRED


def test_two_doses_of_a_series_are_never_due_at_once():
    child = statuses(date(2026, 1, 1), date(2026, 6, 1))  # 21 weeks, nothing given
    assert child["OPV1"].status is Status.OVERDUE
    assert child["OPV2"].status is child["OPV3"].status is Status.UPCOMING


def test_next_dose_counts_its_interval_from_the_dose_given():
    child = statuses(date(2026, 1, 1), date(2026, 5, 1), {"PENTA1": date(2026, 4, 1)})
    assert child["PENTA2"].due_date == date(2026, 4, 29)
    assert child["PENTA2"].status is Status.DUE


def test_a_dose_past_due_long_ago_is_still_due_once_the_previous_one_is_given():
    child = statuses(date(2024, 1, 1), date(2026, 11, 22), {"OPV1": date(2026, 11, 1)})
    assert child["OPV2"].status is Status.UPCOMING
    assert child["OPV2"].due_date == date(2026, 11, 29)


def test_catch_up_after_one_year_starts_mr_dpt_opv_not_penta_pcv_rvv():
    child = statuses(date(2025, 9, 1), date(2026, 11, 1), flags=frozenset({"pcv_offered"}))
    assert child["PENTA1"].status is Status.EXPIRED
    assert child["PENTA2"].status is child["PENTA3"].status is Status.NOT_APPLICABLE
    assert child["RVV2"].status is Status.NOT_APPLICABLE
    assert child["PCV2"].status is Status.NOT_APPLICABLE
    assert child["DPT1"].status in (Status.DUE, Status.OVERDUE)
    assert child["MR1"].status in (Status.DUE, Status.OVERDUE)
    assert child["OPV1"].status in (Status.DUE, Status.OVERDUE)


def test_penta_started_late_is_not_continued():
    child = statuses(date(2025, 1, 1), date(2026, 3, 1), {"PENTA1": date(2026, 2, 1)})
    assert child["PENTA2"].status is Status.NOT_APPLICABLE


def test_area_flags_switch_je_and_pcv_on():
    plain = statuses(date(2026, 1, 1), date(2026, 11, 1))
    endemic = statuses(date(2026, 1, 1), date(2026, 10, 15), flags=frozenset({"je_endemic"}))
    assert plain["JE1"].status is Status.NOT_APPLICABLE
    assert endemic["JE1"].status is Status.DUE


def test_a_recorded_dose_must_be_known_and_between_birth_and_today():
    with pytest.raises(InvalidInput):
        statuses(date(2026, 1, 1), date(2026, 5, 1), {"NOPE": date(2026, 2, 1)})
    with pytest.raises(InvalidInput):
        statuses(date(2026, 1, 1), date(2026, 5, 1), {"BCG": date(2025, 12, 31)})


def test_every_schedule_file_loads_and_a_second_country_is_only_a_file():
    assert {"india-uip", "bangladesh-epi"} <= set(available())
    bd = load_schedule("bangladesh-epi")
    on_time = {"PCV1": date(2026, 2, 12), "PCV2": date(2026, 3, 12)}
    found = {s.code: s for s in due_doses(bd, birth=date(2026, 1, 1), today=date(2026, 5, 10),
                                         given=on_time)}  # fmt: skip
    assert found["PCV3"].due_date == date(2026, 5, 7)
    assert found["MR2"].due_date == date(2027, 4, 1)


CHILD_CODES = [d.code for d in UIP.doses if d.group == "child"]
RANK = {Status.UPCOMING: 0, Status.DUE: 1, Status.OVERDUE: 2, Status.EXPIRED: 3,
        Status.NOT_APPLICABLE: 3, Status.GIVEN: 4}  # fmt: skip


@st.composite
def child_histories(draw):
    birth = draw(st.dates(min_value=date(2008, 1, 1), max_value=date(2026, 6, 1)))
    today = birth + timedelta(days=draw(st.integers(min_value=0, max_value=6500)))
    history, stats = {}, statuses(birth, today)
    for code in draw(st.lists(st.sampled_from(CHILD_CODES), unique=True, max_size=12)):
        status = stats[code]
        if status.status in (Status.DUE, Status.OVERDUE) and status.due_date <= today:
            history[code] = draw(st.dates(min_value=status.due_date, max_value=today))
            stats = statuses(birth, today, history)
    return birth, today, history


@settings(max_examples=300, deadline=None)
@given(child_histories())
def test_no_dose_is_due_before_its_age_or_interval_and_given_stays_given(case):
    birth, today, history = case
    judged = statuses(birth, today, history)
    for dose in UIP.doses:
        s = judged[dose.code]
        if dose.code in history:
            assert s.status is Status.GIVEN and s.given_date == history[dose.code]
        if s.status in (Status.DUE, Status.OVERDUE):
            assert s.due_date >= dose.earliest_age.after(birth)
            before = [
                p for p in UIP.doses if p.series == dose.series and p.number == dose.number - 1
            ]
            for p in before:
                assert p.code in history, f"{dose.code} due before {p.code} was given"
                if dose.min_interval:
                    assert s.due_date >= dose.min_interval.after(history[p.code])
    open_by_series = {}
    for dose in UIP.doses:
        if judged[dose.code].status in (Status.DUE, Status.OVERDUE):
            assert dose.series not in open_by_series, f"two {dose.series} doses due at once"
            open_by_series[dose.series] = dose.code


@settings(max_examples=200, deadline=None)
@given(child_histories(), st.integers(min_value=1, max_value=3000))
def test_statuses_only_move_forward_in_time(case, days_later):
    birth, today, history = case
    now, later = (
        statuses(birth, today, history),
        statuses(birth, today + timedelta(days=days_later), history),
    )
    for dose in UIP.doses:
        if dose.catch_up_for or dose.group != "child":
            continue  # a catch-up dose opens when its primary series can no longer start
        assert RANK[later[dose.code].status] >= RANK[now[dose.code].status], dose.code


@pytest.mark.parametrize("name", ["nowhere", "../../../pyproject", "india-uip/../india-uip", ""])
def test_only_a_bundled_schedule_is_read_by_its_name(name: str) -> None:
    with pytest.raises(InvalidInput, match="There is no schedule"):
        load_schedule(name)
