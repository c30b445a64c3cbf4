"""Importing people straight into the registry from a survey's or a department's sheet.

Every row goes through the registry's own rules (``build_person``: name, sex, date of birth
or age, mobile, identifiers; ``add_new_person``: search before register, audit). A row the
registry refuses (an identifier already on file, a possible duplicate not confirmed) is a
reject with the registry's reason, not a crash. Rows sharing a ``household`` key become one
household, all its members or none. One transaction for the whole file; the same file twice
is a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..adapters.tabular import open_table
from ..domain.access import Action, Principal, require, require_area
from ..domain.errors import DomainError, ImportFileError, OutsideArea, RowRejected
from ..domain.households import Household, Relation, check_roster
from ..domain.legacy_mapping import ImportMapping
from ..domain.legacy_rows import ImportedRow, RowReader
from ..domain.people import Person, birth_date_from_age
from .audit import record
from .people import PersonInput, add_new_person, build_person
from .ports import Context
from .tabular_import import (
    ImportSummary,
    Progress,
    Rejects,
    default_rejects_path,
    no_rows,
    prepare_file,
)


@dataclass(slots=True)
class _Row:
    number: int
    values: list[Any]
    person: Person
    household: str
    relation: str
    address: str


@dataclass(slots=True)
class _Group:
    key: str
    rows: list[_Row] = field(default_factory=list)


def import_people(
    ctx: Context,
    principal: Principal,
    path: Path,
    *,
    mapping_path: Path,
    source: str = "people",
    state_code: str | None = None,
    rejects_path: Path | None = None,
    confirm_new: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Register the people of ``path`` (within ``state_code``, else the mapping's
    ``file.state`` or ``area.within``). ``confirm_new``: a similar name, birth year and
    village already registered does not stop a row (an identifier on file always does)."""
    require(principal, Action.PERSON_REGISTER)

    def scope(mapping: ImportMapping) -> str:
        wanted = state_code or mapping.state or mapping.area_within
        if wanted is None:
            raise ImportFileError("state", reason="Say where the people live: --state CODE, or "
                                  "file.state or area.within in the mapping.")  # fmt: skip
        return wanted

    file = prepare_file(ctx, path, mapping_path, source, scope)
    if file.earlier is not None:
        return file.earlier
    mapping, mapping_sha, state, sha = file.mapping, file.mapping_sha, file.state, file.sha
    area_of, district_of = file.area_of, file.district_of
    rejects = Rejects(rejects_path or default_rejects_path(path), [])
    try:
        with open_table(path, delimiter=mapping.delimiter, encoding=mapping.encoding,
                        sheet=mapping.sheet) as table:  # fmt: skip
            reader = RowReader(mapping, table.header, today=ctx.today(), area_of=area_of,
                               district_of=district_of)  # fmt: skip
            rejects.header = table.header
            groups, read = _validated(ctx, principal, reader, table.rows, rejects, progress)
        if read == 0:
            raise no_rows(path)
        import_id = ctx.new_id()
        with ctx.uow(write=True) as uow:
            if uow.legacy_staging.import_of_file(source, sha) is not None:
                raise ImportFileError("file", reason=f"{path.name} was imported for {source} "
                                      "at the same moment; nothing to do.")  # fmt: skip
            uow.legacy_staging.start_import(
                state_code=state, import_id=import_id, source=source, file_name=path.name,
                file_sha256=sha, mapping_sha256=mapping_sha, imported_by=principal.actor,
                imported_at=ctx.now(),
            )  # fmt: skip
            people, households = _register(ctx, uow, principal, groups, rejects, import_id,
                                           confirm_new, reader)  # fmt: skip
            uow.legacy_staging.finish_import(state, import_id, read=read, imported=people,
                                             rejected=rejects.count)  # fmt: skip
            record(
                ctx, uow, actor=principal, action="people.import", subject_type="import",
                subject_id=import_id, state_code=state, source=source, file=path.name,
                file_sha256=sha, rows_read=read, people=people, households=households,
                rows_rejected=rejects.count,
            )  # fmt: skip
            uow.commit()
    except BaseException:
        rejects.discard()
        raise
    return ImportSummary(
        source=source, file_name=path.name, rows_read=read, rows_imported=people,
        rows_rejected=rejects.count, households=households, import_id=import_id,
        state_codes=(state,), rejects_path=rejects.commit(),
    )  # fmt: skip


def _validated(
    ctx: Context, principal: Principal, reader: RowReader, rows: Any, rejects: Rejects,
    progress: Progress | None,
) -> tuple[list[_Group], int]:  # fmt: skip
    """Every row checked by the registry's rules, grouped by household (a row without one
    is a group of its own), in file order; households checked for exactly one head."""
    groups: dict[str, _Group] = {}
    ordered: list[_Group] = []
    read = 0
    for number, values in rows:
        read += 1
        if progress is not None and read % 1000 == 0:
            progress(read)
        try:
            row = reader.read(values, f"row-{number}")
            person = _person(ctx, principal, reader, row)
        except RowRejected as rejected:
            rejects.add(number, rejected.message(), values)
            continue
        key = row.household
        group = groups.get(key) if key else None
        if group is None:
            group = _Group(key)
            ordered.append(group)
            if key:
                groups[key] = group
        group.rows.append(_Row(number, values, person, key, row.relation, row.address))
    if progress is not None:
        progress(read)
    kept: list[_Group] = []
    for group in ordered:
        if group.key:
            try:
                check_roster([r.relation for r in group.rows])
            except DomainError as error:
                _reject_group(group, f"household {group.key}: {error.message()}", rejects)
                continue
        kept.append(group)
    return kept, read


def _person(ctx: Context, principal: Principal, reader: RowReader, row: ImportedRow) -> Person:
    cols = reader.mapping.columns
    area_column = cols.get("area", "area")
    if row.area_code is None:
        where = reader.mapping.area_within or principal.area_code
        raise RowRejected(area_column, reason=f"{area_column}: {row.area_text!r} is not a "
                          f"village or ward under {where} (add it under "
                          "[area.names]).")  # fmt: skip
    tree = ctx.area_tree()
    birth, age = row.birth_date, row.age_years
    if age is not None and row.age_as_of is not None and birth is None:
        birth, age = birth_date_from_age(age, row.age_as_of), None
    data = PersonInput(
        name=row.name, sex=row.sex or "", area_code=row.area_code, birth_date=birth,
        age_years=age, phone=row.phone,
        identifiers={kind.value: number for kind, number in row.identifiers},
    )  # fmt: skip
    try:
        area = tree.residence(row.area_code)
        require_area(principal, area)
        person = build_person(ctx, data, area)
    except OutsideArea:
        raise RowRejected(area_column, reason=f"{area_column}: {row.area_code} is outside "
                          f"{principal.area_code}.") from None  # fmt: skip
    except DomainError as error:
        column = _column_of(reader, error.field)
        raise RowRejected(column, reason=f"{column}: {error.message()}") from None
    if row.birth_date is None and row.age_years is not None:
        person = replace(person, birth_date_estimated=True)
    return person


def _column_of(reader: RowReader, field_name: str | None) -> str:
    """The file's column behind a registry field, for the reject reason."""
    m = reader.mapping
    if field_name and field_name.startswith("identifiers."):
        kind = field_name.split(".", 1)[1]
        return m.identifiers.get(kind) or m.columns.get("id_number", field_name)
    named = {"age_years": "age", "confirm_new": "name"}.get(field_name or "", field_name or "")
    return m.columns.get(named) or m.columns.get("name") or named or "row"


def _reject_group(group: _Group, reason: str, rejects: Rejects) -> None:
    for r in group.rows:
        rejects.add(r.number, reason, r.values)


def _register(
    ctx: Context, uow: Any, principal: Principal, groups: list[_Group], rejects: Rejects,
    import_id: str, confirm_new: bool, reader: RowReader,
) -> tuple[int, int]:  # fmt: skip
    people = households = 0

    def reason(error: DomainError) -> str:
        return f"{_column_of(reader, error.field)}: {error.message()}"

    for group in groups:
        if not group.key:
            row = group.rows[0]
            try:
                add_new_person(ctx, uow, principal, row.person, confirm_new=confirm_new,
                               import_id=import_id, row=row.number)  # fmt: skip
            except DomainError as error:
                rejects.add(row.number, reason(error), row.values)
                continue
            people += 1
            continue
        # A household goes in whole or not at all: a savepoint undoes the members before.
        savepoint = uow.conn.begin_nested()
        try:
            placed = _household(ctx, uow, principal, group, import_id, confirm_new)
        except _MemberRefused as refused:
            savepoint.rollback()
            _reject_group(group, f"household {group.key}: row {refused.row.number}: "
                          f"{reason(refused.error)}", rejects)  # fmt: skip
            continue
        savepoint.commit()
        people += placed
        households += 1
    return people, households


class _MemberRefused(Exception):
    def __init__(self, row: _Row, error: DomainError) -> None:
        self.row, self.error = row, error


def _household(
    ctx: Context, uow: Any, principal: Principal, group: _Group, import_id: str,
    confirm_new: bool,
) -> int:  # fmt: skip
    head = next(r for r in group.rows if r.relation == Relation.HEAD.value)
    address = next((r.address for r in group.rows if r.address), "")
    household = Household(ctx.new_id(), head.person.state_code, head.person.area_code,
                          address, created_at=ctx.now())  # fmt: skip
    uow.households.add(household, created_by=principal.actor)
    for r in group.rows:
        person = replace(r.person, household_id=household.id, relation_to_head=r.relation)
        try:
            add_new_person(ctx, uow, principal, person, confirm_new=confirm_new,
                           household_id=household.id, import_id=import_id,
                           row=r.number)  # fmt: skip
        except DomainError as error:
            raise _MemberRefused(r, error) from None
        if r is head:
            uow.households.set_head(household.state_code, household.id, person.id)
    record(
        ctx, uow, actor=principal, action="household.register", subject_type="household",
        subject_id=household.id, state_code=household.state_code, import_id=import_id,
        members=[r.person.id for r in group.rows],
    )  # fmt: skip
    return len(group.rows)
