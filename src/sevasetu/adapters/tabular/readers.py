"""CSV and Excel readers with the same shape: a header, then (row number, values) pairs.

Row numbers are what a person sees when opening the file: the CSV line (the header is line
1) or the spreadsheet row. Anything that makes the file unreadable as a whole (an unknown
encoding, bytes that are not in it, a file that is not a workbook, no header) raises
``ImportFileError`` naming the line; the caller has written nothing yet, or rolls back.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...domain.errors import ImportFileError

EXCEL = (".xlsx", ".xlsm")
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(slots=True)
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list[Any]]]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def count_rows(path: Path) -> int | None:
    """About how many data rows (for a progress bar): lines less the header; None for Excel."""
    if path.suffix.lower() in EXCEL:
        return None
    lines = 0
    last = b"\n"
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return max(lines + (last != b"\n") - 1, 0)


def _check_header(header: list[str], where: str) -> list[str]:
    names = ["" if h is None else " ".join(str(h).split()) for h in header]
    if not any(names):
        raise ImportFileError("file", reason=f"The file is empty: {where} has no column names.")
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if name and name in seen:
            raise ImportFileError(
                "file",
                reason=f"The column {name!r} appears twice in the header, as columns "
                f"{seen[name]} and {i}.",
            )
        seen.setdefault(name, i)
    return names


@contextmanager
def open_table(
    path: Path, *, delimiter: str = ",", encoding: str = "utf-8", sheet: str | None = None
) -> Iterator[Table]:
    if not path.is_file():
        raise ImportFileError("file", reason=f"There is no file {str(path)!r}.")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise ImportFileError("file", reason="Old Excel .xls files cannot be read; save the "
                              "sheet as .xlsx or CSV.")  # fmt: skip
    if suffix in EXCEL:
        with _excel(path, sheet) as table:
            yield table
        return
    with _csv(path, delimiter, encoding) as table:
        yield table


@contextmanager
def _csv(path: Path, delimiter: str, encoding: str) -> Iterator[Table]:
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise ImportFileError("encoding", reason=f"{encoding!r} is not an encoding Python "
                              "knows (utf-8, utf-16, cp1252 ...).") from None  # fmt: skip
    # UTF-8 exports from Excel start with a byte-order mark; it is not part of the first name.
    codec = "utf-8-sig" if codec == "utf-8" else codec
    with path.open(encoding=codec, newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        try:
            try:
                header = next(reader)
            except StopIteration:
                raise ImportFileError("file", reason="The file is empty.") from None
            header = _check_header(header, "line 1")
        except (UnicodeDecodeError, csv.Error) as error:
            raise _unreadable(path, codec, error, reader.line_num + 1) from None

        def rows() -> Iterator[tuple[int, list[Any]]]:
            try:
                for values in reader:
                    if values and (values[0] or any(values)):
                        yield reader.line_num, values
            except (UnicodeDecodeError, csv.Error) as error:
                raise _unreadable(path, codec, error, reader.line_num + 1) from None

        yield Table(header, rows())


def _unreadable(path: Path, codec: str, error: Exception, near: int) -> ImportFileError:
    if isinstance(error, UnicodeDecodeError):
        line = _first_bad_line(path, codec) or near
        return ImportFileError("encoding", reason=f"Line {line} is not valid {codec} text "
                               "(is the file in another encoding? set file.encoding in the "
                               "mapping).")  # fmt: skip
    return ImportFileError("file", reason=f"Line {near} cannot be read as CSV: {error}.")


def _first_bad_line(path: Path, codec: str) -> int | None:
    """The text reader decodes in blocks, so find the exact line on the error path."""
    if codec.startswith("utf-16") or codec.startswith("utf-32"):
        return None
    with path.open("rb") as f:
        for number, line in enumerate(f, start=1):
            try:
                line.decode(codec)
            except UnicodeDecodeError:
                return number
    return None


@contextmanager
def _excel(path: Path, sheet: str | None) -> Iterator[Table]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as error:
        raise ImportFileError("file", reason=f"{path.name} is not an Excel .xlsx workbook "
                              f"({error}).") from None  # fmt: skip
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise ImportFileError("sheet", reason=f"The workbook has no sheet {sheet!r}; its "
                                  f"sheets are {', '.join(book.sheetnames)}.")  # fmt: skip
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        cells = ws.iter_rows(values_only=True)
        header_row = next(cells, None)
        if header_row is None:
            raise ImportFileError("file", reason=f"The sheet {ws.title!r} is empty.")
        header = _check_header(list(header_row), f"row 1 of sheet {ws.title!r}")

        def rows() -> Iterator[tuple[int, list[Any]]]:
            for number, values in enumerate(cells, start=2):
                if any(v is not None and str(v).strip() for v in values):
                    yield number, list(values)

        yield Table(header, rows())
    finally:
        book.close()
