"""The verifier's queue of proofs of earlier doses, and one proof beside its document, with
Approve and Reject (docs/proofs.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ...adapters.schedules import load_schedule
from ...domain.access import Action
from ...domain.errors import DomainError
from ...domain.proofs import ProofStatus
from ...services import proofs as svc
from ..api.problems import STATUS
from .auth_pages import Form
from .forms import text
from .labels import N_
from .shell import Page, page_for, redirect

router = APIRouter(include_in_schema=False)

IDENTIFIER_WORDS = {
    "aadhaar": N_("Aadhaar"),
    "abha": N_("ABHA number"),
    "certificate": N_("Certificate number"),
    "mcp_card": N_("Mother and child protection card"),
    "other": N_("Other"),
}
STATUS_WORDS = {
    ProofStatus.PENDING: N_("Waiting"),
    ProofStatus.APPROVED: N_("Approved"),
    ProofStatus.REJECTED: N_("Rejected"),
}
DONE = {
    "approved": N_("Approved: the earlier dose is recorded and the booking confirmed."),
    "rejected": N_("Rejected: the booking is cancelled and its place is free again."),
}


@router.get("/proofs")
def proof_queue(request: Request, status: str = "pending", done: str = "") -> HTMLResponse:
    view = page_for(request)
    chosen = (
        ProofStatus(status) if status in ProofStatus._value2member_map_ else ProofStatus.PENDING
    )
    try:
        found = svc.queue(view.ctx, view.user, chosen)
    except DomainError as error:
        return view.error_page(error)
    rows = [
        {"id": p.id, "name": extra["name"], "name_latin": extra["name_latin"],
         "dose": extra["dose_code"], "claimed": p.claim.dose_code,
         "claimed_on": p.claim.given_on.isoformat(), "day": extra["day"].isoformat(),
         "place": view.area_name(extra["area_code"]),
         "uploaded": p.created_at.date().isoformat()}
        for p, extra in found
    ]  # fmt: skip
    return view.render(
        "proofs.html", rows=rows, chosen=chosen.value,
        statuses=[(s.value, view._(w)) for s, w in STATUS_WORDS.items()],
        message=view._(DONE[done]) if done in DONE else None,
    )  # fmt: skip


def _detail(view: Page, proof_id: str, status_code: int = 200, **extra: Any) -> HTMLResponse:
    try:
        found = svc.get_proof(view.ctx, view.user, proof_id[:64])
    except DomainError as error:
        return view.error_page(error)
    proof, claim, document = found.proof, found.proof.claim, found.document
    campaign = load_schedule(found.booking.schedule).campaign
    return view.render(
        "proof.html", status_code=status_code,
        proof={"id": proof.id, "status": proof.status.value,
               "status_words": view._(STATUS_WORDS[proof.status]), "reason": proof.reason,
               "decided_at": proof.decided_at.date().isoformat() if proof.decided_at else "",
               "created_at": proof.created_at.date().isoformat()},
        claim={"dose": claim.dose_code, "given_on": claim.given_on.isoformat(),
               "place": claim.place,
               "identifier": view._(IDENTIFIER_WORDS.get(claim.identifier_kind, N_("Other"))),
               "last": claim.identifier_last},
        person=view.person_row(found.person),
        booking={"dose": found.booking.dose_code, "status": found.booking.status.value,
                 "day": found.session.spec.day.isoformat(),
                 "place": found.session.spec.site or view.area_name(found.session.area_code),
                 "slot": found.booking.slot_number},
        document={"url": f"/api/v1/proofs/{proof.id}/document",
                  "image": document.media_type.startswith("image/"),
                  "media_type": document.media_type,
                  "size_kb": max(1, round(document.size / 1024))},
        can_decide=view.can(Action.PROOF_VERIFY) and proof.status is ProofStatus.PENDING,
        # A campaign dose is recorded with the vaccine the card shows: the verifier names it.
        products=[(p.name, p.title) for p in campaign.products] if campaign else [],
        **extra,
    )  # fmt: skip


@router.get("/proofs/{proof_id}")
def proof_page(request: Request, proof_id: str) -> HTMLResponse:
    return _detail(page_for(request), proof_id)


@router.post("/proofs/{proof_id}/approve", response_model=None)
def approve(request: Request, proof_id: str, form: Form) -> HTMLResponse | RedirectResponse:
    view = page_for(request)
    view.check_csrf(form)
    try:
        svc.approve(view.ctx, view.user, proof_id[:64], text(form, "product", 80) or None)
    except DomainError as error:
        at_field = {"product": view.error(error)} if error.field == "product" else {}
        return _detail(view, proof_id, STATUS.get(error.kind, 400), message=view.error(error),
                       errors=at_field)  # fmt: skip
    return redirect("/proofs?done=approved")


@router.post("/proofs/{proof_id}/reject", response_model=None)
def reject(request: Request, proof_id: str, form: Form) -> HTMLResponse | RedirectResponse:
    view = page_for(request)
    view.check_csrf(form)
    reason = text(form, "reason", 300)
    try:
        svc.reject(view.ctx, view.user, proof_id[:64], reason)
    except DomainError as error:
        return _detail(view, proof_id, STATUS.get(error.kind, 400), message=view.error(error),
                       errors={"reason": view.error(error)} if error.field == "reason" else {},
                       values={"reason": reason})  # fmt: skip
    return redirect("/proofs?done=rejected")
