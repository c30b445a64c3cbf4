"""Recording a sarpanch's village completion attestation (docs/reconciliation.md)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from ..domain.access import Action, Principal, require, require_area
from ..domain.attestations import Attestation, check_claim
from ..domain.proofs import accept_document
from .audit import audit_denials, record
from .ports import Context
from .reconciliation import named_schedule


@dataclass(frozen=True, slots=True)
class AttestationInput:
    area_code: str
    schedule: str
    dose_code: str
    claimed_coverage: float
    signed_by: str
    signed_on: date
    document: bytes | None = None  # the scanned certificate: an image or a PDF


@audit_denials
def record_attestation(ctx: Context, principal: Principal, data: AttestationInput) -> Attestation:
    """Keep the claim as signed, for a village or ward inside the officer's area; the report
    compares it with the registry, whatever it says."""
    require(principal, Action.ATTESTATION_RECORD)
    village = ctx.area_tree().residence(data.area_code.strip(), "area_code")
    require_area(principal, village)
    rules = named_schedule(data.schedule)
    dose = rules.dose(data.dose_code.strip().upper())
    coverage, signer = check_claim(claimed_coverage=data.claimed_coverage,
                                   signed_by=data.signed_by, signed_on=data.signed_on,
                                   today=ctx.today())  # fmt: skip
    media_type = sha256 = None
    if data.document:
        media_type = accept_document(data.document, ctx.settings.proof_max_bytes)
        sha256 = hashlib.sha256(data.document).hexdigest()
    attestation = Attestation(
        id=ctx.new_id(), state_code=village.state_code, area_code=village.code,
        schedule=rules.name, dose_code=dose.code, claimed_coverage=coverage, signed_by=signer,
        signed_on=data.signed_on, document_sha256=sha256, document_media_type=media_type,
        recorded_by=principal.actor, recorded_at=ctx.now(),
    )  # fmt: skip
    with ctx.uow(write=True) as uow:
        uow.attestations.add(attestation, data.document or None)
        record(
            ctx, uow, actor=principal, action="attestation.record", subject_type="area",
            subject_id=village.code, state_code=village.state_code, attestation=attestation.id,
            schedule=rules.name, dose=dose.code, claimed=coverage,
            signed_on=data.signed_on.isoformat(), document=sha256,
        )  # fmt: skip
        uow.commit()
    return attestation
