"""Areas (one tree of typed, coded nodes) and the facilities that sit in them.

The tenant of every person's record is the area's *state*: an Indian state or a Bangladeshi
division, the node right under the country. Scope checks ask whether one area lies inside
another, which the tree answers from each node's path of ancestors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .errors import UnknownArea, WrongAreaLevel


class AreaLevel(StrEnum):
    COUNTRY = "country"
    STATE = "state"  # India
    DIVISION = "division"  # Bangladesh
    DISTRICT = "district"
    BLOCK = "block"  # India
    UPAZILA = "upazila"  # Bangladesh
    UNION = "union"  # Bangladesh
    VILLAGE = "village"
    WARD = "ward"


TENANT_LEVELS = frozenset({AreaLevel.STATE, AreaLevel.DIVISION})

# The language people of a state read when they have not chosen one (letters, certificates).
STATE_LANGUAGE = {"IN-WB": "bn", "IN-CG": "hi", "BD": "bn"}


def state_language(state_code: str) -> str:
    """A Bangladeshi division ("BD-C") speaks as Bangladesh does; unknown states get English."""
    return STATE_LANGUAGE.get(state_code, STATE_LANGUAGE.get(state_code[:2], "en"))


# Where people live: the smallest unit of each country's tree.
RESIDENCE_LEVELS = frozenset({AreaLevel.VILLAGE, AreaLevel.WARD})

# What an area may say about the programme there; a schedule's ``applies_if`` names one.
# An area has its own flags and inherits those of every area above it.
AREA_FLAGS = frozenset({"je_endemic", "pcv_offered"})


def parse_flags(text: str | Iterable[str] | None) -> frozenset[str]:
    """Flags written as comma (or semicolon or space) separated text, or any iterable."""
    if not text:
        return frozenset()
    words = text.replace(";", ",").replace(" ", ",").split(",") if isinstance(text, str) else text
    return frozenset(w.strip().lower() for w in words if w and w.strip())


# Which level may hang under which: the data file is checked against this.
ALLOWED_CHILDREN: dict[AreaLevel, frozenset[AreaLevel]] = {
    AreaLevel.COUNTRY: frozenset({AreaLevel.STATE, AreaLevel.DIVISION}),
    AreaLevel.STATE: frozenset({AreaLevel.DISTRICT}),
    AreaLevel.DIVISION: frozenset({AreaLevel.DISTRICT}),
    AreaLevel.DISTRICT: frozenset({AreaLevel.BLOCK, AreaLevel.UPAZILA, AreaLevel.WARD}),
    AreaLevel.BLOCK: frozenset({AreaLevel.VILLAGE, AreaLevel.WARD}),
    AreaLevel.UPAZILA: frozenset({AreaLevel.UNION}),
    AreaLevel.UNION: frozenset({AreaLevel.WARD}),
    AreaLevel.VILLAGE: frozenset(),
    AreaLevel.WARD: frozenset(),
}


class FacilityKind(StrEnum):
    CHC = "chc"
    PHC = "phc"
    SUB_CENTRE = "sub_centre"
    URBAN_HEALTH_CENTRE = "uhc"
    HOSPITAL = "hospital"
    OUTREACH_SITE = "outreach"


@dataclass(frozen=True, slots=True)
class Area:
    code: str
    name: str
    level: AreaLevel
    parent_code: str | None
    name_local: str | None = None
    # Codes from the root down to this node, this node included.
    path: tuple[str, ...] = ()
    state_code: str = ""
    flags: frozenset[str] = frozenset()  # this area's own; AreaTree.flags adds inherited ones

    def is_within(self, ancestor_code: str) -> bool:
        return ancestor_code in self.path

    @property
    def country(self) -> str:
        """The country the area lies in (the root of its path): how a local phone number there
        is read."""
        return self.path[0] if self.path else self.code


@dataclass(frozen=True, slots=True)
class Facility:
    code: str
    name: str
    kind: FacilityKind
    area_code: str
    state_code: str
    address: str = ""
    name_local: str | None = None


@dataclass(slots=True)
class AreaTree:
    """All areas in memory: a country has tens of thousands, a few MB at most."""

    by_code: dict[str, Area] = field(default_factory=dict)
    _flags: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, rows: Iterable[tuple[Any, ...]]) -> AreaTree:
        """Rows of (code, name, level, parent_code, name_local[, flags]) in any order; parents
        checked. Flags are comma-separated text or an iterable of names."""
        raw = {
            code: (name, AreaLevel(level), parent, local, parse_flags(rest[0] if rest else None))
            for code, name, level, parent, local, *rest in rows
        }
        tree = cls()
        for code in raw:
            tree._place(code, raw)
        return tree

    def _place(self, code: str, raw: dict) -> Area:
        if code in self.by_code:
            return self.by_code[code]
        name, level, parent_code, local, flags = raw[code]
        if parent_code is None:
            if level is not AreaLevel.COUNTRY:
                raise WrongAreaLevel(
                    "parent_code", area_code=code, actual=level, expected="country"
                )
            path: tuple[str, ...] = (code,)
            state = code
        else:
            if parent_code not in raw:
                raise UnknownArea("parent_code", area_code=parent_code)
            parent = self._place(parent_code, raw)
            if level not in ALLOWED_CHILDREN[parent.level]:
                raise WrongAreaLevel(
                    "level",
                    area_code=code,
                    actual=level,
                    expected=" or ".join(sorted(ALLOWED_CHILDREN[parent.level])) or "nothing",
                )
            path = (*parent.path, code)
            state = code if level in TENANT_LEVELS else parent.state_code
        area = Area(code, name, level, parent_code, local, path, state, flags)
        self.by_code[code] = area
        return area

    def get(self, code: str, field_name: str = "area_code") -> Area:
        try:
            return self.by_code[code]
        except KeyError:
            raise UnknownArea(field_name, area_code=code) from None

    def __contains__(self, code: object) -> bool:
        return code in self.by_code

    def children(self, code: str | None) -> list[Area]:
        return sorted(
            (a for a in self.by_code.values() if a.parent_code == code), key=lambda a: a.name
        )

    def residence(self, code: str, field_name: str = "area_code") -> Area:
        """The area a person or household lives in: a village or ward."""
        area = self.get(code, field_name)
        if area.level not in RESIDENCE_LEVELS:
            raise WrongAreaLevel(
                field_name, area_code=code, actual=area.level, expected="village or ward"
            )
        return area

    def flags(self, code: str) -> frozenset[str]:
        """The area's flags and those of every area above it: a village in a JE-endemic
        district of a state that offers PCV has both."""
        found = self._flags.get(code)
        if found is None:
            area = self.get(code)
            found = frozenset().union(*(self.by_code[c].flags for c in area.path))
            self._flags[code] = found
        return found

    def within(self, ancestor_code: str) -> list[Area]:
        return [a for a in self.by_code.values() if ancestor_code in a.path]
