"""The child-marriage rule (domain.marriage): ages around the 18th and 21st birthdays, 29
February, estimates and contradicting evidence never allowed, and the outreach window."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sevasetu.domain.errors import InvalidInput
from sevasetu.domain.marriage import (
    BirthSource,
    Evidence,
    MinimumAges,
    Outcome,
    Party,
    age_on,
    birthday,
    judge_marriage,
    minimum_ages,
    outreach_birth_window,
    year_in_number,
)
from sevasetu.domain.people import age_in_years

BD = MinimumAges("BD", 18, 21)
births = st.dates(min_value=date(1950, 1, 1), max_value=date(2026, 12, 31))
leap_births = st.sampled_from([date(y, 2, 29) for y in range(1952, 2025, 4)])


def evidence(
    birth: date,
    sex: str = "female",
    *,
    person: str = "p1",
    source: BirthSource = BirthSource.REGISTRY,
    named_by: str = "bd_brn",
    year: int | None = None,
) -> Evidence:
    return Evidence(person, "name", sex, birth, source, named_by, "x", year)


def couple(bride_birth: date, groom_birth: date, on: date, **kw: object) -> Outcome:
    bride = evidence(bride_birth, "female", person="b")
    groom = evidence(groom_birth, "male", person="g")
    return judge_marriage(bride, groom, on, BD).outcome


@given(births | leap_births, st.integers(min_value=-400, max_value=400))
def test_the_bride_may_marry_from_her_18th_birthday_and_not_a_day_before(birth, shift):
    turns = birthday(birth, 18)
    on = turns + timedelta(days=shift)
    groom = date(on.year - 30, 1, 1)  # of age whatever the day
    result = judge_marriage(
        evidence(birth, person="b"), evidence(groom, "male", person="g"), on, BD
    )
    assert result.outcome is (Outcome.ALLOWED if on >= turns else Outcome.REFUSED)
    if on < turns:
        assert result.bride.reasons and str(turns) in result.bride.reasons[0]
        assert result.groom.outcome is Outcome.ALLOWED


@given(births | leap_births, st.integers(min_value=-400, max_value=400))
def test_the_groom_may_marry_from_his_21st_birthday_and_not_a_day_before(birth, shift):
    turns = birthday(birth, 21)
    on = turns + timedelta(days=shift)
    assert couple(date(on.year - 30, 1, 1), birth, on) is (
        Outcome.ALLOWED if on >= turns else Outcome.REFUSED
    )


@given(leap_births, st.integers(min_value=1, max_value=40))
def test_born_on_29_february_reaches_an_age_on_1_march_of_a_common_year(birth, years):
    turns = birthday(birth, years)
    target = birth.replace(year=birth.year + years, day=28)
    leap = (target.year % 4 == 0 and target.year % 100 != 0) or target.year % 400 == 0
    assert turns == (date(target.year, 2, 29) if leap else date(target.year, 3, 1))
    assert age_on(birth, turns) == years
    assert age_on(birth, turns - timedelta(days=1)) == years - 1


@given(births, births)
def test_age_agrees_with_the_registrys_age_except_29_february(birth, day):
    if (birth.month, birth.day) != (2, 29):
        assert age_on(birth, day) == age_in_years(birth, day)
    else:  # never older than the registry's count: 28 February is not yet the birthday
        assert age_on(birth, day) <= age_in_years(birth, day)


def test_18th_birthday_of_29_february_2008_is_1_march_2026():
    assert couple(date(2008, 2, 29), date(1990, 1, 1), date(2026, 2, 28)) is Outcome.REFUSED
    assert couple(date(2008, 2, 29), date(1990, 1, 1), date(2026, 3, 1)) is Outcome.ALLOWED
    assert couple(date(1990, 1, 1), date(2004, 2, 29), date(2025, 2, 28)) is Outcome.REFUSED
    assert couple(date(1990, 1, 1), date(2004, 2, 29), date(2025, 3, 1)) is Outcome.ALLOWED


@given(births, st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1)))
def test_an_estimated_birth_date_is_never_allowed(birth, on):
    bride = evidence(birth, person="b", source=BirthSource.DECLARED_AGE)
    groom = evidence(date(on.year - 30, 1, 1), "male", person="g")
    result = judge_marriage(bride, groom, on, BD)
    assert result.outcome is Outcome.UNKNOWN
    assert "estimate" in result.bride.reasons[-1]


def test_a_refusal_on_a_recorded_date_wins_over_an_unknown_party():
    bride = evidence(date(2012, 5, 5), person="b")
    groom = evidence(date(1990, 1, 1), "male", person="g", source=BirthSource.DECLARED_AGE)
    result = judge_marriage(bride, groom, date(2026, 11, 20), BD)
    assert result.outcome is Outcome.REFUSED
    assert (result.bride.outcome, result.groom.outcome) == (Outcome.REFUSED, Outcome.UNKNOWN)
    assert len(result.reasons) == 2


def test_a_number_whose_birth_year_contradicts_the_record_is_unknown():
    bride = evidence(date(2000, 5, 5), person="b", year=2009)
    result = judge_marriage(
        bride, evidence(date(1990, 1, 1), "male", person="g"), date(2026, 1, 1), BD
    )
    assert result.outcome is Outcome.UNKNOWN
    assert "2009" in result.bride.reasons[0] and "birth registration" in result.bride.reasons[0]


def test_a_bride_recorded_as_male_is_unknown_and_one_person_cannot_marry_themself():
    bride = evidence(date(2000, 5, 5), "male", person="b")
    groom = evidence(date(1990, 1, 1), "male", person="g")
    assert judge_marriage(bride, groom, date(2026, 1, 1), BD).outcome is Outcome.UNKNOWN
    with pytest.raises(InvalidInput):
        judge_marriage(bride, bride, date(2026, 1, 1), BD)


def test_year_in_number_reads_bangladeshi_17_digit_numbers_only():
    assert year_in_number("bd_brn", "20081234567890123") == 2008
    assert year_in_number("bd_nid", "19901234567890123") == 1990
    assert year_in_number("bd_nid", "1234567890") is None
    assert year_in_number("aadhaar", "201234567890") is None


def test_minimum_ages_come_from_data_with_18_and_21_by_default():
    table = {"IN": {"bride": 18, "groom": 21, "law": "PCMA 2006"}, "XX": {"bride": 16}}
    assert minimum_ages(table, "IN") == MinimumAges("IN", 18, 21, "PCMA 2006")
    assert minimum_ages(table, "XX").of(Party.BRIDE) == 16
    assert minimum_ages(table, "XX").of(Party.GROOM) == 21
    assert minimum_ages({}, "BD") == MinimumAges("BD", 18, 21)
    with pytest.raises(InvalidInput) as refused:
        minimum_ages({"IN": {"groom": "21"}}, "IN")
    assert refused.value.field == "IN.groom"


@given(births | leap_births, st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)))
def test_the_outreach_window_holds_exactly_those_three_years_under_the_minimum(birth, on):
    for minimum in (18, 21):
        first, last = outreach_birth_window(on, minimum)
        inside = first <= birth <= last
        assert inside == (minimum - 3 <= age_on(birth, on) <= minimum - 1)
