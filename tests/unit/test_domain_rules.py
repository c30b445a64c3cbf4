"""Rules of the pure domain: dates, the area tree, the audit chain, near matches, access."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sevasetu.domain.access import Action, Principal, Role, can, require_area, require_rank_above
from sevasetu.domain.areas import AreaTree
from sevasetu.domain.audit import GENESIS_HASH, first_break, seal
from sevasetu.domain.errors import (
    Forbidden,
    ImpossibleDate,
    InvalidRelation,
    OutsideArea,
    UnknownArea,
    WrongAreaLevel,
)
from sevasetu.domain.households import check_roster
from sevasetu.domain.matching import jaro_winkler, name_similarity, near_matches
from sevasetu.domain.names import name_key
from sevasetu.domain.people import Person, Sex, age_in_years, birth_date_from_age, check_birth_date

TODAY = date(2026, 11, 22)


@given(st.dates(min_value=date(1906, 11, 23), max_value=TODAY))
def test_any_birth_date_up_to_today_and_120_years_back_is_accepted(birth):
    assert check_birth_date(birth, TODAY) == birth
    assert 0 <= age_in_years(birth, TODAY) <= 120


@given(st.dates(min_value=TODAY + timedelta(days=1), max_value=date(2200, 1, 1)))
def test_future_births_are_impossible(birth):
    with pytest.raises(ImpossibleDate):
        check_birth_date(birth, TODAY)


@given(
    st.integers(min_value=0, max_value=120),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
)
def test_a_declared_age_gives_a_birth_date_of_that_age(age, today):
    birth = birth_date_from_age(age, today)
    assert age_in_years(birth, today) == age
    assert birth <= today


def test_age_on_29_february():
    assert age_in_years(date(2024, 2, 29), date(2025, 2, 28)) == 0
    assert age_in_years(date(2024, 2, 29), date(2025, 3, 1)) == 1


TREE_ROWS = [
    ("IN", "India", "country", None, None),
    ("IN-WB", "West Bengal", "state", "IN", None),
    ("IN-WB-NAD", "Nadia", "district", "IN-WB", None),
    ("IN-WB-NAD-KN1", "Krishnanagar-I", "block", "IN-WB-NAD", None),
    ("IN-WB-NAD-KN1-DOG", "Dogachhi", "village", "IN-WB-NAD-KN1", "দোগাছি"),
    ("IN-CG", "Chhattisgarh", "state", "IN", None),
]


def test_area_tree_knows_paths_and_tenants_in_any_row_order():
    tree = AreaTree.build(reversed(TREE_ROWS))
    village = tree.get("IN-WB-NAD-KN1-DOG")
    assert village.path == ("IN", "IN-WB", "IN-WB-NAD", "IN-WB-NAD-KN1", "IN-WB-NAD-KN1-DOG")
    assert village.state_code == "IN-WB"
    assert village.is_within("IN-WB-NAD") and not village.is_within("IN-CG")
    with pytest.raises(WrongAreaLevel):
        tree.residence("IN-WB-NAD")
    with pytest.raises(UnknownArea):
        tree.get("IN-XX")


def test_area_tree_refuses_impossible_nesting():
    with pytest.raises(WrongAreaLevel):
        AreaTree.build(
            [*TREE_ROWS, ("IN-WB-NAD-KN1-DOG-X", "X", "district", "IN-WB-NAD-KN1-DOG", None)]
        )
    with pytest.raises(UnknownArea):
        AreaTree.build([("IN-WB", "West Bengal", "state", "IN", None)])


def _entry(prev, seq, action="person.read"):
    return seal(
        prev_hash=prev,
        state_code="IN-WB",
        chain=0,
        seq=seq,
        at=datetime(2026, 1, 1, tzinfo=UTC),
        actor="user:1",
        action=action,
        subject_type="person",
        subject_id="p",
        detail={"n": seq},
    )


def _chain(n):
    entries, prev = [], GENESIS_HASH
    for seq in range(1, n + 1):
        entries.append(_entry(prev, seq))
        prev = entries[-1].hash
    return entries


@given(st.integers(min_value=1, max_value=30), st.data())
def test_changing_or_removing_any_entry_breaks_the_chain_there(n, data):
    entries = _chain(n)
    assert first_break(entries) is None
    victim = data.draw(st.integers(min_value=0, max_value=n - 1))
    changed = list(entries)
    changed[victim] = replace(entries[victim], action="person.correct")
    assert first_break(changed).seq == victim + 1
    if victim < n - 1:
        removed = entries[:victim] + entries[victim + 1 :]
        assert first_break(removed).seq == victim + 1


def test_jaro_winkler_known_values():
    assert jaro_winkler("martha", "marhta") == pytest.approx(0.961, abs=0.001)
    assert jaro_winkler("dixon", "dicksonx") == pytest.approx(0.813, abs=0.001)
    assert jaro_winkler("", "a") == 0.0
    assert name_similarity("das amit", "amit das") == 1.0


def _person(name, birth, area="V1"):
    return Person(
        id=name,
        state_code="S",
        area_code=area,
        name=name,
        name_latin=name,
        name_key=name_key(name),
        sex=Sex.MALE,
        birth_date=birth,
    )


def test_near_matches_need_similar_name_birth_year_and_same_village():
    candidates = [
        _person("অমিত দাস", date(1990, 4, 12)),
        _person("Amit Das", date(1985, 1, 1)),
        _person("Amit Das", date(1990, 1, 1), area="V2"),
        _person("Sumit Pal", date(1990, 1, 1)),
    ]
    found = near_matches(name_key("Amit Das"), 1991, "V1", candidates)
    assert [m.person.id for m in found] == ["অমিত দাস"]


def test_roster_needs_exactly_one_head():
    assert check_roster(["head", "spouse"])
    for bad in ([], ["spouse"], ["head", "head"], ["head", "cousin"]):
        with pytest.raises(InvalidRelation):
            check_roster(bad)


def test_access_is_denied_by_default_and_bounded_by_area():
    tree = AreaTree.build(TREE_ROWS)
    asha = Principal("user", "1", Role.ASHA, "Asha", "IN-WB-NAD-KN1", "IN-WB")
    assert can(asha, Action.PERSON_REGISTER) and not can(asha, Action.USER_MANAGE)
    require_area(asha, tree.get("IN-WB-NAD-KN1-DOG"))
    with pytest.raises(OutsideArea):
        require_area(asha, tree.get("IN-CG"))
    citizen = Principal("citizen", "2", Role.CITIZEN, "+91...")
    assert not any(can(citizen, a) for a in Action)
    officer = Principal("user", "3", Role.DISTRICT_OFFICER, "DO", "IN-WB-NAD", "IN-WB")
    require_rank_above(officer, Role.ANM)
    with pytest.raises(Forbidden):
        require_rank_above(officer, Role.STATE_ADMIN)


def test_blocking_admits_the_near_matches_people_make():
    from sevasetu.domain.matching import Blocking

    block = Blocking.of(name_key("Amit Das"))
    for same in ("Amit Dash", "Das Amit", "Amit Kumar Das", "Amit", "Amith Das"):
        assert block.admits(name_key(same)), same
    for other in ("Sumit Das", "Amit Roy", "Rina Pal"):
        assert not block.admits(name_key(other)), other
    assert Blocking.of("amit").admits("amit das")
