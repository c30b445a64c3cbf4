"""The demo's services ledger: the bundled schemes of the demo's states, what a household
survey would have recorded of their people (marital status, occupation, disability, chronic
illness), a year of service records for part of them (``adapters.demo.ledger``) and one run of
the duplicate-benefits detection, so the ledger's pages have something real to show."""

from __future__ import annotations

import random
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from ..adapters.db.bulk import bulk_insert
from ..adapters.db.tables import people as people_table
from ..adapters.db.tables import person_attributes as attributes_table
from ..adapters.db.tables import person_identifiers as identifiers_table
from ..adapters.db.tables import service_records as records_table
from ..adapters.demo.ledger import Resident, attributes, service_rows
from ..domain.access import Principal, Role
from ..domain.areas import AreaTree
from .audit import record
from .ports import Context
from .schemes import load_schemes, scheme_files
from .service_records import KEY_ORDER

ACTOR = "system:demo"


@dataclass(frozen=True, slots=True)
class LedgerSummary:
    schemes: int
    records: int
    planted: int  # double benefits planted
    findings: int  # what the detection found


def _operator(state_code: str) -> Principal:
    return Principal(kind="system", id="demo", role=Role.STATE_ADMIN, name="demo",
                     area_code=state_code, state_code=state_code)  # fmt: skip


def load_demo_ledger(ctx: Context, tree: AreaTree, states: set[str], seed: int) -> LedgerSummary:
    """Load the bundled schemes of ``states`` (those with a scheme file), record a year of
    their services for the demo's people, and run the detection once per state."""
    files = []
    for path in scheme_files():
        with path.open("rb") as f:
            state = str(tomllib.load(f).get("state", ""))
        if state in states and state in tree:
            files.append((state, path))
    schemes = []
    for state, path in files:
        schemes += load_schemes(ctx, _operator(state), [path])
    served = sorted({s.state_code for s in schemes})
    if not served:
        return LedgerSummary(0, 0, 0, 0)
    p, i = people_table.c, identifiers_table.c
    with ctx.uow() as uow:
        conn = uow.conn  # type: ignore[attr-defined]
        found = conn.execute(
            select(p.id, p.state_code, p.area_code, p.household_id, p.sex, p.birth_date, p.name,
                   p.name_key, p.phone, p.relation_to_head).where(p.state_code.in_(served))
        ).all()  # fmt: skip
        keys = defaultdict(list)
        for r in conn.execute(
            select(i.person_id, i.kind, i.lookup_hash, i.last4).where(i.state_code.in_(served))
        ):
            keys[r.person_id].append((r.kind, r.lookup_hash, r.last4))
    rng = random.Random(seed * 104_729 + 3)
    known = attributes(rng, [r._asdict() for r in found], ctx.today())
    attribute_rows = [
        {"state_code": r.state_code, "person_id": r.id, **known[r.id], "deceased_on": None,
         "updated_by": ACTOR, "updated_at": ctx.now()}
        for r in found
    ]  # fmt: skip
    order = [k.value for k in KEY_ORDER]
    sizes = Counter(r.household_id for r in found if r.household_id)
    residents = [
        Resident(
            id=r.id,
            state_code=r.state_code,
            area_path=tuple(tree.get(r.area_code).path),
            household_id=r.household_id,
            household_size=sizes.get(r.household_id, 1),
            sex=r.sex,
            birth_date=r.birth_date,
            name=r.name,
            name_key=r.name_key,
            phone=r.phone,
            keys=tuple(
                sorted(keys.get(r.id, []), key=lambda k: order.index(k[0]) if k[0] in order else 99)
            ),
            **known[r.id],
        )  # fmt: skip
        for r in found
    ]
    ledger = service_rows(
        rng, residents, schemes, today=ctx.today(), now=ctx.now(), new_id=ctx.new_id, actor=ACTOR
    )
    findings = 0
    with ctx.uow(write=True) as uow:
        conn = uow.conn  # type: ignore[attr-defined]
        for r in attribute_rows:
            if r["person_id"] in ledger.widowed:
                r["marital_status"] = "widowed"
        bulk_insert(conn, attributes_table, attribute_rows)
        bulk_insert(conn, records_table, ledger.rows)
        per_state = Counter(r["state_code"] for r in ledger.rows)
        for state in served:
            record(
                ctx, uow, actor=ACTOR, action="service_records.add", subject_type="department",
                subject_id="demo", state_code=state, source="demo", added=per_state[state],
                queued=0, already_on_file=0,
            )  # fmt: skip
            uow.benefit_findings.detect(state, None, ctx.now())
            findings += len(uow.benefit_findings.listed(state, None))
            record(ctx, uow, actor=ACTOR, action="benefits.detect", subject_type="area",
                   subject_id=state, state_code=state)  # fmt: skip
        uow.commit()
    return LedgerSummary(len(schemes), len(ledger.rows), sum(ledger.planted.values()), findings)
