"""The FastAPI application factory."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from starlette.middleware.gzip import GZipMiddleware

from ...bootstrap import AppContext, bootstrap
from ...config import Settings
from . import problems
from .middleware import BodyGuard, Idempotency, install_maintenance
from .routes import (
    aefi,
    areas,
    auth,
    certificates,
    conversations,
    due_lists,
    health,
    households,
    legacy,
    lots,
    people,
    pregnancies,
    proofs,
    reports,
    schemes,
    service_records,
    sessions,
    stock,
    vaccinations,
    webhooks,
)


def create_app(settings: Settings | None = None, ctx: AppContext | None = None) -> FastAPI:
    ctx = ctx or bootstrap(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if ctx.settings.environment == "production":
            # The started app's objects (some 150,000) leave the cyclic collector's care: each
            # full collection would walk them again, 100 ms on a small server, in the middle of
            # a request (a due list's p95). Only what started up is frozen, once.
            gc.collect()
            gc.freeze()
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
    for module in (auth, areas, due_lists, people, households, vaccinations, lots, stock,
                   sessions, pregnancies, aefi, certificates, proofs, reports, legacy):  # fmt: skip
        api.include_router(module.router)
    api.include_router(conversations.router)
    for module in (schemes, service_records):  # the services ledger
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(webhooks.router)  # outside /api/v1: the address Meta is given
    app.include_router(health.router)
    app.include_router(certificates.well_known)
    problems.install(app)
    install_maintenance(app)  # a frozen state's writes: 503 + Retry-After, page banner
    from ..web.routes import install as install_web

    install_web(app)
    # Outermost first: the body is checked before anyone keys a replay on it.
    app.add_middleware(Idempotency)
    # A proof upload may carry a larger file than any other request: on its endpoint only.
    upload = ctx.settings.proof_max_bytes + proofs.PROOF_FORM_OVERHEAD
    from ..web.booking_pages import PROOF_PATH
    from ..web.report_pages import ATTEST_PATH

    app.add_middleware(BodyGuard, max_bytes=ctx.settings.max_body_bytes,
                       larger={proofs.UPLOAD_PATH: upload, PROOF_PATH: upload, ATTEST_PATH: upload,
                               webhooks.PATH: webhooks.MAX_BYTES})  # fmt: skip
    # Pages and long lists travel compressed to phones on slow networks; small answers as is.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)  # 9: 3x slower
    return app
