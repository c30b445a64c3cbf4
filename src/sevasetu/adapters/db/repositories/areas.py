from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, bindparam, select

from ....domain.areas import Area, Facility, FacilityKind
from ..tables import areas, facilities
from ..upsert import upsert
from .base import Repository

# A session's place in every booking's message: built once (``base.Repository``).
_BY_CODE = select(facilities).where(facilities.c.code.in_(bindparam("codes", expanding=True)))


class AreaRepository(Repository):
    def rows(self) -> list[tuple[str, str, str, str | None, str | None, str]]:
        result = self.conn.execute(
            select(
                areas.c.code,
                areas.c.name,
                areas.c.level,
                areas.c.parent_code,
                areas.c.name_local,
                areas.c.flags,
            )
        )
        return [tuple(r) for r in result]  # type: ignore[misc]

    def save_areas(self, items: Iterable[Area]) -> int:
        # Parents first, so that the foreign key holds row by row.
        rows = [
            dict(
                code=a.code,
                state_code=a.state_code,
                parent_code=a.parent_code,
                level=a.level.value,
                name=a.name,
                name_local=a.name_local,
                flags=",".join(sorted(a.flags)),
            )
            for a in sorted(items, key=lambda a: len(a.path))
        ]
        upsert(self.conn, areas, rows, ["code"])
        return len(rows)

    def save_facilities(self, items: Iterable[Facility]) -> int:
        rows = [
            dict(
                code=f.code,
                state_code=f.state_code,
                area_code=f.area_code,
                kind=f.kind.value,
                name=f.name,
                name_local=f.name_local,
                address=f.address,
            )
            for f in items
        ]
        upsert(self.conn, facilities, rows, ["code"])
        return len(rows)

    def facilities_by_code(self, codes: list[str]) -> list[Facility]:
        return self._facilities(_BY_CODE, {"codes": list(codes)})

    def facilities(self, area_codes: list[str] | None = None) -> list[Facility]:
        query = select(facilities).order_by(facilities.c.name)
        if area_codes is not None:
            query = query.where(facilities.c.area_code.in_(area_codes))
        return self._facilities(query)

    def _facilities(self, query: Select, params: dict | None = None) -> list[Facility]:  # type: ignore[type-arg]
        return [
            Facility(
                r.code,
                r.name,
                FacilityKind(r.kind),
                r.area_code,
                r.state_code,
                r.address,
                r.name_local,
            )
            for r in self.conn.execute(query, params)
        ]
