"""Reconciliation (S2, Raigarh): explain every dose n of a series given in a district without
the dose before it, and make the district's numbers add up.

For one step of a series (COVID1 -> COVID2, or any dose n after n-1 in a schedule file) and a
district D, "before linking" counts the registry's own doses (every source but ``legacy``) and
"after linking" counts the legacy doses merged into people's histories too. A dose's place is
the district of its facility, else (a legacy dose) the district the export named, else the
district the person lives in.

The identity the report states and the tests check, per district, on the registry before
linking::

    second(D) - first(D) = legacy + elsewhere + review + unexplained
                           - next_elsewhere - no_next

The four explanations classify each dose n given in D whose dose n-1 was not given in D
(an "orphan"): (a) ``legacy``: the registry had no dose n-1 but a linked legacy record brought
it; (b) ``elsewhere``: the registry has dose n-1 from another district or state; (c)
``review``: a legacy record holding dose n-1 waits for a clerk's decision on this person;
(d) ``unexplained``. The two offsets count doses n-1 given in D whose dose n is not there:
given elsewhere (``next_elsewhere``) or not given (``no_next``). A person has at most one
record of each dose (a database constraint), so each side is a count of people.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Explanation(StrEnum):
    LEGACY = "legacy"  # (a) first dose found in legacy records and now linked
    ELSEWHERE = "elsewhere"  # (b) first dose recorded in another district or state
    REVIEW = "review"  # (c) a legacy candidate awaiting clerical review
    UNEXPLAINED = "unexplained"  # (d)


class Offset(StrEnum):
    NEXT_ELSEWHERE = "next_elsewhere"  # dose n-1 here, dose n in another district or state
    NO_NEXT = "no_next"  # dose n-1 here, dose n not (yet) given


@dataclass(frozen=True, slots=True)
class Place:
    """Where a dose was given: the district and state codes (None when unknown)."""

    district: str | None
    state: str | None
    facility_code: str | None = None
    facility_name: str = ""


@dataclass(frozen=True, slots=True)
class LegacyEvidence:
    """The legacy record a merged dose came from: the export's source and its own row id."""

    record_id: str
    source: str
    source_row_id: str
    name: str = ""
    facility_text: str = ""


@dataclass(frozen=True, slots=True)
class DoseFact:
    """One recorded dose of the step, with its place; ``legacy`` is set for a merged dose."""

    id: str
    person_id: str
    dose_code: str
    given_on: date
    place: Place
    legacy: LegacyEvidence | None = None
    person_name: str = ""

    @property
    def from_registry(self) -> bool:
        return self.legacy is None


@dataclass(frozen=True, slots=True)
class PendingCandidate:
    """A legacy record with dose n-1 that a clerk has still to decide for this person."""

    person_id: str
    record_id: str
    source: str
    source_row_id: str
    match_weight: float | None
    given_on: date | None


@dataclass(frozen=True, slots=True)
class Step:
    """Dose ``dose`` of a series and the dose before it."""

    previous: str
    dose: str


@dataclass(frozen=True, slots=True)
class DrillRow:
    """A record behind a number: ``dose`` is the one counted in the district (dose n for an
    explanation, dose n-1 for an offset); ``other`` the other dose of the pair, if any."""

    kind: Explanation | Offset
    district: str
    dose: DoseFact
    other: DoseFact | None = None
    candidate: PendingCandidate | None = None


@dataclass(slots=True)
class DistrictFigures:
    district: str
    first_before: int = 0
    second_before: int = 0
    first_after: int = 0
    second_after: int = 0
    explained: dict[Explanation, int] = field(default_factory=lambda: dict.fromkeys(Explanation, 0))
    offsets: dict[Offset, int] = field(default_factory=lambda: dict.fromkeys(Offset, 0))
    rows: list[DrillRow] = field(default_factory=list)

    @property
    def gap_before(self) -> int:
        return self.second_before - self.first_before

    @property
    def gap_after(self) -> int:
        return self.second_after - self.first_after

    @property
    def orphans(self) -> int:
        return sum(self.explained.values())

    def balanced(self) -> bool:
        """The identity of this module's docstring."""
        return self.gap_before == self.orphans - sum(self.offsets.values())

    def add(self, other: DistrictFigures) -> None:
        """Sum another district's numbers into this one (rows are not carried)."""
        self.first_before += other.first_before
        self.second_before += other.second_before
        self.first_after += other.first_after
        self.second_after += other.second_after
        for e in Explanation:
            self.explained[e] += other.explained[e]
        for o in Offset:
            self.offsets[o] += other.offsets[o]


def classify(
    district: str,
    previous: DoseFact | None,
    candidate: PendingCandidate | None,
) -> Explanation | None:
    """Why dose n given in ``district`` has no dose n-1 there; None when it has.

    ``previous`` is the person's dose n-1 after linking (from the registry, or merged from a
    legacy record), ``candidate`` a legacy record with dose n-1 awaiting review for them."""
    if previous is not None and previous.from_registry:
        return None if previous.place.district == district else Explanation.ELSEWHERE
    if previous is not None:
        return Explanation.LEGACY
    if candidate is not None:
        return Explanation.REVIEW
    return Explanation.UNEXPLAINED


def reconcile(
    step: Step,
    districts: Sequence[str],
    doses: Iterable[DoseFact],
    candidates: Mapping[str, PendingCandidate],
) -> list[DistrictFigures]:
    """Each district's figures for the step, from the doses n-1 and n of every person who has
    one of them placed in any of ``districts`` (their doses elsewhere included) and the
    pending legacy candidates by person."""
    figures = {d: DistrictFigures(d) for d in districts}
    by_person: dict[str, dict[str, DoseFact]] = {}
    for fact in doses:
        if fact.dose_code in (step.previous, step.dose):
            by_person.setdefault(fact.person_id, {})[fact.dose_code] = fact
    for person_id in sorted(by_person):
        held = by_person[person_id]
        previous, current = held.get(step.previous), held.get(step.dose)
        _count_after(figures, previous, current)
        prev_registry = previous if previous is not None and previous.from_registry else None
        if prev_registry is not None and prev_registry.place.district in figures:
            here = figures[prev_registry.place.district]  # type: ignore[index]
            here.first_before += 1
            next_registry = current if current is not None and current.from_registry else None
            offset = _offset(here.district, next_registry)
            if offset is not None:
                here.offsets[offset] += 1
                here.rows.append(DrillRow(offset, here.district, prev_registry, next_registry))
        if current is None or not current.from_registry or current.place.district not in figures:
            continue
        here = figures[current.place.district]  # type: ignore[index]
        here.second_before += 1
        candidate = candidates.get(person_id)
        kind = classify(here.district, previous, candidate)
        if kind is not None:
            here.explained[kind] += 1
            pending = candidate if kind is Explanation.REVIEW else None
            here.rows.append(DrillRow(kind, here.district, current, previous, pending))
    return [figures[d] for d in districts]


def _count_after(
    figures: dict[str, DistrictFigures], previous: DoseFact | None, current: DoseFact | None
) -> None:
    if previous is not None and previous.place.district in figures:
        figures[previous.place.district].first_after += 1  # type: ignore[index]
    if current is not None and current.place.district in figures:
        figures[current.place.district].second_after += 1  # type: ignore[index]


def _offset(district: str, following: DoseFact | None) -> Offset | None:
    if following is None:
        return Offset.NO_NEXT
    return None if following.place.district == district else Offset.NEXT_ELSEWHERE


def total(figures: Iterable[DistrictFigures], name: str) -> DistrictFigures:
    summed = DistrictFigures(name)
    for f in figures:
        summed.add(f)
    return summed


def steps_of(series_previous: Mapping[str, str], order: Sequence[str]) -> list[Step]:
    """Every step "dose n after dose n-1" of a schedule, in the schedule's dose order."""
    return [Step(series_previous[code], code) for code in order if code in series_previous]
