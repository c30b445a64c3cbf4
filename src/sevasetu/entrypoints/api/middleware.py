"""ASGI middleware: body size, encoding and NUL limits, Idempotency-Key replay, and the
answer to a write refused by a state's maintenance window."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ...domain.errors import DomainError, IdempotencyKeyReused, RequestInProgress
from .deps import principal_of
from .problems import domain_problem, problem

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
MAX_KEY_LENGTH = 200


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None once it grows past the limit."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


_NUL_ESCAPED = b"%00"  # in a query string or a form
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000|\x00")  # \u0000 not itself escaped


class BodyGuard:
    """Refuses bodies over the limit (413) and JSON bodies that are not UTF-8 (400), before any
    route sees them; the body is then handed on unchanged."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, larger: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = dict(larger or {})  # path -> its own limit (an upload endpoint)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _NUL_ESCAPED in scope.get("query_string", b""):
            await self._nul(scope, receive, send, "query")
            return
        if scope["type"] != "http" or scope["method"] not in WRITE_METHODS:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        limit = self.larger.get(scope["path"], self.max_bytes)
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, receive, send, limit)
            return
        body = await _read_body(receive, limit)
        if body is None:
            await self._too_large(scope, receive, send, limit)
            return
        content_type = request.headers.get("content-type", "")
        if body and "json" in content_type:
            try:
                body.decode("utf-8")
            except UnicodeDecodeError as exc:
                response = problem(
                    400,
                    "malformed-body",
                    f"The body is not valid UTF-8 (byte {exc.start}).",
                    instance=scope["path"],
                )
                await response(scope, receive, send)
                return
            if _JSON_NUL.search(body):
                await self._nul(scope, receive, send, "body")
                return
        elif _NUL_ESCAPED in body and "form" in content_type:
            await self._nul(scope, receive, send, "body")
            return
        await self.app(scope, _replay(body), send)

    async def _nul(self, scope: Scope, receive: Receive, send: Send, where: str) -> None:
        """No text anywhere holds U+0000: PostgreSQL cannot store it, and no name or number
        needs it."""
        response = problem(
            400,
            f"malformed-{where}",
            f"The {where} holds the NUL character (U+0000), which no text may contain.",
            instance=scope["path"],
        )
        await response(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = problem(
            413,
            "body-too-large",
            f"The body is larger than {limit} bytes.",
            instance=scope["path"],
        )
        await response(scope, receive, send)


_BOUNDARY = re.compile(r'boundary="?([^";,]+)"?', re.IGNORECASE)


def _without_boundary(body: bytes, content_type: str) -> bytes:
    """A multipart body with its boundary taken out: a client that builds the same upload
    again picks a new random boundary, and it is still the same request."""
    found = _BOUNDARY.search(content_type) if "multipart/" in content_type.lower() else None
    return body.replace(found.group(1).encode("latin-1"), b"") if found else body


class Idempotency:
    """A write sent again with the same ``Idempotency-Key`` by the same caller gets the first
    answer back instead of being carried out twice; the same key with a different request is
    refused. Only answers below 500 are kept: after a server error the client may retry."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", []))
        key_raw = headers.get(b"idempotency-key")
        if scope["type"] != "http" or scope["method"] not in WRITE_METHODS or key_raw is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        key = key_raw.decode("latin-1").strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            response = problem(
                400,
                "bad-idempotency-key",
                f"The Idempotency-Key must have 1 to {MAX_KEY_LENGTH} characters.",
                instance=scope["path"],
            )
            await response(scope, receive, send)
            return
        body = await request.body()
        principal = await principal_of(request)
        if principal is None:  # let the route answer 401
            await self.app(scope, _replay(body), send)
            return
        ctx = scope["app"].state.ctx
        state, actor = principal.state_code or "-", principal.actor
        fingerprint = hashlib.sha256(
            scope["method"].encode()
            + b" "
            + scope["path"].encode()
            + b"\n"
            + _without_boundary(body, request.headers.get("content-type", ""))
        ).hexdigest()
        stored = await run_in_threadpool(self._claim, ctx, state, actor, key, fingerprint)
        if stored is not None:
            await self._answer_again(request, stored, fingerprint, scope, receive, send)
            return
        captured: dict[str, Any] = {"status": 500, "headers": [], "body": b""}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = message.get("headers", [])
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")
            await send(message)

        try:
            await self.app(scope, _replay(body), capture)
        finally:
            await run_in_threadpool(self._settle, ctx, state, actor, key, captured)

    @staticmethod
    def _claim(ctx: Any, state: str, actor: str, key: str, fingerprint: str) -> Any:
        with ctx.uow(write=True) as uow:
            stored = uow.idempotency.claim(state, actor, key, fingerprint, ctx.now())
            uow.commit()
        return stored

    @staticmethod
    def _settle(ctx: Any, state: str, actor: str, key: str, captured: dict[str, Any]) -> None:
        with ctx.uow(write=True) as uow:
            if captured["status"] < 500:
                content_type = dict(captured["headers"]).get(b"content-type", b"").decode()
                uow.idempotency.complete(
                    state,
                    actor,
                    key,
                    captured["status"],
                    captured["body"].decode("utf-8", "replace"),
                    content_type,
                    ctx.now(),
                )
            else:
                uow.idempotency.release(state, actor, key)
            uow.commit()

    async def _answer_again(
        self,
        request: Request,
        stored: Any,
        fingerprint: str,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        error: DomainError | None = None
        response: Response
        if stored.request_hash != fingerprint:
            error = IdempotencyKeyReused("Idempotency-Key")
        elif stored.status_code is None:
            error = RequestInProgress("Idempotency-Key")
        if error is not None:
            response = domain_problem(request, error)
        else:
            response = Response(
                stored.body or "",
                status_code=stored.status_code,
                media_type=stored.content_type or "application/json",
                headers={"Idempotent-Replayed": "true"},
            )
        await response(scope, receive, send)


def install_maintenance(app: FastAPI) -> None:
    """A write refused because its state is frozen (``adapters.tenant.freeze``, wherever in the
    request it happened) answers 503 with ``Retry-After``: a problem document on the API, the
    error page with the same sentence on a page; every page shows the banner."""
    from ...domain.maintenance import StateInMaintenance, StateMovedAway
    from ...services.maintenance import banner_lines, retry_after
    from ..web.shell import env, page_for

    def banner(page: Any) -> list[str]:
        state = page.principal.state_code if page.principal is not None else None
        return banner_lines(page.ctx, state, page.lang)

    env.globals["maintenance_banner"] = banner

    async def frozen(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        seconds = retry_after(exc) or 60
        response: Response
        if not request.url.path.startswith("/api/") and "html" in request.headers.get("accept", ""):
            page = await run_in_threadpool(page_for, request, login=False)
            response = page.error_page(exc)
        else:
            window = getattr(exc, "window", None)
            extra = {"until": window.until.isoformat()} if window is not None else {}
            response = domain_problem(request, exc, retry_after=seconds, **extra)
        response.headers["Retry-After"] = str(seconds)
        return response

    app.add_exception_handler(StateInMaintenance, frozen)
    app.add_exception_handler(StateMovedAway, frozen)
