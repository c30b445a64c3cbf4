"""Legacy exports into staging, on SQLite and PostgreSQL: rows, rejects, all or nothing, no-op."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from sevasetu.adapters.db import tables as t
from sevasetu.domain.errors import DomainError, ImportFileError
from sevasetu.domain.identifiers import IdentifierKind
from sevasetu.services.legacy_import import import_legacy

from ..builders import aadhaar

MAPPING = """
[file]
state = "IN-CG"
delimiter = ";"

[columns]
source_row_id = "Beneficiary ID"
name = "Name"
sex = "Gender"
birth_date = "DOB"
age = "Age"
age_as_of = "Registered"
phone = "Mobile"
area = "Village"
id_kind = "ID Type"
id_number = "ID Number"

[dates]
formats = ["%d/%m/%Y", "%Y-%m-%d"]

[area]
within = "IN-CG-RGH"

[identifier.kinds]
"Aadhaar" = "aadhaar"

[[doses]]
schedule = "covid19-india"
dose_column = "Dose"
codes = { "Dose 1" = "COVID1", "Dose 2" = "COVID2" }
date = "Date"
product_column = "Vaccine"
products = { COVISHIELD = "covishield", COVAXIN = "covaxin" }
facility = "Centre"
district = "District"
"""
HEADER = ["Beneficiary ID", "Name", "Gender", "DOB", "Age", "Registered", "Mobile", "Village",
          "ID Type", "ID Number", "Dose", "Date", "Vaccine", "Centre", "District"]  # fmt: skip
AADHAAR = aadhaar("34567890123")


def good(n: int, **cells: str) -> list[str]:
    row = {"Beneficiary ID": f"CG{n:06d}", "Name": "सुनीता साहू", "Gender": "F",
           "DOB": "12/04/1980", "Age": "", "Registered": "", "Mobile": "", "Village": "Kathli",
           "ID Type": "", "ID Number": "", "Dose": "Dose 1", "Date": "03/06/2021",
           "Vaccine": "COVISHIELD", "Centre": "PHC Surajgarh", "District": "Raigarh"}  # fmt: skip
    row.update(cells)
    return [row[h] for h in HEADER]


def write(path: Path, rows: list[list[str]], *, header=HEADER, encoding="utf-8", delimiter=";"):
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def mapping(tmp_path: Path) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(MAPPING, encoding="utf-8")
    return path


def counts(ctx) -> tuple[int, int, int]:
    with ctx.uow() as uow:
        return tuple(  # type: ignore[return-value]
            uow.conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (t.legacy_imports, t.legacy_records, t.legacy_doses)
        )


def test_rows_are_staged_with_their_doses_and_bad_rows_rejected(ctx, tmp_path, mapping):
    rows = [
        good(1, Mobile="9876543210", **{"ID Type": "Aadhaar", "ID Number": AADHAAR}),
        good(2, Name="Sunita Sahu", DOB="", Age="41", Registered="2021-06-01"),
        good(3, DOB="31/02/1980"),  # rejected: no such day
        good(4, Dose="Dose 2", Date="01/08/2021"),
        good(1),  # rejected: the row id again
        good(5, Vaccine="SPUTNIK"),  # rejected: unknown product
        good(6, Village="Nowhere", District="Durg"),  # kept: the place stays as text
    ]
    path = write(tmp_path / "cg.csv", rows)
    summary = import_legacy(ctx, path, source="cg-teeka", mapping_path=mapping, batch_size=2)
    assert (summary.rows_read, summary.rows_imported, summary.rows_rejected, summary.doses) == (
        7,
        4,
        3,
        4,
    )
    with summary.rejects_path.open(encoding="utf-8") as f:
        rejects = list(csv.DictReader(f))
    assert [(r["row"], r["reason"]) for r in rejects] == [
        ("4", "DOB: '31/02/1980' is not a date in the formats %d/%m/%Y, %Y-%m-%d."),
        ("6", "Beneficiary ID: the row id 'CG000001' is already on row 2 of this file."),
        ("7", "Vaccine: 'SPUTNIK' is not a product the mapping knows (add it under products)."),
    ]
    assert rejects[0]["Name"] == "सुनीता साहू"  # the row as it was, to correct and re-import
    with ctx.uow() as uow:
        records = {r.source_row_id: r for r in uow.conn.execute(select(t.legacy_records))}
        doses = {r.record_id: r for r in uow.conn.execute(select(t.legacy_doses))}
        (imp,) = uow.conn.execute(select(t.legacy_imports)).all()
    assert (imp.state_code, imp.source, imp.rows_read, imp.rows_imported, imp.rows_rejected) == (
        "IN-CG",
        "cg-teeka",
        7,
        4,
        3,
    )
    first = records["CG000001"]
    assert (first.name_latin, first.sex, first.birth_date, first.phone, first.area_code) == (
        "Sunita Sahu",
        "female",
        date(1980, 4, 12),
        "+919876543210",
        "IN-CG-RGH-PUS-KTL",
    )
    assert first.name_key == records["CG000002"].name_key  # Devanagari and Latin alike
    assert (first.id_kind, first.id_last4) == ("aadhaar", AADHAAR[-4:])
    assert first.id_lookup_hash == ctx.identifier_hash(IdentifierKind.AADHAAR, AADHAAR)
    raw = json.loads(first.raw)  # the row as read, as JSON text
    assert AADHAAR not in first.raw and raw["ID Number"] == "xxxx-xxxx-" + AADHAAR[-4:]
    assert (records["CG000002"].age_years, records["CG000002"].age_as_of) == (41, date(2021, 6, 1))
    assert (records["CG000006"].area_code, records["CG000006"].area_text) == (None, "Nowhere")
    dose = doses[first.id]
    assert (dose.schedule, dose.dose_code, dose.given_on, dose.product, dose.area_code) == (
        "covid19-india",
        "COVID1",
        date(2021, 6, 3),
        "covishield",
        "IN-CG-RGH",
    )
    assert doses[records["CG000004"].id].dose_code == "COVID2"
    assert doses[records["CG000006"].id].area_code is None  # Durg is not in the geography


def test_the_same_file_again_is_a_no_op_and_says_so(ctx, tmp_path, mapping):
    path = write(tmp_path / "cg.csv", [good(1), good(2)])
    first = import_legacy(ctx, path, source="cg-teeka", mapping_path=mapping)
    again = import_legacy(ctx, path, source="cg-teeka", mapping_path=mapping)
    assert not first.already_imported and again.already_imported
    assert (again.import_id, again.rows_imported) == (first.import_id, 2)
    assert counts(ctx) == (1, 2, 2)
    # Another file with a row already staged for the source: that row is a reject.
    other = write(tmp_path / "cg2.csv", [good(2), good(3)])
    summary = import_legacy(ctx, other, source="cg-teeka", mapping_path=mapping)
    assert (summary.rows_imported, summary.rows_rejected) == (1, 1)
    assert counts(ctx) == (2, 3, 3)
    # The same file for another source is another import.
    assert not import_legacy(ctx, path, source="cg-2", mapping_path=mapping).already_imported


def test_a_failure_mid_file_leaves_nothing_written(ctx, tmp_path, mapping):
    earlier = write(tmp_path / "earlier.csv", [good(n) for n in range(100, 103)])
    import_legacy(ctx, earlier, source="cg-teeka", mapping_path=mapping)
    path = write(tmp_path / "cg.csv", [good(n) for n in range(1, 40)])
    with path.open("ab") as f:
        f.write("CG000099;Bad \xff\xfe bytes;F\n".encode("latin-1"))  # not UTF-8, on line 41
    with pytest.raises(ImportFileError) as refused:
        import_legacy(ctx, path, source="cg-teeka", mapping_path=mapping, batch_size=5)
    assert refused.value.message().startswith("Line 41 is not valid utf-8")
    assert counts(ctx) == (1, 3, 3)  # seven batches of five were written, then undone
    assert not (tmp_path / "cg.rejects.csv").exists()


def test_a_database_failure_while_writing_leaves_nothing_written(ctx, tmp_path, mapping,
                                                                  monkeypatch):  # fmt: skip
    from sevasetu.adapters.db.repositories.legacy_staging import LegacyStagingRepository

    path = write(tmp_path / "cg.csv", [good(n) for n in range(1, 40)] + [good(1)])
    written = []

    def failing(write_batch):
        def wrapper(self, *batch):
            if len(written) == 3:
                raise RuntimeError("the disk is full")
            written.append(batch)
            return write_batch(self, *batch)

        return wrapper

    # The rows are read in another process; the third batch fails to be written here.
    monkeypatch.setattr(LegacyStagingRepository, "add_records",
                        failing(LegacyStagingRepository.add_records))  # fmt: skip
    with pytest.raises(RuntimeError, match="the disk is full"):
        import_legacy(ctx, path, source="cg-teeka", mapping_path=mapping, batch_size=5)
    assert len(written) == 3 and counts(ctx) == (0, 0, 0)
    assert not (tmp_path / "cg.rejects.csv").exists()
    assert not list(tmp_path.glob("*.partial"))


def test_cells_with_tabs_backslashes_and_line_breaks_are_kept_as_read(ctx, tmp_path, mapping):
    centre = "PHC\tSurajgarh\\N\tline\none \\ two"
    path = write(tmp_path / "cg.csv", [
        good(1, Name="Sunita\\Sahu", Centre=centre),
        good(2, Centre="\\N"), good(3, Centre=""),
    ])  # fmt: skip
    summary = import_legacy(ctx, path, source="cg-teeka", mapping_path=mapping)
    assert (summary.rows_imported, summary.rows_rejected) == (3, 0)
    with ctx.engine.connect() as conn:
        r = t.legacy_records.c
        names = dict(conn.execute(select(r.source_row_id, r.name)).all())
        centres = dict(conn.execute(
            select(r.source_row_id, t.legacy_doses.c.facility_text).join(
                t.legacy_doses, t.legacy_doses.c.record_id == r.id)).all())  # fmt: skip
        raw = conn.execute(select(t.legacy_records.c.raw)).scalars().all()
    assert names["CG000001"] == "Sunita\\Sahu"
    assert centres == {"CG000001": centre, "CG000002": "\\N", "CG000003": ""}
    assert any(json.loads(r)["Centre"] == centre for r in raw)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"Beneficiary ID;Name\n", "The file has no column 'Gender', which the mapping"),
        (";".join(HEADER).encode() + b"\n", "cg.csv has a header but no rows."),
        (b"Name;Name\n", "The column 'Name' appears twice in the header"),
    ],
)  # fmt: skip
def test_a_broken_file_is_refused_before_anything_is_written(ctx, tmp_path, mapping, content,
                                                              message):  # fmt: skip
    path = tmp_path / "cg.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as refused:
        import_legacy(ctx, path, source="cg-teeka", mapping_path=mapping)
    assert refused.value.message().startswith(message), refused.value.message()
    assert counts(ctx) == (0, 0, 0)


def test_mapping_errors_name_the_key(ctx, tmp_path, mapping):
    path = write(tmp_path / "cg.csv", [good(1)])
    bad = tmp_path / "bad.toml"
    cases = [
        ("[columns\nname = 1", "is not valid TOML"),
        (MAPPING.replace('"Dose 2" = "COVID2"', '"Dose 2" = "COVID9"'),
         "Mapping key doses[0].codes.dose 2: COVID9 is not a dose of the schedule covid19-india."),
        (MAPPING.replace('within = "IN-CG-RGH"', 'within = "IN-WB-NAD"'),
         "Mapping key area.within: IN-WB-NAD is not in IN-CG."),
        (MAPPING.replace('state = "IN-CG"', 'state = "IN-XX"'),
         "There is no area with the code IN-XX."),
        (MAPPING.replace('schedule = "covid19-india"', 'schedule = "polio"'),
         "Mapping key doses[0].schedule: There is no schedule polio"),
    ]  # fmt: skip
    for text, message in cases:
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(DomainError) as refused:
            import_legacy(ctx, path, source="cg-teeka", mapping_path=bad)
        assert message in refused.value.message(), refused.value.message()
    assert counts(ctx) == (0, 0, 0)


def test_encodings_bom_and_excel(ctx, tmp_path, mapping):
    bom = write(tmp_path / "bom.csv", [good(1)], encoding="utf-8-sig")
    assert import_legacy(ctx, bom, source="a", mapping_path=mapping).rows_imported == 1
    latin = tmp_path / "latin.toml"
    latin.write_text(MAPPING.replace('delimiter = ";"', 'delimiter = ","\nencoding = "cp1252"'),
                     encoding="utf-8")  # fmt: skip
    cp = write(tmp_path / "cp.csv", [good(2, Name="José Müller")], encoding="cp1252",
               delimiter=",")  # fmt: skip
    summary = import_legacy(ctx, cp, source="b", mapping_path=latin)
    assert summary.rows_imported == 1
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(good(3, Mobile=None, DOB=None, Age=52, Registered=None))  # type: ignore[arg-type]
    row = good(4)
    row[HEADER.index("DOB")] = date(1980, 4, 12)  # type: ignore[call-overload]
    row[HEADER.index("Mobile")] = 9876543210  # type: ignore[call-overload]
    sheet.append(row)
    xlsx = tmp_path / "cg.xlsx"
    book.save(xlsx)
    with_as_of = tmp_path / "xlsx.toml"
    with_as_of.write_text(MAPPING.replace('delimiter = ";"', 'age_as_of = "2021-05-01"'),
                          encoding="utf-8")  # fmt: skip
    summary = import_legacy(ctx, xlsx, source="c", mapping_path=with_as_of)
    assert (summary.rows_imported, summary.rows_rejected) == (2, 0)
    with ctx.uow() as uow:
        got = {r.source_row_id: r for r in uow.conn.execute(select(t.legacy_records))}
    assert (got["CG000003"].age_years, got["CG000003"].age_as_of) == (52, date(2021, 5, 1))
    assert (got["CG000004"].birth_date, got["CG000004"].phone) == (
        date(1980, 4, 12),
        "+919876543210",
    )
    assert got["CG000002"].name == "José Müller"
    not_excel = tmp_path / "fake.xlsx"
    not_excel.write_text("hello")
    with pytest.raises(ImportFileError, match="is not an Excel .xlsx workbook"):
        import_legacy(ctx, not_excel, source="d", mapping_path=mapping)
