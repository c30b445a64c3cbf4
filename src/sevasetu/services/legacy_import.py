"""Importing a legacy export (a state portal, a department's sheet) into the staging tables.

One transaction for the whole file: rows that fail their checks go to the rejects file with
the reason; anything that makes the file unreadable (or a database failure) rolls everything
back. The same file for the same source a second time is a no-op. Linkage (another use case)
then decides which registry person each staged record is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from ..adapters.tabular import open_table
from ..domain.errors import InvalidInput, RowRejected
from ..domain.identifiers import mask
from ..domain.legacy_mapping import ImportMapping
from ..domain.legacy_rows import ImportedRow, RowReader, cell_text
from ..domain.people import is_secret
from .audit import record
from .ports import Context
from .staging_writer import BatchWriter, RejectSink, TimeOrderedIds, read_in_process
from .tabular_import import (
    ImportSummary,
    Progress,
    Rejects,
    already_imported,
    default_rejects_path,
    no_rows,
    prepare_file,
)

BATCH = 5_000
_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯०१२३४५६७८९", "01234567890123456789")


def import_legacy(
    ctx: Context,
    path: Path,
    *,
    source: str,
    mapping_path: Path,
    state_code: str | None = None,
    rejects_path: Path | None = None,
    actor: str = "system:cli",
    progress: Progress | None = None,
    batch_size: int = BATCH,
) -> ImportSummary:
    """Stage the rows of ``path`` as records (and their doses) of ``source`` in one state:
    ``state_code``, else the mapping's ``file.state``."""
    source = source.strip()
    if not source or len(source) > 40:
        raise InvalidInput("source", reason="The source must be a name of 1 to 40 characters.")

    def scope(mapping: ImportMapping) -> str:
        wanted = state_code or mapping.state
        if wanted is None:
            raise InvalidInput("state", reason="Say which state the records belong to: --state "
                               "CODE, or file.state in the mapping.")  # fmt: skip
        return wanted

    file = prepare_file(ctx, path, mapping_path, source, scope)
    if file.earlier is not None:
        return file.earlier
    mapping = file.mapping
    rejects = Rejects(rejects_path or default_rejects_path(path), [])
    try:
        with open_table(path, delimiter=mapping.delimiter, encoding=mapping.encoding,
                        sheet=mapping.sheet) as table:  # fmt: skip
            reader = RowReader(mapping, table.header, today=ctx.today(), area_of=file.area_of,
                               district_of=file.district_of)  # fmt: skip
            rejects.header = table.header
            summary = _stage(ctx, reader, table, path=path, source=source, state=file.state,
                             sha=file.sha, mapping_sha=file.mapping_sha, actor=actor,
                             rejects=rejects, progress=progress,
                             batch_size=batch_size)  # fmt: skip
    except BaseException:
        rejects.discard()
        raise
    return summary


def _stage(
    ctx: Context, reader: RowReader, table: Any, *, path: Path, source: str, state: str,
    sha: str, mapping_sha: str, actor: str, rejects: Rejects, progress: Progress | None,
    batch_size: int,
) -> ImportSummary:  # fmt: skip
    import_id = ctx.new_id()
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        staging = uow.legacy_staging
        earlier = staging.import_of_file(source, sha)
        if earlier is not None:  # imported by someone else while we were checking
            return already_imported(source, path, earlier)
        staging.start_import(
            state_code=state, import_id=import_id, source=source, file_name=path.name,
            file_sha256=sha, mapping_sha256=mapping_sha, imported_by=actor, imported_at=now,
        )  # fmt: skip
        before = staging.row_ids(state, source)
        default_prefix = f"{sha[:12]}-"
        new_id = TimeOrderedIds(now)

        def read_all(writer: BatchWriter, rejected: RejectSink, progressed: Progress) -> int:
            return _read_rows(ctx, reader, table, writer, rejected, progressed, batch_size,
                              state=state, source=source, import_id=import_id, now=now,
                              before=before, prefix=default_prefix, new_id=new_id)  # fmt: skip

        read, imported, doses_staged = read_in_process(read_all, staging, rejects, progress)
        if progress is not None:
            progress(read)
        if read == 0:
            raise no_rows(path)
        staging.finish_import(state, import_id, read=read, imported=imported,
                              rejected=rejects.count)  # fmt: skip
        record(
            ctx, uow, actor=actor, action="legacy.import", subject_type="legacy_import",
            subject_id=import_id, state_code=state, source=source, file=path.name,
            file_sha256=sha, rows_read=read, rows_imported=imported,
            rows_rejected=rejects.count, doses=doses_staged,
        )  # fmt: skip
        uow.commit()
    return ImportSummary(
        source=source, file_name=path.name, rows_read=read, rows_imported=imported,
        rows_rejected=rejects.count, doses=doses_staged, import_id=import_id,
        state_codes=(state,), rejects_path=rejects.commit(),
    )  # fmt: skip


def _read_rows(
    ctx: Context, reader: RowReader, table: Any, writer: BatchWriter, rejects: RejectSink,
    progress: Progress | None, batch_size: int, *, state: str, source: str, import_id: str,
    now: Any, before: set[str], prefix: str, new_id: TimeOrderedIds,
) -> int:  # fmt: skip
    """Read and check every row, handing full batches to the writer; the rows read."""
    header = table.header
    in_file: dict[str, int] = {}
    records: list[tuple[Any, ...]] = []
    doses: list[tuple[Any, ...]] = []
    read = 0
    for number, values in table.rows:
        read += 1
        try:
            row = reader.read(values, prefix + str(number))
            if row.source_row_id in in_file or row.source_row_id in before:
                _check_new(row.source_row_id, reader, in_file, before, source)
        except RowRejected as rejected:
            rejects.add(number, rejected.message(), values)
            continue
        in_file[row.source_row_id] = number
        record_id = new_id()
        records.append(_record(ctx, row, state, record_id, source, import_id, header,
                               values, now))  # fmt: skip
        for d in row.doses:
            doses.append((state, new_id(), record_id, d.schedule, d.dose_code, d.given_on,
                          d.product, d.facility_text, d.area_code, None))  # fmt: skip
        if len(records) >= batch_size:
            writer.put(records, doses)
            records, doses = [], []
            if progress is not None:
                progress(read)
    writer.put(records, doses)
    return read


def _check_new(
    row_id: str, reader: RowReader, in_file: dict[str, int], before: set[str], source: str
) -> None:
    column = reader.mapping.columns.get("source_row_id", "row id")
    if row_id in in_file:
        raise RowRejected(column, reason=f"{column}: the row id {row_id!r} is already on row "
                          f"{in_file[row_id]} of this file.")  # fmt: skip
    if row_id in before:
        raise RowRejected(column, reason=f"{column}: the row id {row_id!r} was imported for "
                          f"{source} from an earlier file.")  # fmt: skip


def _record(
    ctx: Context, row: ImportedRow, state: str, record_id: str, source: str, import_id: str,
    header: list[str], values: list[Any], now: Any,
) -> tuple[Any, ...]:  # fmt: skip
    """The row for ``legacy_records`` in ``RECORD_COLUMNS`` order."""
    kind = number = lookup = last4 = None
    if row.identifiers:
        kind, number = row.identifiers[0]
        lookup, last4 = ctx.identifier_hash(kind, number), number[-4:]
    return (
        state, record_id, source, import_id, row.source_row_id, row.name, row.name_latin[:200],
        row.name_key[:200], row.sex, row.birth_date, row.age_years, row.age_as_of, row.phone,
        row.area_code, row.area_text, kind.value if kind else None, lookup, last4,
        _raw(row, header, values), now,
    )  # fmt: skip


def _raw(row: ImportedRow, header: list[str], values: list[Any]) -> str:
    """The row as read (its non-empty cells), as JSON, for review and evidence. Aadhaar and
    NID numbers are kept as their last four digits only, as everywhere else."""
    if type(values[0]) is str:
        raw = {h: v for h, v in zip(header, values, strict=False) if v and h}
    else:  # a spreadsheet's numbers and dates
        raw = {h: cell_text(v) for h, v in zip(header, values, strict=False) if h}
        raw = {h: v for h, v in raw.items() if v}
    for kind, number in row.identifiers:
        if is_secret(kind):
            for h, text in raw.items():
                if text and number in text.translate(_DIGITS).replace(" ", "").replace("-", ""):
                    raw[h] = mask(kind, number)
    return orjson.dumps(raw).decode()
