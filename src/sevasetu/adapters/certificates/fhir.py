"""FHIR R4 resources as plain dicts: the minimised SMART Health Card bundle, the ABDM-style
ImmunizationRecord document, and reading doses back out of either.

Code systems are described in docs/certificates.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ...domain.errors import InvalidInput

DOSE_SYSTEM = "https://sevasetu.org/fhir/CodeSystem/dose"
PERSON_SYSTEM = "https://sevasetu.org/fhir/NamingSystem/person"
CVX = "http://hl7.org/fhir/sid/cvx"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
RECOMMENDATION_STATUS = "http://terminology.hl7.org/CodeSystem/immunization-recommendation-status"
SHC_TYPES = ["https://smarthealth.cards#health-card", "https://smarthealth.cards#immunization"]

# CVX codes for the antigens of our schedules where one is well known; Vitamin A is not a
# vaccine and carries only our own dose code.
CVX_BY_SERIES = {
    "BCG": "19",
    "HEPB0": "08",
    "OPV0": "182",
    "OPV": "182",
    "OPVB": "182",
    "PENTA": "102",
    "DPT": "01",
    "DPTB": "01",
    "RVV": "122",
    "FIPV": "10",
    "PCV": "152",
    "MR": "04",
    "JE": "129",
    "TD10": "139",
    "TD16": "139",
    "TDB": "139",
    "TDP": "139",
}


@dataclass(frozen=True, slots=True)
class Holder:
    name: str
    name_latin: str
    birth_date: date
    sex: str = ""
    person_id: str = ""


@dataclass(frozen=True, slots=True)
class GivenDose:
    code: str
    given_on: date
    lot: str = ""
    product: str = ""
    facility_name: str = ""
    antigen: str = ""
    cvx: str | None = None
    primary_source: bool = True  # given here, not recorded afterwards from a card or portal


@dataclass(frozen=True, slots=True)
class NextDose:
    code: str
    antigen: str
    due_date: date
    status: str  # due | overdue | upcoming
    cvx: str | None = None


def vaccine_code(code: str, cvx: str | None) -> dict[str, Any]:
    coding: list[dict[str, str]] = [{"system": DOSE_SYSTEM, "code": code}]
    if cvx:
        coding.append({"system": CVX, "code": cvx})
    return {"coding": coding}


def _names(holder: Holder) -> list[dict[str, str]]:
    names = [{"text": holder.name_latin or holder.name}]
    if holder.name and holder.name != holder.name_latin:
        names.append({"text": holder.name})
    return names


def shc_bundle(holder: Holder, doses: Iterable[GivenDose]) -> dict[str, Any]:
    """The minimised bundle a SMART Health Card carries: no ids, meta, text or identifiers."""
    entries: list[dict[str, Any]] = [{"fullUrl": "resource:0", "resource": {
        "resourceType": "Patient", "name": _names(holder),
        "birthDate": holder.birth_date.isoformat()}}]  # fmt: skip
    for n, dose in enumerate(doses, start=1):
        resource: dict[str, Any] = {
            "resourceType": "Immunization",
            "status": "completed",
            "vaccineCode": vaccine_code(dose.code, dose.cvx),
            "patient": {"reference": "resource:0"},
            "occurrenceDateTime": dose.given_on.isoformat(),
        }
        if dose.lot:
            resource["lotNumber"] = dose.lot
        entries.append({"fullUrl": f"resource:{n}", "resource": resource})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def shc_payload(issuer: str, nbf: int, bundle: Mapping[str, Any], rid: str) -> dict[str, Any]:
    return {
        "iss": issuer,
        "nbf": nbf,
        "vc": {
            "type": SHC_TYPES,
            "credentialSubject": {"fhirVersion": "4.0.1", "fhirBundle": bundle},
            "rid": rid,
        },
    }


def record_document(
    *,
    document_id: str,
    issued_at: datetime,
    issuer: str,
    holder: Holder,
    doses: Sequence[GivenDose],
    next_doses: Sequence[NextDose],
    ids: Iterable[str],
) -> dict[str, Any]:
    """An ABDM-style ImmunizationRecord: a document Bundle, Composition first."""
    new_id = iter(ids)
    patient_url = f"urn:uuid:{next(new_id)}"
    composition_url = f"urn:uuid:{document_id}"
    patient = {
        "resourceType": "Patient",
        "identifier": [{"system": PERSON_SYSTEM, "value": holder.person_id}],
        "name": _names(holder),
        "gender": holder.sex if holder.sex in ("male", "female", "other") else "unknown",
        "birthDate": holder.birth_date.isoformat(),
    }
    immunizations = []
    for dose in doses:
        resource: dict[str, Any] = {
            "resourceType": "Immunization",
            "status": "completed",
            "vaccineCode": {**vaccine_code(dose.code, dose.cvx), "text": dose.antigen or dose.code},
            "patient": {"reference": patient_url},
            "occurrenceDateTime": dose.given_on.isoformat(),
            "primarySource": dose.primary_source,
        }
        if dose.lot:
            resource["lotNumber"] = dose.lot
        if dose.facility_name:
            resource["performer"] = [{"actor": {"display": dose.facility_name}}]
        immunizations.append((f"urn:uuid:{next(new_id)}", resource))
    recommendation_url = f"urn:uuid:{next(new_id)}"
    recommendation = {
        "resourceType": "ImmunizationRecommendation",
        "patient": {"reference": patient_url},
        "date": issued_at.isoformat(),
        "recommendation": [
            {
                "vaccineCode": [{**vaccine_code(d.code, d.cvx), "text": d.antigen}],
                "forecastStatus": {
                    "coding": [
                        {
                            "system": RECOMMENDATION_STATUS,
                            "code": "overdue" if d.status == "overdue" else "due",
                        }
                    ]
                },  # fmt: skip
                "dateCriterion": [
                    {
                        "code": {
                            "coding": [
                                {"system": LOINC, "code": "30980-7", "display": "Date vaccine due"}
                            ]
                        },
                        "value": d.due_date.isoformat(),
                    }
                ],  # fmt: skip
            }
            for d in next_doses
        ],
    }
    given = [{"reference": u} for u, _ in immunizations]
    sections = [{"title": "Immunizations given", "entry": given}]
    if next_doses:
        sections.append(
            {"title": "Immunizations due", "entry": [{"reference": recommendation_url}]}
        )
    composition = {
        "resourceType": "Composition",
        "status": "final",
        "type": {
            "coding": [{"system": SNOMED, "code": "41000179103", "display": "Immunization record"}]
        },  # fmt: skip
        "subject": {"reference": patient_url},
        "date": issued_at.isoformat(),
        "author": [{"display": issuer}],
        "title": "Immunization record",
        "section": [s for s in sections if s["entry"]] or [{"title": "Immunizations given"}],
    }
    entries = [
        {"fullUrl": composition_url, "resource": composition},
        {"fullUrl": patient_url, "resource": patient},
        *({"fullUrl": u, "resource": r} for u, r in immunizations),
    ]
    if next_doses:
        entries.append({"fullUrl": recommendation_url, "resource": recommendation})
    return {
        "resourceType": "Bundle",
        "identifier": {"system": "urn:ietf:rfc:3986", "value": composition_url},
        "type": "document",
        "timestamp": issued_at.isoformat(),
        "entry": entries,
    }


# --- reading -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReadBundle:
    holder_names: tuple[str, ...]
    birth_date: date | None
    person_id: str | None
    doses: tuple[GivenDose, ...]


def _bad(field: str, reason: str) -> InvalidInput:
    return InvalidInput(field, reason=reason)


def _maps(value: Any) -> list[Mapping[str, Any]]:
    """The objects of a JSON list; anything else (a string, a number) holds none."""
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def read_bundle(bundle: Any) -> ReadBundle:
    """The patient and the completed doses of a Bundle (ours, or one shaped like it)."""
    if not isinstance(bundle, Mapping) or bundle.get("resourceType") != "Bundle":
        raise _bad("resourceType", "The body must be a FHIR Bundle.")
    entries = bundle.get("entry")
    if not isinstance(entries, list) or not entries:
        raise _bad("entry", "The Bundle has no entries.")
    patients, doses = [], []
    for index, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(resource, Mapping):
            raise _bad(f"entry[{index}]", "Each entry must hold a resource.")
        kind = resource.get("resourceType")
        if kind == "Patient":
            patients.append(resource)
        elif kind == "Immunization":
            doses.append(_dose(resource, f"entry[{index}]"))
    if len(patients) != 1:
        raise _bad("entry", "The Bundle must hold exactly one Patient.")
    patient = patients[0]
    names = tuple(
        str(n.get("text") or " ".join(
            [*(str(g) for g in n.get("given", []) if isinstance(n.get("given"), list)),
             str(n.get("family", ""))]).strip())
        for n in _maps(patient.get("name"))
    )  # fmt: skip
    person_id = next(
        (str(i.get("value")) for i in _maps(patient.get("identifier"))
         if i.get("system") == PERSON_SYSTEM), None,
    )  # fmt: skip
    try:
        birth = date.fromisoformat(patient["birthDate"]) if "birthDate" in patient else None
    except (TypeError, ValueError):
        raise _bad("birthDate", "The Patient's birth date is not a date.") from None
    return ReadBundle(names, birth, person_id, tuple(d for d in doses if d is not None))


def _dose(resource: Mapping[str, Any], where: str) -> GivenDose | None:
    if resource.get("status") != "completed":
        return None  # not-done and entered-in-error are not doses given
    codings = _maps(_map(resource.get("vaccineCode")).get("coding"))
    code = next(
        (str(c.get("code")) for c in codings if c.get("system") == DOSE_SYSTEM and c.get("code")),
        None,
    )
    if code is None:
        raise _bad(f"{where}.vaccineCode", "An Immunization has no sevasetu dose code.")
    cvx = next((str(c.get("code")) for c in codings if c.get("system") == CVX), None)
    when = str(resource.get("occurrenceDateTime") or "")
    try:
        given_on = date.fromisoformat(when[:10])
    except ValueError:
        raise _bad(f"{where}.occurrenceDateTime", "An Immunization has no date.") from None
    facility = next(
        (str(p["actor"].get("display", "")) for p in _maps(resource.get("performer"))
         if isinstance(p.get("actor"), Mapping)), "",
    )  # fmt: skip
    return GivenDose(
        code=code,
        given_on=given_on,
        lot=str(resource.get("lotNumber") or ""),
        facility_name=facility,
        cvx=cvx,
    )
