"""Builders for test data: staff users with tokens, people to register, vaccine stock."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from datetime import date
from typing import Any

from sevasetu.bootstrap import AppContext
from sevasetu.domain.access import Principal, Role
from sevasetu.domain.identifiers import verhoeff_check_digit
from sevasetu.domain.lots import VaccineLot
from sevasetu.services.auth import add_user, issue_token
from sevasetu.services.lots import LotInput, add_lot

PASSWORD = "correct horse battery"
NADIA_VILLAGE = "IN-WB-NAD-KN1-DOG"
NADIA_BLOCK = "IN-WB-NAD-KN1"
NADIA = "IN-WB-NAD"
RAIGARH_VILLAGE_PARENT = "IN-CG-RGH"


def state_admin(state: str, user_id: str) -> Principal:
    """A state administrator of ``state``, signed in as the user ``user_id``."""
    return Principal(
        kind="user",
        id=user_id,
        role=Role.STATE_ADMIN,
        name="admin",
        area_code=state,
        state_code=state,
    )


def aadhaar(prefix11: str) -> str:
    return prefix11 + verhoeff_check_digit(prefix11)


def staff(ctx: AppContext, username: str, role: str, area: str, language: str = "en") -> str:
    """Create a user and return a bearer token for them."""
    add_user(
        ctx,
        None,
        username=username,
        password=PASSWORD,
        role=role,
        area_code=area,
        full_name=username.title(),
        language=language,
    )
    return issue_token(ctx, username)


def stock(
    ctx: AppContext,
    facility: str,
    dose_codes: Iterable[str],
    *,
    doses: int = 1000,
    expiry: date = date(2027, 12, 31),
    lot: str = "STOCK-1",
) -> VaccineLot:
    """Give a facility a lot serving these doses, with ``doses`` received: a session can only
    offer a vaccine the facility has in stock."""
    with ctx.uow() as uow:
        (found,) = uow.areas.facilities_by_code([facility])
    area = ctx.area_tree().get(found.area_code)
    keeper = Principal(kind="system", id="tests", role=Role.STATE_ADMIN, name="tests",
                       area_code=area.path[0], state_code=area.state_code)  # fmt: skip
    data = LotInput(product=f"Test vaccine {lot}", lot=lot, expiry=expiry,
                    dose_codes=list(dose_codes), doses_received=doses)  # fmt: skip
    return add_lot(ctx, keeper, facility, data)


def auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def person_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "অমিত দাস",
        "sex": "male",
        "birth_date": "1990-04-12",
        "phone": "9876543210",
        "area_code": NADIA_VILLAGE,
        "identifiers": {"aadhaar": aadhaar("23456789012")},
    }
    body.update(overrides)
    return body


# --- legacy records, staged as an import would leave them (linkage tests) -----------------


def legacy_records(
    ctx: AppContext, source: str, rows: list[dict[str, Any]], *, state_code: str = "IN-WB"
) -> list[str]:
    """Stage legacy records (and their doses) for ``source`` directly, as ``legacy import``
    leaves them; returns the record ids in order. A row has ``source_row_id`` and ``name`` and
    optionally ``sex``, ``birth_date``, ``age_years``/``age_as_of``, ``phone``, ``area_code``,
    ``id_kind``/``id_number`` and ``doses`` as (schedule, dose code, day)."""
    from sevasetu.adapters.db.tables import legacy_doses, legacy_imports, legacy_records
    from sevasetu.domain.identifiers import IdentifierKind
    from sevasetu.domain.names import name_key, to_latin

    now = ctx.now()
    import_id = ctx.new_id()
    records, doses, ids = [], [], []
    for row in rows:
        rid = ctx.new_id()
        ids.append(rid)
        kind = row.get("id_kind")
        records.append(dict(
            state_code=state_code, id=rid, source=source, import_id=import_id,
            source_row_id=row["source_row_id"], name=row["name"], name_latin=to_latin(row["name"]),
            name_key=name_key(row["name"]), sex=row.get("sex"), birth_date=row.get("birth_date"),
            age_years=row.get("age_years"), age_as_of=row.get("age_as_of"),
            phone=row.get("phone"), area_code=row.get("area_code"), area_text="",
            id_kind=kind,
            id_lookup_hash=ctx.identifier_hash(IdentifierKind(kind), row["id_number"])
            if kind else None,
            id_last4=row["id_number"][-4:] if kind else None,
            raw=json.dumps({k: str(v) for k, v in row.items() if k != "doses"}), created_at=now,
        ))  # fmt: skip
        for schedule, code, day in row.get("doses", []):
            doses.append(dict(state_code=state_code, id=ctx.new_id(), record_id=rid,
                              schedule=schedule, dose_code=code, given_on=day, product="",
                              facility_text="", area_code=None, vaccination_id=None))  # fmt: skip
    with ctx.engine.begin() as conn:
        conn.execute(legacy_imports.insert(), [dict(
            state_code=state_code, id=import_id, source=source, file_name=f"{source}.csv",
            file_sha256=import_id.replace("-", "").ljust(64, "0"), mapping_sha256="0" * 64,
            rows_read=len(rows), rows_imported=len(rows), rows_rejected=0,
            imported_by="tests", imported_at=now)])  # fmt: skip
        if records:
            conn.execute(legacy_records.insert(), records)
        if doses:
            conn.execute(legacy_doses.insert(), doses)
    return ids


# --- reconciliation (issue 6): people, doses and link decisions written directly -----------


def reconcile_person(
    ctx: AppContext, area_code: str, name: str, birth: date = date(1980, 1, 1)
) -> str:
    """A registry person living in ``area_code``, written directly; returns the id."""
    from sevasetu.adapters.db.tables import people

    area = ctx.area_tree().get(area_code)
    person_id = ctx.new_id()
    with ctx.engine.begin() as conn:
        conn.execute(people.insert(), [{
            "state_code": area.state_code, "id": person_id, "area_code": area_code, "name": name,
            "name_latin": name, "name_key": name.lower(), "sex": "female", "birth_date": birth,
            "birth_date_estimated": False, "version": 1, "created_by": "tests",
            "created_at": ctx.now(), "updated_at": ctx.now(),
        }])  # fmt: skip
    return person_id


def reconcile_dose(
    ctx: AppContext, person_id: str, code: str, given_on: date, facility: str | None, *,
    source: str = "session", schedule: str = "covid19-india",
) -> str:  # fmt: skip
    """A dose on the person's record, written directly (``source`` legacy for a merged one)."""
    from sqlalchemy import select

    from sevasetu.adapters.db.tables import people, vaccinations

    vaccination_id = ctx.new_id()
    with ctx.engine.begin() as conn:
        state = conn.execute(
            select(people.c.state_code).where(people.c.id == person_id)
        ).scalar_one()
        conn.execute(vaccinations.insert(), [{
            "state_code": state, "id": vaccination_id, "person_id": person_id,
            "schedule": schedule, "dose_code": code, "given_on": given_on,
            "facility_code": facility, "product": "covishield", "lot": "", "source": source,
            "evidence": "", "recorded_by": "tests", "recorded_at": ctx.now(),
        }])  # fmt: skip
    return vaccination_id


def link_legacy_record(
    ctx: AppContext, state_code: str, record_id: str, person_id: str | None, decision: str, *,
    weight: float = 9.0, candidate: bool = True,
) -> None:  # fmt: skip
    """The linkage's decision on a staged record (``legacy_records`` above), with its scored
    candidate; ``auto`` and ``linked`` merge the record's doses into the person's history with
    source ``legacy`` and ``legacy_doses.vaccination_id`` set, as linking does."""
    from sqlalchemy import select, update

    from sevasetu.adapters.db.tables import legacy_candidates, legacy_doses, legacy_links

    run_id = ctx.new_id()
    with ctx.engine.begin() as conn:
        if candidate and person_id is not None:
            conn.execute(legacy_candidates.insert(), [{
                "state_code": state_code, "record_id": record_id, "person_id": person_id,
                "run_id": run_id, "match_weight": weight, "match_probability": 0.9,
                "contributions": {"name": weight},
            }])  # fmt: skip
        conn.execute(legacy_links.insert(), [{
            "state_code": state_code, "record_id": record_id, "person_id": person_id,
            "match_weight": weight, "decision": decision, "run_id": run_id,
            "decided_by": "tests", "decided_at": ctx.now(),
        }])  # fmt: skip
        merged = [] if decision not in ("auto", "linked") else list(conn.execute(
            select(legacy_doses).where(legacy_doses.c.record_id == record_id)))  # fmt: skip
    for d in merged:
        assert person_id is not None
        made = reconcile_dose(ctx, person_id, d.dose_code, d.given_on, None, source="legacy",
                              schedule=d.schedule)  # fmt: skip
        with ctx.engine.begin() as conn:
            conn.execute(update(legacy_doses).where(legacy_doses.c.id == d.id)
                         .values(vaccination_id=made))  # fmt: skip


RAIGARH_CHC = "IN-CG-RGH-RGH-CHC"
KATHLI = "IN-CG-RGH-PUS-KTL"


def raigarh_reconciliation(ctx: AppContext) -> dict[str, str]:
    """Raigarh in miniature (people living in Kathli): two complete courses, a CG Teeka first
    dose linked, a Bengal migrant, one waiting for review, one whose candidate was refused, one
    unexplained, one first dose without a second, and a walk-in whose second dose has no
    facility (placed where they live). Returns the person ids by role."""
    first, second = date(2021, 6, 1), date(2021, 9, 1)
    people = {n: reconcile_person(ctx, KATHLI, n) for n in (
        "full", "full2", "teeka", "review", "refused", "nobody", "waiting", "walkin")}  # fmt: skip
    people["migrant"] = reconcile_person(ctx, NADIA_VILLAGE, "migrant")
    for n in ("full", "full2", "waiting", "walkin"):
        reconcile_dose(ctx, people[n], "COVID1", first, RAIGARH_CHC)
    for n in ("full", "full2", "teeka", "migrant", "review", "refused", "nobody"):
        reconcile_dose(ctx, people[n], "COVID2", second, RAIGARH_CHC)
    reconcile_dose(ctx, people["walkin"], "COVID2", second, None, source="backdated")
    reconcile_dose(ctx, people["migrant"], "COVID1", first, "IN-WB-NAD-KN1-CHC")
    teeka, review, refused = legacy_records(ctx, "cg-teeka", [
        {"source_row_id": f"CGT-{n}", "name": n, "doses": [("covid19-india", "COVID1", first)]}
        for n in ("teeka", "review", "refused")], state_code="IN-CG")  # fmt: skip
    link_legacy_record(ctx, "IN-CG", teeka, people["teeka"], "auto", weight=14.0)
    link_legacy_record(ctx, "IN-CG", review, people["review"], "review", weight=6.0)
    link_legacy_record(ctx, "IN-CG", refused, people["refused"], "not_match", weight=3.0)
    return people


AS_OF = date(2021, 6, 1)
ONLY_LEGACY = ["Harabilas Pramanik", "Jhumpa Kuiti", "Nirupama Hazra", "Bhabatosh Sinha",
               "Kshudiram Bera", "Tarapada Jana", "Sukhendu Maity", "Pushpa Dolui",
               "Madhusudan Samanta", "Ilarani Sasmal"]  # fmt: skip


def _age(born: date) -> int:
    return AS_OF.year - born.year - ((AS_OF.month, AS_OF.day) < (born.month, born.day))


def _damaged(rng: random.Random, i: int, p: dict) -> dict:
    """A legacy copy of a registry person, with one kind of damage a portal's data has."""
    name = p["name_latin"]
    row = dict(source_row_id=f"R{i:04d}", name=name, sex=p["sex"], birth_date=p["birth_date"],
               phone=p["phone"], area_code=p["area_code"],
               doses=[("covid19-india", "COVID1", date(2021, 5, 3))])  # fmt: skip
    kind = i % 5
    words = name.split()
    if kind == 0 and len(words) > 1:
        row["name"] = " ".join([words[-1], *words[:-1]])  # surname first
    elif kind == 1:
        row.update(birth_date=None, age_years=_age(p["birth_date"]), age_as_of=AS_OF)
    elif kind == 2:
        at = rng.randrange(1, len(name) - 1)
        row["name"] = name[:at] + rng.choice("aeiou") + name[at + 1 :]  # a typo
    elif kind == 3:
        row["phone"] = None
    else:
        row["name"] = p["name"]  # as written in Bengali
    return row


def _registry_sample(ctx: AppContext, n: int) -> list[dict]:
    from sqlalchemy import select

    from sevasetu.adapters.db.tables import people

    with ctx.engine.connect() as conn:
        rows = conn.execute(
            select(people.c.id, people.c.name, people.c.name_latin, people.c.sex,
                   people.c.birth_date, people.c.phone, people.c.area_code)
            .where(people.c.state_code == "IN-WB", people.c.birth_date < date(2003, 1, 1))
            .order_by(people.c.id)
        ).mappings().all()  # fmt: skip
    return [dict(r) for r in random.Random(5).sample(list(rows), n)]


def legacy_copies(ctx: AppContext, source: str, count: int) -> dict[str, str]:
    """Stage ``count`` damaged copies of West Bengal's registry people (each with a first
    COVID-19 dose) and 10 people only the legacy file knows; truth: record id -> person id
    (empty for those 10)."""
    rng = random.Random(11)
    sample = _registry_sample(ctx, count)
    rows = [_damaged(rng, i, p) for i, p in enumerate(sample)]
    villages = sorted({p["area_code"] for p in sample})
    for j, name in enumerate(ONLY_LEGACY):
        rows.append(dict(source_row_id=f"N{j:03d}", name=name, sex="male",
                         birth_date=date(1950 + 3 * j, 1 + j, 10), area_code=villages[j],
                         doses=[("covid19-india", "COVID1", date(2021, 5, 3))]))  # fmt: skip
    ids = legacy_records(ctx, source, rows)
    truth = {rid: p["id"] for rid, p in zip(ids, sample, strict=False)}
    truth.update({rid: "" for rid in ids[len(sample) :]})
    return truth
