"""The Kolkata flow (S1): book a later dose with a proof of the earlier one, and the
verifier's decision on it. See docs/proofs.md."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..domain.access import Action, Principal, Role, can, require
from ..domain.bookings import Booking, BookingStatus
from ..domain.errors import BookingStateConflict, NotFound, OutsideArea
from ..domain.notifications import Kind
from ..domain.people import Person
from ..domain.proofs import (
    ClaimedDose,
    Document,
    DoseProof,
    ProofStatus,
    accept_document,
    evidence,
    identifier_tail,
)
from ..domain.sessions import Session
from .audit import audit_denials, record
from .bookings import hold_pending
from .notifications import booking_params, enqueue, recipient_for
from .people import readable_person
from .ports import Context, UnitOfWork
from .vaccinations import VaccinationInput, record_vaccination


@dataclass(frozen=True, slots=True)
class ClaimInput:
    dose_code: str
    given_on: date
    place: str
    identifier_kind: str
    identifier_value: str


@dataclass(frozen=True, slots=True)
class ProofView:
    proof: DoseProof
    booking: Booking
    person: Person
    session: Session
    document: Document


@audit_denials
def book_with_proof(
    ctx: Context,
    principal: Principal,
    *,
    person_id: str,
    session_id: str,
    slot_number: int,
    dose_code: str,
    claim: ClaimInput,
    content: bytes,
) -> tuple[Booking, DoseProof]:
    """A booking that waits for a verifier, with the uploaded proof, all in one transaction.
    The file is judged by its bytes first: a refusal writes nothing."""
    media_type = accept_document(content, ctx.settings.proof_max_bytes)
    kind, last = identifier_tail(claim.identifier_kind, claim.identifier_value)
    claimed = ClaimedDose(claim.dose_code.strip().upper(), claim.given_on,
                          claim.place.strip()[:120], kind, last)  # fmt: skip
    code = dose_code.strip().upper()
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        person = readable_person(ctx, uow, principal, person_id)
        booking, session = hold_pending(ctx, uow, principal, person, session_id=session_id,
                                        slot_number=slot_number, dose_code=code,
                                        claim=claimed)  # fmt: skip
        document = Document(
            state_code=person.state_code, id=ctx.new_id(), person_id=person.id,
            sha256=hashlib.sha256(content).hexdigest(), media_type=media_type,
            size=len(content), uploaded_by=principal.actor, uploaded_at=now,
        )  # fmt: skip
        uow.proofs.add_document(document, content)
        proof = DoseProof(state_code=person.state_code, id=ctx.new_id(), booking_id=booking.id,
                          document_id=document.id, claim=claimed, created_at=now)  # fmt: skip
        uow.proofs.add(proof)
        record(ctx, uow, actor=principal, action="booking.create_with_proof",
               subject_type="person", subject_id=person.id, state_code=person.state_code,
               booking=booking.id, proof=proof.id, document=document.id,
               sha256=document.sha256, media_type=media_type, session=session.id,
               dose=code, claimed=claimed.dose_code)  # fmt: skip
        uow.commit()
    return booking, proof


def _load(uow: UnitOfWork, proof_id: str) -> tuple[DoseProof, Booking, Session]:
    proof: DoseProof | None = uow.proofs.get(proof_id)
    booking: Booking | None = uow.sessions.booking(proof.booking_id) if proof else None
    if proof is None or booking is None:
        raise NotFound("proof_id", what="proof", id=proof_id)
    session: Session | None = uow.sessions.get(booking.session_id)
    assert session is not None  # a foreign key holds it
    return proof, booking, session


def _verifier_here(ctx: Context, principal: Principal, session: Session) -> bool:
    return (
        can(principal, Action.PROOF_VERIFY)
        and principal.area_code is not None
        and ctx.area_tree().get(session.area_code).is_within(principal.area_code)
    )


def _require_verifier(ctx: Context, principal: Principal, session: Session) -> None:
    require(principal, Action.PROOF_VERIFY)
    if not _verifier_here(ctx, principal, session):
        raise OutsideArea("proof_id")


def _may_read(
    ctx: Context, uow: UnitOfWork, principal: Principal, booking: Booking, session: Session,
    document: Document,
) -> Person:  # fmt: skip
    """The verifier of the session's area, the citizen who uploaded, staff of the person's
    area; anyone else is refused (and audited)."""
    if principal.role is Role.CITIZEN and document.uploaded_by != principal.actor:
        raise OutsideArea("proof_id")
    if _verifier_here(ctx, principal, session):
        person: Person | None = uow.people.get(booking.person_id)
        assert person is not None
        return person
    return readable_person(ctx, uow, principal, booking.person_id)


def _view(ctx: Context, uow: UnitOfWork, principal: Principal, proof_id: str) -> ProofView:
    proof, booking, session = _load(uow, proof_id)
    document: Document | None = uow.proofs.document(proof.state_code, proof.document_id)
    assert document is not None
    person = _may_read(ctx, uow, principal, booking, session, document)
    return ProofView(proof, booking, person, session, document)


@audit_denials
def get_proof(ctx: Context, principal: Principal, proof_id: str) -> ProofView:
    with ctx.uow() as uow:
        return _view(ctx, uow, principal, proof_id)


@audit_denials
def read_document(ctx: Context, principal: Principal, proof_id: str) -> tuple[Document, bytes]:
    """The document's bytes; every read is on the audit trail."""
    with ctx.uow(write=True) as uow:
        view = _view(ctx, uow, principal, proof_id)
        content = uow.proofs.content(view.document.state_code, view.document.id)
        record(ctx, uow, actor=principal, action="proof.document.read", subject_type="person",
               subject_id=view.person.id, state_code=view.person.state_code,
               proof=view.proof.id, document=view.document.id)  # fmt: skip
        uow.defer_durability()
        uow.commit()
    return view.document, content


@audit_denials
def queue(
    ctx: Context, principal: Principal, status: ProofStatus = ProofStatus.PENDING
) -> list[tuple[DoseProof, dict[str, Any]]]:
    """The proofs of bookings at sessions inside the verifier's area, oldest first."""
    require(principal, Action.PROOF_VERIFY)
    if principal.area_code is None:
        raise OutsideArea("area_code")
    codes = [a.code for a in ctx.area_tree().within(principal.area_code)]
    with ctx.uow() as uow:
        found: list[tuple[DoseProof, dict[str, Any]]] = uow.proofs.queue(codes, status)
        return found


def _tell(ctx: Context, uow: UnitOfWork, kind: Kind, view: ProofView, **extra: Any) -> None:
    enqueue(ctx, uow, kind=kind,
            recipient=recipient_for(uow, view.booking.booked_by, view.person),
            state_code=view.person.state_code, dedupe_key=f"{kind.value}:{view.proof.id}",
            params=booking_params(uow, view.person, view.session, view.booking,
                                  claimed=view.proof.claim.dose_code, **extra),
            person_id=view.person.id)  # fmt: skip


@audit_denials
def approve(
    ctx: Context, principal: Principal, proof_id: str, product: str | None = None
) -> ProofView:
    """Record the claimed dose as given elsewhere (back-dated, with the proof as evidence) and
    confirm the booking; the citizen is told. A campaign dose (COVID-19) needs the vaccine
    the card shows, ``product``."""
    with ctx.uow(write=True) as uow:
        view = _view(ctx, uow, principal, proof_id)
        _require_verifier(ctx, principal, view.session)
        proof, booking, claim = view.proof, view.booking, view.proof.claim
        proof.decide(True, by=principal.actor, at=ctx.now())
        if booking.status is not BookingStatus.PENDING_VERIFICATION:
            raise BookingStateConflict("status", current=booking.status.value,
                                       wanted=BookingStatus.BOOKED.value)  # fmt: skip
        record_vaccination(ctx, principal, VaccinationInput(
            person_id=booking.person_id, dose_code=claim.dose_code, given_on=claim.given_on,
            schedule=booking.schedule, backdated=True, product=product or "",
            evidence=evidence(proof.document_id, f"{principal.name} ({principal.actor})"),
        ), within=uow)  # fmt: skip
        booking.move(BookingStatus.BOOKED, ctx.now())
        uow.sessions.save_booking(booking)
        uow.proofs.save(proof)
        _tell(ctx, uow, Kind.PROOF_APPROVED, view)
        record(ctx, uow, actor=principal, action="proof.approve", subject_type="person",
               subject_id=view.person.id, state_code=view.person.state_code, proof=proof.id,
               booking=booking.id, claimed=claim.dose_code,
               claimed_on=claim.given_on.isoformat())  # fmt: skip
        uow.commit()
    return view


@audit_denials
def reject(ctx: Context, principal: Principal, proof_id: str, reason: str) -> ProofView:
    """Cancel the booking with the reason, give its place back; the citizen is told."""
    with ctx.uow(write=True) as uow:
        view = _view(ctx, uow, principal, proof_id)
        _require_verifier(ctx, principal, view.session)
        proof, booking = view.proof, view.booking
        proof.decide(False, by=principal.actor, at=ctx.now(), reason=reason)
        if booking.status is BookingStatus.PENDING_VERIFICATION:
            booking.move(BookingStatus.CANCELLED, ctx.now(), proof.reason)
            uow.sessions.save_booking(booking)
            uow.sessions.give_back_place(booking)
            _tell(ctx, uow, Kind.PROOF_REJECTED, view, reason=proof.reason)
        uow.proofs.save(proof)
        record(ctx, uow, actor=principal, action="proof.reject", subject_type="person",
               subject_id=view.person.id, state_code=view.person.state_code, proof=proof.id,
               booking=booking.id, reason=proof.reason)  # fmt: skip
        uow.commit()
    return view
