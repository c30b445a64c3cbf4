"""The household survey's rules: a member listed twice (property tests), the household's
location, the survey's course and the year's benefit changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sevasetu.domain.errors import DuplicateMember, InvalidInput, SurveyStateConflict
from sevasetu.domain.surveys import (
    RosterEntry,
    Survey,
    SurveyKind,
    SurveyStatus,
    benefit_changes,
    check_location,
    check_no_member_twice,
    reviewed,
    same_person,
    submitted,
)

TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)

names = st.text(alphabet="abcdefghij ", min_size=1, max_size=12).map(lambda s: " ".join(s.split()))
ids = st.one_of(
    st.just(()),
    st.tuples(st.tuples(st.sampled_from(["bd_nid", "bd_brn"]), st.text("0123456789", min_size=4))),
)
# Everyone listed has a birth date or a declared age (the registry needs one of them).
entries = st.builds(
    RosterEntry,
    name_key=names.filter(bool),
    sex=st.sampled_from(["female", "male", "other"]),
    birth_date=st.dates(date(1920, 1, 1), TODAY),
    identifiers=ids,
) | st.builds(
    RosterEntry,
    name_key=names.filter(bool),
    sex=st.sampled_from(["female", "male", "other"]),
    age_years=st.integers(0, 105),
    identifiers=ids,
)


def distinct(roster: list[RosterEntry]) -> list[RosterEntry]:
    """Made different people: a name key and identifier numbers of their own."""
    return [
        replace(e, name_key=f"{e.name_key} n{i}",
                identifiers=tuple((k, f"{v}-{i}") for k, v in e.identifiers))
        for i, e in enumerate(roster)
    ]  # fmt: skip


@given(st.lists(entries, max_size=12))
def test_different_people_pass(roster):
    check_no_member_twice(distinct(roster), TODAY)


@given(st.lists(entries, min_size=1, max_size=12), st.data())
def test_anyone_listed_twice_is_named_with_both_rows(roster, data):
    people = distinct(roster)
    original = data.draw(st.integers(0, len(people) - 1))
    at = data.draw(st.integers(original + 1, len(people)))
    copy = people[original]
    if data.draw(st.booleans()) and copy.identifiers:  # the same number, written by another hand
        copy = replace(copy, name_key="someone else entirely", birth_date=None)
    people.insert(at, copy)
    with pytest.raises(DuplicateMember) as refused:
        check_no_member_twice(people, TODAY)
    assert (refused.value.params["first"], refused.value.params["second"]) == (original + 1, at + 1)
    assert refused.value.field == f"members[{at}]"


@given(entries, entries)
def test_the_rule_is_symmetric(a, b):
    assert (same_person(a, b, TODAY) is None) == (same_person(b, a, TODAY) is None)


def test_an_age_matches_a_birth_date_of_that_age_and_not_another():
    born = RosterEntry("rahim sheikh", "male", birth_date=date(1990, 1, 1))
    said = RosterEntry("rahim sheikh", "male", age_years=36)
    assert same_person(born, said, TODAY) is not None
    assert same_person(born, replace(said, age_years=30), TODAY) is None
    assert same_person(born, replace(said, sex="female"), TODAY) is None
    twins = RosterEntry("rahim sheikh", "male", birth_date=date(1990, 1, 2))
    assert same_person(born, twins, TODAY) is None


def test_the_refusal_reads_in_words():
    a = RosterEntry("x", "male", identifiers=(("bd_nid", "h1"),))
    b = RosterEntry("y", "female", identifiers=(("bd_nid", "h1"),))
    with pytest.raises(DuplicateMember) as refused:
        check_no_member_twice([a, b], TODAY)
    assert refused.value.message() == (
        "Members 1 and 2 are the same person listed twice (the same Bangladesh NID number)."
    )


@pytest.mark.parametrize(
    "lat, lon, field",
    [(22.7, None, "longitude"), (None, 89.1, "latitude"), (91.0, 89.1, "latitude"),
     (22.7, 181.0, "longitude")],
)  # fmt: skip
def test_a_location_needs_both_coordinates_on_the_globe(lat, lon, field):
    with pytest.raises(InvalidInput) as refused:
        check_location(lat, lon, None)
    assert refused.value.field == field


def test_a_place_is_trimmed_text():
    assert check_location(None, None, "  near   the pond ") == (None, None, "near the pond")
    assert check_location(22.7, 89.1, "") == (22.7, 89.1, None)


def survey(status: SurveyStatus = SurveyStatus.SUBMITTED) -> Survey:
    return Survey("s1", "BD-D", "h1", "W1", SurveyKind.NEW, status, NOW, surveyed_by="user:v")


def test_the_survey_goes_submitted_then_approved_or_returned():
    assert reviewed(survey(), approve=True, comment="", by="user:x", at=NOW).status is (
        SurveyStatus.APPROVED
    )
    back = reviewed(survey(), approve=False, comment=" fix  the age ", by="user:x", at=NOW)
    assert (back.status, back.comment) == (SurveyStatus.RETURNED, "fix the age")
    again = submitted(back, by="user:v", at=NOW)
    assert (again.status, again.submissions) == (SurveyStatus.SUBMITTED, 1)
    with pytest.raises(InvalidInput):
        reviewed(survey(), approve=False, comment="", by="user:x", at=NOW)
    with pytest.raises(InvalidInput):
        reviewed(survey(), approve=True, comment="", by="user:v", at=NOW)
    for status in (SurveyStatus.OPEN, SurveyStatus.RETURNED, SurveyStatus.APPROVED):
        with pytest.raises(SurveyStateConflict):
            reviewed(survey(status), approve=True, comment="", by="user:x", at=NOW)


pairs = st.sets(st.tuples(st.sampled_from("abcde"), st.sampled_from(["S1", "S2", "S3"])))


@given(pairs, pairs)
def test_new_and_stopped_benefits_partition_the_difference(now, before):
    new, stopped = benefit_changes(now, before)
    assert new | (now & before) == now and stopped | (now & before) == before
    assert not new & before and not stopped & now
