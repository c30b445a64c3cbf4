"""The disaster priority list on the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from sevasetu.domain.vulnerability import Factor
from sevasetu.services.priority import priority_list
from tests.ledger_builders import TALA, TALA_W2, bd_officer, tala


def test_people_and_households_ranked_by_the_documented_score(ctx):
    people = tala(ctx)
    ranked = priority_list(ctx, bd_officer(), TALA)
    by_id = {p.id: p for p in ranked.people}
    abdul = by_id[people["abdul"]]  # 76, disabled, chronically ill, alone
    assert abdul.points == 3 + 3 + 2 + 2 and ranked.people[0].id == abdul.id
    assert set(abdul.factors) == {Factor.AGED, Factor.DISABLED, Factor.CHRONIC, Factor.ALONE}
    assert by_id[people["rafi"]].factors == (Factor.INFANT, Factor.FEMALE_HEADED)
    assert by_id[people["rahima"]].points == 3 + 1
    assert people["jamal"] not in by_id  # dead in March
    assert people["mitu"] not in by_id  # nothing puts her at risk
    assert people["karim"] in by_id and by_id[people["karim"]].points == 1
    assert [(h.points, h.members) for h in ranked.households] == [(10, 1), (4 + 1 + 4, 3)]
    assert ranked.households[1].head == "রহিমা বেগম"
    assert ranked.residents == 5 and TALA_W2 in ranked.wards()
