"""What the legacy import and the people import share: the mapping file, checking it against
the areas and schedules, resolving area names, and the rejects file."""

from __future__ import annotations

import csv
import hashlib
import os
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..adapters.schedules import load_schedule
from ..adapters.tabular import file_sha256
from ..domain.areas import RESIDENCE_LEVELS, AreaLevel, AreaTree
from ..domain.errors import DomainError, ImportFileError, MappingError
from ..domain.legacy_mapping import (
    ImportMapping,
    dose_codes_named,
    fold,
    parse_mapping,
)
from ..domain.legacy_rows import AreaLookup, cell_text
from .ports import Context

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did. ``already_imported``: the same file was imported before (its
    counts are then that import's), and nothing was done."""

    source: str
    file_name: str
    rows_read: int
    rows_imported: int
    rows_rejected: int
    doses: int = 0
    households: int = 0
    import_id: str | None = None
    state_codes: tuple[str, ...] = ()
    rejects_path: Path | None = None
    already_imported: bool = False


@dataclass(frozen=True, slots=True)
class PreparedFile:
    """A file checked before any row is read: its mapping (and that mapping's hash), the
    state its rows belong to, its own hash, the area lookups, and ``earlier`` when the same
    file was imported for the source before (nothing is to be done then)."""

    mapping: ImportMapping
    mapping_sha: str
    state: str
    sha: str
    area_of: AreaLookup
    district_of: AreaLookup
    earlier: ImportSummary | None


def already_imported(source: str, path: Path, found: Any) -> ImportSummary:
    """The summary of an earlier import of the same file (a row of ``legacy_imports``)."""
    return ImportSummary(
        source=source, file_name=path.name, rows_read=found.rows_read,
        rows_imported=found.rows_imported, rows_rejected=found.rows_rejected,
        import_id=found.id, state_codes=(found.state_code,), already_imported=True,
    )  # fmt: skip


def prepare_file(
    ctx: Context,
    path: Path,
    mapping_path: Path,
    source: str,
    scope: Callable[[ImportMapping], str],
    read: Callable[[Path], tuple[ImportMapping, str]] | None = None,
) -> PreparedFile:
    """Read and check the mapping against the areas, name the state (``scope`` says which
    code the caller was given), check the file is there and look for an earlier import of it.
    Every refusal here comes before anything is written."""
    mapping, mapping_sha = (read or read_mapping)(mapping_path)
    tree = ctx.area_tree()
    state = state_of(tree, scope(mapping))
    check_mapping(tree, mapping, state)
    if not path.is_file():
        raise ImportFileError("file", reason=f"There is no file {str(path)!r}.")
    sha = file_sha256(path)
    with ctx.uow() as uow:
        found = uow.legacy_staging.import_of_file(source, sha)
    earlier = None if found is None else already_imported(source, path, found)
    area_of, district_of = area_lookups(tree, mapping, state)
    return PreparedFile(mapping, mapping_sha, state, sha, area_of, district_of, earlier)


def read_mapping(path: Path) -> tuple[ImportMapping, str]:
    """The mapping in a TOML file and the file's sha256."""
    doc, sha = read_toml(path)
    return parse_mapping(doc), sha


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """A mapping file's TOML document and the file's sha256, or a MappingError naming it."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise MappingError("mapping", reason=f"The mapping file {str(path)!r} cannot be read: "
                           f"{error.strerror}.") from None  # fmt: skip
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise MappingError("mapping", reason=f"The mapping file {path.name} is not UTF-8 "
                           "text.") from None  # fmt: skip
    except tomllib.TOMLDecodeError as error:
        raise MappingError("mapping", reason=f"The mapping file {path.name} is not valid TOML: "
                           f"{error}.") from None  # fmt: skip
    return doc, hashlib.sha256(data).hexdigest()


def check_mapping(tree: AreaTree, mapping: ImportMapping, state_code: str | None) -> None:
    """Area codes and dose codes the mapping names must exist here."""
    where = mapping.area_within
    if where is not None:
        area = tree.get(where, "area.within")
        if state_code is not None and area.state_code != state_code and area.code != state_code:
            raise MappingError("area.within", reason=f"Mapping key area.within: {where} is not "
                               f"in {state_code}.")  # fmt: skip
    tables = [("area.names", mapping.area_names)] + [
        (f"doses[{i}].districts", d.districts) for i, d in enumerate(mapping.doses)
    ]
    for key, table in tables:
        for raw, code in table.items():
            if code not in tree:
                raise MappingError(key, reason=f"Mapping key {key}.{raw}: there is no area with "
                                   f"the code {code}.")  # fmt: skip
    for i, dose in enumerate(mapping.doses):
        try:
            load_schedule(dose.schedule)
        except DomainError as error:
            key = f"doses[{i}].schedule"
            raise MappingError(key, reason=f"Mapping key {key}: {error.message()}") from None
    for key, schedule_name, code in dose_codes_named(mapping):
        schedule = load_schedule(schedule_name)
        if code not in schedule.by_code:
            raise MappingError(key, reason=f"Mapping key {key}: {code} is not a dose of the "
                               f"schedule {schedule_name}.")  # fmt: skip


def state_of(tree: AreaTree, code: str, field: str = "state") -> str:
    """The state (or division) code of an area code given as the import's state."""
    return tree.get(code, field).state_code


def area_lookups(
    tree: AreaTree, mapping: ImportMapping, state_code: str | None
) -> tuple[AreaLookup, AreaLookup]:
    """(area of a residence, area of a district) from their text: a code, or a name (English
    or local script) that is unique among the villages/wards under ``area.within`` (else the
    state) and among districts anywhere. Ambiguous or unknown names give None."""
    scope = mapping.area_within or state_code
    residences = [a for a in (tree.within(scope) if scope else tree.by_code.values())
                  if a.level in RESIDENCE_LEVELS]  # fmt: skip
    districts = [a for a in tree.by_code.values() if a.level is AreaLevel.DISTRICT]

    def names(areas: Sequence[Any]) -> dict[str, str | None]:
        found: dict[str, str | None] = {}
        for a in areas:
            for name in {fold(a.name), fold(a.name_local or "")} - {""}:
                found[name] = a.code if found.get(name, a.code) == a.code else None
        return found

    residence_names, district_names = names(residences), names(districts)
    residence_codes = {a.code for a in residences}
    district_codes = {a.code for a in districts}

    def area_of(text: str) -> str | None:
        code = text.strip().upper()
        if code in residence_codes:
            return code
        return None if mapping.area_by == "code" else residence_names.get(fold(text))

    def district_of(text: str) -> str | None:
        code = text.strip().upper()
        return code if code in district_codes else district_names.get(fold(text))

    return area_of, district_of


class Rejects:
    """The rejects CSV: row number, reason, then the row as read. Written beside its final
    name and moved there only when the import commits."""

    def __init__(self, path: Path, header: Sequence[str]) -> None:
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        self.header = list(header)
        self.count = 0
        self._file: Any = None
        self._writer: Any = None

    def add(self, row_number: int, reason: str, values: Sequence[Any]) -> None:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.partial.open("w", encoding="utf-8", newline="")
            self._writer = csv.writer(self._file)
            self._writer.writerow(["row", "reason", *self.header])
        self._writer.writerow([row_number, reason, *(cell_text(v) for v in values)])
        self.count += 1

    def commit(self) -> Path | None:
        if self._file is None:
            return None
        self._file.close()
        os.replace(self.partial, self.path)
        return self.path

    def discard(self) -> None:
        if self._file is not None:
            self._file.close()
            self.partial.unlink(missing_ok=True)


def default_rejects_path(path: Path) -> Path:
    return path.with_name(path.stem + ".rejects.csv")


def no_rows(path: Path) -> ImportFileError:
    return ImportFileError("file", reason=f"{path.name} has a header but no rows.")
