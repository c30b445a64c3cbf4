"""Area flags are inherited down the tree; the bundled geography carries them; mothers are
found from the roster's relations."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sevasetu.domain.areas import AreaTree, parse_flags
from sevasetu.domain.due_lists import ChildRow, ContactRow, mother_of
from sevasetu.domain.errors import InvalidInput
from sevasetu.services.areas import DATA_DIR, read_geography

ROWS = [
    ("IN", "India", "country", None, None, ""),
    ("IN-WB", "West Bengal", "state", "IN", None, "pcv_offered"),
    ("IN-WB-NAD", "Nadia", "district", "IN-WB", None, "je_endemic"),
    ("IN-WB-NAD-KN1", "Krishnanagar-I", "block", "IN-WB-NAD", None, ""),
    ("IN-WB-NAD-KN1-DOG", "Dogachhi", "village", "IN-WB-NAD-KN1", None, None),
    ("IN-WB-KOL", "Kolkata", "district", "IN-WB", None, ""),
]


def test_a_village_inherits_its_district_and_state_flags():
    tree = AreaTree.build(reversed(ROWS))
    assert tree.flags("IN-WB-NAD-KN1-DOG") == {"je_endemic", "pcv_offered"}
    assert tree.flags("IN-WB-KOL") == {"pcv_offered"}
    assert tree.flags("IN") == frozenset()
    assert tree.get("IN-WB-NAD-KN1-DOG").flags == frozenset()  # its own: none


def test_rows_without_flags_still_build():
    tree = AreaTree.build([r[:5] for r in ROWS])
    assert tree.flags("IN-WB-NAD-KN1-DOG") == frozenset()


@pytest.mark.parametrize(
    ("text", "flags"),
    [("", set()), (None, set()), ("je_endemic;PCV_offered", {"je_endemic", "pcv_offered"}),
     (" je_endemic , pcv_offered ", {"je_endemic", "pcv_offered"}), (["a", " "], {"a"})],
)  # fmt: skip
def test_parse_flags(text, flags):
    assert parse_flags(text) == flags


def test_bundled_geography():
    tree, _ = read_geography(DATA_DIR / "areas.csv", None)
    assert tree.flags("IN-WB-NAD-KN1-DOG") == {"je_endemic", "pcv_offered"}
    assert tree.flags("IN-WB-KOL-W064") == {"pcv_offered"}
    assert tree.flags("IN-CG-RGH-PUS-PUS") == {"pcv_offered"}
    assert tree.flags("BD-D-SAT-TAL-TAL-W1") == frozenset()  # its own schedule, no flags


def test_unknown_flags_are_refused(tmp_path: Path):
    path = tmp_path / "areas.csv"
    path.write_text("code,parent_code,level,name,name_local,flags\nIN,,country,India,,je\n")
    with pytest.raises(InvalidInput, match="Unknown area flag 'je'"):
        read_geography(path, None)


def adult(pid, relation, sex, born, phone=None):
    return ContactRow(pid, "h1", pid, sex, phone, relation, date.fromisoformat(born))


def kid(relation):
    return ChildRow("c", "c", "c", "male", date(2026, 1, 1), None, "v", "h1", relation, "", "h")


def test_mother_from_the_roster():
    father, mother = (
        adult("head", "head", "male", "1990-01-01", "+91980"),
        adult("wife", "spouse", "female", "1994-01-01"),
    )
    found = mother_of(kid("son"), [father, mother])
    assert (found.name, found.phone, found.is_mother) == ("wife", "+91980", True)  # head's phone
    widow = adult("head", "head", "female", "1970-01-01", "+91911")
    bride = adult("dil", "daughter_in_law", "female", "2000-01-01", "+91922")
    assert mother_of(kid("grandson"), [widow, bride]).name == "dil"
    assert mother_of(kid("son"), [widow, bride]).name == "head"
    fallback = mother_of(kid("grandson"), [father])
    assert (fallback.name, fallback.is_mother) == ("head", False)
    assert mother_of(kid("other_relative"), []) is None
