"""The hospital desk's queue, as rules: what an event sent by a desk looks like, what the
deployment may answer, and what a replay reports (docs/hospital-continuity.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .eligibility_cards import CardClaims
from .errors import DomainError

RECORDED = "recorded"
ALREADY_RECORDED = "already_recorded"
REFUSED = "error"


class DeskError(DomainError):
    """The desk cannot go on (no keys saved yet, an unknown admission, a refused token)."""

    code = "desk-error"
    template = "{reason}"

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(field, reason=reason)


@dataclass(frozen=True, slots=True)
class Answer:
    """The deployment's answer for one event."""

    idempotency_key: str
    status: str  # recorded | already_recorded | error
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class Unavailable:
    """The deployment cannot take events now (503 in maintenance, or unreachable)."""

    detail: str
    retry_after: int = 60


@dataclass
class ReplayReport:
    sent: int = 0
    recorded: int = 0
    already_recorded: int = 0
    refused: int = 0
    pending: int = 0  # still queued when the replay ended
    stopped: Unavailable | None = None
    refusals: list[tuple[str, str]] = field(default_factory=list)  # (event id, why)

    def add(self, answers: list[Answer]) -> None:
        self.sent += len(answers)
        for answer in answers:
            if answer.status == RECORDED:
                self.recorded += 1
            elif answer.status == ALREADY_RECORDED:
                self.already_recorded += 1
            else:
                self.refused += 1


def _instant(at: datetime) -> str:
    if at.tzinfo is None:
        raise DeskError("A time needs its offset (e.g. 2026-02-07T10:30+05:30).", "at")
    return at.isoformat()


def admission_body(
    claims: CardClaims,
    *,
    event_id: str,
    key: str,
    facility_code: str,
    admitted_at: datetime,
    queued_at: datetime,
    package: str = "",
    amount: float | None = None,
) -> dict[str, Any]:
    """An admission of the card's holder, as ``POST /api/v1/hospital-events`` takes it."""
    return {
        "id": event_id,
        "idempotency_key": key,
        "kind": "admission",
        "facility_code": facility_code,
        "person_id": claims.person_id,
        "scheme_code": claims.scheme_code,
        "card_id": claims.card_id,
        "admitted_at": _instant(admitted_at),
        "package": package,
        "amount": amount,
        "queued_at": _instant(queued_at),
    }


def discharge_body(
    admission: dict[str, Any],
    *,
    event_id: str,
    key: str,
    discharged_at: datetime,
    queued_at: datetime,
    package: str | None = None,
    amount: float | None = None,
) -> dict[str, Any]:
    """The discharge of a queued (or replayed) admission: its person, scheme, card and hospital."""
    if admission.get("kind") != "admission":
        raise DeskError("Only an admission can be discharged.", "admission")
    if datetime.fromisoformat(admission["admitted_at"]) > discharged_at:
        raise DeskError("The discharge is before the admission.", "at")
    return {
        "id": event_id,
        "idempotency_key": key,
        "kind": "discharge",
        "facility_code": admission["facility_code"],
        "person_id": admission["person_id"],
        "scheme_code": admission["scheme_code"],
        "card_id": admission.get("card_id"),
        "admission_id": admission["id"],
        "discharged_at": _instant(discharged_at),
        "package": admission.get("package", "") if package is None else package,
        "amount": amount,
        "queued_at": _instant(queued_at),
    }
