"""Findings about benefits received: duplicates, exclusive schemes, ineligible recipients.

The database finds them (set-based SQL over the service records, adapters/db); this module
names them and holds the rules for a clerk's decision (docs/services-ledger.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from .errors import DomainError, InvalidInput, Reason, one_of


class FindingKind(StrEnum):
    DUPLICATE = "duplicate"  # one scheme more than once in one period
    EXCLUSIVE = "exclusive"  # two schemes of one mutually exclusive group in one period
    TOO_YOUNG = "too_young"  # younger on the day than the scheme's rules allow
    DECEASED = "deceased"  # delivered after the recorded death
    OUTSIDE_AREA = "outside_area"  # living outside the scheme's area


INELIGIBLE = frozenset({FindingKind.TOO_YOUNG, FindingKind.DECEASED, FindingKind.OUTSIDE_AREA})


class FindingStatus(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class RecordStatus(StrEnum):
    """Where a service record stands: tied to a person, waiting for a clerk, or refused."""

    RESOLVED = "resolved"
    QUEUED = "queued"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Finding:
    id: str  # kind:scheme:person:period, stable across runs of the detection
    state_code: str
    kind: FindingKind
    scheme_code: str
    person_id: str
    period_key: str
    area_code: str
    records: int
    amount: float
    status: FindingStatus
    reason: str | None
    found_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None


def finding_id(kind: FindingKind, scheme_code: str, person_id: str, period_key: str) -> str:
    return f"{kind.value}:{scheme_code}:{person_id}:{period_key}"


def check_decision(status: str, reason: str | None) -> tuple[FindingStatus, str | None]:
    """A clerk confirms a finding or dismisses it with the reason; reopening is allowed."""
    try:
        chosen = FindingStatus(status.strip().lower())
    except ValueError:
        raise InvalidInput(
            "status",
            reason=Reason(
                "The status must be {choices}.", choices=one_of([s.value for s in FindingStatus])
            ),
        ) from None
    cleaned = (reason or "").strip() or None
    if chosen is FindingStatus.DISMISSED and cleaned is None:
        raise InvalidInput("reason", reason=Reason("A dismissal needs its reason."))
    if cleaned is not None and len(cleaned) > 300:
        raise InvalidInput("reason", reason=Reason("The reason is longer than 300 characters."))
    return chosen, cleaned


@dataclass(frozen=True, slots=True)
class ServiceRecord:
    """One service a department gave, as the department identified the person."""

    id: str
    state_code: str
    department: str
    scheme_code: str
    reference: str  # the department's own id for the record: a re-import is a no-op
    delivered_on: date
    period_key: str
    status: RecordStatus
    person_id: str | None = None
    resolved_by: str | None = None  # identifier kind, "phone", "name_birth" or "clerk"
    key_kind: str | None = None  # the identifier the department gave, first of them
    key_last4: str | None = None
    name: str | None = None
    birth_date: date | None = None
    phone: str | None = None
    area_code: str | None = None
    amount: float | None = None
    note: str | None = None  # a clerk's reason for rejecting it
    created_at: datetime | None = None


class RecordsRefused(InvalidInput):
    """Some records of a batch or file are wrong: nothing was written; each with its reason."""

    def __init__(self, problems: list[tuple[int, DomainError]]) -> None:
        self.problems = problems
        index, first = problems[0]
        where = f"records[{index}].{first.field}" if first.field else f"records[{index}]"
        super().__init__(
            where,
            reason=Reason(
                "{count} records are wrong and nothing was saved; the first: {first}",
                count=len(problems),
                first=first.message(),
            ),
        )
