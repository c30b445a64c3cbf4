"""Finding a person anywhere by an exact identifier, to vaccinate them (U-WIN: vaccination
anywhere once registered). Only what a vaccinator needs comes back, and every lookup is
audited with the rule that allowed it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..domain.access import Action, Principal, Reach, can, reach
from ..domain.errors import Forbidden, InvalidInput, OutsideArea
from ..domain.identifiers import IdentifierKind, mask, normalize_identifier, normalize_phone
from .audit import audit_denials, record
from .ports import Context

PHONE = "phone"
KINDS = (*(k.value for k in IdentifierKind), PHONE)
MAX_FOUND = 10  # a mobile may be shared by a family; an identifier has one holder


@dataclass(frozen=True, slots=True)
class LookupHit:
    id: str
    name: str
    name_latin: str
    birth_date: date
    sex: str
    identifier: str  # masked: the last 4 digits at most for Aadhaar, NID and mobiles
    area_code: str
    state_code: str
    reach: Reach


@audit_denials
def lookup_person(ctx: Context, principal: Principal, kind: str, value: str) -> list[LookupHit]:
    """Everyone holding this exact identifier (or mobile). A vaccinator finds them in any
    district or state; other staff only inside their own area."""
    action = Action.VACCINATION_RECORD
    if not can(principal, action):
        action = Action.PERSON_READ
        if not can(principal, action):
            raise Forbidden(action=Action.VACCINATION_RECORD.value)
    if kind not in KINDS:
        raise InvalidInput("kind", reason=f"Look up by one of {', '.join(KINDS)}.")
    tree = ctx.area_tree()
    with ctx.uow(write=True) as uow:
        uow.defer_durability()
        if kind == PHONE:
            number = normalize_phone(value, ctx.settings.default_country, field="value")
            shown = "x" * (len(number) - 4) + number[-4:]
            ids = None
        else:
            number = normalize_identifier(kind, value, field="value")
            shown = mask(kind, number)
            hashed = ctx.identifier_hash(IdentifierKind(kind), number)
            ids = [pid for _, pid in uow.people.holders_of({IdentifierKind(kind): hashed})]
        found = (
            uow.people.search(
                state_code=None, area_codes=None, name_key=None,
                phone=number if kind == PHONE else None, ids=ids, offset=0, limit=MAX_FOUND,
            )
            if ids is None or ids
            else []
        )  # fmt: skip
        hits = []
        for person in found:
            try:
                how = reach(principal, tree.get(person.area_code), action)
            except OutsideArea:
                continue  # not a vaccinator: outside the area, as if not there
            hits.append(LookupHit(person.id, person.name, person.name_latin, person.birth_date,
                                  person.sex.value, shown, person.area_code, person.state_code,
                                  how))  # fmt: skip
            record(
                ctx, uow, actor=principal, action="person.lookup", subject_type="person",
                subject_id=person.id, state_code=person.state_code, kind=kind, reach=how.value,
            )  # fmt: skip
        if not hits:
            record(
                ctx, uow, actor=principal, action="person.lookup", subject_type="lookup",
                subject_id=kind, state_code=principal.state_code, kind=kind, results=0,
            )  # fmt: skip
        uow.commit()
    return hits
