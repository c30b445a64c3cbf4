"""Paper surveys into the registry: one row per member, a household key column grouping them,
read through the people import's mapping with a ``[survey]`` table for the survey's own
columns. Every household goes through the survey's rules (one head, nobody listed twice, search
before register) and waits for a verifier like one surveyed on a phone.

All or nothing: one bad row and nothing is written; every bad row goes to the rejects file
with its reason. Search before register: a member whose identifier is already on file is that
person, attached to the household (refused if they already belong to another); a similar name,
birth year and village without an identifier refuses the row unless ``confirm_new``. The same
file twice is a no-op.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..adapters.tabular import open_table
from ..domain.access import Action, Principal, require
from ..domain.errors import (
    DomainError,
    DuplicateMember,
    ImportFileError,
    MappingError,
    RowRejected,
)
from ..domain.identifiers import IdentifierKind
from ..domain.legacy_mapping import ImportMapping, fold, parse_mapping
from ..domain.legacy_rows import ImportedRow, RowReader, cell_text
from ..domain.people import birth_date_from_age
from .people import PersonInput
from .ports import Context
from .surveys import SurveyInput, SurveyMemberInput, survey_new_household
from .tabular_import import (
    ImportSummary,
    Progress,
    Rejects,
    default_rejects_path,
    no_rows,
    prepare_file,
    read_toml,
)

SOURCE = "survey"
SURVEY_COLUMNS = ("disabled", "chronic_illness", "occupation", "marital_status",
                  "pregnant_months", "latitude", "longitude", "place")  # fmt: skip
YES = frozenset({"1", "y", "yes", "true", "হ্যাঁ", "হাঁ", "हाँ", "हां"})
NO = frozenset({"", "0", "n", "no", "false", "না", "नहीं"})
MEMBER = re.compile(r"^members\[(\d+)\]\.?")


@dataclass(frozen=True, slots=True)
class SurveyMapping:
    rows: ImportMapping
    survey: dict[str, str]  # survey field -> column


def read_survey_mapping(path: Path) -> tuple[SurveyMapping, str]:
    doc, sha = read_toml(path)
    extra = doc.pop("survey", {})
    if not isinstance(extra, dict):
        raise MappingError("survey", reason="Mapping key survey: it must be a table ([survey]).")
    for key, column in extra.items():
        if key not in SURVEY_COLUMNS:
            raise MappingError(f"survey.{key}", reason=f"Mapping key survey.{key}: not a survey "
                               f"column ({', '.join(SURVEY_COLUMNS)}).")  # fmt: skip
        if not isinstance(column, str) or not column.strip():
            raise MappingError(f"survey.{key}", reason=f"Mapping key survey.{key}: it must name "
                               "a column of the file.")  # fmt: skip
    rows = parse_mapping(doc)
    for needed in ("household", "relation"):
        if needed not in rows.columns:
            raise MappingError(f"columns.{needed}", reason=f"Mapping key columns.{needed}: a "
                               "survey names each member's household and relation.")  # fmt: skip
    return SurveyMapping(rows, dict(extra)), sha


@dataclass(slots=True)
class _Household:
    key: str
    numbers: list[int] = field(default_factory=list)
    values: list[Sequence[Any]] = field(default_factory=list)
    data: SurveyInput | None = None


def import_surveys(
    ctx: Context,
    principal: Principal,
    path: Path,
    *,
    mapping_path: Path,
    state_code: str | None = None,
    rejects_path: Path | None = None,
    confirm_new: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Survey every household of ``path`` (one transaction); see the module's docstring."""
    require(principal, Action.SURVEY)
    found: dict[str, SurveyMapping] = {}

    def read(p: Path) -> tuple[ImportMapping, str]:
        found["m"], sha = read_survey_mapping(p)
        return found["m"].rows, sha

    def scope(mapping: ImportMapping) -> str:
        wanted = state_code or mapping.state or mapping.area_within or principal.area_code
        if wanted is None:
            raise ImportFileError("state", reason="Say where the households are: --state CODE, "
                                  "or file.state or area.within in the mapping.")  # fmt: skip
        return wanted

    file = prepare_file(ctx, path, mapping_path, SOURCE, scope, read)
    if file.earlier is not None:
        return file.earlier
    mapping = found["m"]
    rejects = Rejects(rejects_path or default_rejects_path(path), [])
    imported = households = read_rows = 0
    import_id = ctx.new_id()
    try:
        with open_table(path, delimiter=mapping.rows.delimiter, encoding=mapping.rows.encoding,
                        sheet=mapping.rows.sheet) as table:  # fmt: skip
            reader = RowReader(mapping.rows, table.header, today=ctx.today(),
                               area_of=file.area_of, district_of=file.district_of)  # fmt: skip
            rejects.header = table.header
            groups, read_rows = _grouped(ctx, mapping, reader, table.header, table.rows, rejects,
                                         progress)  # fmt: skip
        if read_rows == 0:
            raise no_rows(path)
        with ctx.uow(write=True) as uow:
            uow.legacy_staging.start_import(
                state_code=file.state, import_id=import_id, source=SOURCE, file_name=path.name,
                file_sha256=file.sha, mapping_sha256=file.mapping_sha,
                imported_by=principal.actor, imported_at=ctx.now(),
            )  # fmt: skip
            for group in groups:
                if group.data is None:
                    continue
                savepoint = _savepoint(uow)
                try:
                    _attach_known(uow, ctx, group.data)
                    survey_new_household(ctx, uow, principal, group.data,
                                         confirm_new=confirm_new, import_id=import_id)  # fmt: skip
                except DomainError as error:
                    savepoint.rollback()
                    _reject_household(group, error, rejects)
                    continue
                savepoint.commit()
                households += 1
                imported += len(group.numbers)
            if rejects.count:
                uow.rollback()  # all or nothing: the rejects file says what to fix
                imported = households = 0
            else:
                uow.legacy_staging.finish_import(file.state, import_id, read=read_rows,
                                                 imported=imported, rejected=0)  # fmt: skip
                uow.commit()
    except BaseException:
        rejects.discard()
        raise
    return ImportSummary(
        source=SOURCE, file_name=path.name, rows_read=read_rows, rows_imported=imported,
        rows_rejected=rejects.count, households=households,
        import_id=import_id if imported else None, state_codes=(file.state,),
        rejects_path=rejects.commit(),
    )  # fmt: skip


def _grouped(
    ctx: Context, mapping: SurveyMapping, reader: RowReader, header: Sequence[str], rows: Any,
    rejects: Rejects, progress: Progress | None,
) -> tuple[list[_Household], int]:  # fmt: skip
    """Every row read by the mapping and grouped by its household key, in file order."""
    at = {name: _index(header, column) for name, column in mapping.survey.items()}
    groups: dict[str, _Household] = {}
    members: dict[str, list[SurveyMemberInput]] = {}
    places: dict[str, tuple[str, str, str, str, str]] = {}
    count = 0
    for number, values in rows:
        count += 1
        if progress is not None and count % 200 == 0:
            progress(count)
        group: _Household | None = None
        try:
            row = reader.read(values, f"row-{number}")
            if not row.household:
                raise RowRejected(mapping.rows.columns["household"],
                                  reason="the household key is empty.")  # fmt: skip
            group = groups.setdefault(row.household, _Household(row.household))
            if row.area_code is None:
                column = mapping.rows.columns.get("area", "area")
                raise RowRejected(column, reason=f"{column}: {row.area_text!r} is not one village "
                                  f"or ward under {mapping.rows.area_within or 'the state'} (add "
                                  "it under [area.names]).")  # fmt: skip
            cells = {name: cell_text(values[i]) if 0 <= i < len(values) else ""
                     for name, i in at.items()}  # fmt: skip
            member = _member(row, cells, mapping)
        except RowRejected as rejected:
            rejects.add(number, rejected.message(), values)
            if group is not None:
                group.data = None
                group.numbers.append(-number)  # keeps the household out
            continue
        group.numbers.append(number)
        group.values.append(values)
        members.setdefault(row.household, []).append(member)
        where = (row.area_code or "", row.address, cells.get("latitude", ""),
                 cells.get("longitude", ""), cells.get("place", ""))  # fmt: skip
        places.setdefault(row.household, where)
    if progress is not None:
        progress(count)
    kept = []
    for key, group in groups.items():
        if any(n < 0 for n in group.numbers):
            for n, v in zip([n for n in group.numbers if n > 0], group.values, strict=True):
                rejects.add(n, f"household {key}: another row of it was refused.", v)
            continue
        area, address, lat, lon, place = places[key]
        try:
            group.data = SurveyInput(
                area_code=area, address=address, latitude=_number(lat, mapping, "latitude"),
                longitude=_number(lon, mapping, "longitude"), place=place or None,
                members=members[key],
            )  # fmt: skip
        except RowRejected as rejected:
            for n, v in zip(group.numbers, group.values, strict=True):
                rejects.add(n, rejected.message(), v)
            continue
        kept.append(group)
    return kept, count


def _index(header: Sequence[str], column: str) -> int:
    wanted = fold(column)
    for i, name in enumerate(header):
        if fold(str(name)) == wanted:
            return i
    raise ImportFileError("file", reason=f"The file has no column {column!r} (the mapping's "
                          "[survey] table names it).")  # fmt: skip


def _flag(value: str, column: str) -> bool:
    folded = fold(value)
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise RowRejected(column, reason=f"{column}: {value!r} is neither yes nor no.")


def _number(value: str, mapping: SurveyMapping, name: str) -> float | None:
    if not value:
        return None
    try:
        return float(value.replace(",", "."))
    except ValueError:
        column = mapping.survey[name]
        raise RowRejected(column, reason=f"{column}: {value!r} is not a number.") from None


def _member(row: ImportedRow, cells: dict[str, str], mapping: SurveyMapping) -> SurveyMemberInput:
    birth, age = row.birth_date, row.age_years
    if age is not None and row.age_as_of is not None and birth is None:
        birth, age = birth_date_from_age(age, row.age_as_of), None
    person = PersonInput(
        name=row.name, sex=row.sex or "", area_code=row.area_code or "", birth_date=birth,
        age_years=age, phone=row.phone,
        identifiers={kind.value: number for kind, number in row.identifiers},
    )  # fmt: skip
    months: int | None = None
    if cells.get("pregnant_months"):
        raw = cells["pregnant_months"]
        if not raw.isdigit():
            column = mapping.survey["pregnant_months"]
            raise RowRejected(column, reason=f"{column}: {raw!r} is not a number of months.")
        months = int(raw)
    return SurveyMemberInput(
        relation=row.relation, person=person,
        disabled=_flag(cells.get("disabled", ""), mapping.survey.get("disabled", "")),
        chronic_illness=_flag(cells.get("chronic_illness", ""),
                              mapping.survey.get("chronic_illness", "")),
        occupation=cells.get("occupation") or None,
        marital_status=fold(cells["marital_status"]).replace(" ", "_") or None
        if cells.get("marital_status") else None,
        pregnant_months=months,
    )  # fmt: skip


def _attach_known(uow: Any, ctx: Context, data: SurveyInput) -> None:
    """Search before register by identifier: a member whose number is on file is that person
    (the survey attaches them; one already in a household is refused by the survey's rules)."""
    for member in data.members:
        if member.person is None or not member.person.identifiers:
            continue
        hashes = {IdentifierKind(k): ctx.identifier_hash(IdentifierKind(k), v)
                  for k, v in member.person.identifiers.items()}  # fmt: skip
        holders = {pid for _, pid in uow.people.holders_of(hashes)}
        if len(holders) == 1:
            member.person_id, member.person = holders.pop(), None


def _reject_household(group: _Household, error: DomainError, rejects: Rejects) -> None:
    """Every row of a refused household, the member to blame named by its row number."""
    if isinstance(error, DuplicateMember):
        first, second = (group.numbers[error.params[k] - 1] for k in ("first", "second"))
        reason = (f"household {group.key}: rows {first} and {second} list the same person "
                  f"twice ({error.params['why']}).")  # fmt: skip
    else:
        blamed = MEMBER.match(error.field or "")
        row = group.numbers[int(blamed.group(1))] if blamed else None
        where = f"row {row}: " if row is not None else ""
        reason = f"household {group.key}: {where}{error.message()}"
    for n, v in zip(group.numbers, group.values, strict=True):
        rejects.add(n, reason, v)


def _savepoint(uow: Any) -> Any:
    """A household goes in whole or not at all: a savepoint undoes its members before."""
    return uow.conn.begin_nested()
