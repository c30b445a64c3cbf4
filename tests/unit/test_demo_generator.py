"""The synthetic population: reproducible, plausible households, valid and unique numbers."""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter, defaultdict
from datetime import UTC, date, datetime

import pytest

from sevasetu.adapters.db.tables import households, people, person_identifiers
from sevasetu.adapters.demo import DemoBatch, generate
from sevasetu.domain.areas import RESIDENCE_LEVELS, Area
from sevasetu.domain.households import Relation
from sevasetu.domain.identifiers import (
    SECRET_KINDS,
    IdentifierKind,
    normalize_identifier,
    normalize_phone,
)
from sevasetu.domain.names import name_key, to_latin
from sevasetu.services.areas import DATA_DIR, read_geography
from sevasetu.services.demo import DEFAULT_DISTRICTS, demo_residences

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 6, 30, tzinfo=UTC)
PEOPLE = 3000


class RecordingHash:
    """Stands in for ctx.identifier_hash and remembers each number, to check it."""

    def __init__(self) -> None:
        self.numbers: dict[str, tuple[IdentifierKind, str]] = {}

    def __call__(self, kind: IdentifierKind, value: str) -> str:
        digest = hashlib.sha256(f"{kind.value}:{value}".encode()).hexdigest()
        self.numbers[digest] = (kind, value)
        return digest


@pytest.fixture(scope="module")
def residences() -> tuple[list[Area], list[float]]:
    tree, _ = read_geography(DATA_DIR / "areas.csv", DATA_DIR / "facilities.csv")
    return demo_residences(tree, DEFAULT_DISTRICTS, 7)


def run(residences, seed: int = 7, people_count: int = PEOPLE, **kw) -> tuple[DemoBatch, list]:
    areas, weights = residences
    hasher = kw.pop("identifier_hash", None) or RecordingHash()
    batches = list(generate(
        seed=seed, people=people_count, residences=areas, weights=weights, today=TODAY, now=NOW,
        identifier_hash=hasher, batch_size=kw.pop("batch_size", 1000), **kw,
    ))  # fmt: skip
    merged = DemoBatch()
    for b in batches:
        merged.households.extend(b.households)
        merged.people.extend(b.people)
        merged.identifiers.extend(b.identifiers)
    return merged, batches


@pytest.fixture(scope="module")
def population(residences):
    hasher = RecordingHash()
    merged, batches = run(residences, identifier_hash=hasher)
    return merged, batches, hasher


def age_days(row: dict) -> int:
    return (TODAY - row["birth_date"]).days


def test_same_seed_gives_the_same_rows_and_another_seed_others(residences, population):
    merged, _, _ = population
    again, _ = run(residences)
    assert again == merged
    other, _ = run(residences, seed=8)
    assert {p["id"] for p in other.people}.isdisjoint(p["id"] for p in merged.people)


def test_exact_count_whole_households_per_batch_and_table_columns(population):
    merged, batches, _ = population
    assert len(merged.people) == PEOPLE
    for batch in batches:
        ids = {h["id"] for h in batch.households}
        assert {p["household_id"] for p in batch.people} == ids
        people_ids = {p["id"] for p in batch.people}
        assert {i["person_id"] for i in batch.identifiers} <= people_ids
    assert set(merged.households[0]) == {c.name for c in households.columns}
    assert set(merged.people[0]) == {c.name for c in people.columns}
    assert set(merged.identifiers[0]) == {c.name for c in person_identifiers.columns}
    all_ids = [p["id"] for p in merged.people] + [h["id"] for h in merged.households]
    assert len(set(all_ids)) == len(all_ids)
    assert all(str(uuid.UUID(i)) == i for i in all_ids)
    assert {p["created_by"] for p in merged.people} == {"system:demo"}
    assert {p["version"] for p in merged.people} == {1}
    assert {p["created_at"] for p in merged.people} == {NOW}


def test_households_have_one_head_and_share_an_area(population):
    merged, _, _ = population
    members: dict[str, list[dict]] = defaultdict(list)
    for p in merged.people:
        members[p["household_id"]].append(p)
    sizes = []
    for h in merged.households:
        roster = members[h["id"]]
        heads = [p for p in roster if p["relation_to_head"] == Relation.HEAD]
        assert len(heads) == 1
        assert h["head_person_id"] == heads[0]["id"]
        assert {(p["area_code"], p["state_code"]) for p in roster} == {
            (h["area_code"], h["state_code"])
        }
        assert {Relation(p["relation_to_head"]) for p in roster}  # all known relations
        sizes.append(len(roster))
    assert max(sizes) <= 9
    assert 4.0 <= sum(sizes) / len(sizes) <= 5.0


def test_children_are_18_to_40_years_younger_than_their_parents(population):
    merged, _, _ = population
    members: dict[str, list[dict]] = defaultdict(list)
    for p in merged.people:
        members[p["household_id"]].append(p)
    low, high = 18 * 365, 40 * 366
    checked = 0
    for roster in members.values():
        by = defaultdict(list)
        for p in roster:
            by[p["relation_to_head"]].append(p)
        head = by[Relation.HEAD][0]
        parents = [head, *by[Relation.SPOUSE]]
        for child in by[Relation.SON] + by[Relation.DAUGHTER]:
            for parent in parents:
                assert low <= age_days(parent) - age_days(child) <= high
                checked += 1
        for elder in by[Relation.MOTHER] + by[Relation.FATHER]:
            assert low <= age_days(elder) - age_days(head) <= high
        for grandchild in by[Relation.GRANDSON] + by[Relation.GRANDDAUGHTER]:
            assert age_days(head) - age_days(grandchild) >= 2 * low - 366
        if by[Relation.SPOUSE]:
            assert all(age_days(p) >= 18 * 365 for p in parents)
    assert checked > 1000


def test_share_of_children_under_6_is_realistic(population):
    merged, _, _ = population
    young = sum(age_days(p) < 6 * 365.25 for p in merged.people)
    assert 0.08 <= young / len(merged.people) <= 0.16


def test_phones_are_valid_mobiles_of_the_country_and_only_adults_have_one(population):
    merged, _, _ = population
    adults = [p for p in merged.people if age_days(p) >= 18 * 365.25]
    for p in merged.people:
        if p["phone"] is None:
            continue
        country = "BD" if p["state_code"].startswith("BD") else "IN"
        assert normalize_phone(p["phone"], country) == p["phone"]
        assert p["phone"].startswith("+880" if country == "BD" else "+91")
        assert age_days(p) >= 18 * 365
    share = sum(p["phone"] is not None for p in adults) / len(adults)
    assert 0.55 <= share <= 0.75


def test_identifiers_are_valid_unique_and_secret_ones_unreadable(population):
    merged, _, hasher = population
    seen = Counter((i["state_code"], i["kind"], i["lookup_hash"]) for i in merged.identifiers)
    assert max(seen.values()) == 1
    per_person = Counter((i["person_id"], i["kind"]) for i in merged.identifiers)
    assert max(per_person.values()) == 1
    state_of = {p["id"]: p["state_code"] for p in merged.people}
    kinds_by_country: dict[str, set[str]] = defaultdict(set)
    for i in merged.identifiers:
        kind, number = hasher.numbers[i["lookup_hash"]]
        assert kind.value == i["kind"]
        assert normalize_identifier(kind, number) == number
        assert i["last4"] == number[-4:]
        assert i["value"] == (None if kind in SECRET_KINDS else number)
        assert i["state_code"] == state_of[i["person_id"]]
        kinds_by_country[i["state_code"][:2]].add(i["kind"])
    assert kinds_by_country["BD"] == {"bd_nid", "bd_brn"}
    assert kinds_by_country["IN"] == {"aadhaar", "voter_id", "ration_card", "abha"}


def test_an_appended_load_uses_other_numbers(residences, population):
    merged, _, _ = population
    more, _ = run(residences, seed=99, serial_start=len(merged.identifiers))
    first = {(i["kind"], i["lookup_hash"]) for i in merged.identifiers}
    assert first.isdisjoint((i["kind"], i["lookup_hash"]) for i in more.identifiers)


def test_people_live_in_residences_and_names_are_in_the_local_script(residences, population):
    merged, _, _ = population
    allowed = {a.code: a for a in residences[0]}
    assert all(a.level in RESIDENCE_LEVELS for a in allowed.values())
    states = Counter()
    for p in merged.people:
        assert p["area_code"] in allowed
        assert allowed[p["area_code"]].state_code == p["state_code"]
        states[p["state_code"]] += 1
        letters = [ch for ch in p["name"] if not ch.isspace()]
        if p["state_code"] == "IN-CG":
            assert all("\u0900" <= ch <= "\u097f" for ch in letters), p["name"]
        else:
            assert all("\u0980" <= ch <= "\u09ff" for ch in letters), p["name"]
    for p in merged.people[:500]:
        assert p["name_latin"] == to_latin(p["name"])
        assert p["name_key"] == name_key(p["name"])
    assert set(states) == {"IN-WB", "IN-CG", "BD-D"}
    assert states["IN-WB"] > states["IN-CG"] and states["IN-WB"] > states["BD-D"]


def test_refuses_areas_where_nobody_lives(residences):
    tree, _ = read_geography(DATA_DIR / "areas.csv", DATA_DIR / "facilities.csv")
    with pytest.raises(ValueError):
        next(generate(
            seed=1, people=10, residences=[tree.get("IN-WB-NAD")], today=TODAY, now=NOW,
            identifier_hash=RecordingHash(),
        ))  # fmt: skip
