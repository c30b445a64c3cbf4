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
    hospital,
    households,
    legacy,
    lots,
    marriage,
    people,
    pregnancies,
    proofs,
    reports,
    schemes,
    service_records,
    sessions,
    statistics,
    stock,
    surveys,
    vaccinations,
    webhooks,
)


class ApiRoutes:
    """The routers under ``/api/v1``, each included straight into the app: a router nested in
    another router costs every request a second walk through the routes (170 microseconds of
    CPU a request on this app, 5% of a booking)."""

    def __init__(self, app: FastAPI, prefix: str) -> None:
        self.app, self.prefix = app, prefix

    def include_router(self, router: APIRouter) -> None:
        self.app.include_router(router, prefix=self.prefix)


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
    api = ApiRoutes(app, "/api/v1")
    # due_lists before people: /people/lookup is not a person id.
    for module in (auth, areas, due_lists, people, households, vaccinations, lots, stock,
                   sessions, pregnancies, aefi, certificates, proofs, reports, legacy):  # fmt: skip
        api.include_router(module.router)
    api.include_router(conversations.router)
    for module in (schemes, service_records, marriage, statistics):  # the services ledger
        api.include_router(module.router)
    api.include_router(hospital.router)  # hospital continuity: cards and desk events
    api.include_router(surveys.router)  # household surveys and the January update
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
                       larger={proofs.UPLOAD_PATH: upload, PROOF_PATH: upload,
                               ATTEST_PATH: upload})  # fmt: skip
    # Pages and long lists travel compressed to phones on slow networks; small answers as is.
    # Level 5: answers 4% larger than at 6 in 60% of the time (a due list's 3.3 MB of JSON: 50
    # instead of 80 ms on a busy core); 9 is three times slower than 6.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=5)
    # Outermost: WhatsApp's POSTs are answered before the middleware above and the routing
    # (their own body limit, no login, group commit; docs/whatsapp.md).
    app.add_middleware(webhooks.WhatsAppWebhook, ctx=ctx)
    return app
