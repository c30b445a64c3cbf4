"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from starlette.middleware.gzip import GZipMiddleware

from ...bootstrap import AppContext, bootstrap
from ...config import Settings
from . import problems
from .middleware import BodyGuard, Idempotency
from .routes import (
    aefi,
    areas,
    auth,
    certificates,
    due_lists,
    health,
    households,
    lots,
    people,
    pregnancies,
    sessions,
    vaccinations,
)


def create_app(settings: Settings | None = None, ctx: AppContext | None = None) -> FastAPI:
    ctx = ctx or bootstrap(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        ctx.close()

    app = FastAPI(
        title="sevasetu",
        version="0.1.0",
        lifespan=lifespan,
        description="Beneficiary registry, immunisation and services. Errors are RFC 9457 "
        "problem documents; writes accept an Idempotency-Key header.",
    )
    app.state.ctx = ctx
    api = APIRouter(prefix="/api/v1")
    # due_lists before people: /people/lookup is not a person id.
    for module in (auth, areas, due_lists, people, households, vaccinations, lots, sessions,
                   pregnancies, aefi, certificates):  # fmt: skip
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(health.router)
    app.include_router(certificates.well_known)
    problems.install(app)
    from ..web.routes import install as install_web

    install_web(app)
    # Outermost first: the body is checked before anyone keys a replay on it.
    app.add_middleware(Idempotency)
    app.add_middleware(BodyGuard, max_bytes=ctx.settings.max_body_bytes)
    # Pages and long lists travel compressed to phones on slow networks; small answers as is.
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    return app
