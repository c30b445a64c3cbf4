"""The reconciliation's classification and its identity, as pure functions."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from sevasetu.domain.reconciliation import (
    DoseFact,
    Explanation,
    LegacyEvidence,
    Offset,
    PendingCandidate,
    Place,
    Step,
    classify,
    reconcile,
    steps_of,
)

STEP = Step("COVID1", "COVID2")
RGH, JSH, OTHER_STATE = "IN-CG-RGH", "IN-CG-JSH", "IN-WB-NAD"
LEGACY = LegacyEvidence("rec-1", "cg-teeka", "row-17")


def dose(person: str, code: str, district: str | None, *, legacy: bool = False) -> DoseFact:
    state = district[:5] if district else None
    return DoseFact(f"{person}-{code}", person, code, date(2021, 6, 1), Place(district, state),
                    LEGACY if legacy else None)  # fmt: skip


def candidate(person: str) -> PendingCandidate:
    return PendingCandidate(person, "rec-9", "cg-teeka", "row-9", 6.5, date(2021, 5, 1))


def test_a_first_dose_in_the_same_district_needs_no_explanation():
    assert classify(RGH, dose("p", "COVID1", RGH), None) is None


def test_a_first_dose_recorded_elsewhere_is_class_b_even_with_a_candidate():
    assert classify(RGH, dose("p", "COVID1", OTHER_STATE), candidate("p")) is Explanation.ELSEWHERE
    assert classify(RGH, dose("p", "COVID1", None), None) is Explanation.ELSEWHERE


def test_a_first_dose_merged_from_a_linked_legacy_record_is_class_a_wherever_given():
    assert classify(RGH, dose("p", "COVID1", RGH, legacy=True), None) is Explanation.LEGACY
    assert classify(RGH, dose("p", "COVID1", JSH, legacy=True), None) is Explanation.LEGACY


def test_a_pending_legacy_candidate_is_class_c_and_nothing_is_class_d():
    assert classify(RGH, None, candidate("p")) is Explanation.REVIEW
    assert classify(RGH, None, None) is Explanation.UNEXPLAINED


def test_a_district_in_raigarh_style():
    """Two complete courses, a CG Teeka first dose linked, a migrant's first dose in Bengal, one
    waiting for review, one unexplained, a first dose whose second went elsewhere, one without
    a second dose."""
    doses = [
        dose("full1", "COVID1", RGH), dose("full1", "COVID2", RGH),
        dose("full2", "COVID1", RGH), dose("full2", "COVID2", RGH),
        dose("teeka", "COVID1", RGH, legacy=True), dose("teeka", "COVID2", RGH),
        dose("migrant", "COVID1", OTHER_STATE), dose("migrant", "COVID2", RGH),
        dose("doubt", "COVID2", RGH), dose("nobody", "COVID2", RGH),
        dose("left", "COVID1", RGH), dose("left", "COVID2", JSH),
        dose("waiting", "COVID1", RGH),
    ]  # fmt: skip
    (rgh,) = reconcile(STEP, [RGH], doses, {"doubt": candidate("doubt")})
    assert (rgh.first_before, rgh.second_before) == (4, 6)
    assert (rgh.first_after, rgh.second_after) == (5, 6)
    assert rgh.explained == {Explanation.LEGACY: 1, Explanation.ELSEWHERE: 1,
                             Explanation.REVIEW: 1, Explanation.UNEXPLAINED: 1}  # fmt: skip
    assert rgh.offsets == {Offset.NEXT_ELSEWHERE: 1, Offset.NO_NEXT: 1}
    assert rgh.gap_before == 2 == 4 - 2 and rgh.balanced()
    by_kind = {r.kind: r for r in rgh.rows}
    assert by_kind[Explanation.LEGACY].other.legacy == LEGACY  # the source row behind it
    assert by_kind[Explanation.ELSEWHERE].other.place.district == OTHER_STATE
    assert by_kind[Explanation.REVIEW].candidate.source_row_id == "row-9"
    assert by_kind[Offset.NEXT_ELSEWHERE].other.place.district == JSH
    assert by_kind[Offset.NO_NEXT].dose.person_id == "waiting"


def test_a_legacy_second_dose_counts_after_linking_only():
    doses = [dose("p", "COVID1", RGH, legacy=True), dose("p", "COVID2", RGH, legacy=True)]
    (rgh,) = reconcile(STEP, [RGH], doses, {})
    assert (rgh.first_before, rgh.second_before, rgh.first_after, rgh.second_after) == (0, 0, 1, 1)
    assert rgh.rows == [] and rgh.balanced()


def test_steps_come_from_the_schedule_data():
    assert steps_of({"COVID2": "COVID1", "COVIDP": "COVID2"}, ["COVID1", "COVID2", "COVIDP"]) == [
        Step("COVID1", "COVID2"), Step("COVID2", "COVIDP")]  # fmt: skip


# --- the numbers add up, whatever the histories ----------------------------------------------

PLACES = st.sampled_from([RGH, JSH, OTHER_STATE, None])
MAYBE_DOSE = st.none() | st.tuples(PLACES, st.booleans())  # (district, from a legacy record)
PERSON = st.tuples(MAYBE_DOSE, MAYBE_DOSE, st.booleans())  # first, second, pending candidate


@given(st.lists(PERSON, max_size=60))
def test_in_every_district_the_gap_is_the_classes_minus_the_offsets(people):
    doses, candidates = [], {}
    for i, (first, second, pending) in enumerate(people):
        person = f"p{i}"
        for code, held in (("COVID1", first), ("COVID2", second)):
            if held is not None:
                doses.append(dose(person, code, held[0], legacy=held[1]))
        if pending:
            candidates[person] = candidate(person)
    figures = reconcile(STEP, [RGH, JSH], doses, candidates)
    for f in figures:
        assert f.second_before - f.first_before == f.orphans - sum(f.offsets.values())
        assert f.balanced()
        # Every number has exactly its records behind it.
        for kind, n in (*f.explained.items(), *f.offsets.items()):
            assert sum(1 for r in f.rows if r.kind == kind) == n
        # Linking only adds: the legacy doses placed in the district.
        legacy_first = sum(1 for d in doses if d.dose_code == "COVID1" and d.legacy
                           and d.place.district == f.district)  # fmt: skip
        assert f.first_after == f.first_before + legacy_first
        assert all(r.district == f.district for r in f.rows)
