"""Village completion attestations: a sarpanch signs that a village reached a coverage of one
dose, and the registry's own coverage on the signing day is set beside the claim.

Coverage on day ``t`` for dose ``d`` of a schedule: of the people living in the village who
were eligible on ``t``, the share with ``d`` given on or before ``t``. Eligible: for a campaign,
the phases had opened the series' first dose to them by ``t`` (by age: conditions such as
health worker are not on the registry's people); for a routine schedule, ``d`` was due by age
by ``t`` and not yet expired, or had been given. A claim disagrees with the records when the
two differ by more than ``TOLERANCE_POINTS`` percentage points, or when the registry has no
eligible person there at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from .errors import InvalidInput, Reason
from .schedule import Schedule

TOLERANCE_POINTS = 5.0
MAX_SIGNER = 120


class Verdict(StrEnum):
    AGREES = "agrees"
    DISAGREES = "disagrees"
    NO_ELIGIBLE = "no_eligible"  # the registry knows nobody eligible in the village


@dataclass(frozen=True, slots=True)
class Attestation:
    id: str
    state_code: str
    area_code: str
    schedule: str
    dose_code: str
    claimed_coverage: float  # percent
    signed_by: str
    signed_on: date
    document_sha256: str | None
    document_media_type: str | None
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class Coverage:
    eligible: int
    covered: int

    @property
    def percent(self) -> float | None:
        return round(100.0 * self.covered / self.eligible, 1) if self.eligible else None


@dataclass(frozen=True, slots=True)
class ClaimCheck:
    attestation: Attestation
    coverage: Coverage
    verdict: Verdict

    @property
    def difference(self) -> float | None:
        """Claimed minus recorded, in percentage points."""
        found = self.coverage.percent
        return None if found is None else round(self.attestation.claimed_coverage - found, 1)


def check_claim(
    *, claimed_coverage: float, signed_by: str, signed_on: date, today: date
) -> tuple[float, str]:
    """The claim as it will be kept, or InvalidInput naming the field at fault."""
    if not 0.0 <= claimed_coverage <= 100.0 or claimed_coverage != claimed_coverage:
        raise InvalidInput("claimed_coverage", reason=Reason(
            "The claimed coverage must be a percentage from 0 to 100, not {value}.",
            value=claimed_coverage))  # fmt: skip
    signer = " ".join(signed_by.split())
    if not signer or len(signer) > MAX_SIGNER:
        raise InvalidInput("signed_by", reason=Reason(
            "The name of who signed must have between 1 and {limit} characters.",
            limit=MAX_SIGNER))  # fmt: skip
    if signed_on > today:
        raise InvalidInput("signed_on", reason=Reason(
            "The attestation cannot be signed on {day}, after today.",
            day=signed_on.isoformat()))  # fmt: skip
    return round(claimed_coverage, 1), signer


def eligible_on(schedule: Schedule, dose_code: str, birth: date, on: date) -> bool:
    """Was a person born on ``birth`` eligible for ``dose_code`` on ``on`` (given or not)?"""
    dose = schedule.dose(dose_code)
    if schedule.campaign is not None:
        first = schedule.series_of(dose)[0]
        opened = schedule.campaign.opens(first, birth, frozenset())
        return opened is not None and opened <= on
    if dose.due.after(birth) > on:
        return False
    return dose.latest is None or on < dose.latest.after(birth)


def village_coverage(
    schedule: Schedule, dose_code: str, on: date, people: Iterable[tuple[date, date | None]]
) -> Coverage:
    """Coverage on ``on`` from each resident's (birth date, day the dose was given or None)."""
    eligible = covered = 0
    for birth, given_on in people:
        given = given_on is not None and given_on <= on
        if birth > on:
            continue
        if given or eligible_on(schedule, dose_code, birth, on):
            eligible += 1
            covered += given
    return Coverage(eligible, covered)


def judge(
    attestation: Attestation, coverage: Coverage, tolerance: float = TOLERANCE_POINTS
) -> ClaimCheck:
    found = coverage.percent
    if found is None:
        verdict = Verdict.NO_ELIGIBLE
    elif abs(attestation.claimed_coverage - found) > tolerance:
        verdict = Verdict.DISAGREES
    else:
        verdict = Verdict.AGREES
    return ClaimCheck(attestation, coverage, verdict)
