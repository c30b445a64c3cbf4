"""Proof of an earlier dose (the Kolkata flow, S1): a citizen books a later dose whose earlier
dose was given elsewhere, uploads the card or certificate, and a verifier decides.

Pure rules: what a document is (by its bytes, never its name), how large it may be, which
earlier dose a proof may claim, and how a proof is decided.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from .errors import DocumentTooLarge, InvalidInput, NotAnImageOrPdf, ProofDecided, Reason
from .schedule import Schedule, check_dose

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Kinds of identifier printed on a proof; only the last characters are kept (never a whole
# Aadhaar number: UIDAI's masked form shows the last four digits).
IDENTIFIER_KINDS = ("aadhaar", "abha", "certificate", "mcp_card", "other")
KEPT_CHARACTERS = 4


class ProofStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


def sniff(content: bytes) -> str | None:
    """The media type the bytes themselves show (magic numbers), or None."""
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(content) >= 12 and content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def accept_document(content: bytes, max_bytes: int) -> str:
    """The sniffed media type of an acceptable proof, or the refusal."""
    if len(content) > max_bytes:
        raise DocumentTooLarge("file", limit=round(max_bytes / (1024 * 1024), 1))
    media_type = sniff(content)
    if media_type is None:
        raise NotAnImageOrPdf("file")
    return media_type


def identifier_tail(kind: str, value: str) -> tuple[str, str]:
    """The identifier's kind and its last characters (letters and digits only)."""
    kind = kind.strip().lower()
    if kind not in IDENTIFIER_KINDS:
        raise InvalidInput("identifier_kind", reason=Reason(
            "Choose the identifier shown on the proof: {kinds}.",
            kinds=", ".join(IDENTIFIER_KINDS)))  # fmt: skip
    kept = "".join(c for c in value if c.isalnum())[-KEPT_CHARACTERS:].upper()
    if not kept:
        raise InvalidInput("identifier_value", reason=Reason(
            "Write the last digits of the number shown on the proof."))  # fmt: skip
    return kind, kept


@dataclass(frozen=True, slots=True)
class ClaimedDose:
    """The earlier dose the proof shows."""

    dose_code: str
    given_on: date
    place: str
    identifier_kind: str
    identifier_last: str


def history_with_claim(
    schedule: Schedule,
    claim: ClaimedDose,
    *,
    booked_code: str,
    birth: date,
    given: Mapping[str, date],
    today: date,
    flags: frozenset[str] = frozenset(),
) -> dict[str, date]:
    """The person's history as it would be with the claimed dose, if the claim is credible:
    an earlier dose of the booked one's series (or one it follows), not already recorded,
    given between the birth and today and fitting the schedule on that day."""
    code = claim.dose_code
    schedule.dose(code)
    booked = schedule.dose(booked_code)
    earlier = {p.code for p in schedule.previous_of[booked.code]} | {
        d.code for d in schedule.doses if d.series == booked.series and d.number < booked.number
    }
    if code not in earlier:
        raise InvalidInput("claimed_dose_code", reason=Reason(
            "{claimed} is not a dose that comes before {booked}.", claimed=code,
            booked=booked.code))  # fmt: skip
    if code in given:
        raise InvalidInput("claimed_dose_code", reason=Reason(
            "{claimed} is already recorded; book without a proof.", claimed=code))  # fmt: skip
    if claim.given_on > today or claim.given_on < birth:
        raise InvalidInput("claimed_given_on", reason=Reason(
            "The date of the earlier dose must be between the birth and today."))  # fmt: skip
    if not claim.place.strip():
        raise InvalidInput("claimed_place", reason=Reason(
            "Write where the earlier dose was given."))  # fmt: skip
    check_dose(schedule, code, birth=birth, on=claim.given_on, given=given, flags=flags)
    return {**given, code: claim.given_on}


@dataclass(slots=True)
class Document:
    state_code: str
    id: str
    person_id: str
    sha256: str
    media_type: str  # sniffed from the content
    size: int
    uploaded_by: str
    uploaded_at: datetime


@dataclass(slots=True)
class DoseProof:
    state_code: str
    id: str
    booking_id: str
    document_id: str
    claim: ClaimedDose
    created_at: datetime
    status: ProofStatus = ProofStatus.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str = ""

    def decide(self, approve: bool, *, by: str, at: datetime, reason: str = "") -> None:
        if self.status is not ProofStatus.PENDING:
            raise ProofDecided("id", status=self.status.value)
        reason = reason.strip()[:300]
        if not approve and not reason:
            raise InvalidInput("reason", reason=Reason("Say why the proof is not accepted."))
        self.status = ProofStatus.APPROVED if approve else ProofStatus.REJECTED
        self.decided_by, self.decided_at, self.reason = by, at, reason


def evidence(document_id: str, verifier: str) -> str:
    return f"proof {document_id} verified by {verifier}"
