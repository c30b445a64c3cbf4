"""Certificates: SMART Health Cards, the issuer's keys and revocation lists, FHIR R4 records."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from ....domain.errors import InvalidInput
from ....services import certificates as svc
from ....services import fhir_records as records
from ..deps import CtxDep, CurrentPrincipal

router = APIRouter(tags=["certificates"])
well_known = APIRouter(tags=["certificates"])

SHC_MEDIA_TYPE = "application/smart-health-card"
FHIR_MEDIA_TYPE = "application/fhir+json"
PUBLIC = {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=300"}
PRIVATE = {"Cache-Control": "no-store"}


@router.get(
    "/people/{person_id}/certificate.smart-health-card",
    summary="The person's SMART Health Card of every dose given",
    response_class=JSONResponse,
    responses={200: {"content": {SHC_MEDIA_TYPE: {}}}},
)
def smart_health_card(person_id: str, ctx: CtxDep, principal: CurrentPrincipal) -> Response:
    card = svc.issue_card(ctx, principal, person_id)
    return JSONResponse(
        card.file(),
        media_type=SHC_MEDIA_TYPE,
        headers={**PRIVATE, "Content-Disposition":
                 f'attachment; filename="{person_id}.smart-health-card"'},
    )  # fmt: skip


@router.get(
    "/people/{person_id}/certificate.pdf",
    summary="The printed certificate, English beside Bengali or Hindi",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def certificate_pdf(
    person_id: str,
    request: Request,
    ctx: CtxDep,
    principal: CurrentPrincipal,
    lang: Annotated[str | None, Query(pattern="^(en|bn|hi)$")] = None,
) -> Response:
    pdf, card = svc.certificate_pdf(ctx, principal, person_id, lang or _accepted(request))
    disposition = f'inline; filename="{card.certificate_id}.pdf"'
    return Response(
        pdf, media_type="application/pdf", headers={**PRIVATE, "Content-Disposition": disposition}
    )


def _accepted(request: Request) -> str | None:
    """A language the browser names explicitly, else None (the state's language then)."""
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().split("-")[0].lower()
        if code in ("en", "bn", "hi"):
            return code
    return None


@router.get(
    "/people/{person_id}/fhir",
    summary="The person's ImmunizationRecord, a FHIR R4 document Bundle",
    response_class=JSONResponse,
    responses={200: {"content": {FHIR_MEDIA_TYPE: {}}}},
)
def immunization_record(person_id: str, ctx: CtxDep, principal: CurrentPrincipal) -> Response:
    document = records.immunization_record(ctx, principal, person_id)
    return JSONResponse(document, media_type=FHIR_MEDIA_TYPE, headers=PRIVATE)


@router.post(
    "/fhir/Bundle",
    status_code=201,
    summary="Import the doses of a FHIR Bundle as doses given elsewhere, all or nothing",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                FHIR_MEDIA_TYPE: {"schema": {"type": "object"}},
                "application/json": {"schema": {"type": "object"}},
            },
        }
    },  # fmt: skip
)
async def import_bundle(request: Request, ctx: CtxDep, principal: CurrentPrincipal) -> Any:
    try:
        bundle = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("body", reason="The body is not valid JSON in UTF-8.") from None
    from starlette.concurrency import run_in_threadpool

    recorded = await run_in_threadpool(records.import_record, ctx, principal, bundle)
    return {
        "recorded": [
            {"id": v.id, "dose_code": v.dose_code, "given_on": v.given_on.isoformat()}
            for v in recorded
        ]
    }


@well_known.get("/.well-known/jwks.json", summary="The issuer's public keys (SMART Health Cards)")
def jwks(ctx: CtxDep) -> Response:
    return JSONResponse(svc.jwks(ctx), headers=PUBLIC)


@well_known.get("/.well-known/crl/{kid}.json", summary="Revoked cards signed with one key")
def crl(kid: str, ctx: CtxDep) -> Response:
    return JSONResponse(svc.crl(ctx, kid), headers=PUBLIC)
