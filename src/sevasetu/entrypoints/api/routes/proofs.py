"""Booking with a proof of an earlier dose, and the verifier's queue and decisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ....domain.errors import DocumentTooLarge
from ....domain.proofs import IDENTIFIER_KINDS, DoseProof, ProofStatus
from ....services import proofs as svc
from ..deps import CtxDep, CurrentPrincipal
from ..schemas import Strict
from .sessions import BookingPublic

router = APIRouter(tags=["proofs of earlier doses"])
# What a multipart upload carries besides the file: the other fields and the part headers.
PROOF_FORM_OVERHEAD = 64 * 1024
UPLOAD_PATH = "/api/v1/bookings/with-proof"


class ClaimPublic(BaseModel):
    dose_code: str
    given_on: date
    place: str
    identifier_kind: str
    identifier_last: str


class ProofPublic(BaseModel):
    id: str
    booking_id: str
    document_id: str
    status: str
    claim: ClaimPublic
    decided_by: str | None
    decided_at: datetime | None
    reason: str
    created_at: datetime

    @classmethod
    def of(cls, p: DoseProof) -> ProofPublic:
        c = p.claim
        return cls(
            id=p.id, booking_id=p.booking_id, document_id=p.document_id, status=p.status.value,
            claim=ClaimPublic(dose_code=c.dose_code, given_on=c.given_on, place=c.place,
                              identifier_kind=c.identifier_kind,
                              identifier_last=c.identifier_last),
            decided_by=p.decided_by, decided_at=p.decided_at, reason=p.reason,
            created_at=p.created_at,
        )  # fmt: skip


class DocumentPublic(BaseModel):
    id: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class ProofDetail(ProofPublic):
    booking: BookingPublic
    person: dict[str, Any]
    session: dict[str, Any]
    document: DocumentPublic

    @classmethod
    def of_view(cls, v: svc.ProofView) -> ProofDetail:
        d, p, s = v.document, v.person, v.session
        return cls(
            **ProofPublic.of(v.proof).model_dump(), booking=BookingPublic.of(v.booking),
            person={"id": p.id, "name": p.name, "name_latin": p.name_latin,
                    "sex": p.sex.value, "birth_date": p.birth_date.isoformat()},
            session={"id": s.id, "day": s.spec.day.isoformat(), "area_code": s.area_code,
                     "facility_code": s.spec.facility_code, "site": s.spec.site},
            document=DocumentPublic(id=d.id, media_type=d.media_type, size=d.size,
                                    sha256=d.sha256, uploaded_at=d.uploaded_at),
        )  # fmt: skip


class QueueItem(ProofPublic):
    name: str
    name_latin: str
    dose_code: str
    booking_status: str
    day: date
    area_code: str
    facility_code: str


class BookingWithProof(BaseModel):
    booking: BookingPublic
    proof: ProofPublic


class RejectBody(Strict):
    reason: str = Field(min_length=1, max_length=300)


@router.post(
    "/bookings/with-proof", status_code=201, response_model=BookingWithProof,
    summary="Book a later dose with a proof of the earlier one (waits for a verifier)",
    responses={413: {"description": "the file is too large"},
               415: {"description": "not an image (JPEG, PNG, WebP) or a PDF"},
               409: {"description": "slot full, or already booked"},
               422: {"description": "not eligible even with the claimed dose"}},
)  # fmt: skip
async def book_with_proof(
    ctx: CtxDep,
    principal: CurrentPrincipal,
    person_id: Annotated[str, Form(max_length=36)],
    session_id: Annotated[str, Form(max_length=36)],
    slot_number: Annotated[int, Form(ge=1, le=1000)],
    dose_code: Annotated[str, Form(max_length=12, examples=["PENTA2"])],
    claimed_dose_code: Annotated[str, Form(max_length=12, examples=["PENTA1"])],
    claimed_given_on: Annotated[date, Form()],
    claimed_place: Annotated[str, Form(min_length=1, max_length=120)],
    identifier_kind: Annotated[str, Form(max_length=20, description=", ".join(IDENTIFIER_KINDS))],
    identifier_value: Annotated[str, Form(min_length=1, max_length=40)],
    file: Annotated[UploadFile, File(description="JPEG, PNG, WebP or PDF")],
) -> BookingWithProof:
    limit = ctx.settings.proof_max_bytes
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise DocumentTooLarge("file", limit=round(limit / (1024 * 1024), 1))
    claim = svc.ClaimInput(claimed_dose_code, claimed_given_on, claimed_place, identifier_kind,
                           identifier_value)  # fmt: skip
    booking, proof = await run_in_threadpool(
        lambda: svc.book_with_proof(
            ctx,
            principal,
            person_id=person_id,
            session_id=session_id,
            slot_number=slot_number,
            dose_code=dose_code,
            claim=claim,
            content=content,
        )  # fmt: skip
    )
    return BookingWithProof(booking=BookingPublic.of(booking), proof=ProofPublic.of(proof))


@router.get("/proofs", response_model=list[QueueItem],
            summary="The verifier's queue: proofs for sessions in their area")  # fmt: skip
def proof_queue(
    ctx: CtxDep,
    principal: CurrentPrincipal,
    status: Annotated[ProofStatus, Query()] = ProofStatus.PENDING,
) -> list[QueueItem]:
    return [QueueItem(**ProofPublic.of(p).model_dump(), **extra)
            for p, extra in svc.queue(ctx, principal, status)]  # fmt: skip


@router.get("/proofs/{proof_id}", response_model=ProofDetail,
            summary="A proof with the claimed dose, the person and the booking")  # fmt: skip
def read_proof(proof_id: str, ctx: CtxDep, principal: CurrentPrincipal) -> ProofDetail:
    return ProofDetail.of_view(svc.get_proof(ctx, principal, proof_id))


def document_response(media_type: str, content: bytes) -> Response:
    """The stored bytes as the type sniffed at upload; the browser must not guess another.
    An image is also sandboxed when opened on its own; a PDF is not (Chromium's viewer does
    not run in a sandbox)."""
    policy = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    if media_type.startswith("image/"):
        policy += "; sandbox"
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": "inline", "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store", "Content-Security-Policy": policy,
    })  # fmt: skip


@router.get("/proofs/{proof_id}/document", response_class=Response,
            responses={200: {"content": {"image/png": {}, "application/pdf": {}}}},
            summary="The uploaded document (audited)")  # fmt: skip
def read_document(proof_id: str, ctx: CtxDep, principal: CurrentPrincipal) -> Response:
    document, content = svc.read_document(ctx, principal, proof_id)
    return document_response(document.media_type, content)


class ApproveBody(BaseModel):
    # A campaign dose (COVID-19) is recorded with the vaccine the proof shows.
    product: str | None = Field(default=None, max_length=80, examples=["covishield"])


@router.post("/proofs/{proof_id}/approve", response_model=ProofDetail,
             summary="Accept the proof: record the earlier dose, confirm the booking")  # fmt: skip
def approve(
    proof_id: str, ctx: CtxDep, principal: CurrentPrincipal, body: ApproveBody | None = None
) -> ProofDetail:
    product = body.product if body is not None else None
    return ProofDetail.of_view(svc.approve(ctx, principal, proof_id, product))


@router.post("/proofs/{proof_id}/reject", response_model=ProofDetail,
             summary="Refuse the proof with a reason: the booking is cancelled")  # fmt: skip
def reject(
    proof_id: str, body: RejectBody, ctx: CtxDep, principal: CurrentPrincipal
) -> ProofDetail:
    return ProofDetail.of_view(svc.reject(ctx, principal, proof_id, body.reason))
