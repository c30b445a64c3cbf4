"""The district officer's list of adverse events after immunisation (AEFI) in their area:
serious ones only by default, each with the person, the dose (vaccine, date, lot), severity,
outcome, and when and by whom it was reported. The list is the API's (``services.aefi``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...domain.access import Action
from ...domain.aefi import AefiReport, Outcome, SeriousReason, Severity, Symptom
from ...domain.errors import DomainError, Forbidden
from ...services import aefi as svc
from .labels import N_
from .shell import Page, page_for

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
SEVERITY_WORDS = {
    Severity.MINOR: N_("Minor"),
    Severity.SEVERE: N_("Severe"),
    Severity.SERIOUS: N_("Serious"),
}
OUTCOME_WORDS = {
    Outcome.RECOVERING: N_("Recovering"),
    Outcome.RECOVERED: N_("Recovered"),
    Outcome.RECOVERED_WITH_SEQUELAE: N_("Recovered with lasting effects"),
    Outcome.DIED: N_("Died"),
    Outcome.UNKNOWN: N_("Outcome not known"),
}
REASON_WORDS = {
    SeriousReason.DEATH: N_("death"),
    SeriousReason.LIFE_THREATENING: N_("threat to life"),
    SeriousReason.HOSPITALISATION: N_("admitted to hospital"),
    SeriousReason.DISABILITY: N_("disability"),
    SeriousReason.CONGENITAL_ANOMALY: N_("congenital anomaly"),
    SeriousReason.CLUSTER: N_("one of a cluster"),
}
SYMPTOM_WORDS = {
    Symptom.FEVER: N_("fever"),
    Symptom.LOCAL_REACTION: N_("reaction at the injection site"),
    Symptom.ABSCESS: N_("abscess"),
    Symptom.PERSISTENT_CRYING: N_("persistent crying"),
    Symptom.VOMITING: N_("vomiting"),
    Symptom.DIARRHOEA: N_("diarrhoea"),
    Symptom.RASH: N_("rash"),
    Symptom.SEIZURE: N_("seizure"),
    Symptom.ANAPHYLAXIS: N_("anaphylaxis"),
    Symptom.HYPOTONIC_EPISODE: N_("floppy, unresponsive episode"),
    Symptom.ENCEPHALOPATHY: N_("encephalopathy"),
    Symptom.BCG_LYMPHADENITIS: N_("BCG lymphadenitis"),
    Symptom.SYNCOPE: N_("fainting"),
    Symptom.OTHER: N_("other"),
}


def _at(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _row(view: Page, r: AefiReport, dose: svc.AefiDose | None, zone: ZoneInfo) -> dict[str, Any]:
    given = dose.vaccination if dose else None
    symptoms = [view._(SYMPTOM_WORDS[s]) for s in r.symptoms]
    if r.other_symptoms:
        symptoms.append(r.other_symptoms)
    return {
        "id": r.id, "person_id": r.person_id, "person": dose.person_name if dose else "",
        "dose": r.dose_code, "product": given.product if given else "",
        "given_on": given.given_on.isoformat() if given else "", "lot": given.lot if given else "",
        "severity": r.severity.value, "severity_words": view._(SEVERITY_WORDS[r.severity]),
        "reasons": [view._(REASON_WORDS[w]) for w in r.serious_reasons],
        "outcome": r.outcome.value, "outcome_words": view._(OUTCOME_WORDS[r.outcome]),
        "symptoms": ", ".join(symptoms), "onset": _at(r.onset_at, zone),
        "reported_by": r.reported_by, "recorded_by": dose.recorded_by if dose else r.recorded_by,
        "recorded_at": _at(r.recorded_at, zone), "area": view.area_name(r.area_code),
    }  # fmt: skip


@router.get("/aefi")
def aefi_list(request: Request, show: str = "serious", page: str = "1") -> HTMLResponse:
    view = page_for(request)
    page_no = min(int(page), 10_000) if page.isascii() and page.isdigit() and int(page) else 1
    user = view.user
    if not view.can(Action.AEFI_READ):
        return view.error_page(Forbidden(action=Action.AEFI_READ.value))
    serious_only = show != "all"
    try:
        found, more = svc.list_aefi(view.ctx, user, serious=True if serious_only else None,
                                    page=page_no, page_size=PAGE_SIZE)  # fmt: skip
        doses = svc.doses_of(view.ctx, user, found)
    except DomainError as error:
        return view.error_page(error)
    zone = ZoneInfo(view.ctx.settings.time_zone)
    return view.render(
        "aefi.html", rows=[_row(view, r, doses.get(r.id), zone) for r in found],
        show="serious" if serious_only else "all", page_no=page_no, has_more=more,
        area=view.area_name(user.area_code or ""),
    )  # fmt: skip
