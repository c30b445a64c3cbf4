"""The demo district's immunisation history follows the rules the engine enforces."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from sevasetu.adapters.db import tables as t
from sevasetu.adapters.schedules import load_schedule
from sevasetu.domain.errors import DoseRefused
from sevasetu.domain.schedule import check_dose
from sevasetu.services.demo import load_demo


def test_every_demo_dose_is_one_the_engine_would_have_accepted_on_its_day(ctx):
    summary = load_demo(ctx, people=800, seed=3)
    assert summary.doses > 0
    tree = ctx.area_tree()
    with ctx.uow() as uow:
        conn = uow.conn
        people = {r.id: r for r in conn.execute(select(t.people.c.id, t.people.c.birth_date,
                                                       t.people.c.area_code))}  # fmt: skip
        v = t.vaccinations.c
        rows = conn.execute(
            select(
                v.person_id, v.schedule, v.dose_code, v.given_on, v.product, v.facility_code
            ).order_by(v.person_id, v.schedule, v.given_on, v.dose_code)
        ).all()
        district_of = {f.code: tree.get(f.area_code).path[2] for f in uow.areas.facilities()}
    histories: dict[tuple[str, str], list] = defaultdict(list)
    for row in rows:
        histories[(row.person_id, row.schedule)].append(row)
    refused = []
    for (person_id, name), doses in histories.items():
        schedule, person = load_schedule(name), people[person_id]
        given: dict = {}
        products: dict = {}
        for d in doses:
            try:
                check_dose(schedule, d.dose_code, birth=person.birth_date, on=d.given_on,
                           given=given, flags=tree.flags(person.area_code), products=products,
                           product=d.product or None)  # fmt: skip
            except DoseRefused as refusal:
                refused.append(str(refusal))
            given[d.dose_code], products[d.dose_code] = d.given_on, d.product
    assert refused == []
    schedules = {name for _, name in histories}
    assert {"india-uip", "covid19-india"} <= schedules
    home = {pid: tree.get(p.area_code).path[2] for pid, p in people.items()}
    away = [r for r in rows if r.dose_code == "COVID2" and r.facility_code
            and district_of[r.facility_code] != home[r.person_id]]  # fmt: skip
    assert away, "some second doses were given in another district"
