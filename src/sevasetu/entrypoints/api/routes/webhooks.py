"""``/webhooks/whatsapp``: the endpoint a WhatsApp Business Cloud API app points at.

GET is Meta's verification handshake. POST carries messages and statuses, signed with the
app secret (``X-Hub-Signature-256`` over the raw body, checked before anything is parsed).
Everything in a POST is stored before the 200 goes back; a failure to store answers 500, so
Meta sends it again (for up to 7 days), and the message id makes that repeat harmless.
Payloads not understood are answered 200 and logged, so Meta stops retrying them.
"""

from __future__ import annotations

import hmac
import json
import logging

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool

from ....adapters.whatsapp.inbound import parse, signature_valid
from ....services.whatsapp import receive
from ..deps import CtxDep
from ..problems import problem

log = logging.getLogger("sevasetu.whatsapp")
router = APIRouter(prefix="/webhooks", tags=["webhooks"])
PATH = "/webhooks/whatsapp"
# The webhook's own limit, whatever SEVASETU_MAX_BODY_BYTES says: BodyGuard is given it for
# this path (app.py), and the route checks it again.
MAX_BYTES = 1_048_576


@router.get("/whatsapp", summary="Meta's verification handshake", response_class=PlainTextResponse)
def verify(
    ctx: CtxDep,
    mode: str = Query("", alias="hub.mode"),
    token: str = Query("", alias="hub.verify_token"),
    challenge: str = Query("", alias="hub.challenge"),
) -> Response:
    expected = ctx.settings.whatsapp_verify_token
    if mode == "subscribe" and expected and hmac.compare_digest(token.encode(), expected.encode()):
        return PlainTextResponse(challenge)
    return problem(403, "webhook-verification-failed",
                   "The verify token does not match.", instance="/webhooks/whatsapp")  # fmt: skip


async def _body(request: Request) -> bytes | None:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


@router.post("/whatsapp", summary="Messages and delivery statuses from WhatsApp")
async def deliver(request: Request, ctx: CtxDep) -> Response:
    where = "/webhooks/whatsapp"
    body = await _body(request)
    if body is None:
        return problem(413, "body-too-large", f"The body is larger than {MAX_BYTES} bytes.",
                       instance=where)  # fmt: skip
    signature = request.headers.get("x-hub-signature-256")
    if not signature:
        return problem(401, "webhook-signature-missing",
                       "The X-Hub-Signature-256 header is missing.", instance=where)  # fmt: skip
    secret = ctx.settings.whatsapp_app_secret
    if not secret or not signature_valid(secret, body, signature):
        return problem(403, "webhook-signature-invalid",
                       "The X-Hub-Signature-256 signature does not match the body.",
                       instance=where)  # fmt: skip
    try:
        payload = json.loads(body)
    except ValueError:
        log.warning("WhatsApp webhook: a signed body that is not JSON (%d bytes)", len(body))
        return Response(status_code=200)
    messages, statuses = parse(payload)
    received = await run_in_threadpool(receive, ctx, messages, statuses)
    log.info("WhatsApp webhook: %s", received)
    return Response(status_code=200)
