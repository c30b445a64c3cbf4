"""The child-marriage check and its outreach list (S3, Tala; docs/child-marriage.md).

A registrar names the bride and the groom by an identifier (found the way a department's service
record finds its person: ``service_records.resolve``) or by the person's id, and the day of the
marriage; ``domain.marriage`` judges their ages on the registry's evidence. Every check, allowed,
refused or unknown, is audited with both parties, in the same transaction as nothing else.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..domain.access import Action, Principal, require
from ..domain.areas import Area
from ..domain.errors import Forbidden, InvalidInput, NotFound, Reason, UnknownIdentifier
from ..domain.identifiers import IdentifierKind, error_label, last4, mask, normalize_identifier
from ..domain.marriage import (
    BirthSource,
    Evidence,
    MarriageCheck,
    MinimumAges,
    Party,
    age_on,
    birthday,
    judge_marriage,
    minimum_ages,
    outreach_birth_window,
    year_in_number,
)
from .areas import residences_for
from .audit import audit_denials, record
from .ports import Context, UnitOfWork
from .service_records import Keys, resolve

MARRIAGE_AGES = Path(__file__).resolve().parent.parent / "data" / "marriage_ages.toml"
PERSON_ID = "person_id"


@functools.lru_cache(maxsize=8)
def ages_of_country(country: str, path: Path = MARRIAGE_AGES) -> MinimumAges:
    """The minimum ages the data file sets for ``country`` (18 and 21 when it is not listed)."""
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(
            "marriage_ages",
            reason=Reason("The file {path} cannot be read: {why}.", path=path.name, why=str(exc)),
        ) from None
    return minimum_ages(table, country)


@dataclass(frozen=True, slots=True)
class PartyRef:
    """How the registrar names one party: an identifier kind and number, or a person's id."""

    kind: str | None = None
    number: str | None = None
    person_id: str | None = None


@dataclass(frozen=True, slots=True)
class CheckedMarriage:
    id: str  # the audit entry's subject: quote it on the printed result
    check: MarriageCheck
    checked_by: str


def _evidence(
    ctx: Context, uow: UnitOfWork, state_code: str, party: Party, ref: PartyRef
) -> Evidence:
    field = party.value
    person_id = (ref.person_id or "").strip()
    number = (ref.number or "").strip()
    if bool(person_id) == bool(number):
        raise InvalidInput(
            field,
            reason=Reason(
                "Name each party by an identifier (its kind and number) or by the person's id."
            ),
        )
    shown, named_by, year = "", PERSON_ID, None
    if number:
        value = normalize_identifier(ref.kind or "", number, field=f"{field}.number")
        kind = IdentifierKind(ref.kind or "")
        keys = Keys(state_code, ((kind, ctx.identifier_hash(kind, value), last4(value)),),
                    None, None, None)  # fmt: skip
        found = resolve(uow, keys)
        if found is None:
            raise UnknownIdentifier(
                f"{field}.number", kind=error_label(kind), number=mask(kind, value)
            )
        person_id, named_by, shown = found[0], kind.value, mask(kind, value)
        year = year_in_number(kind, value)
    person = uow.people.get(person_id[:64])
    if person is None or person.state_code != state_code:
        raise NotFound(f"{field}.person_id", what="person", id=person_id)
    facts = uow.marriage.birth_facts(person.state_code, person.id)
    history = uow.people.history(person.state_code, person.id)
    corrected = any(
        str(h.get("snapshot", {}).get("birth_date")) != person.birth_date.isoformat()
        for h in history
    )
    if person.birth_date_estimated:
        source = BirthSource.DECLARED_AGE
    elif facts is not None and facts.born_in_registry:
        source = BirthSource.BIRTH_RECORD
    else:
        source = BirthSource.REGISTRY
    return Evidence(
        person_id=person.id,
        name=person.name,
        sex=person.sex.value,
        birth_date=person.birth_date,
        source=source,
        named_by=named_by,
        number_shown=shown,
        number_birth_year=year,
        registered_by=facts.registered_by if facts else "",
        registered_on=facts.registered_on if facts else None,
        birth_date_corrected=corrected,
    )


@audit_denials
def check_marriage(
    ctx: Context, principal: Principal, bride: PartyRef, groom: PartyRef, on: date | None = None
) -> CheckedMarriage:
    """Judge the couple's ages on the marriage day (today unless given). The parties are looked
    up in the registrar's state, wherever in it they live; the check is audited with both."""
    require(principal, Action.MARRIAGE_CHECK)
    state = principal.state_code
    if state is None:
        raise Forbidden(action=Action.MARRIAGE_CHECK.value)
    day = on or ctx.today()
    ages = ages_of_country(state.split("-")[0])
    with ctx.uow(write=True) as uow:
        b = _evidence(ctx, uow, state, Party.BRIDE, bride)
        g = _evidence(ctx, uow, state, Party.GROOM, groom)
        check = judge_marriage(b, g, day, ages)
        check_id = ctx.new_id()
        record(
            ctx,
            uow,
            actor=principal,
            action="marriage.check",
            subject_type="marriage_check",
            subject_id=check_id,
            state_code=state,
            on=day.isoformat(),
            outcome=check.outcome.value,
            bride=b.person_id,
            groom=g.person_id,
            bride_named_by=b.named_by,
            groom_named_by=g.named_by,
            bride_age=check.bride.age,
            groom_age=check.groom.age,
            reasons=[str(r) for r in check.reasons],
        )
        uow.commit()
    return CheckedMarriage(check_id, check, principal.name)


# --- the outreach list -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AlertPerson:
    id: str
    name: str
    sex: str
    age: int
    birth_date: date
    birth_date_estimated: bool
    turns_on: date  # the day they reach the minimum age
    phone: str | None
    area_code: str
    household_id: str | None
    address: str | None
    head_name: str | None
    marital_status: str | None


@dataclass(frozen=True, slots=True)
class AlertList:
    area: Area
    on: date
    ages: MinimumAges
    people: list[AlertPerson]

    def wards(self) -> list[str]:
        return sorted({p.area_code for p in self.people})


@audit_denials
def marriage_alerts(ctx: Context, principal: Principal, area_code: str) -> AlertList:
    """Girls three years under the bride's minimum age (15-17) and boys three years under the
    groom's (18-20) living in the area, with household, phone and ward, for outreach."""
    _, area, scope, states = residences_for(ctx, principal, Action.MARRIAGE_ALERTS, area_code)
    today = ctx.today()
    ages = ages_of_country(area.path[0])
    windows = [
        ("female", *outreach_birth_window(today, ages.bride)),
        ("male", *outreach_birth_window(today, ages.groom)),
    ]
    with ctx.uow(write=True) as uow:
        uow.defer_durability()
        found = uow.marriage.approaching(states, scope, windows, today) if scope else []
        record(
            ctx,
            uow,
            actor=principal,
            action="marriage_alerts.read",
            subject_type="area",
            subject_id=area.code,
            state_code=area.state_code,
            people=len(found),
        )
        uow.commit()
    people = [
        AlertPerson(
            r.id,
            r.name,
            r.sex,
            age_on(r.birth_date, today),
            r.birth_date,
            r.birth_date_estimated,
            birthday(r.birth_date, ages.bride if r.sex == "female" else ages.groom),
            r.phone or r.household_phone,
            r.area_code,
            r.household_id,
            r.address,
            r.head_name,
            r.marital_status,
        )
        for r in found
    ]
    return AlertList(area, today, ages, people)
