"""Service records from departments: checked, resolved to a person or queued for a clerk,
never dropped (docs/services-ledger.md).

Resolution order (``RESOLVERS``): an identifier the registry holds (Aadhaar, Bangladesh NID,
birth registration, ABHA, voter ID, ration card: the keyed hash, exact), then the phone when it
points at one person (or one person of that name among a family sharing it), then the exact
name key and birth date when they point at one person. The legacy linkage of issue 6 plugs in
as one more ``Resolver`` before the queue. Whatever none of them settles waits for a clerk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..domain.access import Action, Principal, require, require_area
from ..domain.benefits import RecordsRefused, RecordStatus, ServiceRecord
from ..domain.errors import DomainError, InvalidInput, NotFound, OutsideArea, Reason
from ..domain.identifiers import IdentifierKind, last4, normalize_identifier, normalize_phone
from ..domain.names import name_key
from ..domain.schemes import Scheme
from .audit import audit_denials, record
from .people import readable_person
from .ports import Context, UnitOfWork
from .schemes import find_scheme

# The order identifiers are tried in: the ones a person holds only one of come first.
KEY_ORDER = (
    IdentifierKind.AADHAAR,
    IdentifierKind.BD_NID,
    IdentifierKind.BD_BRN,
    IdentifierKind.ABHA,
    IdentifierKind.VOTER_ID,
    IdentifierKind.RATION_CARD,
)
MAX_BATCH = 1000


@dataclass(slots=True)
class ServiceInput:
    department: str
    scheme: str
    reference: str
    delivered_on: date
    amount: float | None = None
    identifiers: dict[str, str] = field(default_factory=dict)
    phone: str | None = None
    name: str | None = None
    birth_date: date | None = None
    area_code: str | None = None


@dataclass(frozen=True, slots=True)
class Keys:
    """What the department knew of the person, canonical and hashed."""

    state_code: str
    hashes: tuple[tuple[IdentifierKind, str, str], ...]  # (kind, lookup hash, last 4)
    phone: str | None
    name_key: str | None
    birth_date: date | None


Resolver = Callable[[UnitOfWork, Keys], tuple[str, str] | None]  # -> (person id, how)


def by_identifier(uow: UnitOfWork, keys: Keys) -> tuple[str, str] | None:
    found: dict[str, str] = {}
    for kind, lookup_hash, _ in keys.hashes:
        holder = uow.service_records.holder(keys.state_code, kind.value, lookup_hash)
        if holder is not None:
            found.setdefault(holder, kind.value)
    if len(found) == 1:  # two identifiers of two people: a clerk decides
        ((person_id, how),) = found.items()
        return person_id, how
    return None


def by_phone(uow: UnitOfWork, keys: Keys) -> tuple[str, str] | None:
    if keys.phone is None:
        return None
    holders = uow.service_records.phone_holders(keys.state_code, keys.phone)
    if len(holders) > 1:  # a family's shared phone: the one of that name (and birth date)
        holders = [h for h in holders if keys.name_key and h[1] == keys.name_key]
        if len(holders) > 1 and keys.birth_date is not None:
            holders = [h for h in holders if h[2] == keys.birth_date]
    return (holders[0][0], "phone") if len(holders) == 1 else None


def by_name_and_birth(uow: UnitOfWork, keys: Keys) -> tuple[str, str] | None:
    if keys.name_key is None or keys.birth_date is None:
        return None
    found = uow.service_records.named_born(keys.state_code, keys.name_key, keys.birth_date)
    return (found[0], "name_birth") if len(found) == 1 else None


RESOLVERS: tuple[Resolver, ...] = (by_identifier, by_phone, by_name_and_birth)


def resolve(uow: UnitOfWork, keys: Keys) -> tuple[str, str] | None:
    for resolver in RESOLVERS:
        found = resolver(uow, keys)
        if found is not None:
            return found
    return None


# --- checking what a department sent --------------------------------------------------------


def _keys(ctx: Context, data: ServiceInput, scheme: Scheme) -> Keys:
    hashes = []
    for raw_kind, raw_value in data.identifiers.items():
        if not (raw_value or "").strip():
            continue
        value = normalize_identifier(raw_kind, raw_value, field=f"identifiers.{raw_kind}")
        kind = IdentifierKind(raw_kind)
        hashes.append((kind, ctx.identifier_hash(kind, value), last4(value)))
    hashes.sort(key=lambda h: KEY_ORDER.index(h[0]) if h[0] in KEY_ORDER else 99)
    country = scheme.state_code.split("-")[0]
    phone = normalize_phone(data.phone, country) if data.phone and data.phone.strip() else None
    key = name_key(data.name) if data.name and data.name.strip() else None
    if not hashes and phone is None and (key is None or data.birth_date is None):
        raise InvalidInput(
            "identifiers",
            reason=Reason(
                "A service record needs an identifier, a phone, or a name and a birth date."
            ),
        )
    return Keys(scheme.state_code, tuple(hashes), phone, key or None, data.birth_date)


def _row(
    ctx: Context, principal: Principal, data: ServiceInput, scheme: Scheme, keys: Keys
) -> dict[str, Any]:
    department = data.department.strip().upper()
    if department != scheme.department:
        raise InvalidInput(
            "department",
            reason=Reason(
                "The scheme {scheme} is given by the department {expected}, not {given}.",
                scheme=scheme.code,
                expected=scheme.department,
                given=department,
            ),
        )
    reference = data.reference.strip()
    if not reference or len(reference) > 80:
        raise InvalidInput(
            "reference",
            reason=Reason(
                "The reference must be the department's own id of the record, 1 to 80 characters."
            ),
        )
    if data.delivered_on > ctx.today():
        raise InvalidInput("delivered_on", reason=Reason("The delivery date is in the future."))
    if data.amount is not None and data.amount < 0:
        raise InvalidInput("amount", reason=Reason("The amount must be a number, 0 or more."))
    area = None
    if data.area_code:
        area = ctx.area_tree().get(data.area_code.strip(), "area_code").code
    first = keys.hashes[0] if keys.hashes else None
    return {
        "state_code": scheme.state_code,
        "id": ctx.new_id(),
        "department": department,
        "scheme_code": scheme.code,
        "reference": reference,
        "delivered_on": data.delivered_on,
        "period_key": scheme.period.key(data.delivered_on),
        "year": data.delivered_on.year,
        "amount": data.amount if data.amount is not None else scheme.amount,
        "status": RecordStatus.QUEUED.value,
        "person_id": None,
        "resolved_by": None,
        "key_kind": first[0].value if first else None,
        "key_hash": first[1] if first else None,
        "key_last4": first[2] if first else None,
        "name": (data.name or "").strip()[:200] or None,
        "name_key": keys.name_key,
        "birth_date": data.birth_date,
        "phone": keys.phone,
        "area_code": area,
        "note": None,
        "created_by": principal.actor,
        "created_at": ctx.now(),
    }


@dataclass(frozen=True, slots=True)
class Outcome:
    index: int
    reference: str
    status: RecordStatus
    person_id: str | None
    resolved_by: str | None
    created: bool  # False: the department's reference was already on file (a re-send)


@audit_denials
def record_services(
    ctx: Context, principal: Principal, items: list[ServiceInput], *, source: str = "api"
) -> list[Outcome]:
    """All the records or none: each resolved or queued; a reference already on file for the
    department is left alone (a re-sent batch or re-imported file changes nothing)."""
    require(principal, Action.SERVICE_RECORD)
    if not items or len(items) > MAX_BATCH * 1000:
        raise InvalidInput(
            "records", reason=Reason("Send between 1 and {n} records.", n=MAX_BATCH * 1000)
        )
    with ctx.uow(write=True) as uow:
        rows, problems = _checked_rows(ctx, uow, principal, items)
        if problems:
            raise RecordsRefused(problems)
        outcomes = _write(uow, rows)
        added = [o for o in outcomes if o.created]
        departments = sorted({r["department"] for _, r, _ in rows})
        for state in sorted({r["state_code"] for _, r, _ in rows}):
            record(
                ctx,
                uow,
                actor=principal,
                action="service_records.add",
                subject_type="department",
                subject_id=",".join(departments)[:36],
                state_code=state,
                source=source,
                added=len(added),
                queued=sum(o.status is RecordStatus.QUEUED for o in added),
                already_on_file=len(outcomes) - len(added),
            )
        uow.commit()
    return outcomes


def _checked_rows(
    ctx: Context, uow: UnitOfWork, principal: Principal, items: list[ServiceInput]
) -> tuple[list[tuple[int, dict[str, Any], Keys]], list[tuple[int, DomainError]]]:
    schemes: dict[str, Scheme] = {}
    rows, problems = [], []
    for index, data in enumerate(items):
        try:
            code = data.scheme.strip().upper()
            if code not in schemes:
                try:
                    schemes[code] = find_scheme(uow, code)
                except NotFound:
                    raise InvalidInput(
                        "scheme", reason=Reason("There is no scheme {code}.", code=code)
                    ) from None
            scheme = schemes[code]
            if principal.state_code != scheme.state_code:
                raise OutsideArea("scheme")
            keys = _keys(ctx, data, scheme)
            rows.append((index, _row(ctx, principal, data, scheme, keys), keys))
        except DomainError as error:
            if isinstance(error, OutsideArea):
                raise
            problems.append((index, error))
    seen: dict[tuple[str, str], int] = {}
    for index, row, _ in rows:
        key = (row["department"], row["reference"])
        if key in seen:
            problems.append(
                (
                    index,
                    InvalidInput(
                        "reference",
                        reason=Reason(
                            "The reference {reference} is listed twice.", reference=row["reference"]
                        ),
                    ),
                )
            )
        seen[key] = index
    return rows, sorted(problems, key=lambda p: p[0])


def _write(uow: UnitOfWork, rows: list[tuple[int, dict[str, Any], Keys]]) -> list[Outcome]:
    by_department: dict[tuple[str, str], list[str]] = {}
    for _, row, _ in rows:
        by_department.setdefault((row["state_code"], row["department"]), []).append(
            row["reference"]
        )
    known = {
        (s, d, ref)
        for (s, d), refs in by_department.items()
        for ref in uow.service_records.known_references(s, d, refs)
    }
    outcomes, fresh = [], []
    for index, row, keys in rows:
        if (row["state_code"], row["department"], row["reference"]) in known:
            outcomes.append(
                Outcome(index, row["reference"], RecordStatus.RESOLVED, None, None, created=False)
            )
            continue
        found = resolve(uow, keys)
        if found is not None:
            row.update(status=RecordStatus.RESOLVED.value, person_id=found[0], resolved_by=found[1])
        fresh.append(row)
        outcomes.append(
            Outcome(
                index,
                row["reference"],
                RecordStatus(row["status"]),
                row["person_id"],
                row["resolved_by"],
                created=True,
            )
        )
    uow.service_records.add_many(fresh)
    return outcomes


# --- the clerk's queue -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Queued:
    record: ServiceRecord
    candidates: list[Any]  # people a clerk may pick


def _areas(ctx: Context, principal: Principal) -> list[str] | None:
    if principal.area_code is None:
        return []
    area = ctx.area_tree().get(principal.area_code)
    if area.level in ("country",) or area.code == area.state_code:
        return None  # the whole state
    return [a.code for a in ctx.area_tree().within(area.code)]


def queued_records(ctx: Context, principal: Principal, limit: int = 100) -> list[Queued]:
    require(principal, Action.SERVICE_RESOLVE)
    if principal.state_code is None:
        return []
    with ctx.uow() as uow:
        found = uow.service_records.queue(principal.state_code, _areas(ctx, principal), limit)
        tree = ctx.area_tree()
        queued = []
        for rec in found:
            people = [uow.people.get(i) for i in uow.service_records.candidates(rec)]
            people = [
                p
                for p in people
                if p is not None and tree.get(p.area_code).is_within(principal.area_code or "")
            ]
            queued.append(Queued(rec, people))
        return queued


@audit_denials
def decide_queued(
    ctx: Context,
    principal: Principal,
    record_id: str,
    *,
    person_id: str | None = None,
    reject_reason: str | None = None,
) -> ServiceRecord:
    """A clerk ties a queued record to a person, or rejects it with the reason; audited."""
    require(principal, Action.SERVICE_RESOLVE)
    reason = (reject_reason or "").strip() or None
    if (person_id is None) == (reason is None):
        raise InvalidInput(
            "person_id",
            reason=Reason("Pick the person the record is about, or reject it with the reason."),
        )
    if reason is not None and len(reason) > 300:
        raise InvalidInput("reason", reason=Reason("The reason is longer than 300 characters."))
    with ctx.uow(write=True) as uow:
        rec = uow.service_records.get(record_id.strip()[:64])
        if rec is None or rec.state_code != principal.state_code:
            raise NotFound("id", what="service record", id=record_id)
        if rec.status is not RecordStatus.QUEUED:
            raise InvalidInput(
                "id",
                reason=Reason(
                    "This service record is no longer waiting: it is {status}.",
                    status=rec.status.value,
                ),
            )
        if rec.area_code:
            require_area(principal, ctx.area_tree().get(rec.area_code))
        if person_id is not None:
            person = readable_person(ctx, uow, principal, person_id.strip())
            if person.state_code != rec.state_code:
                raise NotFound("person_id", what="person", id=person_id)
            uow.service_records.decide(
                rec.state_code,
                rec.id,
                status=RecordStatus.RESOLVED,
                person_id=person.id,
                by="clerk",
                note=None,
            )
        else:
            uow.service_records.decide(
                rec.state_code,
                rec.id,
                status=RecordStatus.REJECTED,
                person_id=None,
                by="clerk",
                note=reason,
            )
        record(
            ctx,
            uow,
            actor=principal,
            action="service_record.resolve" if person_id else "service_record.reject",
            subject_type="service_record",
            subject_id=rec.id,
            state_code=rec.state_code,
            person=person_id,
            reason=reason,
            reference=rec.reference,
        )
        uow.commit()
        decided = uow.service_records.get(rec.id)
    assert decided is not None
    return decided  # type: ignore[no-any-return]


# --- a person's services -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonService:
    record: ServiceRecord
    scheme_name: str
    whose: str | None  # None: the person's own; else the household member's name


def services_of(ctx: Context, principal: Principal, person_id: str) -> list[PersonService]:
    """Every service from every department to the person and to their household."""
    with ctx.uow() as uow:
        person = readable_person(ctx, uow, principal, person_id)
        members = {person.id: None}
        if person.household_id:
            for m in uow.people.in_household(person.state_code, person.household_id):
                members.setdefault(m.id, m.name)
        names = {s.code: s.name for s in uow.schemes.all(person.state_code)}
        records = uow.service_records.of_people(person.state_code, list(members))
    return [
        PersonService(r, names.get(r.scheme_code, r.scheme_code), members[r.person_id])
        for r in records
    ]
