"""People from a sheet into the registry, on SQLite and PostgreSQL, by the registry's rules."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sevasetu.adapters.db import tables as t
from sevasetu.domain.access import Principal, Role
from sevasetu.domain.errors import Forbidden, ImportFileError
from sevasetu.domain.identifiers import IdentifierKind
from sevasetu.services.people import PersonInput, register_person
from sevasetu.services.people_import import import_people

from ..builders import NADIA_VILLAGE, aadhaar

MAPPING = """
[file]
state = "IN-WB"
age_as_of = "2026-01-01"

[columns]
household = "Household"
name = "Name"
relation = "Relation"
sex = "Sex"
birth_date = "Born"
age = "Age"
phone = "Mobile"
area = "Village"
address = "Address"

[identifiers]
aadhaar = "Aadhaar"
voter_id = "EPIC"

[dates]
formats = ["%d/%m/%Y"]

[translate.relation]
wife = "spouse"

[area]
within = "IN-WB-NAD"
"""
HEADER = ["Household", "Name", "Relation", "Sex", "Born", "Age", "Mobile", "Village", "Address",
          "Aadhaar", "EPIC"]  # fmt: skip
ADMIN = Principal(kind="system", id="tests", role=Role.STATE_ADMIN, name="tests",
                  area_code="IN-WB", state_code="IN-WB")  # fmt: skip


def person(**cells: str) -> list[str]:
    row = {h: "" for h in HEADER}
    row.update({"Name": "অমিত দাস", "Sex": "M", "Born": "12/04/1980", "Village": "Dogachhi"})
    row.update(cells)
    return [row[h] for h in HEADER]


def sheet(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


@pytest.fixture
def mapping(tmp_path: Path) -> Path:
    path = tmp_path / "people.toml"
    path.write_text(MAPPING, encoding="utf-8")
    return path


def registered(ctx) -> list:
    with ctx.uow() as uow:
        return uow.conn.execute(select(t.people).order_by(t.people.c.name)).all()


def test_people_and_households_go_in_by_the_registrys_rules(ctx, tmp_path, mapping):
    on_file = aadhaar("23456789012")
    register_person(ctx, ADMIN, PersonInput(name="Rina Ghosh", sex="female",
                    area_code=NADIA_VILLAGE, birth_date=date(1990, 5, 5),
                    identifiers={"aadhaar": on_file}))  # fmt: skip
    rows = [
        person(
            Household="H1",
            Relation="head",
            Mobile="9876543210",
            Address="House 4",
            Aadhaar=aadhaar("34567890123"),
        ),
        person(Household="H1", Name="সীমা দাস", Relation="wife", Sex="F", Born="", Age="38"),
        person(Name="Someone Else", Aadhaar=on_file),  # already registered: a reject
        person(Household="H2", Name="Rahim Sheikh", Relation="head", EPIC="ABC1234567"),
        person(Household="H2", Name="Karim Sheikh", Relation="son", Aadhaar=on_file),
        person(Household="H3", Name="Two Heads", Relation="head"),
        person(Household="H3", Name="Other Head", Relation="head"),
        person(Name="Bad Sex", Sex="Q"),
        person(Name="Nowhere", Village="Atlantis"),
        person(Name="Lone Person", Sex="F", Born="", Age="70", EPIC="XYZ7654321"),
    ]
    path = sheet(tmp_path / "survey.csv", rows)
    summary = import_people(ctx, ADMIN, path, mapping_path=mapping)
    assert (summary.rows_read, summary.rows_imported, summary.rows_rejected,
            summary.households) == (10, 3, 7, 1)  # fmt: skip
    with summary.rejects_path.open(encoding="utf-8") as f:
        reasons = {r["row"]: r["reason"] for r in csv.DictReader(f)}
    assert reasons == {
        "4": "Aadhaar: A person with this Aadhaar number is already registered.",
        "5": "household H2: row 6: Aadhaar: A person with this Aadhaar number is already "
             "registered.",
        "6": "household H2: row 6: Aadhaar: A person with this Aadhaar number is already "
             "registered.",
        "7": "household H3: A household has exactly one head, not 2.",
        "8": "household H3: A household has exactly one head, not 2.",
        "9": "Sex: 'Q' is not a sex the mapping knows (add it under [translate.sex]).",
        "10": "Village: 'Atlantis' is not a village or ward under IN-WB-NAD (add it under "
              "[area.names]).",
    }  # fmt: skip
    people = {p.name: p for p in registered(ctx)}
    assert set(people) == {"Rina Ghosh", "অমিত দাস", "সীমা দাস", "Lone Person"}
    amit, sima = people["অমিত দাস"], people["সীমা দাস"]
    assert amit.household_id == sima.household_id is not None
    assert (amit.relation_to_head, sima.relation_to_head) == ("head", "spouse")
    assert (amit.phone, amit.name_latin, amit.area_code) == ("+919876543210", "Amit Das",
                                                             NADIA_VILLAGE)  # fmt: skip
    assert sima.birth_date_estimated and sima.birth_date.year == 1987
    assert people["Lone Person"].birth_date_estimated
    with ctx.uow() as uow:
        household = uow.households.get(amit.household_id)
        holders = uow.people.holders_of(
            {IdentifierKind.VOTER_ID: ctx.identifier_hash(IdentifierKind.VOTER_ID, "XYZ7654321")}
        )
        audit = uow.conn.execute(select(func.count()).select_from(t.audit_log).where(
            t.audit_log.c.action == "person.register")).scalar_one()  # fmt: skip
    assert (household.head_person_id, household.address) == (amit.id, "House 4")
    assert holders == [(IdentifierKind.VOTER_ID, people["Lone Person"].id)]
    assert audit == 4  # Rina before, three imported: each through the registry's own path
    # The same file again does nothing and says so.
    again = import_people(ctx, ADMIN, path, mapping_path=mapping)
    assert again.already_imported and len(registered(ctx)) == 4


def test_a_file_that_cannot_be_read_registers_nobody(ctx, tmp_path, mapping):
    path = sheet(tmp_path / "survey.csv", [person(Name=f"Person {n}") for n in range(30)])
    with path.open("ab") as f:
        f.write(b",Bad \xff name,,M,01/01/1990,,,Dogachhi,,,\n")
    with pytest.raises(ImportFileError, match="Line 32 is not valid utf-8"):
        import_people(ctx, ADMIN, path, mapping_path=mapping, confirm_new=True)
    assert registered(ctx) == []
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ImportFileError, match="The file is empty."):
        import_people(ctx, ADMIN, empty, mapping_path=mapping)


def test_near_duplicates_need_confirming_and_only_registrars_import(ctx, tmp_path, mapping):
    path = sheet(tmp_path / "a.csv", [person(), person(Name="Amit Das", Born="20/06/1980")])
    summary = import_people(ctx, ADMIN, path, mapping_path=mapping)
    assert (summary.rows_imported, summary.rows_rejected) == (1, 1)
    with summary.rejects_path.open(encoding="utf-8") as f:
        (reject,) = csv.DictReader(f)
    assert reject["reason"] == (
        "Name: 1 similar people are already registered; confirm that this is someone else."
    )
    confirmed = sheet(tmp_path / "b.csv", [person(Name="Amit Das", Born="20/06/1980")])
    assert import_people(ctx, ADMIN, confirmed, mapping_path=mapping,
                         confirm_new=True).rows_imported == 1  # fmt: skip
    auditor = Principal(kind="user", id="a", role=Role.AUDITOR, name="a", area_code="IN-WB",
                        state_code="IN-WB")  # fmt: skip
    with pytest.raises(Forbidden):
        import_people(ctx, auditor, sheet(tmp_path / "c.csv", [person()]), mapping_path=mapping)
