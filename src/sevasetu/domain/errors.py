"""One exception tree in the domain's words.

Each error carries a stable ``code`` (the edge turns it into a problem ``type`` URI, a chat
reply or an exit code), an English message template that is also the gettext msgid, the
parameters for that template and, where one field is to blame, the field's name.
The edges translate; the domain never formats for a particular channel.
"""

from __future__ import annotations

from typing import Any, ClassVar


class Reason(str):
    """A sentence with parameters: reads as plain English, and an edge can translate it by its
    template (the msgid) and fill in the same parameters, which may be Reasons themselves."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> Reason:
        sentence = super().__new__(cls, template.format(**params))
        sentence.template = template
        sentence.params = params
        return sentence


def one_of(values: list[Any], last_joiner: str = "{first} or {last}") -> str:
    """ "10, 13 or 17" as a translatable Reason."""
    words = [str(v) for v in values]
    if len(words) == 1:
        return words[0]
    return Reason(last_joiner, first=", ".join(words[:-1]), last=words[-1])


class DomainError(Exception):
    code: ClassVar[str] = "domain-error"
    kind: ClassVar[str] = (
        "invalid"  # invalid | conflict | not_found | forbidden | unauthorized | unavailable
    )
    template: ClassVar[str] = "The request could not be carried out."
    # (type, id, state) of the record a refusal was about, for the audit trail.
    subject: tuple[str, str, str | None] | None = None

    def __init__(self, field: str | None = None, /, **params: Any) -> None:
        self.field = field
        self.params = params
        super().__init__(self.message())

    def message(self) -> str:
        return self.template.format(**self.params)


# --- invalid input -----------------------------------------------------------------------


class InvalidInput(DomainError):
    code = "invalid-input"
    template = "{reason}"


class InvalidIdentifier(DomainError):
    code = "invalid-identifier"
    template = "The {kind} number is not valid: {reason}."


class InvalidPhone(DomainError):
    code = "invalid-phone"
    template = "The mobile number {phone} is not a valid Indian or Bangladeshi mobile number."


class InvalidName(DomainError):
    code = "invalid-name"
    template = "The name must have between 1 and {limit} letters."


class ImpossibleDate(DomainError):
    code = "impossible-date"
    template = "The date {value} is not possible: {reason}."


class InvalidChatMessage(InvalidInput):
    """A WhatsApp message the Cloud API would refuse; ``reason`` names the limit."""

    code = "invalid-chat-message"


class OutsideWindow(InvalidInput):
    """Free-form WhatsApp messages only within 24 hours of the user's last message."""

    code = "outside-whatsapp-window"


class UnknownArea(DomainError):
    code = "unknown-area"
    template = "There is no area with the code {area_code}."


class UnknownFacility(DomainError):
    code = "unknown-facility"
    template = "There is no facility with the code {facility_code}."


class WrongAreaLevel(DomainError):
    code = "wrong-area-level"
    template = "The area {area_code} is a {actual}; a {expected} is needed here."


class InvalidRelation(DomainError):
    code = "invalid-relation"
    template = "{reason}"


# --- conflicts ----------------------------------------------------------------------------


class DuplicateIdentifier(DomainError):
    code = "duplicate-identifier"
    kind = "conflict"
    template = "A person with this {kind} number is already registered."
    existing: Any = None  # the person holding it, when the caller may see them


class PossibleDuplicate(DomainError):
    """A near match was found and the worker has not yet confirmed it is someone else."""

    code = "possible-duplicate"
    kind = "conflict"
    template = "{count} similar people are already registered; confirm that this is someone else."
    matches: Any = ()  # the near matches (domain.matching.NearMatch) to confirm against


class FamilyLimitReached(DomainError):
    code = "family-limit"
    kind = "conflict"
    template = "An account can manage at most {limit} people."


class UsernameTaken(DomainError):
    code = "username-taken"
    kind = "conflict"
    template = "The username {username} is already taken."


class IdempotencyKeyReused(DomainError):
    code = "idempotency-key-reused"
    kind = "invalid"
    template = "This Idempotency-Key was already used for a different request."


class RequestInProgress(DomainError):
    code = "request-in-progress"
    kind = "conflict"
    template = "A request with this Idempotency-Key is still being processed."


class StaleVersion(DomainError):
    code = "stale-version"
    kind = "conflict"
    template = "The record was changed by someone else; reload it and try again."


# --- not found, access --------------------------------------------------------------------


class NotFound(DomainError):
    code = "not-found"
    kind = "not_found"
    template = "No {what} was found with the id {id}."


class UnknownIdentifier(DomainError):
    """Nobody in the registry holds the number (the marriage check names its parties so)."""

    code = "unknown-identifier"
    kind = "not_found"
    template = "Nobody in the registry holds the {kind} number {number}."


class NotAuthenticated(DomainError):
    code = "not-authenticated"
    kind = "unauthorized"
    template = "Please log in."


class BadCredentials(DomainError):
    code = "bad-credentials"
    kind = "unauthorized"
    template = "The username or password is wrong."


class OtpInvalid(DomainError):
    code = "otp-invalid"
    kind = "unauthorized"
    template = "The code is wrong or has expired."


class OtpLocked(DomainError):
    code = "otp-locked"
    kind = "unauthorized"
    template = "Too many wrong codes. Ask for a new code."


class OtpRateLimited(DomainError):
    code = "otp-rate-limited"
    kind = "rate_limited"
    template = "Too many codes were asked for this number. Try again after {minutes} minutes."


class Forbidden(DomainError):
    code = "forbidden"
    kind = "forbidden"
    template = "You are not allowed to {action}."


class OutsideArea(DomainError):
    code = "outside-area"
    kind = "forbidden"
    template = "This record belongs to an area outside yours."


class DoseRefused(DomainError):
    """A dose out of schedule; the vaccinator may record it anyway with an override reason."""

    code = "dose-out-of-schedule"
    template = "{code} cannot be given on {day}: {reason}."


# --- vaccine lots ---------------------------------------------------------------------------


class UnknownLot(DomainError):
    code = "unknown-lot"
    template = "The facility {facility_code} holds no vaccine lot {lot}."


class LotExpired(DomainError):
    code = "lot-expired"
    template = "The vaccine lot {lot} expired on {expiry}; it cannot be given on {day}."


class LotNotForDose(DomainError):
    code = "lot-not-for-dose"
    template = "The vaccine lot {lot} ({product}) is not for the dose {code}."


class DuplicateLot(DomainError):
    code = "duplicate-lot"
    kind = "conflict"
    template = "The facility {facility_code} already holds the lot {lot} of {product}."


# --- pregnancies, deliveries, AEFI --------------------------------------------------------


class NotEligibleForPregnancy(DomainError):
    code = "not-eligible-for-pregnancy"
    template = "This person cannot be registered as pregnant: {reason}."


class PregnancyAlreadyOpen(DomainError):
    code = "pregnancy-already-open"
    kind = "conflict"
    template = "This woman already has an open pregnancy (last period {since})."


class PregnancyClosed(DomainError):
    code = "pregnancy-closed"
    kind = "conflict"
    template = "This pregnancy ended with the delivery on {day}."


class BirthWeightOutOfRange(DomainError):
    code = "birth-weight-out-of-range"
    template = "A birth weight of {grams} g is not possible: it must be between 300 and 6000 g."


class DoseNotForPerson(DomainError):
    """A dose for another group of people (a pregnancy dose for a man or a child); no override
    reason makes it right."""

    code = "dose-not-for-person"
    template = "{code} cannot be given to this person: {reason}."


class AefiInvalid(DomainError):
    code = "invalid-aefi"
    template = "The adverse event report is not complete: {reason}."


# --- certificates -------------------------------------------------------------------------


class CertificateInvalid(DomainError):
    """A SMART Health Card that does not verify: malformed, unknown key, bad signature."""

    code = "certificate-invalid"
    template = "The certificate is not valid: {reason}."


class CertificateRevoked(DomainError):
    code = "certificate-revoked"
    template = "The certificate was revoked on {day}: {reason}."


# --- hospital continuity: eligibility cards and hospital events -------------------------------


class CardInvalid(DomainError):
    """An eligibility card that does not verify: malformed, unknown key, bad signature."""

    code = "card-invalid"
    template = "The eligibility card is not valid: {reason}."


class CardRevoked(DomainError):
    code = "card-revoked"
    template = "The eligibility card was revoked on {day}: {reason}."


class CardExpired(DomainError):
    code = "card-expired"
    template = "The eligibility card is valid from {valid_from} until {valid_until}, not on {day}."


class HospitalEventConflict(DomainError):
    """The same idempotency key (or event id) already recorded a different event."""

    code = "hospital-event-conflict"
    kind = "conflict"
    template = "The event {key} was already recorded with different details."


# --- sessions and bookings ------------------------------------------------------------------


class SessionNotOpen(DomainError):
    code = "session-not-open"
    template = "This session takes no bookings: {reason}."


class NotEligible(DomainError):
    code = "not-eligible"
    template = "Not eligible for {code} at this session: {reason}."


class SlotFull(DomainError):
    code = "slot-full"
    kind = "conflict"
    template = "Slot {slot} of this session is full; choose another slot or session."


class AlreadyBooked(DomainError):
    code = "already-booked"
    kind = "conflict"
    template = "This person already has an active booking for {code}."


class BookingStateConflict(DomainError):
    code = "booking-state-conflict"
    kind = "conflict"
    template = "The booking is {current}; it cannot become {wanted}."


# --- proofs of earlier doses ----------------------------------------------------------------


class NotAnImageOrPdf(DomainError):
    code = "not-an-image-or-pdf"
    kind = "unsupported"
    template = "The file is not an image or PDF: send a JPEG, PNG or WebP photo, or a PDF."


class DocumentTooLarge(DomainError):
    code = "document-too-large"
    kind = "too_large"
    template = "The file is larger than {limit} MB."


class ProofDecided(DomainError):
    code = "proof-decided"
    kind = "conflict"
    template = "This proof was already {status}."


# --- vaccine stock --------------------------------------------------------------------------


class InsufficientStock(DomainError):
    code = "insufficient-stock"
    kind = "conflict"
    template = "The vaccine lot {lot} has {balance} doses in stock; {doses} cannot be taken."


class NoStockForDose(DomainError):
    code = "no-stock-for-dose"
    template = "The facility {facility_code} has no usable stock of {code} on {day}."


# --- legacy record linkage (domain.linkage) ------------------------------------------------


class TooFewRecords(DomainError):
    code = "linkage-too-few-records"
    template = (
        "The source {source} has {records} legacy records; at least {needed} are needed to "
        "train the linkage model. Nothing was written."
    )


class ModelNotTrainable(DomainError):
    code = "linkage-not-trainable"
    template = "The linkage model could not be trained on {source}: {why}. Nothing was written."


# --- imports of exports and sheets (domain.legacy_mapping, domain.legacy_rows) -------------


class MappingError(InvalidInput):
    """The mapping file itself is wrong: nothing is read or written."""

    code = "invalid-mapping"


class ImportFileError(InvalidInput):
    """The file cannot be read as the mapping says (encoding, format, missing column, empty)."""

    code = "unreadable-import-file"


class RowRejected(InvalidInput):
    """One row cannot be taken; the import goes on and the row goes to the rejects file."""

    code = "rejected-row"


# --- household surveys (domain.surveys) ----------------------------------------------------


class DuplicateMember(DomainError):
    """One person listed twice in a household's roster: refused before anything is saved."""

    code = "duplicate-member"
    template = "Members {first} and {second} are the same person listed twice ({why})."


class SurveyStateConflict(DomainError):
    code = "survey-state-conflict"
    kind = "conflict"
    template = "This survey is {status}; it cannot become {wanted}."
