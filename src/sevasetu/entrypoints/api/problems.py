"""RFC 9457 problem details: every error the API returns, in one shape.

A domain error becomes a problem with a stable ``type`` (one per error code) and a ``detail``
sentence in the caller's language (Accept-Language), naming the field where one is to blame.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ...adapters.i18n import gettext_for, negotiate
from ...domain.errors import DomainError, Reason

PROBLEM_BASE = "https://sevasetu.org/problems/"
MEDIA_TYPE = "application/problem+json"

STATUS = {
    "invalid": 422,
    "conflict": 409,
    "not_found": 404,
    "forbidden": 403,
    "unauthorized": 401,
    "rate_limited": 429,
    "unavailable": 503,
    "unsupported": 415,
    "too_large": 413,
}

TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal error",
    503: "Service unavailable",
}


def problem_document(
    status: int, code: str, detail: str, *, instance: str | None = None, **extensions: Any
) -> dict[str, Any]:
    return {
        "type": PROBLEM_BASE + code,
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **({"instance": instance} if instance else {}),
        "code": code,
        **extensions,
    }


def problem(
    status: int, code: str, detail: str, *, instance: str | None = None, **extensions: Any
) -> JSONResponse:
    body = problem_document(status, code, detail, instance=instance, **extensions)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def language_of(request: Request) -> str:
    settings = request.app.state.ctx.settings
    return negotiate(
        request.headers.get("accept-language"), settings.languages, settings.default_language
    )


def translate_error(error: DomainError, language: str) -> str:
    _ = gettext_for(language)
    try:
        return _(error.template).format(**_translated(error.params, _))
    except (KeyError, IndexError):
        return error.message()


def translate_reason(reason: str, _: Callable[[str], str]) -> str:
    """A sentence (a Reason: by its template and parameters) in the reader's language."""
    return str(_translated({"reason": reason}, _)["reason"])


def _translated(params: dict[str, Any], _: Callable[[str], str]) -> dict[str, Any]:
    """Each string parameter in the reader's language; a Reason by its template, recursively."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, Reason):
            out[key] = _(value.template).format(**_translated(value.params, _))
        elif isinstance(value, str):
            out[key] = _(value)
        else:
            out[key] = value
    return out


def domain_document(request: Request, error: DomainError, **extensions: Any) -> dict[str, Any]:
    """The problem document for a domain error (also one item's answer inside a batch)."""
    detail = translate_error(error, language_of(request))
    errors = [{"field": error.field, "message": detail}] if error.field else []
    return problem_document(
        STATUS.get(error.kind, 400),
        error.code,
        detail,
        instance=request.url.path,
        **({"errors": errors} if errors else {}),
        **extensions,
    )


def domain_problem(request: Request, error: DomainError, **extensions: Any) -> JSONResponse:
    body = domain_document(request, error, **extensions)
    return problem(**{k: body[k] for k in ("status", "code", "detail")},
                   **{k: v for k, v in body.items() if k not in _FIXED})  # fmt: skip


_FIXED = ("type", "title", "status", "detail", "code")


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or str(loc[0] if loc else "body")


def _message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "This field is not known."
    if kind == "missing":
        return "This field is required."
    return str(err.get("msg", "Invalid value.")).removeprefix("Value error, ")


def validation_document(errs: Sequence[Any], instance: str) -> dict[str, Any]:
    """422 ``invalid-input`` naming every field pydantic refused (also for a batch's item)."""
    errors = [{"field": _field(tuple(e.get("loc", ()))), "message": _message(e)} for e in errs]
    first = errors[0]
    detail = f"{first['field']}: {first['message']}" + (
        f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    )
    return problem_document(422, "invalid-input", detail, instance=instance, errors=errors)


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        from .schemas import conflict_extensions

        return domain_problem(request, exc, **conflict_extensions(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errs = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errs):
            return problem(
                400,
                "malformed-body",
                "The body is not valid JSON in UTF-8.",
                instance=request.url.path,
            )
        return JSONResponse(
            validation_document(errs, request.url.path), status_code=422, media_type=MEDIA_TYPE
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not-found", 405: "method-not-allowed", 401: "not-authenticated"}.get(
            exc.status_code, "http-error"
        )
        return problem(exc.status_code, code, str(exc.detail), instance=request.url.path)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        import logging

        logging.getLogger("sevasetu.api").exception("unhandled error on %s", request.url.path)
        return problem(
            500,
            "internal-error",
            "Something went wrong on our side; nothing was saved.",
            instance=request.url.path,
        )
