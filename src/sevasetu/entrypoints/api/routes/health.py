from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from ....adapters.db.migrate import current_revision, head_revision
from ..deps import CtxDep

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Readiness: the database answers and is migrated")
def healthz(ctx: CtxDep) -> JSONResponse:
    try:
        with ctx.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        revision = current_revision(ctx.engine)
    except Exception as exc:  # any failure to reach the database is "down"
        return JSONResponse(
            {"status": "down", "database": "unreachable", "error": type(exc).__name__},
            status_code=503,
        )
    migrated = revision == head_revision()
    body = {
        "status": "ok" if migrated else "degraded",
        "database": ctx.engine.dialect.name,
        "revision": revision,
        "expected_revision": head_revision(),
    }
    return JSONResponse(body, status_code=200 if migrated else 503)


@router.get("/livez", summary="Liveness: the process answers (no database)")
def livez() -> dict[str, str]:
    return {"status": "ok"}
