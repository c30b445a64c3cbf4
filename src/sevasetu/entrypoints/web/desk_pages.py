"""Hospital continuity's pages (docs/hospital-continuity.md): a person's eligibility cards (issue,
print the QR code again), and ``/desk``, the hospital desk that works offline: a service worker
keeps the page, its script and the issuer's keys; cards are checked in the browser (WebCrypto);
admissions and discharges wait in IndexedDB and are replayed when the deployment answers."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from ...adapters.certificates.cards import qr_png, qr_svg
from ...domain.access import Action
from ...domain.areas import FacilityKind
from ...domain.errors import DomainError
from ...services import eligibility_cards as cards
from ...services.people import get_person
from ...services.schemes import list_schemes
from ..api.problems import STATUS
from .forms import text
from .labels import N_
from .shell import STATIC, Page, page_for, redirect

router = APIRouter(include_in_schema=False)
SERVICE_WORKER = STATIC / "desk-sw.js"


def _cards_page(view: Page, person_id: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    person = get_person(view.ctx, view.user, person_id)
    issued = cards.cards_of(view.ctx, view.user, person.id)
    schemes = [
        (s.code, s.name_local if view.lang != "en" and s.name_local else s.name)
        for s in list_schemes(view.ctx, person.state_code)
    ]
    return view.render(
        "eligibility_cards.html",
        status_code=status_code,
        person=view.person_row(person),
        cards=issued,
        schemes=schemes,
        today=view.ctx.today(),
        **values,
    )


@router.get("/people/{person_id}/cards")
def person_cards(request: Request, person_id: str) -> HTMLResponse:
    view = page_for(request)
    try:
        return _cards_page(view, person_id[:64])
    except DomainError as error:
        return view.error_page(error)


@router.post("/people/{person_id}/cards", response_model=None)
async def issue_card(request: Request, person_id: str) -> HTMLResponse | RedirectResponse:
    view = page_for(request)
    form = await request.form()
    view.check_csrf(form)
    scheme = text(form, "scheme", 40)
    try:
        card = cards.issue_eligibility_card(view.ctx, view.user, person_id[:64], scheme)
    except DomainError as error:
        try:
            return _cards_page(
                view,
                person_id[:64],
                STATUS.get(error.kind, 400),
                message=view.error(error),
                values={"scheme": scheme},
            )
        except DomainError as other:
            return view.error_page(other)
    return redirect(f"/people/{card.claims.person_id}/cards/{card.card_id}?issued=1")


@router.get("/people/{person_id}/cards/{card_id}")
def card_view(request: Request, person_id: str, card_id: str, issued: str = "") -> HTMLResponse:
    view = page_for(request)
    try:
        card = cards.card_of(view.ctx, view.user, person_id[:64], card_id[:24])
        person = get_person(view.ctx, view.user, person_id[:64])
    except DomainError as error:
        return view.error_page(error)
    scheme = next(
        (s for s in list_schemes(view.ctx, card.state_code) if s.code == card.scheme_code), None
    )
    return view.render(
        "eligibility_card.html",
        card=card,
        person=view.person_row(person),
        scheme_name=(scheme.name_local or scheme.name) if scheme else card.scheme_code,
        qr=qr_svg(card.jws, scale=3),
        issued=bool(issued),
    )


@router.get("/people/{person_id}/cards/{card_id}/qr.png")
def card_png(request: Request, person_id: str, card_id: str) -> Response:
    view = page_for(request)
    try:
        card = cards.card_of(view.ctx, view.user, person_id[:64], card_id[:24])
    except DomainError as error:
        return view.error_page(error)
    return Response(
        qr_png(card.jws, scale=8),
        media_type="image/png",
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="card-{card.id}.png"',
        },
    )


# --- the hospital desk -----------------------------------------------------------------------


DESK_WORDS = {
    "valid": N_("Valid card"),
    "invalid": N_("Not a valid card"),
    "notCard": N_("This is not an eligibility card."),
    "unknownKey": N_(
        "The card was signed with a key this desk does not know. Sync the keys when online."
    ),
    "badSignature": N_("The signature does not match the card: it was changed or forged."),
    "revoked": N_("The card was revoked on {day}: {reason}."),
    "expired": N_("The card is valid from {from} until {until}, not today ({today})."),
    "noKeys": N_("This desk has no keys yet. Open it once while online."),
    "queued": N_("Queued"),
    "recorded": N_("Recorded"),
    "already_recorded": N_("Already recorded"),
    "error": N_("Refused"),
    "admitted": N_("Admission queued."),
    "discharged": N_("Discharge queued."),
    "online": N_("Online"),
    "offlineShort": N_("Offline"),
    "offline": N_("Offline: admissions and discharges wait on this device."),
    "maintenance": N_("The service is in maintenance; the queue is sent again in {seconds} s."),
    "sent": N_("Sent {sent}: {recorded} recorded, {already} already recorded, {refused} refused."),
    "nothing": N_("Nothing waits to be sent."),
    "keysSaved": N_("Keys saved {when}."),
    "admission": N_("Admission"),
    "discharge": N_("Discharge"),
    "discharge_button": N_("Discharge"),
    "login": N_("Log in again to send the queue."),
}


def _desk_words(view: Page) -> dict[str, str]:
    return {key: view._(word) for key, word in DESK_WORDS.items()}


@router.get("/desk")
def desk(request: Request) -> HTMLResponse:
    view = page_for(request)
    user = view.user
    if not view.can(Action.HOSPITAL_EVENT_RECORD.value):
        from ...domain.errors import Forbidden

        return view.error_page(Forbidden(action=Action.HOSPITAL_EVENT_RECORD.value))
    with view.ctx.uow() as uow:
        found = uow.areas.facilities()
    tree = view.ctx.area_tree()
    ours = [f for f in found if user.area_code and tree.get(f.area_code).is_within(user.area_code)]
    ours.sort(key=lambda f: (f.kind is not FacilityKind.HOSPITAL, f.name))
    facilities = [
        (f.code, f.name_local if view.lang != "en" and f.name_local else f.name) for f in ours
    ]
    settings = {"timeZone": str(view.ctx.settings.time_zone), "words": _desk_words(view)}
    return view.render(
        "desk.html",
        facilities=facilities,
        desk_settings=json.dumps(settings, ensure_ascii=False).replace("</", "<\\/"),
    )


@router.get("/desk/keys.json")
def desk_keys(request: Request) -> JSONResponse:
    """The issuer's public keys and every key's revocation list, in one document (public)."""
    return JSONResponse(
        cards.offline_bundle(request.app.state.ctx), headers={"Cache-Control": "no-cache"}
    )


@router.get("/desk-sw.js")
def service_worker() -> Response:
    """Served from the root so that its scope can be ``/desk``."""
    return Response(
        SERVICE_WORKER.read_text(encoding="utf-8"),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "no-cache"},
    )
