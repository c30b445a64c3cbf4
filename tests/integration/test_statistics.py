"""Area statistics on the database (SQLite and PostgreSQL): every figure checked against the
same figure computed person by person in Python, and the schemes' eligibility rules judged in SQL
exactly as the domain's evaluator judges them."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sevasetu.domain.access import Principal, Role
from sevasetu.domain.eligibility import judge, parse_rules
from sevasetu.domain.statistics import band_of
from sevasetu.services.households import MemberInput, register_household
from sevasetu.services.people import PersonInput, register_person
from sevasetu.services.person_attributes import set_attributes
from sevasetu.services.pregnancies import PregnancyInput, register_pregnancy
from sevasetu.services.schemes import person_facts
from sevasetu.services.statistics import TOTAL, area_statistics
from sevasetu.services.vaccinations import VaccinationInput, record_vaccination
from tests.ledger_builders import TALA, bd_admin, bd_officer, record_tala_services, tala

UNION = "BD-D-SAT-TAL-TAL"
TODAY = date(2026, 11, 20)

# Rules that exercise every fact, operator and unknown value (None fails a comparison; "not"
# of it holds), with ages on both sides of their boundaries.
RULES: list[list[str]] = [
    ["age >= 18"], ["age > 64"], ["age < 16"], ["age <= 16"], ["age == 16"], ["age != 16"],
    ["age >= 0"], ["age < 0"], ["household_size >= 3"], ["household_size == 1"],
    ["household_size != 2"], ["sex == female"], ["sex != male"], ["sex in [female, other]"],
    ["sex not in [female]"], ["marital_status == widowed"], ["marital_status != married"],
    ["not marital_status == married"], ["marital_status not in [married, widowed]"],
    ["occupation in [farmer, sharecropper]"], ["disabled"], ["not disabled"],
    ["chronic_illness == no"], ["pregnant"], ["deceased"], ["not deceased"],
    ["female_headed_household"], ["lives_alone"], ["lives_alone == no"],
    ["area within BD-D-SAT-TAL-TAL-W1"], ["area not within BD-D-SAT-TAL-TAL-W1"],
    ["age >= 65 or sex == female and age >= 62", "not deceased"],
    ["(disabled or chronic_illness) and not (age < 18)"],
    ["sex == female", "age >= 18", "marital_status in [widowed, deserted]"],
]  # fmt: skip


def anm() -> Principal:
    return Principal(kind="user", id="anm", role=Role.FACILITY_ADMIN, name="ANM",
                     area_code=TALA, state_code="BD-D")  # fmt: skip


def population(ctx: Any) -> dict[str, str]:
    """Tala's ledger people, and one person per ward with facts each rule turns on."""
    people = tala(ctx)
    admin = bd_admin()

    def single(ward: int, name: str, sex: str, born: date, **attributes: Any) -> str:
        pid = register_person(ctx, admin, PersonInput(
            name=name, sex=sex, area_code=f"{UNION}-W{ward}", birth_date=born)).id  # fmt: skip
        if attributes:
            set_attributes(ctx, admin, pid, attributes)
        return pid

    people["sixteen"] = single(3, "ষোল", "female", date(2010, 11, 20))  # 16 today
    people["fifteen"] = single(3, "পনের", "female", date(2010, 11, 21))  # 16 tomorrow
    people["widow"] = single(4, "বিধবা", "female", date(1962, 1, 1), marital_status="widowed")
    people["farmer"] = single(5, "কৃষক", "male", date(1980, 5, 5), occupation="farmer",
                              marital_status="married", chronic_illness=True)  # fmt: skip
    people["other"] = single(6, "অন্য", "other", date(1999, 2, 28), disabled=True)
    people["mother"] = single(7, "মা", "female", date(2000, 3, 3), marital_status="married")
    register_pregnancy(ctx, anm(), PregnancyInput(people["mother"], lmp=date(2026, 8, 1)))
    leap = register_person(ctx, admin, PersonInput(name="লিপ", sex="male",
                           area_code=f"{UNION}-W8", age_years=64)).id  # fmt: skip
    people["estimated"] = leap
    child = register_household(ctx, admin, area_code=f"{UNION}-W9", address="Nadi par", members=[
        MemberInput("head", PersonInput(name="সালমা", sex="female", area_code=f"{UNION}-W9",
                                        birth_date=date(1996, 4, 4))),
        MemberInput("daughter", PersonInput(name="তানিয়া", sex="female",
                                            area_code=f"{UNION}-W9", birth_date=date(2025, 6, 1))),
        MemberInput("son", PersonInput(name="তামিম", sex="male", area_code=f"{UNION}-W9",
                                       birth_date=date(2025, 2, 10))),
    ])  # fmt: skip
    people["salma"], people["tania"], people["tamim"] = (m.id for m in child.members)
    for code, day in (("BCG", date(2025, 6, 1)), ("PENTA1", date(2025, 7, 13)),
                      ("PENTA3", date(2025, 9, 10)), ("OPV3", date(2025, 9, 10)),
                      ("MR1", date(2026, 3, 1))):  # fmt: skip
        record_vaccination(ctx, anm(), VaccinationInput(
            people["tania"], code, day, schedule="bangladesh-epi", backdated=True,
            evidence="card", override_reason="test history"))  # fmt: skip
    record_vaccination(ctx, anm(), VaccinationInput(
        people["tamim"], "BCG", date(2025, 2, 10), schedule="bangladesh-epi", backdated=True,
        evidence="card", override_reason="test history"))  # fmt: skip
    return people


def residents(ctx: Any) -> list[Any]:
    tree = ctx.area_tree()
    with ctx.uow() as uow:
        everyone = [uow.people.get(pid) for pid in _ids(uow)]
        alive = []
        for p in everyone:
            if not tree.get(p.area_code).is_within(TALA):
                continue
            facts = person_facts(ctx, uow, p, TODAY)
            if not facts.deceased:
                alive.append((p, facts))
    return alive


def _ids(uow: Any) -> list[str]:
    from sqlalchemy import select

    from sevasetu.adapters.db.tables import people

    return [r[0] for r in uow.conn.execute(select(people.c.id))]


def test_each_figure_agrees_with_a_count_made_person_by_person(ctx):
    people = population(ctx)
    record_tala_services(ctx)
    stats = area_statistics(ctx, bd_officer(), TALA)
    alive = residents(ctx)
    assert stats.on == TODAY and stats.total.residents == len(alive) == 15
    pyramid: Counter[tuple[str, str, int]] = Counter()
    for p, _ in alive:
        pyramid[(p.area_code, p.sex.value, band_of(p.birth_date, TODAY))] += 1
    found: Counter[tuple[str, str, int]] = Counter()
    for w, f in stats.wards.items():
        for sex, bands in f.pyramid.items():
            for b, n in enumerate(bands):
                if n and w != TOTAL:
                    found[(w, sex, b)] = n
    assert found == pyramid
    assert stats.total.pyramid["female"][3] == 2  # 15-19: the girls of 16
    # households: Rahima's (3), Abdul's (1), Salma's (3)
    assert stats.total.households == 3 and stats.total.household_members == 7
    assert stats.total.household_sizes[1] == 1 and stats.total.household_sizes[3] == 2
    holders = Counter(i.kind.value for p, _ in alive for i in p.identifiers)
    assert {k: v for k, v in stats.total.identifiers.items() if k != "phone"} == holders
    assert stats.total.identifiers["phone"] == sum(1 for p, _ in alive if p.phone)
    # the children aged 12-23 months: Tania (17 months, fully immunised) and Tamim (21, BCG)
    assert stats.total.children == 2 and stats.total.fully_immunised == 1
    assert stats.total.doses["BCG"] == 2 and stats.total.doses["DTP3"] == 1
    assert stats.wards[f"{UNION}-W9"].children == 2
    assert people["jamal"] not in {p.id for p, _ in alive}


def test_scheme_coverage_counts_the_rules_holders_and_this_years_recipients(ctx):
    population(ctx)
    record_tala_services(ctx)
    stats = area_statistics(ctx, bd_officer(), TALA)
    alive = residents(ctx)
    with ctx.uow() as uow:
        schemes = {s.code: s for s in uow.schemes.all("BD-D")}
        given = {(r.person_id, r.scheme_code) for r in uow.service_records.of_people(
            "BD-D", [p.id for p, _ in alive]) if r.delivered_on.year == TODAY.year}  # fmt: skip
    tree = ctx.area_tree()
    for code, scheme in schemes.items():
        rules = parse_rules(list(scheme.rules))
        eligible = {p.id for p, f in alive if judge(rules, f).eligible
                    and tree.get(p.area_code).is_within(scheme.area_code)}  # fmt: skip
        got = {pid for pid, c in given if c == code}
        assert stats.total.schemes[code] == [len(eligible), len(got), len(eligible & got)], code
    old_age = stats.total.schemes["BD-OLD-AGE-ALLOWANCE"]
    assert old_age[1] >= 2  # Rahima and Abdul were paid this year


def test_every_rule_is_judged_in_sql_as_the_domain_judges_it(ctx):
    """One scheme per rule, counted per ward (one person per ward, or one household): the
    database's count is the evaluator's count for every rule and ward."""
    population(ctx)
    alive = residents(ctx)
    tree = ctx.area_tree()

    def within(code: str) -> list[str]:
        return [a.code for a in tree.within(code)]

    plans = [(f"R{k}", "BD-D", within("BD-D"), parse_rules(rules)) for k, rules in enumerate(RULES)]
    scope = [a.code for a in tree.within(TALA) if a.level in ("village", "ward")]
    with ctx.uow() as uow:
        counted = uow.statistics.scheme_coverage(["BD-D"], scope, plans, on=TODAY, year=2026,
                                                 areas_within=within)  # fmt: skip
    sql = Counter({(c.area_code, c.scheme_code): c.eligible for c in counted if c.eligible})
    python: Counter[tuple[str, str]] = Counter()
    for k, rules in enumerate(RULES):
        parsed = parse_rules(rules)
        for p, facts in alive:
            if judge(parsed, facts).eligible:
                python[(p.area_code, f"R{k}")] += 1
    assert sql == python
    assert python[(f"{UNION}-W3", "R4")] == 1  # age == 16: the girl whose birthday is today


def test_an_officer_outside_the_area_is_refused_and_an_empty_area_has_no_wards(ctx):
    import pytest

    from sevasetu.domain.errors import OutsideArea

    population(ctx)
    with pytest.raises(OutsideArea):
        area_statistics(ctx, bd_officer(f"{UNION}-W1"), TALA)
    empty = area_statistics(ctx, bd_officer(), "BD-D-SAT-TAL-KUM")
    assert list(empty.wards) == [TOTAL] and empty.total.residents == 0
