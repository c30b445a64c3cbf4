"""Mapping files and the row rules of imports: parsing, dates, ages, translations, rejects."""

from __future__ import annotations

import random
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sevasetu.domain.errors import ImportFileError, MappingError, RowRejected
from sevasetu.domain.identifiers import verhoeff_check_digit
from sevasetu.domain.legacy_damage import spelling_variant, swap_first_last, typo
from sevasetu.domain.legacy_mapping import parse_mapping
from sevasetu.domain.legacy_rows import RowReader, parse_age, parse_date
from sevasetu.domain.names import name_key

TODAY = date(2026, 11, 25)
AADHAAR = "23456789012" + verhoeff_check_digit("23456789012")


def mapping(**extra):
    doc = {
        "file": {"state": "IN-CG", "age_as_of": "2021-06-01"},
        "columns": {"source_row_id": "ID", "name": "Name", "sex": "Gender", "birth_date": "DOB",
                    "age": "Age", "phone": "Mobile", "area": "Village", "id_kind": "ID Type",
                    "id_number": "ID No"},
        "dates": {"formats": ["%d/%m/%Y", "%d-%m-%Y"]},
        "translate": {"sex": {"Purush": "male"}},
        "area": {"names": {"Pusore": "IN-CG-RGH-PUS-PUS"}},
        "identifier": {"kinds": {"Aadhaar Card": "aadhaar", "EPIC": "voter_id"}},
        "doses": [
            {"schedule": "covid19-india", "dose_column": "Dose", "codes": {"Dose 1": "COVID1",
             "Dose 2": "COVID2"}, "date": "Given On", "product_column": "Vaccine",
             "products": {"COVISHIELD": "covishield"}, "facility": "Centre",
             "district": "District", "districts": {"RGH": "IN-CG-RGH"}},
        ],
    }  # fmt: skip
    for key, value in extra.items():
        doc[key] = value
    return parse_mapping(doc)


HEADER = ["ID", "Name", "Gender", "DOB", "Age", "Mobile", "Village", "ID Type", "ID No", "Dose",
          "Given On", "Vaccine", "Centre", "District"]  # fmt: skip


def reader(m=None, header=HEADER):
    return RowReader(m or mapping(), header, today=TODAY,
                     area_of=lambda text: "IN-CG-RGH-PUS-KTL" if text == "Kathli" else None,
                     district_of=lambda text: None)  # fmt: skip


def row(**cells):
    base = {"ID": "A1", "Name": "राम कुमार", "Gender": "M", "DOB": "12/04/1980", "Age": "",
            "Mobile": "98765 43210", "Village": "Pusore", "ID Type": "Aadhaar Card",
            "ID No": AADHAAR, "Dose": "Dose 1", "Given On": "03-06-2021",
            "Vaccine": "covishield ", "Centre": "PHC Surajgarh", "District": "RGH"}  # fmt: skip
    base.update(cells)
    return [base[h] for h in HEADER]


def test_a_row_is_read_through_its_mapping():
    r = reader().read(row(), "unused")
    assert (r.source_row_id, r.name, r.name_latin, r.name_key) == (
        "A1",
        "राम कुमार",
        "Ram Kumar",
        name_key("राम कुमार"),
    )
    assert (r.sex, r.birth_date, r.phone, r.area_code) == (
        "male",
        date(1980, 4, 12),
        "+919876543210",
        "IN-CG-RGH-PUS-PUS",
    )
    assert [(k.value, n) for k, n in r.identifiers] == [("aadhaar", AADHAAR)]
    (dose,) = r.doses
    assert (dose.schedule, dose.dose_code, dose.given_on, dose.product, dose.area_code) == (
        "covid19-india",
        "COVID1",
        date(2021, 6, 3),
        "covishield",
        "IN-CG-RGH",
    )


def test_an_age_is_kept_with_the_day_it_was_recorded():
    r = reader().read(row(DOB="", Age="45 yrs", Village="Kathli"), "x")
    assert (r.birth_date, r.age_years, r.age_as_of, r.area_code) == (
        None,
        45,
        date(2021, 6, 1),
        "IN-CG-RGH-PUS-KTL",
    )


def test_without_an_id_column_the_row_id_is_the_callers():
    m = mapping(columns={"name": "Name"})
    r = reader(m).read(row(), "abc-7")
    assert r.source_row_id == "abc-7" and r.doses


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"DOB": "31/02/1980"},
         "DOB: '31/02/1980' is not a date in the formats %d/%m/%Y, %d-%m-%Y."),
        ({"DOB": "12/04/2030"}, "DOB: 2030-04-12 is in the future."),
        ({"Gender": "X"}, "Gender: 'X' is not a sex the mapping knows"),
        ({"Name": "  "}, "Name: '': The name must have between 1 and 200 letters."),
        ({"Age": "two hundred", "DOB": ""}, "Age: 'two hundred' is not an age in years"),
        ({"Mobile": "12345"}, "Mobile: The mobile number 12345 is not a valid"),
        ({"ID No": "234567890123"}, "ID No: The Aadhaar number is not valid: the check digit"),
        ({"ID Type": "PAN"}, "ID Type: 'PAN' is not an identifier kind the mapping knows"),
        ({"Dose": "Dose 3"},
         "Dose: 'Dose 3' is not a dose the mapping knows ('dose 1', 'dose 2')."),
        ({"Vaccine": "Sputnik"}, "Vaccine: 'Sputnik' is not a product the mapping knows"),
        ({"Given On": "01/01/1979"},
         "Given On: 1979-01-01 is before the date of birth 1980-04-12."),
        ({"ID": ""}, "ID: the row id is empty."),
    ],
)  # fmt: skip
def test_a_bad_value_rejects_the_row_with_a_precise_reason(cells, reason):
    with pytest.raises(RowRejected) as refused:
        reader().read(row(**cells), "x")
    assert refused.value.message().startswith(reason)


def test_short_rows_read_empty_cells_and_unknown_areas_stay_text():
    r = reader().read(row(Village="Atlantis")[:8], "x")
    assert (r.area_code, r.area_text, r.doses, r.identifiers) == (None, "Atlantis", [], [])


def test_spreadsheet_cells_numbers_and_dates():
    cells = row(DOB=datetime(1980, 4, 12), Mobile=9876543210.0, Age=None)
    r = reader().read(cells, "x")
    assert (r.birth_date, r.phone) == (date(1980, 4, 12), "+919876543210")


def test_a_column_the_mapping_names_must_be_in_the_file():
    with pytest.raises(ImportFileError) as refused:
        reader(header=[h for h in HEADER if h != "Vaccine"])
    assert "The file has no column 'Vaccine', which the mapping names." in refused.value.message()
    with pytest.raises(ImportFileError) as one_column:
        reader(header=[";".join(HEADER)])
    assert "is file.delimiter right?" in one_column.value.message()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colums": {}}, "Mapping key colums: unknown key"),
        ({"columns": {"name": "Name", "dob": "DOB"}}, "Mapping key columns.dob: unknown key"),
        ({"columns": {"sex": "Gender"}}, "Mapping key columns.name: map the name column"),
        ({"columns": {"name": "N", "age": "A"}}, "Mapping key columns.age: an age needs the day"),
        ({"file": {"delimiter": ";;"}}, "Mapping key file.delimiter: it must be one character"),
        ({"file": {"country": "NP"}}, "Mapping key file.country: it must be IN or BD."),
        ({"dates": {"formats": ["dd/mm/yyyy"]}},
         "Mapping key dates.formats: 'dd/mm/yyyy' is not a date format"),
        ({"translate": {"sex": {"M": "man"}}},
         "Mapping key translate.sex.m: it must be female, male or other."),
        ({"area": {"by": "pin"}}, "Mapping key area.by: it must be name or code."),
        ({"identifier": {"kind": "pan"}},
         "Mapping key identifier.kind: 'pan' is not an identifier kind"),
        ({"doses": [{"schedule": "covid19-india", "date": "D"}]},
         "Mapping key doses[0].dose_code: give either"),
        ({"doses": [{"schedule": "x", "date": "D", "dose_column": "C"}]},
         "Mapping key doses[0].codes: dose_column needs"),
        ({"doses": [{"date": "D", "dose_code": "COVID1"}]},
         "Mapping key doses[0].schedule: name the schedule"),
    ],
)  # fmt: skip
def test_mapping_mistakes_are_named_by_their_key(change, message):
    doc = {"columns": {"name": "Name"}}
    doc.update(change)
    if "columns" in change and "name" not in change["columns"] and "sex" not in change["columns"]:
        doc["columns"] = {**change["columns"]}
    with pytest.raises(MappingError) as refused:
        parse_mapping(doc)
    assert refused.value.message().startswith(message), refused.value.message()


def test_mapping_defaults():
    m = parse_mapping({"columns": {"first_name": "First", "last_name": "Last"},
                       "file": {"delimiter": "\\t", "encoding": "cp1252"}})  # fmt: skip
    assert (m.delimiter, m.encoding, m.country, m.area_by) == ("\t", "cp1252", "IN", "name")
    assert m.sexes["f"] == "female" and m.sexes["পুরুষ"] == "male"
    r = RowReader(m, ["First", "Last"], today=TODAY, area_of=lambda t: None,
                  district_of=lambda t: None).read(["অমিত", "দাস"], "r2")  # fmt: skip
    assert (r.name, r.name_latin) == ("অমিত দাস", "Amit Das")


FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y", "%d %b %Y", "%d/%m/%y"]


@given(st.dates(min_value=date(1920, 1, 1), max_value=date(2030, 12, 31)),
       st.sampled_from(FORMATS))  # fmt: skip
def test_a_date_written_in_a_format_reads_back_in_that_format(day, fmt):
    text = day.strftime(fmt)
    parsed = parse_date(text, [fmt])
    if fmt == "%d/%m/%y":  # two-digit years land in 1969-2068
        assert (parsed.month, parsed.day, parsed.year % 100) == (day.month, day.day, day.year % 100)
    else:
        assert parsed == day


@given(st.dates(min_value=date(1920, 1, 1), max_value=date(2030, 12, 31)))
def test_the_first_matching_format_wins_and_native_digits_read(day):
    text = day.strftime("%d/%m/%Y")
    assert parse_date(text, ["%Y-%m-%d", "%d/%m/%Y"]) == day
    bengali = text.translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    assert parse_date(bengali, ["%d/%m/%Y"]) == day


@pytest.mark.parametrize("text", ["2021-02-30", "tomorrow", "", "12/13/2021"])
def test_impossible_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text, ["%Y-%m-%d", "%d/%m/%Y"])


@pytest.mark.parametrize(("text", "age"), [("45", 45), ("45 years", 45), ("7Y", 7), ("৬০", 60),
                                           ("0", 0), ("120 yrs.", 120)])  # fmt: skip
def test_ages(text, age):
    assert parse_age(text) == age


@pytest.mark.parametrize("text", ["121", "-3", "4.5", "forty", "45 months"])
def test_not_ages(text):
    with pytest.raises(ValueError):
        parse_age(text)


def test_damage_keeps_the_name_recognisable():
    rng = random.Random(3)
    variants = {spelling_variant(rng, "Sunita Devi") for _ in range(50)}
    assert len(variants) > 5 and "Sunita Devi" not in variants
    assert all(len(v.split()) == 2 for v in variants)
    assert any(name_key(v) == name_key("Sunita Devi") for v in variants)  # folded away
    assert any(name_key(v) != name_key("Sunita Devi") for v in variants)  # left to fuzzy match
    typos = {typo(rng, "Biswas") for _ in range(30)}
    assert all(t[0] == "B" and abs(len(t) - 6) <= 1 for t in typos) and "Biswas" not in typos
    assert swap_first_last("Ram Kumar Sahu") == "Sahu Ram Kumar"
