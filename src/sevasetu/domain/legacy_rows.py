"""Reading one row of an export through its mapping: every value checked, or a precise reason.

A ``RowReader`` is built once per file (it knows where each mapped column is) and turns each
row into an ``ImportedRow``, or raises ``RowRejected`` naming the column and what is wrong
with it. Dates, names and codes repeat a great deal in an export, so their parsed forms are
kept per reader: a million rows cost a few thousand parses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from .errors import DomainError, ImportFileError, RowRejected
from .identifiers import IdentifierKind, normalize_identifier, normalize_phone
from .legacy_mapping import FIELDS, DoseMapping, ImportMapping, fold
from .names import clean_name, name_key, to_latin
from .people import MAX_AGE_YEARS

_NATIVE_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯०१२३४५६७८९", "01234567890123456789")
_AGE = re.compile(r"(\d{1,3})(?:\s*(?:y|yr|yrs|year|years)\.?)?", re.IGNORECASE)

AreaLookup = Callable[[str], "str | None"]


class ImportedDose(NamedTuple):  # a tuple: a million of them are made in an import
    schedule: str
    dose_code: str
    given_on: date
    product: str
    facility_text: str
    area_code: str | None


@dataclass(slots=True)
class ImportedRow:
    source_row_id: str
    name: str
    name_latin: str
    name_key: str
    sex: str | None = None
    birth_date: date | None = None
    age_years: int | None = None
    age_as_of: date | None = None
    phone: str | None = None
    area_code: str | None = None
    area_text: str = ""
    # (kind, canonical number) in the order the mapping names them; secret ones are hashed
    # by the caller, never stored as read.
    identifiers: list[tuple[IdentifierKind, str]] = field(default_factory=list)
    doses: list[ImportedDose] = field(default_factory=list)
    household: str = ""
    relation: str = ""
    address: str = ""


def cell_text(value: Any) -> str:
    """A cell as text: spreadsheets give numbers (a mobile as 9876543210.0) and dates."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return " ".join(str(value).split())


def parse_date(text: str, formats: Sequence[str]) -> date:
    """The first of ``formats`` that reads ``text`` (digits in any script); ValueError if none."""
    text = text.translate(_NATIVE_DIGITS)
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_age(text: str) -> int:
    """An age in whole years: "45", "45 years", "৪৫"; ValueError otherwise."""
    match = _AGE.fullmatch(text.translate(_NATIVE_DIGITS).strip())
    if not match or int(match.group(1)) > MAX_AGE_YEARS:
        raise ValueError(text)
    return int(match.group(1))


def _reject(column: str, reason: str) -> RowRejected:
    return RowRejected(column, reason=f"{column}: {reason}")


class RowReader:
    """Reads rows of one file with one mapping. ``header``: the file's column names;
    ``area_of``/``district_of`` resolve an area's text (name or code) to a code or None;
    ``today``: nothing may have happened after it."""

    def __init__(
        self,
        mapping: ImportMapping,
        header: Sequence[str],
        *,
        today: date,
        area_of: AreaLookup,
        district_of: AreaLookup,
    ) -> None:
        self.mapping = mapping
        self.today = today
        self.area_of = area_of
        self.district_of = district_of
        positions: dict[str, int] = {}
        for i, name in enumerate(header):
            positions.setdefault(cell_text(name), i)
        missing = [c for c in mapping.named_columns() if c not in positions]
        if missing:
            hint = " (is file.delimiter right?)" if len(header) == 1 else ""
            raise ImportFileError(
                "mapping",
                reason=f"The file has no column {missing[0]!r}, which the mapping names. "
                f"Its columns are: {', '.join(repr(cell_text(h)) for h in header)}{hint}.",
            )
        self.width = len(header)
        # Index of each field's cell; -1 (an empty cell appended to every row) when unmapped.
        self.at = {f: positions[mapping.columns[f]] if f in mapping.columns else -1
                   for f in FIELDS}  # fmt: skip
        self.id_at = [(IdentifierKind(k), positions[c], c) for k, c in mapping.identifiers.items()]

        def at(column: str | None) -> int:
            return positions[column] if column else -1

        self.doses: list[tuple[DoseMapping, int, int, int, int, int]] = [
            (d, at(d.date_column), at(d.dose_column), at(d.product_column),
             at(d.facility_column), at(d.district_column))
            for d in mapping.doses
        ]  # fmt: skip
        # Parsed forms of values seen before: exports repeat names, dates, places and codes.
        self._dates: dict[tuple[str, tuple[str, ...]], date] = {}
        self._names: dict[str, tuple[str, str, str] | str] = {}
        self._words: dict[str, tuple[str, str]] = {}
        self._sexes: dict[str, str | None] = {}
        self._areas: dict[str, str | None] = {}
        self._districts: dict[tuple[int, str], str | None] = {}
        self._translations: dict[tuple[int, str], str | None] = {}

    def _cells(self, values: Sequence[Any]) -> list[Any]:
        """Text cells stripped (dates from a spreadsheet kept as dates), as wide as the header,
        plus the empty cell that unmapped fields read."""
        try:
            cells: list[Any] = list(map(str.strip, values))
        except TypeError:
            cells = [v if isinstance(v, date) else cell_text(v) for v in values]
        if len(cells) < self.width:
            cells += [""] * (self.width - len(cells))
        cells.append("")
        return cells

    def _date(self, value: Any, formats: tuple[str, ...], column: str) -> date | None:
        if isinstance(value, date):
            found = value.date() if isinstance(value, datetime) else value
        elif not value:
            return None
        else:
            key = (value, formats)
            found = self._dates.get(key)  # type: ignore[assignment]
            if found is None:
                try:
                    found = self._dates[key] = parse_date(value, formats)
                except ValueError:
                    raise _reject(column, f"{value!r} is not a date in the formats "
                                  f"{', '.join(formats)}.") from None  # fmt: skip
        if found > self.today:
            raise _reject(column, f"{found.isoformat()} is in the future.")
        return found

    def _translated(self, table: dict[str, str], raw: str) -> str | None:
        key = (id(table), raw)
        found = self._translations.get(key, "?")
        if found == "?":
            found = self._translations[key] = table.get(fold(raw))
        return found

    def _name(self, raw: str, column: str) -> tuple[str, str, str]:
        """The name as stored, its Latin form and key; transliterated word by word (both
        functions work per word) and remembered."""
        found = self._names.get(raw)
        if found is None:
            try:
                name = clean_name(raw)
            except DomainError as error:
                found = f"{raw!r}: {error.message()}"
            else:
                latin: list[str] = []
                keys: list[str] = []
                for word in name.split(" "):
                    forms = self._words.get(word)
                    if forms is None:
                        forms = self._words[word] = (to_latin(word), name_key(word))
                    latin.append(forms[0])
                    if forms[1]:
                        keys.append(forms[1])
                key = " ".join(keys)
                found = (name, " ".join(latin), key) if key else \
                    f"{name!r} has no letters a name key can be made of."  # fmt: skip
            if len(self._names) > 500_000:
                self._names.clear()
            self._names[raw] = found
        if isinstance(found, str):
            raise _reject(column, found)
        return found

    # --- the row ---------------------------------------------------------------------------

    def read(self, values: Sequence[Any], row_id: str) -> ImportedRow:
        """The row, or RowRejected. ``row_id``: its id when the mapping names no id column."""
        m, cols, at = self.mapping, self.mapping.columns, self.at
        cells = self._cells(values)
        if at["source_row_id"] >= 0:
            row_id = cells[at["source_row_id"]]
            if not row_id:
                raise _reject(cols["source_row_id"], "the row id is empty.")
            if len(row_id) > 80:
                raise _reject(cols["source_row_id"], "the row id is longer than 80 characters.")
        if at["name"] >= 0:
            raw_name = cells[at["name"]]
            name_column = cols["name"]
        else:
            first, last = cells[at["first_name"]], cells[at["last_name"]]
            raw_name = f"{first} {last}" if first and last else first or last
            name_column = cols.get("first_name") or cols["last_name"]
        row = ImportedRow(row_id, *self._name(raw_name, name_column))

        sex = cells[at["sex"]]
        if sex:
            known = self._sexes.get(sex, "?")
            if known == "?":
                known = self._sexes[sex] = m.sexes.get(fold(sex))
            if known is None:
                raise _reject(cols["sex"], f"{sex!r} is not a sex the mapping knows "
                              "(add it under [translate.sex]).")  # fmt: skip
            row.sex = known
        if cells[at["birth_date"]]:
            row.birth_date = self._date(cells[at["birth_date"]], m.date_formats,
                                        cols["birth_date"])  # fmt: skip
        age = cells[at["age"]]
        if age:
            try:
                row.age_years = parse_age(str(age))
            except ValueError:
                raise _reject(cols["age"], f"{age!r} is not an age in years (0 to "
                              f"{MAX_AGE_YEARS}).") from None  # fmt: skip
            as_of = cells[at["age_as_of"]]
            row.age_as_of = self._date(as_of, m.date_formats, cols.get("age_as_of", "")) \
                if as_of else m.age_as_of  # fmt: skip
            if row.age_as_of is None:
                raise _reject(cols["age_as_of"], "the day the age was recorded is empty.")
        phone = cells[at["phone"]]
        if phone:
            try:
                row.phone = normalize_phone(phone, m.country)
            except DomainError as error:
                raise _reject(cols["phone"], error.message()) from None
        area = cells[at["area"]]
        if area:
            row.area_text = area[:120]
            code = self._areas.get(area, "?")
            if code == "?":
                code = self._areas[area] = m.area_names.get(fold(area)) or self.area_of(area)
            row.area_code = code
        if cells[at["id_number"]] or self.id_at:
            row.identifiers = self._identifiers(cells)
        row.household = cells[at["household"]]
        relation = cells[at["relation"]]
        if relation:
            row.relation = m.relations.get(fold(relation), relation.casefold())
        row.address = cells[at["address"]][:300]
        if self.doses:
            self._all_doses(row, cells)
        return row

    def _identifiers(self, cells: list[Any]) -> list[tuple[IdentifierKind, str]]:
        m, cols, at = self.mapping, self.mapping.columns, self.at
        wanted: list[tuple[str, str, str]] = []  # (kind, number, column)
        number = cells[at["id_number"]]
        if number:
            kind = m.id_kind
            if at["id_kind"] >= 0:
                raw = cells[at["id_kind"]]
                kind = m.id_kinds.get(fold(raw)) or (raw.casefold() if raw else m.id_kind)
                if kind not in IdentifierKind.__members__.values():
                    raise _reject(cols["id_kind"], f"{raw!r} is not an identifier kind the "
                                  "mapping knows (add it under [identifier.kinds]).")  # fmt: skip
            assert kind is not None  # parse_mapping insists on a kind for a number
            wanted.append((kind, number, cols["id_number"]))
        for id_kind, i, column in self.id_at:
            if cells[i]:
                wanted.append((id_kind.value, cells[i], column))
        found: list[tuple[IdentifierKind, str]] = []
        for kind, number, column in wanted:
            try:
                canonical = normalize_identifier(kind, number, field=column)
            except DomainError as error:
                raise _reject(column, error.message()) from None
            if any(k == kind for k, _ in found):
                raise _reject(column, f"a second {kind} number in the same row.")
            found.append((IdentifierKind(kind), canonical))
        return found

    def _all_doses(self, row: ImportedRow, cells: list[Any]) -> None:
        born = row.birth_date
        for dose, i_date, i_code, i_product, i_facility, i_district in self.doses:
            given = self._date(cells[i_date], dose.formats, dose.date_column)
            if given is None:
                continue  # this dose was not given
            code = dose.dose_code
            if i_code >= 0:
                raw = cells[i_code]
                code = self._translated(dose.codes, raw)
                if code is None:
                    known = ", ".join(repr(k) for k in dose.codes)
                    raise _reject(str(dose.dose_column), f"{raw!r} is not a dose the mapping "
                                  f"knows ({known}).")  # fmt: skip
            assert code is not None
            product = dose.product
            if i_product >= 0 and cells[i_product]:
                raw = cells[i_product]
                if dose.products:
                    translated = self._translated(dose.products, raw)
                    if translated is None:
                        raise _reject(str(dose.product_column), f"{raw!r} is not a product "
                                      "the mapping knows (add it under products).")  # fmt: skip
                    product = translated
                else:
                    product = raw
            district = cells[i_district]
            area_code = None
            if district:
                key = (i_district, district)
                area_code = self._districts.get(key, "?")
                if area_code == "?":
                    area_code = self._districts[key] = dose.districts.get(
                        fold(district)
                    ) or self.district_of(district)
            for d in row.doses:
                if d.schedule == dose.schedule and d.dose_code == code:
                    raise _reject(dose.date_column, f"a second {code} in the same row.")
            if born is not None and given < born:
                raise _reject(dose.date_column, f"{given.isoformat()} is before the date of "
                              f"birth {born.isoformat()}.")  # fmt: skip
            row.doses.append(ImportedDose(dose.schedule, code, given, product[:80],
                                          str(cells[i_facility])[:160], area_code))  # fmt: skip
