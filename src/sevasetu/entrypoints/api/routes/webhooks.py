"""``/webhooks/whatsapp``: the endpoint a WhatsApp Business Cloud API app points at.

GET is Meta's verification handshake. POST carries messages and statuses, signed with the
app secret (``X-Hub-Signature-256`` over the raw body, checked before anything is parsed).
Everything in a POST is stored before the 200 goes back (with the POSTs that arrive at the same
time, in one transaction: a group commit); a failure to store answers 500, so Meta sends it
again (for up to 7 days), and the message id makes that repeat harmless.
Payloads not understood are answered 200 and logged, so Meta stops retrying them.
"""

from __future__ import annotations

import hmac
import logging
from functools import partial

import orjson
from fastapi import APIRouter, Query, Response
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from ....adapters.whatsapp.inbound import parse, signature_valid
from ....bootstrap import AppContext
from ....services.whatsapp import Post, Received, Stored, fetch_all_media, store
from ..deps import CtxDep
from ..group_commit import GroupCommit
from ..middleware import _JSON_NUL
from ..problems import problem

log = logging.getLogger("sevasetu.whatsapp")
router = APIRouter(prefix="/webhooks", tags=["webhooks"])
PATH = "/webhooks/whatsapp"
# The webhook's own limit, whatever SEVASETU_MAX_BODY_BYTES says (the POST is answered
# before BodyGuard, by ``WhatsAppWebhook``).
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


class WhatsAppWebhook:
    """``POST /webhooks/whatsapp`` as plain ASGI, ahead of the API's middleware and routing:
    Meta's traffic is the heaviest the server takes and needs none of it (no login, no
    Idempotency-Key, its own body limit). The signature is checked on the raw body, the JSON
    parsed, and what it carries stored by the group commit (``GroupCommit``: the POSTs that
    arrive together written in one transaction); the 200 goes back once that committed. A
    failure to store answers 500, so Meta sends it again."""

    def __init__(self, app: ASGIApp, ctx: AppContext) -> None:
        self.app = app
        self.ctx = ctx
        self.writer: GroupCommit[Post, Stored] = GroupCommit(
            partial(store, ctx), lambda post: store(ctx, [post])[0], name="whatsapp-webhook"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        response = await self.deliver(scope, receive)
        if response is None:
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-length", b"0")]})  # fmt: skip
            await send({"type": "http.response.body", "body": b""})
        else:
            await response(scope, receive, send)

    async def deliver(self, scope: Scope, receive: Receive) -> Response | None:
        """None for the bare 200; else the problem to answer."""
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"")
        body = None if declared.isdigit() and int(declared) > MAX_BYTES else await _body(receive)
        if body is None:
            return problem(413, "body-too-large", f"The body is larger than {MAX_BYTES} bytes.",
                           instance=PATH)  # fmt: skip
        signature = headers.get(b"x-hub-signature-256", b"").decode("latin-1")
        if not signature:
            return problem(401, "webhook-signature-missing",
                           "The X-Hub-Signature-256 header is missing.", instance=PATH)  # fmt: skip
        secret = self.ctx.settings.whatsapp_app_secret
        if not secret or not signature_valid(secret, body, signature):
            return problem(403, "webhook-signature-invalid",
                           "The X-Hub-Signature-256 signature does not match the body.",
                           instance=PATH)  # fmt: skip
        # As BodyGuard refuses it elsewhere: no text holds U+0000 (the regular expression,
        # which tells an escaped backslash apart, only when the bytes may be there).
        if (b"\\u0000" in body or b"\x00" in body) and _JSON_NUL.search(body):
            return problem(400, "malformed-body", "The body holds the NUL character (U+0000), "
                           "which no text may contain.", instance=PATH)  # fmt: skip
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            log.warning("WhatsApp webhook: a signed body that is not JSON (%d bytes)", len(body))
            return None
        messages, statuses = parse(payload)
        if messages or statuses:
            try:
                stored = await self.writer.submit((messages, statuses))
            except Exception:
                log.exception("WhatsApp webhook: not stored; Meta will send it again")
                return problem(500, "internal-error",
                               "Something went wrong on our side; nothing was saved.",
                               instance=PATH)  # fmt: skip
            fetched = 0
            if any(m.media_id for m in stored.new):  # stored: a failure here loses no message
                try:
                    fetched = await run_in_threadpool(fetch_all_media, self.ctx, stored.new)
                except Exception:
                    log.exception("WhatsApp webhook: media of stored messages not kept")
            if log.isEnabledFor(logging.INFO):
                log.info("WhatsApp webhook: %s", Received(len(stored.new), stored.duplicates,
                                                          stored.statuses, fetched))  # fmt: skip
        return None


async def _body(receive: Receive) -> bytes | None:
    """The whole body, or None once it grows past ``MAX_BYTES``."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
