"""Legacy record linkage in the domain's words: what a match weight decides.

The model (Fellegi-Sunter, trained by EM in ``adapters.linkage``) scores each legacy record
against the registry people it may be; this module turns those scores into one decision per
record, and says which clerks' decisions a new run must keep.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .areas import AreaLevel, AreaTree
from .errors import InvalidInput, ModelNotTrainable, Reason, TooFewRecords

__all__ = ["ModelNotTrainable", "TooFewRecords"]

MIN_RECORDS_TO_TRAIN = 20  # EM needs enough pairs to tell matches from non-matches


class Decision(StrEnum):
    AUTO = "auto"  # linked by the model: weight at or above the automatic threshold
    REVIEW = "review"  # a clerk decides
    NEW = "new"  # no registry person is close enough: a person only the legacy file knows
    LINKED = "linked"  # a clerk linked it
    NOT_MATCH = "not_match"  # a clerk said no registry person is this record

    @property
    def links(self) -> bool:
        """Whether the record is tied to its person (and its doses merged)."""
        return self in (Decision.AUTO, Decision.LINKED)

    @property
    def by_clerk(self) -> bool:
        return self in (Decision.LINKED, Decision.NOT_MATCH)


# What a clerk may choose on the review page: link, not a match, or undecided (back to review).
CLERK_CHOICES = {
    "link": Decision.LINKED,
    "not_match": Decision.NOT_MATCH,
    "undecided": Decision.REVIEW,
}


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Match weights (log2 of the Bayes factor) that separate the three outcomes."""

    auto: float
    review: float
    margin: float  # a best candidate this close to the runner-up is contested

    def __post_init__(self) -> None:
        if self.review > self.auto:
            raise InvalidInput(
                "review_threshold",
                reason=Reason("the review threshold must not exceed the automatic-link threshold"),
            )
        if self.margin < 0:
            raise InvalidInput("margin", reason=Reason("the margin cannot be negative"))


@dataclass(frozen=True, slots=True)
class Candidate:
    person_id: str
    match_weight: float


@dataclass(frozen=True, slots=True)
class Outcome:
    decision: Decision
    person_id: str | None
    match_weight: float | None


def decide(candidates: Sequence[Candidate], thresholds: Thresholds) -> Outcome:
    """One record's decision from its scored candidates (any order).

    The best candidate at or above ``auto`` is linked, unless another person scores within
    ``margin`` of it and at least ``review``: two people the record could be is a clerk's call.
    Below ``auto`` but at or above ``review`` it goes to review; below that it is a new person.
    """
    ranked = sorted(candidates, key=lambda c: (-c.match_weight, c.person_id))
    if not ranked or ranked[0].match_weight < thresholds.review:
        best = ranked[0] if ranked else None
        return Outcome(Decision.NEW, None, best.match_weight if best else None)
    best = ranked[0]
    contested = (
        len(ranked) > 1
        and ranked[1].match_weight >= thresholds.review
        and best.match_weight - ranked[1].match_weight < thresholds.margin
    )
    if best.match_weight >= thresholds.auto and not contested:
        return Outcome(Decision.AUTO, best.person_id, best.match_weight)
    return Outcome(Decision.REVIEW, best.person_id, best.match_weight)


def keeps(current: Decision | None) -> bool:
    """A new run leaves a clerk's decision as it is; the model's own it may change."""
    return current is not None and current.by_clerk


def birth_year(
    birth_date: date | None, age_years: int | None, age_as_of: date | None
) -> int | None:
    """The year of birth a record states, or the one its age implies (give or take a year:
    the model compares years within a tolerance)."""
    if birth_date is not None:
        return birth_date.year
    if age_years is not None and age_as_of is not None:
        return age_as_of.year - age_years
    return None


def birth_range(
    birth_date: date | None, age_years: int | None, age_as_of: date | None
) -> tuple[date, date] | None:
    """The first and last birth dates a record allows: its date twice, or the year-long span
    an age in whole years on a known day implies (40 on 2021-06-01: born from 1980-06-02 to
    1981-06-01). The model calls a date inside the span consistent with the age, which an
    implied birth year (right only about half the time) cannot say."""
    if birth_date is not None:
        return birth_date, birth_date
    if age_years is None or age_as_of is None:
        return None
    latest = _years_before(age_as_of, age_years)
    earliest = _years_before(age_as_of, age_years + 1) + timedelta(days=1)
    return earliest, latest


def _years_before(day: date, years: int) -> date:
    year = day.year - years
    if day.month == 2 and day.day == 29 and not (year % 4 == 0 and (year % 100 or year % 400 == 0)):
        return date(year, 2, 28)
    return day.replace(year=year)


def district_of(tree: AreaTree, code: str | None) -> str | None:
    """The district an area lies in (itself when it is one); None when unknown or above."""
    if code is None or code not in tree:
        return None
    for ancestor in reversed(tree.get(code).path):
        if tree.get(ancestor).level is AreaLevel.DISTRICT:
            return ancestor
    return None
