"""Registering, finding, reading and correcting people."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..domain.access import Action, Principal, Reach, Role, can, reach, require, require_area
from ..domain.areas import Area
from ..domain.errors import (
    DomainError,
    DuplicateIdentifier,
    Forbidden,
    NotFound,
    OutsideArea,
    PossibleDuplicate,
    StaleVersion,
)
from ..domain.identifiers import (
    IdentifierKind,
    error_label,
    last4,
    normalize_identifier,
    normalize_phone,
)
from ..domain.matching import BIRTH_YEAR_TOLERANCE, Blocking, NearMatch, near_matches
from ..domain.names import name_key
from ..domain.people import Identifier, Person, corrected, is_secret, new_person, person_details
from .audit import audit_denials, record
from .ports import Context, UnitOfWork


@dataclass(slots=True)
class PersonInput:
    name: str
    sex: str
    area_code: str
    birth_date: date | None = None
    age_years: int | None = None
    phone: str | None = None
    identifiers: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Page:
    items: list[Person]
    page: int
    page_size: int
    has_more: bool


@contextmanager
def fields_under(prefix: str) -> Iterator[None]:
    """Errors raised inside name their field under ``prefix`` (``members[2].``), for a person
    who is one part of a larger form."""
    try:
        yield
    except DomainError as error:
        if prefix and error.field:
            error.field = prefix + error.field
        raise


def build_person(ctx: Context, data: PersonInput, area: Area, field_prefix: str = "") -> Person:
    """Validate what was typed and make the domain object; nothing is written."""
    with fields_under(field_prefix):
        return _build_person(ctx, data, area)


def _build_person(ctx: Context, data: PersonInput, area: Area) -> Person:
    # A number written without its country code is read as the person's country's: a Tala
    # volunteer types 017..., whatever the deployment's own default.
    phone = normalize_phone(data.phone, area.country) if data.phone else None
    details = person_details(
        name=data.name,
        sex=data.sex,
        birth_date=data.birth_date,
        age_years=data.age_years,
        phone=phone,
        today=ctx.today(),
    )
    identifiers = []
    for raw_kind, raw_value in data.identifiers.items():
        value = normalize_identifier(raw_kind, raw_value, field=f"identifiers.{raw_kind}")
        kind = IdentifierKind(raw_kind)
        identifiers.append(
            Identifier(
                kind,
                ctx.identifier_hash(kind, value),
                last4(value),
                None if is_secret(kind) else value,
            )
        )
    return new_person(
        person_id=ctx.new_id(),
        area_code=area.code,
        state_code=area.state_code,
        details=details,
        identifiers=identifiers,
        now=ctx.now(),
    )


def check_not_registered(
    ctx: Context,
    uow: UnitOfWork,
    principal: Principal,
    person: Person,
    *,
    confirm_new: bool,
) -> None:
    """Search before register: an identifier already held is a conflict; a near match on name,
    birth year and village is a warning the worker must confirm."""
    holders = uow.people.holders_of({i.kind: i.lookup_hash for i in person.identifiers})
    if holders:
        kind, holder_id = holders[0]
        error = DuplicateIdentifier("identifiers." + kind.value, kind=error_label(kind))
        existing = uow.people.get(holder_id)
        error.existing = existing if existing and _may_see(ctx, principal, existing) else None
        raise error
    if confirm_new or principal.role is Role.CITIZEN:
        return
    year = person.birth_date.year
    candidates = uow.people.near_candidates(
        person.state_code,
        person.area_code,
        date(year - BIRTH_YEAR_TOLERANCE, 1, 1),
        date(year + BIRTH_YEAR_TOLERANCE, 12, 31),
        Blocking.of(person.name_key),
    )
    matches = near_matches(person.name_key, year, person.area_code, candidates)
    if matches:
        warning = PossibleDuplicate("confirm_new", count=len(matches))
        # The worker compares the masked identifiers too: load them for the few shown.
        warning.matches = [
            NearMatch(found, m.score) for m in matches if (found := uow.people.get(m.person.id))
        ]
        raise warning


@audit_denials
def register_person(
    ctx: Context, principal: Principal, data: PersonInput, *, confirm_new: bool = False
) -> Person:
    require(principal, Action.PERSON_REGISTER)
    area = ctx.area_tree().residence(data.area_code)
    require_area(principal, area)
    person = build_person(ctx, data, area)
    with ctx.uow(write=True) as uow:
        add_new_person(ctx, uow, principal, person, confirm_new=confirm_new)
        uow.commit()
    return person


def add_new_person(
    ctx: Context,
    uow: UnitOfWork,
    principal: Principal,
    person: Person,
    *,
    confirm_new: bool,
    **detail: Any,
) -> None:
    """Search before register, write, audit: every way a person enters the registry."""
    check_not_registered(ctx, uow, principal, person, confirm_new=confirm_new)
    uow.people.add(person, created_by=principal.actor)
    record(
        ctx, uow, actor=principal, action="person.register", subject_type="person",
        subject_id=person.id, state_code=person.state_code, confirmed_new=confirm_new, **detail,
    )  # fmt: skip


def _may_see(ctx: Context, principal: Principal, person: Person) -> bool:
    if principal.role is Role.CITIZEN:
        return False
    return principal.area_code is not None and ctx.area_tree().get(person.area_code).is_within(
        principal.area_code
    )


def readable_person(
    ctx: Context,
    uow: UnitOfWork,
    principal: Principal,
    person_id: str,
    *,
    vaccinating: bool = False,
) -> Person:
    person, _ = _readable(ctx, uow, principal, person_id, vaccinating=vaccinating)
    return person


def _readable(
    ctx: Context, uow: UnitOfWork, principal: Principal, person_id: str, *, vaccinating: bool
) -> tuple[Person, Reach]:
    """The person and the rule that lets the caller read them: their area, or (``vaccinating``,
    for a vaccinator) vaccination anywhere; see ``domain.access.reach``."""
    person = uow.people.get(person_id)
    if person is None:
        raise NotFound("id", what="person", id=person_id)
    try:
        if principal.role is Role.CITIZEN:
            if (person.state_code, person.id) not in uow.accounts.people_of(principal.id):
                raise OutsideArea("id")
            return person, Reach.AREA
        area = ctx.area_tree().get(person.area_code)
        if vaccinating and can(principal, Action.VACCINATION_RECORD):
            return person, reach(principal, area, Action.VACCINATION_RECORD)
        require(principal, Action.PERSON_READ)
        require_area(principal, area)
    except (Forbidden, OutsideArea) as refusal:
        refusal.subject = ("person", person.id, person.state_code)  # for audit_denials
        raise
    return person, Reach.AREA


@audit_denials
def get_person(
    ctx: Context, principal: Principal, person_id: str, *, vaccinating: bool = False
) -> Person:
    """``vaccinating``: read to vaccinate (the schedule, the card), which a vaccinator may do
    for anyone registered; the audit entry says when that rule, not the area, allowed it."""
    with ctx.uow(write=True) as uow:
        uow.defer_durability()
        person, how = _readable(ctx, uow, principal, person_id, vaccinating=vaccinating)
        if principal.role is not Role.CITIZEN:
            extra = {"reach": how.value} if how is Reach.ANYWHERE else {}
            record(
                ctx,
                uow,
                actor=principal,
                action="person.read",
                subject_type="person",
                subject_id=person.id,
                state_code=person.state_code,
                **extra,
            )
        uow.commit()
    return person


@audit_denials
def person_history(ctx: Context, principal: Principal, person_id: str) -> list[dict[str, Any]]:
    with ctx.uow() as uow:
        person = readable_person(ctx, uow, principal, person_id)
        return uow.people.history(person.state_code, person.id)


CORRECTABLE = {"name", "sex", "birth_date", "age_years", "phone", "area_code", "identifiers"}


@audit_denials
def correct_person(
    ctx: Context,
    principal: Principal,
    person_id: str,
    changes: dict[str, Any],
    *,
    reason: str,
    expected_version: int | None = None,
) -> Person:
    """Correct a record. The previous version is kept in the history with who, when and why."""
    if principal.role is not Role.CITIZEN:
        require(principal, Action.PERSON_CORRECT)
    with ctx.uow(write=True) as uow:
        person = readable_person(ctx, uow, principal, person_id)
        if expected_version is not None and expected_version != person.version:
            raise StaleVersion("version")
        area = ctx.area_tree().residence(changes.get("area_code", person.area_code))
        if principal.role is not Role.CITIZEN:
            require_area(principal, area)
        if area.state_code != person.state_code:
            raise OutsideArea("area_code")  # moving between states is a transfer, not a correction
        merged = PersonInput(
            name=changes.get("name", person.name),
            sex=changes.get("sex", person.sex.value),
            area_code=area.code,
            birth_date=changes.get(
                "birth_date", None if "age_years" in changes else person.birth_date
            ),
            age_years=changes.get("age_years"),
            phone=changes.get("phone", person.phone),
            identifiers=changes.get("identifiers", {}),
        )
        draft = build_person(ctx, merged, area)
        if "identifiers" in changes:
            new_hashes = {i.kind: i.lookup_hash for i in draft.identifiers}
            others = [h for h in uow.people.holders_of(new_hashes) if h[1] != person.id]
            if others:
                kind = others[0][0]
                raise DuplicateIdentifier("identifiers." + kind.value, kind=error_label(kind))
        keep_estimated = "birth_date" not in changes and "age_years" not in changes
        updated = corrected(
            person,
            {
                "name": draft.name,
                "sex": draft.sex,
                "area_code": draft.area_code,
                "phone": draft.phone,
                "birth_date": draft.birth_date,
                "birth_date_estimated": person.birth_date_estimated
                if keep_estimated
                else draft.birth_date_estimated,
                "identifiers": draft.identifiers
                if "identifiers" in changes
                else person.identifiers,
            },
            ctx.now(),
        )
        uow.people.add_history(
            person, changed_by=principal.actor, changed_at=ctx.now(), reason=reason
        )
        if not uow.people.update(updated, previous_version=person.version):
            raise StaleVersion("version")
        if "identifiers" in changes:
            uow.people.replace_identifiers(updated)
        record(
            ctx,
            uow,
            actor=principal,
            action="person.correct",
            subject_type="person",
            subject_id=person.id,
            state_code=person.state_code,
            reason=reason,
            fields=sorted(changes),
            version=updated.version,
        )
        uow.commit()
    return updated


@audit_denials
def search_people(
    ctx: Context,
    principal: Principal,
    query: str,
    *,
    area_code: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> Page:
    """Find people by name (any script), mobile, identifier or id, inside the caller's area."""
    require(principal, Action.PERSON_READ)
    tree = ctx.area_tree()
    scope = tree.get(area_code or principal.area_code or "", "area_code")
    require_area(principal, scope)
    state = (
        None if scope.state_code == scope.code and scope.level == "country" else scope.state_code
    )
    area_codes = (
        None
        if scope.level in ("country", "state", "division")
        else [a.code for a in tree.within(scope.code)]
    )
    filters = _interpret(ctx, query.strip())
    with ctx.uow(write=True) as uow:
        uow.defer_durability()
        if "hashes" in filters:
            filters["ids"] = [pid for _, pid in uow.people.holders_of(filters.pop("hashes"))]
        items = uow.people.search(
            state_code=state,
            area_codes=area_codes,
            name_key=filters.get("name_key"),
            phone=filters.get("phone"),
            ids=filters.get("ids"),
            offset=(page - 1) * page_size,
            limit=page_size + 1,
        )
        record(
            ctx,
            uow,
            actor=principal,
            action="person.search",
            subject_type="area",
            subject_id=scope.code,
            state_code=scope.state_code,
            query_kind=sorted(filters),
            results=min(len(items), page_size),
            page=page,
        )
        uow.commit()
    return Page(items[:page_size], page, page_size, len(items) > page_size)


def _interpret(ctx: Context, query: str) -> dict[str, Any]:
    """What the search box holds: an id, a number (mobile or identifier), or a name."""
    compact = query.replace(" ", "").replace("-", "")
    if _is_uuid(query):
        return {"ids": [query.lower()]}
    if compact.isascii() and compact.lstrip("+").isalnum() and any(c.isdigit() for c in compact):
        hashes = {}
        for kind in IdentifierKind:
            try:
                hashes[kind] = ctx.identifier_hash(kind, normalize_identifier(kind, compact))
            except DomainError:
                continue
        try:
            phone = normalize_phone(compact, ctx.settings.default_country)
        except DomainError:
            phone = None
        return {"hashes": hashes, "phone": phone}
    return {"name_key": name_key(query)} if query else {}


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False


__all__ = [
    "NearMatch",
    "Page",
    "PersonInput",
    "build_person",
    "check_not_registered",
    "correct_person",
    "get_person",
    "person_history",
    "register_person",
    "search_people",
]
