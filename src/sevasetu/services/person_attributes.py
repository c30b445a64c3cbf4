"""What the registry does not hold of a person and the schemes ask: disability, chronic
illness, occupation, marital status, death (table ``person_attributes``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..domain.access import Action, Principal, require
from ..domain.eligibility import MARITAL_STATUSES
from ..domain.errors import ImpossibleDate, InvalidInput, Reason, one_of
from .audit import audit_denials, record
from .people import readable_person


def check_attributes(values: dict[str, Any], today: date) -> dict[str, Any]:
    marital = values.get("marital_status")
    if marital is not None and marital not in MARITAL_STATUSES:
        raise InvalidInput(
            "marital_status",
            reason=Reason(
                "The marital status must be {choices}.", choices=one_of(list(MARITAL_STATUSES))
            ),
        )
    occupation = (values.get("occupation") or "").strip().lower().replace(" ", "_") or None
    if occupation is not None and len(occupation) > 40:
        raise InvalidInput(
            "occupation", reason=Reason("The occupation is longer than 40 characters.")
        )
    deceased_on = values.get("deceased_on")
    if deceased_on is not None and deceased_on > today:
        raise ImpossibleDate(
            "deceased_on", value=deceased_on.isoformat(), reason="it is in the future"
        )
    return {
        "disabled": bool(values.get("disabled")),
        "chronic_illness": bool(values.get("chronic_illness")),
        "occupation": occupation,
        "marital_status": marital,
        "deceased_on": deceased_on,
    }


@audit_denials
def set_attributes(
    ctx: Any, principal: Principal, person_id: str, values: dict[str, Any]
) -> dict[str, Any]:
    """Replace the person's attributes (fields left out become unknown/no); audited with the
    values before and after."""
    require(principal, Action.PERSON_CORRECT)
    checked = check_attributes(values, ctx.today())
    with ctx.uow(write=True) as uow:
        person = readable_person(ctx, uow, principal, person_id)
        require(principal, Action.PERSON_CORRECT)
        before = uow.person_attributes.get(person.state_code, person.id)
        uow.person_attributes.put(person.state_code, person.id, checked, principal.actor, ctx.now())
        record(
            ctx,
            uow,
            actor=principal,
            action="person.attributes",
            subject_type="person",
            subject_id=person.id,
            state_code=person.state_code,
            before=_plain(before),
            after=_plain(checked),
        )
        uow.commit()
    return checked


def get_attributes(ctx: Any, principal: Principal, person_id: str) -> dict[str, Any]:
    with ctx.uow() as uow:
        person = readable_person(ctx, uow, principal, person_id)
        return uow.person_attributes.get(person.state_code, person.id)  # type: ignore[no-any-return]


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
