"""The public page where anyone checks a vaccination certificate: paste the shc:/ text or upload
the QR image or the .smart-health-card file. No login; nothing is stored."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from ...adapters.certificates.verify import jws_of
from ...adapters.schedules import load_schedule
from ...domain.errors import CertificateInvalid, CertificateRevoked
from ...services.certificates import verify_with_issuer
from .forms import text
from .shell import CSRF_FIELD, Page, csrf_token, page_for

router = APIRouter(include_in_schema=False)
NONCE_COOKIE = "sevasetu_verify"


def _form(page: Page, nonce: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    token = csrf_token(page.ctx, "verify:" + nonce)
    response = page.render("verify.html", status_code=status_code, verify_csrf=token, **values)
    response.set_cookie(NONCE_COOKIE, nonce, max_age=3600, httponly=True, samesite="lax",
                        secure=str(page.ctx.settings.base_url).startswith("https://"))  # fmt: skip
    return response


@router.get("/verify")
def verify_form(request: Request) -> HTMLResponse:
    page = page_for(request, login=False)
    nonce = request.cookies.get(NONCE_COOKIE) or secrets.token_urlsafe(16)
    return _form(page, nonce[:64])


@router.post("/verify")
async def verify(request: Request) -> HTMLResponse:
    page = page_for(request, login=False)
    form = await request.form()
    nonce = (request.cookies.get(NONCE_COOKIE) or "")[:64]
    expected = csrf_token(page.ctx, "verify:" + nonce)
    if not nonce or not hmac.compare_digest(text(form, CSRF_FIELD, 100), expected):
        return _form(page, secrets.token_urlsafe(16), 403,
                     message=page._("The form had expired. Please send it again."))  # fmt: skip
    pasted = text(form, "shc", 20_000)
    upload = form.get("file")
    data = b""
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(page.ctx.settings.max_body_bytes + 1)
    if not data:
        data = pasted.encode()
    if not data:
        hint = page._("Paste the shc:/ text, or choose a QR image or a .smart-health-card file.")
        return _form(page, nonce, 422, message=hint)
    if len(data) > page.ctx.settings.max_body_bytes:
        return _form(page, nonce, 422, message=page._("The file is too large."))
    try:
        card = verify_with_issuer(page.ctx, jws_of(data))
    except (CertificateInvalid, CertificateRevoked) as refusal:
        return _form(page, nonce, 200, verdict="invalid", reason=page.error(refusal))
    schedule = load_schedule("india-uip")
    doses = []
    for d in card.doses:
        known = schedule.by_code.get(d.code)
        doses.append({"code": d.code, "antigen": known.antigen if known else "",
                      "given_on": d.given_on.isoformat(), "lot": d.lot})  # fmt: skip
    return _form(page, nonce, 200, verdict="valid", holder=card.holder,
                 birth_date=card.birth_date.isoformat() if card.birth_date else "",
                 issuer=card.issuer, issued_on=card.issued_at.date().isoformat(),
                 doses=doses)  # fmt: skip
