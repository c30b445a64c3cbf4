"""Loading the area tree and facilities from data files, and reading them."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..domain.access import Action, Principal, require, require_area
from ..domain.areas import (
    AREA_FLAGS,
    RESIDENCE_LEVELS,
    Area,
    AreaTree,
    Facility,
    FacilityKind,
    parse_flags,
)
from ..domain.errors import InvalidInput, UnknownArea
from .audit import record
from .ports import Context

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
AREA_COLUMNS = ["code", "parent_code", "level", "name", "name_local"]  # and optionally "flags"
FACILITY_COLUMNS = ["code", "area_code", "kind", "name", "name_local", "address"]


@dataclass(frozen=True, slots=True)
class LoadedGeography:
    areas: int
    facilities: int


def _rows(path: Path, columns: list[str]) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInput(
                "file", reason=f"{path.name} lacks the columns {', '.join(missing)}."
            )
        return [{k: (v or "").strip() for k, v in row.items()} for row in reader]


def read_geography(areas_csv: Path, facilities_csv: Path | None) -> tuple[AreaTree, list[Facility]]:
    """Parse and check both files completely before anything is written."""
    area_rows = _rows(areas_csv, AREA_COLUMNS)
    for line, r in enumerate(area_rows, start=2):
        unknown = sorted(parse_flags(r.get("flags")) - AREA_FLAGS)
        if unknown:
            raise InvalidInput(
                f"{areas_csv.name}:{line}",
                reason=f"Unknown area flag {unknown[0]!r}; use {', '.join(sorted(AREA_FLAGS))}.",
            )
    tree = AreaTree.build(
        (
            r["code"],
            r["name"],
            r["level"],
            r["parent_code"] or None,
            r["name_local"] or None,
            r.get("flags", ""),
        )
        for r in area_rows
    )
    facilities = []
    if facilities_csv is not None:
        for line, r in enumerate(_rows(facilities_csv, FACILITY_COLUMNS), start=2):
            if r["area_code"] not in tree:
                raise UnknownArea(f"{facilities_csv.name}:{line}", area_code=r["area_code"])
            try:
                kind = FacilityKind(r["kind"])
            except ValueError:
                raise InvalidInput(
                    f"{facilities_csv.name}:{line}", reason=f"Unknown facility kind {r['kind']!r}."
                ) from None
            facilities.append(
                Facility(
                    r["code"],
                    r["name"],
                    kind,
                    r["area_code"],
                    tree.get(r["area_code"]).state_code,
                    r["address"],
                    r["name_local"] or None,
                )
            )
    return tree, facilities


def load_geography(
    ctx: Context, areas_csv: Path | None = None, facilities_csv: Path | None = None
) -> LoadedGeography:
    """Insert or update areas and facilities (the bundled demo geography by default)."""
    if areas_csv is None:
        areas_csv, facilities_csv = DATA_DIR / "areas.csv", DATA_DIR / "facilities.csv"
    tree, facilities = read_geography(areas_csv, facilities_csv)
    with ctx.uow(write=True) as uow:
        existing = AreaTree.build(uow.areas.rows())
        merged = AreaTree.build(
            [
                *(
                    (a.code, a.name, a.level, a.parent_code, a.name_local, a.flags)
                    for a in existing.by_code.values()
                ),
                *(
                    (a.code, a.name, a.level, a.parent_code, a.name_local, a.flags)
                    for a in tree.by_code.values()
                ),
            ]
        )
        uow.areas.save_areas([merged.by_code[c] for c in tree.by_code])
        uow.areas.save_facilities(facilities)
        record(
            ctx,
            uow,
            actor="system:cli",
            action="areas.load",
            subject_type="file",
            subject_id=areas_csv.name,
            state_code=None,
            areas=len(tree.by_code),
            facilities=len(facilities),
        )
        uow.commit()
    ctx.refresh_areas()
    return LoadedGeography(len(tree.by_code), len(facilities))


def children_of(ctx: Context, code: str | None) -> list[Area]:
    tree = ctx.area_tree()
    if code is not None:
        tree.get(code)
    return tree.children(code)


def facilities_in(ctx: Context, area_code: str) -> list[Facility]:
    tree = ctx.area_tree()
    tree.get(area_code)
    with ctx.uow() as uow:
        return uow.areas.facilities([a.code for a in tree.within(area_code)])


class Residences(NamedTuple):
    """An area a report is asked for, and where people live in it."""

    tree: AreaTree
    area: Area
    codes: list[str]  # the wards and villages within the area
    states: list[str]  # their states, sorted


def residences_for(
    ctx: Context, principal: Principal, action: Action, area_code: str
) -> Residences:
    """The area ``area_code`` names and its wards and villages, once ``principal`` may do
    ``action`` and may see the area (else Forbidden or OutsideArea; unknown: UnknownArea)."""
    require(principal, action)
    tree = ctx.area_tree()
    area = tree.get(area_code.strip(), "area")
    require_area(principal, area)
    within = [a for a in tree.within(area.code) if a.level in RESIDENCE_LEVELS]
    return Residences(tree, area, [a.code for a in within], sorted({a.state_code for a in within}))
