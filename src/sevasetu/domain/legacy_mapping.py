"""Mapping files: which column of an export is which field, and how its values translate.

A mapping is a TOML document (parsed by the caller; this module takes the resulting dict) so
that one import engine reads any portal's or department's export. Every mistake in a mapping
is found here, before a single row is read, and named by its key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .errors import MappingError, Reason
from .identifiers import IdentifierKind

# Fields a column can be mapped to (``[columns]``).
FIELDS = (
    "source_row_id", "name", "first_name", "last_name", "sex", "birth_date", "age",
    "age_as_of", "phone", "area", "id_kind", "id_number", "household", "relation", "address",
)  # fmt: skip
DEFAULT_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
# What exports write for sex, in English, Hindi and Bengali; a mapping adds its own.
DEFAULT_SEXES = {
    "m": "male", "male": "male", "man": "male", "पुरुष": "male", "পুরুষ": "male",
    "f": "female", "female": "female", "woman": "female", "महिला": "female", "মহিলা": "female",
    "स्त्री": "female", "o": "other", "other": "other", "t": "other", "transgender": "other",
    "अन्य": "other", "অন্যান্য": "other",
}  # fmt: skip
SEXES = frozenset({"male", "female", "other"})
TOP_KEYS = frozenset({"file", "columns", "dates", "translate", "area", "identifier",
                      "identifiers", "doses"})  # fmt: skip


def fold(text: str) -> str:
    """How translation tables compare a cell: trimmed, single spaces, case-insensitive."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True, slots=True)
class DoseMapping:
    """One dose a row may carry: its date column, and its code, product and place."""

    schedule: str
    date_column: str
    dose_code: str | None = None  # the same code for every row, or ...
    dose_column: str | None = None  # ... read from this column through ``codes``
    codes: dict[str, str] = field(default_factory=dict)
    formats: tuple[str, ...] = DEFAULT_DATE_FORMATS
    product: str = ""
    product_column: str | None = None
    products: dict[str, str] = field(default_factory=dict)
    facility_column: str | None = None
    district_column: str | None = None
    districts: dict[str, str] = field(default_factory=dict)

    def columns(self) -> list[str]:
        named = [self.date_column, self.dose_column, self.product_column,
                 self.facility_column, self.district_column]  # fmt: skip
        return [c for c in named if c]


@dataclass(frozen=True, slots=True)
class ImportMapping:
    columns: dict[str, str]  # field -> column header
    delimiter: str = ","
    encoding: str = "utf-8"
    sheet: str | None = None
    state: str | None = None
    country: str = "IN"  # how a mobile number without country code is read
    date_formats: tuple[str, ...] = DEFAULT_DATE_FORMATS
    age_as_of: date | None = None  # when no ``age_as_of`` column says it row by row
    sexes: dict[str, str] = field(default_factory=dict)
    area_by: str = "name"  # name | code
    area_within: str | None = None
    area_names: dict[str, str] = field(default_factory=dict)
    relations: dict[str, str] = field(default_factory=dict)
    id_kind: str | None = None
    id_kinds: dict[str, str] = field(default_factory=dict)
    identifiers: dict[str, str] = field(default_factory=dict)  # kind -> column
    doses: tuple[DoseMapping, ...] = ()

    def named_columns(self) -> list[str]:
        """Every column the mapping names, in mapping order, each once."""
        named = list(self.columns.values()) + list(self.identifiers.values())
        for dose in self.doses:
            named += dose.columns()
        return list(dict.fromkeys(named))


# --- parsing -------------------------------------------------------------------------------


def _fail(key: str, reason: str, **params: Any) -> MappingError:
    return MappingError(key, reason=Reason("Mapping key {key}: " + reason, key=key, **params))


def _table(doc: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = doc.get(key, {})
    if not isinstance(value, dict):
        raise _fail(f"{where}{key}", "it must be a table.")
    return value


def _text(doc: dict[str, Any], key: str, where: str, default: str | None = None) -> str | None:
    value = doc.get(key, default)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise _fail(f"{where}{key}", "it must be a non-empty text.")
    return value


def _translations(doc: dict[str, Any], key: str, where: str) -> dict[str, str]:
    table = _table(doc, key, where)
    out: dict[str, str] = {}
    for raw, value in table.items():
        if not isinstance(value, str) or not value.strip():
            raise _fail(f"{where}{key}.{raw}", "a translation must be a non-empty text.")
        out[fold(raw)] = value.strip()
    return out


def _formats(
    doc: dict[str, Any], key: str, where: str, default: tuple[str, ...]
) -> tuple[str, ...]:
    value = doc.get(key)
    if value is None:
        return default
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise _fail(
            f"{where}{key}", "it must be a non-empty list of date formats such as %d/%m/%Y."
        )
    for fmt in value:
        if "%" not in fmt:
            raise _fail(
                f"{where}{key}", "{fmt} is not a date format (%d, %m, %Y ...).", fmt=repr(fmt)
            )
        try:
            datetime.strptime(date(2021, 12, 31).strftime(fmt), fmt)
        except ValueError:
            raise _fail(f"{where}{key}", "{fmt} cannot read back the dates it writes.",
                        fmt=repr(fmt)) from None  # fmt: skip
    return tuple(value)


def _unknown(doc: dict[str, Any], known: frozenset[str] | tuple[str, ...], where: str) -> None:
    for key in doc:
        if key not in known:
            raise _fail(f"{where}{key}", "unknown key; known keys are {known}.",
                        known=", ".join(sorted(known)))  # fmt: skip


def parse_mapping(doc: dict[str, Any]) -> ImportMapping:
    """The mapping a TOML document describes; raises MappingError naming the bad key."""
    _unknown(doc, TOP_KEYS, "")
    file = _table(doc, "file", "")
    _unknown(file, ("delimiter", "encoding", "sheet", "state", "country", "age_as_of"), "file.")
    delimiter = _text(file, "delimiter", "file.", ",") or ","
    if delimiter == "\\t":
        delimiter = "\t"
    if len(delimiter) != 1:
        raise _fail("file.delimiter", 'it must be one character (use "\\t" for a tab).')
    encoding = _text(file, "encoding", "file.", "utf-8") or "utf-8"
    country = (_text(file, "country", "file.", "IN") or "IN").upper()
    if country not in ("IN", "BD"):
        raise _fail("file.country", "it must be IN or BD.")
    age_as_of = file.get("age_as_of")
    if age_as_of is not None and not isinstance(age_as_of, date):
        try:
            age_as_of = date.fromisoformat(str(age_as_of))
        except ValueError:
            raise _fail("file.age_as_of", "it must be a date YYYY-MM-DD.") from None

    columns = _table(doc, "columns", "")
    _unknown(columns, FIELDS, "columns.")
    for key, value in columns.items():
        if not isinstance(value, str) or not value.strip():
            raise _fail(f"columns.{key}", "it must name a column of the file.")
    if not ({"name", "first_name", "last_name"} & columns.keys()):
        raise _fail("columns.name", "map the name column (or first_name and last_name).")
    if "name" in columns and ({"first_name", "last_name"} & columns.keys()):
        raise _fail("columns.name", "map either name or first_name/last_name, not both.")
    if "age" in columns and "age_as_of" not in columns and age_as_of is None:
        raise _fail("columns.age", "an age needs the day it was recorded: map columns.age_as_of "
                    "or set file.age_as_of.")  # fmt: skip

    dates = _table(doc, "dates", "")
    _unknown(dates, ("formats",), "dates.")
    date_formats = _formats(dates, "formats", "dates.", DEFAULT_DATE_FORMATS)
    translate = _table(doc, "translate", "")
    _unknown(translate, ("sex", "relation"), "translate.")
    sexes = _translations(translate, "sex", "translate.")
    for raw, value in sexes.items():
        if value not in SEXES:
            raise _fail(f"translate.sex.{raw}", "it must be female, male or other.")

    area = _table(doc, "area", "")
    _unknown(area, ("by", "within", "names"), "area.")
    area_by = _text(area, "by", "area.", "name") or "name"
    if area_by not in ("name", "code"):
        raise _fail("area.by", "it must be name or code.")

    identifier = _table(doc, "identifier", "")
    _unknown(identifier, ("kind", "kinds"), "identifier.")
    id_kind = _text(identifier, "kind", "identifier.")
    id_kinds = _translations(identifier, "kinds", "identifier.")
    for key, kind in [("identifier.kind", id_kind)] + [
        (f"identifier.kinds.{k}", v) for k, v in id_kinds.items()
    ]:
        if kind is not None and kind not in IdentifierKind.__members__.values():
            raise _fail(key, "{kind} is not an identifier kind ({kinds}).", kind=repr(kind),
                        kinds=", ".join(k.value for k in IdentifierKind))  # fmt: skip
    if "id_number" in columns and id_kind is None and "id_kind" not in columns:
        raise _fail("identifier.kind", "an id_number column needs identifier.kind or an id_kind "
                    "column.")  # fmt: skip
    identifiers = _table(doc, "identifiers", "")
    for kind, column in identifiers.items():
        if kind not in IdentifierKind.__members__.values():
            raise _fail(f"identifiers.{kind}", "not an identifier kind ({kinds}).",
                        kinds=", ".join(k.value for k in IdentifierKind))  # fmt: skip
        if not isinstance(column, str) or not column.strip():
            raise _fail(f"identifiers.{kind}", "it must name a column of the file.")

    doses = doc.get("doses", [])
    if not isinstance(doses, list):
        raise _fail("doses", "it must be an array of tables ([[doses]]).")
    return ImportMapping(
        columns=dict(columns), delimiter=delimiter, encoding=encoding,
        sheet=_text(file, "sheet", "file."), state=_text(file, "state", "file."),
        country=country, date_formats=date_formats, age_as_of=age_as_of,
        sexes=DEFAULT_SEXES | sexes, area_by=area_by, area_within=_text(area, "within", "area."),
        area_names={k: v for k, v in _translations(area, "names", "area.").items()},
        relations=_translations(translate, "relation", "translate."),
        id_kind=id_kind, id_kinds=id_kinds, identifiers=dict(identifiers),
        doses=tuple(_dose(d, i, date_formats) for i, d in enumerate(doses)),
    )  # fmt: skip


DOSE_KEYS = ("schedule", "dose_code", "dose_column", "codes", "date", "formats", "product",
             "product_column", "products", "facility", "district", "districts")  # fmt: skip


def _dose(doc: Any, index: int, formats: tuple[str, ...]) -> DoseMapping:
    where = f"doses[{index}]."
    if not isinstance(doc, dict):
        raise _fail(f"doses[{index}]", "it must be a table.")
    _unknown(doc, DOSE_KEYS, where)
    schedule = _text(doc, "schedule", where)
    date_column = _text(doc, "date", where)
    if schedule is None:
        raise _fail(f"{where}schedule", "name the schedule (e.g. covid19-india).")
    if date_column is None:
        raise _fail(f"{where}date", "name the column holding the date the dose was given.")
    dose_code = _text(doc, "dose_code", where)
    dose_column = _text(doc, "dose_column", where)
    codes = _translations(doc, "codes", where)
    if (dose_code is None) == (dose_column is None):
        raise _fail(f"{where}dose_code", "give either dose_code (one code for every row) or "
                    "dose_column with its codes.")  # fmt: skip
    if dose_column is not None and not codes:
        raise _fail(f"{where}codes", "dose_column needs the codes it translates to, e.g. "
                    "{example}.", example='{ "Dose 1" = "COVID1" }')  # fmt: skip
    return DoseMapping(
        schedule=schedule, date_column=date_column, dose_code=dose_code,
        dose_column=dose_column, codes=codes, formats=_formats(doc, "formats", where, formats),
        product=_text(doc, "product", where) or "",
        product_column=_text(doc, "product_column", where),
        products=_translations(doc, "products", where),
        facility_column=_text(doc, "facility", where),
        district_column=_text(doc, "district", where),
        districts=_translations(doc, "districts", where),
    )  # fmt: skip


def dose_codes_named(mapping: ImportMapping) -> list[tuple[str, str, str]]:
    """(key, schedule, code) for every dose code the mapping can produce, to check against
    the schedules before reading (the caller loads them)."""
    named: list[tuple[str, str, str]] = []
    for i, dose in enumerate(mapping.doses):
        if dose.dose_code is not None:
            named.append((f"doses[{i}].dose_code", dose.schedule, dose.dose_code))
        for raw, code in dose.codes.items():
            named.append((f"doses[{i}].codes.{raw}", dose.schedule, code))
    return named
