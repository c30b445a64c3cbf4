"""The decision rule of legacy linkage: thresholds, contested candidates, clerks' words kept."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sevasetu.domain.errors import InvalidInput
from sevasetu.domain.linkage import (
    Candidate,
    Decision,
    Thresholds,
    birth_range,
    birth_year,
    decide,
    keeps,
)
from sevasetu.domain.people import age_in_years

RULE = Thresholds(auto=10.0, review=4.0, margin=3.0)


def test_the_three_outcomes_by_weight() -> None:
    assert decide([Candidate("p1", 15.0)], RULE).decision is Decision.AUTO
    assert decide([Candidate("p1", 10.0)], RULE).decision is Decision.AUTO  # at the threshold
    review = decide([Candidate("p1", 7.0), Candidate("p2", 1.0)], RULE)
    assert (review.decision, review.person_id, review.match_weight) == (Decision.REVIEW, "p1", 7.0)
    new = decide([Candidate("p1", 3.9)], RULE)
    assert (new.decision, new.person_id, new.match_weight) == (Decision.NEW, None, 3.9)
    assert decide([], RULE) == decide([], RULE) and decide([], RULE).decision is Decision.NEW


def test_a_contested_best_candidate_goes_to_review() -> None:
    contested = decide([Candidate("p2", 13.0), Candidate("p1", 15.0)], RULE)
    assert (contested.decision, contested.person_id) == (Decision.REVIEW, "p1")
    # A runner-up far enough behind, or below the review threshold, contests nothing.
    assert decide([Candidate("p1", 15.0), Candidate("p2", 11.9)], RULE).decision is Decision.AUTO
    loose = Thresholds(auto=5.0, review=4.0, margin=3.0)
    assert decide([Candidate("p1", 6.0), Candidate("p2", 3.5)], loose).decision is Decision.AUTO


def test_thresholds_must_be_ordered() -> None:
    with pytest.raises(InvalidInput, match="must not exceed"):
        Thresholds(auto=3.0, review=4.0, margin=1.0)
    with pytest.raises(InvalidInput, match="negative"):
        Thresholds(auto=5.0, review=4.0, margin=-1.0)


def test_only_clerks_decisions_survive_a_new_run() -> None:
    assert keeps(Decision.LINKED) and keeps(Decision.NOT_MATCH)
    assert not any(keeps(d) for d in (Decision.AUTO, Decision.REVIEW, Decision.NEW, None))
    assert Decision.AUTO.links and Decision.LINKED.links and not Decision.REVIEW.links


def test_a_birth_year_from_a_date_or_an_age() -> None:
    assert birth_year(date(1980, 5, 2), None, None) == 1980
    assert birth_year(None, 40, date(2021, 6, 1)) == 1981
    assert birth_year(None, 40, None) is None and birth_year(None, None, None) is None


def test_a_birth_range_from_a_date_or_an_age() -> None:
    assert birth_range(date(1980, 5, 2), None, None) == (date(1980, 5, 2), date(1980, 5, 2))
    # 40 on 2021-06-01: born after 1980-06-01 (then 41) and at the latest on 1981-06-01.
    assert birth_range(None, 40, date(2021, 6, 1)) == (date(1980, 6, 2), date(1981, 6, 1))
    assert birth_range(None, 3, date(2024, 2, 29)) == (date(2020, 3, 1), date(2021, 2, 28))
    assert birth_range(None, 40, None) is None and birth_range(None, None, None) is None


@given(
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2024, 12, 31)),
    days=st.integers(min_value=0, max_value=120 * 366),
)
def test_the_birth_range_of_an_age_holds_exactly_the_dates_of_that_age(born, days) -> None:
    as_of = born + timedelta(days=days)
    age = age_in_years(born, as_of)
    earliest, latest = birth_range(None, age, as_of)  # type: ignore[misc]
    assert earliest <= born <= latest
    # One day outside either end is another age on that day.
    assert age_in_years(earliest - timedelta(days=1), as_of) == age + 1
    assert age_in_years(latest + timedelta(days=1), as_of) == age - 1
