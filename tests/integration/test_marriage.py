"""The child-marriage check and its outreach list on the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from sevasetu.domain.access import Principal, Role
from sevasetu.domain.errors import (
    Forbidden,
    InvalidIdentifier,
    InvalidInput,
    NotFound,
    UnknownIdentifier,
)
from sevasetu.domain.marriage import BirthSource, Outcome
from sevasetu.services.marriage import PartyRef, check_marriage, marriage_alerts
from sevasetu.services.people import PersonInput, correct_person, register_person
from tests.ledger_builders import RAHIMA_BRN, TALA, TALA_W1, TALA_W2, bd_admin, tala

# The fake clock's today is 2026-11-20.
GIRL_BRN = "20100304123456789"  # born 2010: 16 on the day
BOY_NID = "20050101123456789"  # a 17-digit NID carrying the birth year 2005


def registrar(area: str = TALA) -> Principal:
    return Principal(kind="user", id="kazi", role=Role.REGISTRAR, name="Kazi Abdur Rahman",
                     area_code=area, state_code="BD-D")  # fmt: skip


def couple(ctx: Any) -> dict[str, str]:
    """Tala's ledger people, and young people around the minimum ages."""
    return {**tala(ctx), **young_people(ctx)}


def young_people(ctx: Any) -> dict[str, str]:
    people: dict[str, str] = {}
    admin = bd_admin()

    def add(name: str, sex: str, area: str, **kw: Any) -> str:
        return register_person(ctx, admin, PersonInput(name=name, sex=sex, area_code=area, **kw)).id

    people["nasrin"] = add("নাসরিন আক্তার", "female", TALA_W1, birth_date=date(2010, 3, 4),
                           identifiers={"bd_brn": GIRL_BRN}, phone="+8801712000001")  # fmt: skip
    people["sumon"] = add("সুমন হোসেন", "male", TALA_W2, birth_date=date(2005, 1, 1),
                          identifiers={"bd_nid": BOY_NID})  # fmt: skip
    people["shila"] = add("শিলা রানী", "female", TALA_W2, birth_date=date(2002, 6, 6),
                          identifiers={"bd_brn": "20020606123456789"})  # fmt: skip
    people["ratan"] = add("রতন দাস", "male", TALA_W1, age_years=19)
    people["shapla"] = add("শাপলা খাতুন", "female", TALA_W2, birth_date=date(2011, 12, 1))
    return people


def by_brn(number: str) -> PartyRef:
    return PartyRef(kind="bd_brn", number=number)


def test_a_girl_of_16_is_refused_with_the_evidence_and_the_check_audited(ctx):
    people = couple(ctx)
    done = check_marriage(ctx, registrar(), by_brn(GIRL_BRN), PartyRef("bd_nid", BOY_NID))
    check = done.check
    assert check.outcome is Outcome.REFUSED and check.on == date(2026, 11, 20)
    assert (check.bride.age, check.bride.outcome) == (16, Outcome.REFUSED)
    assert check.bride.reaches_minimum_on == date(2028, 3, 4)
    assert "2028-03-04" in check.bride.reasons[0]
    assert check.groom.outcome is Outcome.ALLOWED and check.groom.age == 21
    bride = check.bride.evidence
    assert (bride.person_id, bride.named_by, bride.source) == (
        people["nasrin"], "bd_brn", BirthSource.REGISTRY)  # fmt: skip
    assert bride.number_birth_year == 2010 and bride.number_shown == GIRL_BRN
    assert check.groom.evidence.number_shown.endswith("6789")
    assert "2005" not in check.groom.evidence.number_shown  # an NID is shown masked
    with ctx.uow() as uow:
        entries = [e for e in uow.audit.of_state("BD-D") if e.action == "marriage.check"]
    assert len(entries) == 1 and entries[0].subject_id == done.id
    assert entries[0].detail["bride"] == people["nasrin"]
    assert entries[0].detail["groom"] == people["sumon"]
    assert entries[0].detail["outcome"] == "refused"


def test_of_age_on_a_later_day_and_by_person_id_is_allowed_and_audited_too(ctx):
    people = couple(ctx)
    done = check_marriage(ctx, registrar(), by_brn(GIRL_BRN),
                          PartyRef(person_id=people["sumon"]), on=date(2028, 3, 4))  # fmt: skip
    assert done.check.outcome is Outcome.ALLOWED
    assert done.check.groom.evidence.named_by == "person_id"
    refused = check_marriage(ctx, registrar(), by_brn(GIRL_BRN),
                             PartyRef(person_id=people["sumon"]), on=date(2028, 3, 3))  # fmt: skip
    assert refused.check.outcome is Outcome.REFUSED
    with ctx.uow() as uow:
        outcomes = [e.detail["outcome"] for e in uow.audit.of_state("BD-D")
                    if e.action == "marriage.check"]  # fmt: skip
    assert sorted(outcomes) == ["allowed", "refused"]  # one clock tick: order by chain


def test_an_age_only_record_is_unknown_never_allowed(ctx):
    people = couple(ctx)
    done = check_marriage(ctx, registrar(), by_brn("20020606123456789"),
                          PartyRef(person_id=people["ratan"]), on=date(2040, 1, 1))  # fmt: skip
    assert done.check.outcome is Outcome.UNKNOWN
    assert done.check.groom.evidence.source is BirthSource.DECLARED_AGE
    assert "estimate" in done.check.groom.reasons[0]


def test_a_corrected_birth_date_that_contradicts_the_number_is_unknown(ctx):
    people = couple(ctx)
    correct_person(ctx, bd_admin(), people["shila"], {"birth_date": date(1999, 6, 6)},
                   reason="school certificate")  # fmt: skip
    done = check_marriage(ctx, registrar(), by_brn("20020606123456789"),
                          PartyRef("bd_nid", BOY_NID))  # fmt: skip
    bride = done.check.bride
    assert bride.evidence.birth_date_corrected and bride.outcome is Outcome.UNKNOWN
    assert "2002" in bride.reasons[0]


def test_unknown_numbers_and_bad_input_are_clear_errors_and_write_nothing(ctx):
    couple(ctx)
    with pytest.raises(UnknownIdentifier) as unknown:
        check_marriage(ctx, registrar(), by_brn("20100304999999999"), PartyRef("bd_nid", BOY_NID))
    assert unknown.value.field == "bride.number" and "20100304999999999" in str(unknown.value)
    with pytest.raises(InvalidInput):  # neither a number nor an id
        check_marriage(ctx, registrar(), PartyRef(), PartyRef("bd_nid", BOY_NID))
    with pytest.raises(InvalidIdentifier):  # a BRN of 5 digits
        check_marriage(ctx, registrar(), by_brn("12345"), PartyRef("bd_nid", BOY_NID))
    with pytest.raises(NotFound):
        check_marriage(ctx, registrar(), PartyRef(person_id="nobody"), PartyRef("bd_nid", BOY_NID))
    with pytest.raises(Forbidden):
        asha = Principal(kind="user", id="asha", role=Role.ASHA, name="asha", area_code=TALA,
                         state_code="BD-D")  # fmt: skip
        check_marriage(ctx, asha, by_brn(GIRL_BRN), PartyRef("bd_nid", BOY_NID))
    with ctx.uow() as uow:
        actions = [e.action for e in uow.audit.of_state("BD-D")]
    assert "marriage.check" not in actions and "access.denied" in actions


def test_a_party_from_another_state_is_not_found_in_the_registrars(ctx):
    couple(ctx)
    wb = Principal(kind="user", id="wb", role=Role.REGISTRAR, name="WB", area_code="IN-WB",
                   state_code="IN-WB")  # fmt: skip
    with pytest.raises(UnknownIdentifier):
        check_marriage(ctx, wb, by_brn(GIRL_BRN), by_brn(RAHIMA_BRN))


def test_the_alert_list_holds_girls_15_to_17_and_boys_18_to_20_with_household_and_phone(ctx):
    people = couple(ctx)
    alerts = marriage_alerts(ctx, registrar(), TALA)
    found = {p.id: p for p in alerts.people}
    assert set(found) == {people["nasrin"], people["ratan"]}  # shapla is 14, sumon 21
    nasrin = found[people["nasrin"]]
    assert (nasrin.age, nasrin.turns_on, nasrin.phone) == (16, date(2028, 3, 4), "+8801712000001")
    assert nasrin.area_code == TALA_W1
    assert found[people["ratan"]].birth_date_estimated
    assert alerts.wards() == [TALA_W1]
    with ctx.uow() as uow:
        assert any(e.action == "marriage_alerts.read" for e in uow.audit.of_state("BD-D"))
    only_w2 = marriage_alerts(ctx, registrar(), TALA_W2)
    assert only_w2.people == []
