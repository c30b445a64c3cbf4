"""Hospital continuity: eligibility cards and the desk's batches of admissions and discharges
(docs/hospital-continuity.md)."""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import AwareDatetime, BaseModel, Field, ValidationError

from ....adapters.certificates.cards import qr_png
from ....domain.hospital_events import MAX_BATCH
from ....services import eligibility_cards as cards
from ....services import hospital_events as events
from ..deps import CtxDep, CurrentPrincipal
from ..problems import domain_document, validation_document
from ..schemas import Strict

router = APIRouter(tags=["hospital continuity"])


class CardRequest(Strict):
    scheme: str = Field(max_length=40, examples=["WB-SWASTHYA-SATHI"])
    valid_until: date | None = Field(default=None, description="default: the scheme's period")


class CardPublic(BaseModel):
    card_id: str
    person_id: str
    state_code: str
    scheme: str
    holder: str
    valid_from: date
    valid_until: date
    kid: str
    jws: str = Field(description="the card: a compact JWS (ES256), also the QR code's text")
    qr_png: str = Field(description="the QR code as a base64 PNG")


class CardRow(BaseModel):
    card_id: str
    scheme: str
    valid_from: date
    valid_until: date
    kid: str
    issued_at: datetime


@router.post(
    "/people/{person_id}/eligibility-cards",
    status_code=201,
    response_model=CardPublic,
    summary="Issue a signed eligibility card for a scheme the person is eligible for",
)
def issue(person_id: str, body: CardRequest, ctx: CtxDep, principal: CurrentPrincipal) -> Any:
    card = cards.issue_eligibility_card(
        ctx, principal, person_id, body.scheme, valid_until=body.valid_until
    )
    c = card.claims
    return CardPublic(
        card_id=c.card_id,
        person_id=c.person_id,
        state_code=c.state_code,
        scheme=c.scheme_code,
        holder=c.holder,
        valid_from=c.valid_from,
        valid_until=c.valid_until,
        kid=card.kid,
        jws=card.jws,
        qr_png=base64.b64encode(qr_png(card.jws)).decode(),
    )


@router.get(
    "/people/{person_id}/eligibility-cards",
    response_model=list[CardRow],
    summary="The eligibility cards issued to a person",
)
def listed(person_id: str, ctx: CtxDep, principal: CurrentPrincipal) -> Any:
    return [
        CardRow(
            card_id=r.id,
            scheme=r.scheme_code,
            valid_from=r.valid_from,
            valid_until=r.valid_until,
            kid=r.kid,
            issued_at=r.issued_at,
        )
        for r in cards.cards_of(ctx, principal, person_id)
    ]


class RevokeRequest(Strict):
    reason: str = Field(min_length=1, max_length=300)


@router.post(
    "/eligibility-cards/{card_id}/revoke",
    status_code=204,
    summary="Revoke a card: desks refuse it once they have synced",
)
def revoke(card_id: str, body: RevokeRequest, ctx: CtxDep, principal: CurrentPrincipal) -> None:
    cards.revoke_eligibility_card(ctx, principal, card_id, body.reason)


class VerifyRequest(Strict):
    card: str = Field(max_length=4000, description="the compact JWS (the QR code's text)")


class VerifiedCard(BaseModel):
    valid: Literal[True] = True
    card_id: str
    person_id: str
    state_code: str
    scheme: str
    scheme_name: str
    holder: str
    valid_from: date
    valid_until: date


@router.post(
    "/eligibility-cards/verify",
    response_model=VerifiedCard,
    summary="Check a card against this issuer's keys, revocations and today's date",
)
def verify(body: VerifyRequest, ctx: CtxDep) -> Any:
    c = cards.verify_with_issuer(ctx, body.card)
    return VerifiedCard(
        card_id=c.card_id,
        person_id=c.person_id,
        state_code=c.state_code,
        scheme=c.scheme_code,
        scheme_name=c.scheme_name,
        holder=c.holder,
        valid_from=c.valid_from,
        valid_until=c.valid_until,
    )


class HospitalEventCreate(Strict):
    id: str = Field(max_length=36, description="a UUID the desk made")
    idempotency_key: str = Field(max_length=80, description="unique per event, made by the desk")
    kind: Literal["admission", "discharge"]
    facility_code: str = Field(max_length=40, examples=["IN-WB-NAD-DH"])
    person_id: str = Field(max_length=36)
    scheme_code: str = Field(max_length=40, examples=["WB-SWASTHYA-SATHI"])
    card_id: str | None = Field(default=None, max_length=24)
    admission_id: str | None = Field(default=None, max_length=36, description="a discharge's")
    admitted_at: AwareDatetime | None = Field(default=None, description="with its offset")
    discharged_at: AwareDatetime | None = Field(default=None, description="with its offset")
    package: str = Field(default="", max_length=200, description="diagnosis or package code")
    amount: float | None = None
    queued_at: AwareDatetime = Field(description="when the desk recorded it (its clock)")


class HospitalEventBatch(Strict):
    events: list[dict[str, Any]] = Field(
        max_length=MAX_BATCH, description="up to 500 HospitalEventCreate objects"
    )


class EventAnswer(BaseModel):
    index: int
    id: str | None
    idempotency_key: str | None
    status: Literal["recorded", "already_recorded", "error"]
    problem: dict[str, Any] | None = None


class EventBatchResult(BaseModel):
    recorded: int
    already_recorded: int
    refused: int
    items: list[EventAnswer]


@router.post(
    "/hospital-events",
    response_model=EventBatchResult,
    summary="Record a desk's admissions and discharges, each exactly once",
)
def record(
    body: HospitalEventBatch, request: Request, ctx: CtxDep, principal: CurrentPrincipal
) -> EventBatchResult:
    answers: dict[int, EventAnswer] = {}
    valid: list[tuple[int, events.EventInput]] = []
    for index, raw in enumerate(body.events):
        try:
            item = HospitalEventCreate.model_validate(raw)
        except ValidationError as exc:
            problem = validation_document(exc.errors(include_url=False), request.url.path)
            answers[index] = EventAnswer(
                index=index,
                id=_text(raw, "id"),
                status="error",
                idempotency_key=_text(raw, "idempotency_key"),
                problem=problem,
            )
            continue
        valid.append((index, events.EventInput(**item.model_dump())))
    outcomes = events.record_hospital_events(ctx, principal, [data for _, data in valid])
    for (index, data), outcome in zip(valid, outcomes, strict=True):
        found = domain_document(request, outcome.error) if outcome.error else None
        answers[index] = EventAnswer.model_validate(
            {
                "index": index,
                "id": data.id,
                "idempotency_key": data.idempotency_key,
                "status": outcome.status,
                "problem": found,
            }
        )
    items = [answers[i] for i in range(len(body.events))]
    count = {s: sum(a.status == s for a in items) for s in ("recorded", "already_recorded")}
    return EventBatchResult(
        recorded=count["recorded"],
        already_recorded=count["already_recorded"],
        refused=len(items) - sum(count.values()),
        items=items,
    )


def _text(raw: Any, key: str) -> str | None:
    value = raw.get(key) if isinstance(raw, dict) else None
    return value[:80] if isinstance(value, str) else None
