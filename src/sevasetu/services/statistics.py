"""Area statistics (S3, Tala: "area-level statistics"; docs/area-statistics.md): the population
pyramid, households and their size, the people holding each kind of identifier, each scheme's
coverage this year, and the immunisation of children aged 12-23 months, per ward with a total.

Everything is counted by the database in five set-based queries (``StatisticsRepository``); a
block of 100,000 people costs what five scans of it cost, not 100,000 Python calls.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from ..domain.access import Action, Principal
from ..domain.areas import Area
from ..domain.eligibility import parse_rules
from ..domain.statistics import (
    BANDS,
    CORE_DOSES,
    FULLY_IMMUNISED,
    band_bounds,
    child_birth_window,
)
from .areas import residences_for
from .audit import audit_denials, record
from .due_lists import SCHEDULE_OF_COUNTRY
from .ports import Context

TOTAL = "total"
HOUSEHOLD_SIZES = 6  # 1, 2, ... 5 and "6 or more"


@dataclass(slots=True)
class WardFigures:
    """One ward's counts (or the total's, under ``TOTAL``)."""

    residents: int = 0
    pyramid: dict[str, list[int]] = field(
        default_factory=lambda: {
            "female": [0] * len(BANDS),
            "male": [0] * len(BANDS),
            "other": [0] * len(BANDS),
        }  # fmt: skip
    )
    households: int = 0
    household_members: int = 0
    household_sizes: list[int] = field(default_factory=lambda: [0] * (HOUSEHOLD_SIZES + 1))
    identifiers: Counter[str] = field(default_factory=Counter)
    schemes: dict[str, list[int]] = field(default_factory=dict)  # [eligible, given, both]
    children: int = 0
    doses: Counter[str] = field(default_factory=Counter)
    fully_immunised: int = 0

    def add(self, other: WardFigures) -> None:
        self.residents += other.residents
        for sex, bands in other.pyramid.items():
            self.pyramid[sex] = [x + y for x, y in zip(self.pyramid[sex], bands, strict=True)]
        self.households += other.households
        self.household_members += other.household_members
        self.household_sizes = [
            x + y for x, y in zip(self.household_sizes, other.household_sizes, strict=True)
        ]
        self.identifiers.update(other.identifiers)
        for code, counts in other.schemes.items():
            mine = self.schemes.setdefault(code, [0, 0, 0])
            self.schemes[code] = [x + y for x, y in zip(mine, counts, strict=True)]
        self.children += other.children
        self.doses.update(other.doses)
        self.fully_immunised += other.fully_immunised


@dataclass(frozen=True, slots=True)
class SchemeInfo:
    code: str
    name: str
    name_local: str | None
    area_code: str


@dataclass(frozen=True, slots=True)
class AreaStatistics:
    area: Area
    on: date
    year: int
    wards: dict[str, WardFigures]  # by ward code, and TOTAL
    schemes: list[SchemeInfo]
    identifier_kinds: list[str]

    @property
    def total(self) -> WardFigures:
        return self.wards[TOTAL]


@audit_denials
def area_statistics(ctx: Context, principal: Principal, area_code: str) -> AreaStatistics:
    tree, area, scope, states = residences_for(ctx, principal, Action.REPORT_READ, area_code)
    today = ctx.today()
    wards: dict[str, WardFigures] = {}  # the wards where someone lives or a household is

    def ward(code: str) -> WardFigures:
        return wards.setdefault(code, WardFigures())

    here = set(scope)

    def areas_within(code: str) -> list[str]:
        """The area's wards and villages among those counted (a rule or a scheme's area
        can only hold for people who live there)."""
        return [a.code for a in tree.within(code) if a.code in here] if code in tree else []

    with ctx.uow(write=True) as uow:
        uow.defer_durability()
        schemes = [s for state in states for s in uow.schemes.all(state)]
        stats = uow.statistics
        if scope:
            for code, sex, band, n in stats.pyramid(states, scope, band_bounds(today), today):
                figures = ward(code)
                figures.pyramid.setdefault(sex, [0] * len(BANDS))[band] += n
                figures.residents += n
            for code, size, n in stats.household_sizes(states, scope):
                figures = ward(code)
                figures.households += n
                figures.household_members += size * n
                figures.household_sizes[min(size, HOUSEHOLD_SIZES)] += n
            for code, kind, n in stats.identifier_holders(states, scope, today):
                ward(code).identifiers[kind] += n
            plans = [(s.code, s.state_code, areas_within(s.area_code),
                      parse_rules(list(s.rules))) for s in schemes]  # fmt: skip
            for c in stats.scheme_coverage(states, scope, plans, on=today, year=today.year,
                                           areas_within=areas_within):  # fmt: skip
                ward(c.area_code).schemes[c.scheme_code] = [
                    c.eligible, c.recipients, c.eligible_recipients]  # fmt: skip
            born_after, born_by = child_birth_window(today)
            routine = sorted({SCHEDULE_OF_COUNTRY.get(s.split("-")[0], "india-uip")
                              for s in states})  # fmt: skip
            for code, children, doses, fully in stats.immunisation(
                states, scope, born_after=born_after, born_by=born_by, on=today,
                schedules=routine, doses=CORE_DOSES, fully=FULLY_IMMUNISED,
            ):  # fmt: skip
                figures = ward(code)
                figures.children, figures.fully_immunised = children, fully
                figures.doses.update(doses)
        record(ctx, uow, actor=principal, action="statistics.read", subject_type="area",
               subject_id=area.code, state_code=area.state_code)  # fmt: skip
        uow.commit()
    wards = dict(sorted(wards.items()))
    total = WardFigures()
    for figures in wards.values():
        for s in schemes:
            figures.schemes.setdefault(s.code, [0, 0, 0])
        total.add(figures)
    wards[TOTAL] = total
    kinds = sorted({k for w in wards.values() for k in w.identifiers} - {"phone"})
    infos = [SchemeInfo(s.code, s.name, s.name_local, s.area_code) for s in schemes]
    return AreaStatistics(area, today, today.year, wards, infos, [*kinds, "phone"])
