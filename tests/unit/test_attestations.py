"""Village attestations: the claim's checks, the registry's coverage and the verdict."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sevasetu.adapters.schedules import load_schedule
from sevasetu.domain.attestations import (
    Attestation,
    Coverage,
    Verdict,
    check_claim,
    eligible_on,
    judge,
    village_coverage,
)
from sevasetu.domain.errors import InvalidInput

COVID = load_schedule("covid19-india")
UIP = load_schedule("india-uip")
SIGNED = date(2021, 12, 1)


def claim(coverage: float) -> Attestation:
    return Attestation("a1", "IN-CG", "IN-CG-RGH-PUS-KTL", "covid19-india", "COVID2", coverage,
                       "Ramesh Sahu", SIGNED, None, None, "user:x",
                       datetime(2021, 12, 2, tzinfo=UTC))  # fmt: skip


def test_campaign_eligibility_follows_the_phases_by_age():
    # 18+ from 1 May 2021: someone who turned 18 on 1 June 2021 is eligible from that day.
    assert eligible_on(COVID, "COVID2", date(2003, 6, 1), date(2021, 6, 1))
    assert not eligible_on(COVID, "COVID2", date(2003, 6, 2), date(2021, 6, 1))
    assert not eligible_on(COVID, "COVID1", date(1990, 1, 1), date(2021, 4, 30))  # 31: not yet


def test_routine_eligibility_is_due_by_age_and_not_expired():
    assert eligible_on(UIP, "MR1", date(2021, 3, 31), date(2021, 12, 31))  # 9 months that day
    assert not eligible_on(UIP, "MR1", date(2021, 3, 31), date(2021, 12, 30))


def test_coverage_counts_doses_given_by_the_signing_day_among_the_eligible():
    adult = date(1980, 1, 1)
    residents = [(adult, date(2021, 9, 1)), (adult, date(2021, 11, 30)), (adult, None),
                 (adult, date(2021, 12, 5)),  # after signing: not covered then
                 (date(2010, 1, 1), None)]  # a child: not eligible  # fmt: skip
    assert village_coverage(COVID, "COVID2", SIGNED, residents) == Coverage(4, 2)
    assert Coverage(4, 2).percent == 50.0 and Coverage(0, 0).percent is None


def test_a_claim_beyond_the_tolerance_disagrees():
    records = Coverage(eligible=200, covered=180)  # 90 %
    assert judge(claim(94.0), records).verdict is Verdict.AGREES
    assert judge(claim(100.0), records).verdict is Verdict.DISAGREES
    assert judge(claim(100.0), records).difference == 10.0
    assert judge(claim(100.0), Coverage(0, 0)).verdict is Verdict.NO_ELIGIBLE


@pytest.mark.parametrize(
    ("coverage", "signer", "day", "field"),
    [(101.0, "Ramesh", SIGNED, "claimed_coverage"), (-1.0, "Ramesh", SIGNED, "claimed_coverage"),
     (float("nan"), "Ramesh", SIGNED, "claimed_coverage"), (90.0, "  ", SIGNED, "signed_by"),
     (90.0, "Ramesh", date(2030, 1, 1), "signed_on")],
)  # fmt: skip
def test_a_bad_claim_is_refused_by_field(coverage, signer, day, field):
    with pytest.raises(InvalidInput) as refused:
        check_claim(claimed_coverage=coverage, signed_by=signer, signed_on=day,
                    today=date(2026, 11, 25))  # fmt: skip
    assert refused.value.field == field


def test_a_good_claim_is_kept_rounded_with_the_name_tidied():
    assert check_claim(claimed_coverage=99.96, signed_by=" Ramesh   Sahu ", signed_on=SIGNED,
                       today=SIGNED) == (100.0, "Ramesh Sahu")  # fmt: skip
