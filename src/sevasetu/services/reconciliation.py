"""The reconciliation report (S2): each district's doses before and after linking the legacy
records, every dose n without dose n-1 explained with its records, and the sarpanches'
completion attestations set beside the registry's coverage (docs/reconciliation.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..adapters.schedules import available, load_schedule
from ..domain.access import Action, Principal, require, require_area
from ..domain.areas import Area, AreaLevel, AreaTree
from ..domain.attestations import TOLERANCE_POINTS, ClaimCheck, judge, village_coverage
from ..domain.errors import InvalidInput, Reason, WrongAreaLevel
from ..domain.reconciliation import (
    DistrictFigures,
    DoseFact,
    DrillRow,
    Explanation,
    Offset,
    Step,
    reconcile,
    steps_of,
    total,
)
from ..domain.schedule import Schedule
from .audit import audit_denials, record
from .ports import Context, UnitOfWork

DEFAULT_SCHEDULE = "covid19-india"
SCOPE_LEVELS = frozenset({AreaLevel.COUNTRY, AreaLevel.STATE, AreaLevel.DIVISION,
                          AreaLevel.DISTRICT})  # fmt: skip


@dataclass(frozen=True, slots=True)
class StepReport:
    step: Step
    districts: list[DistrictFigures]
    total: DistrictFigures

    def rows(self, district: str | None = None, kind: str | None = None) -> list[DrillRow]:
        return [
            r for f in self.districts for r in f.rows
            if (district is None or r.district == district) and (kind is None or r.kind == kind)
        ]  # fmt: skip


@dataclass(frozen=True, slots=True)
class ReconciliationReport:
    area: Area
    schedule: Schedule
    headline: StepReport
    steps: list[StepReport]  # every step of the headline's series, the headline among them
    attestations: list[ClaimCheck]
    generated_at: datetime
    tolerance: float = TOLERANCE_POINTS


KINDS: tuple[Explanation | Offset, ...] = (*Explanation, *Offset)


@audit_denials
def reconciliation_report(
    ctx: Context,
    principal: Principal,
    area_code: str,
    *,
    schedule: str = DEFAULT_SCHEDULE,
    dose: str | None = None,
) -> ReconciliationReport:
    """The report for every district in ``area_code`` (a district or an area above one);
    ``dose`` picks the headline step (default: the schedule's first dose n with a dose n-1)."""
    require(principal, Action.REPORT_READ)
    tree = ctx.area_tree()
    area = tree.get(area_code.strip(), "area")
    require_area(principal, area)
    if area.level not in SCOPE_LEVELS:
        raise WrongAreaLevel("area", area_code=area.code, actual=area.level,
                             expected="district or an area above one")  # fmt: skip
    rules = named_schedule(schedule)
    series = _series_steps(rules, dose)
    districts = [a.code for a in _districts(tree, area)]
    scope = [a.code for a in tree.within(area.code)]
    place_of = _place_finder(tree)
    codes = {c for step in series for c in (step.previous, step.dose)}
    with ctx.uow() as uow:
        # One read of the series' doses serves every step of it.
        doses = uow.reconciliation.series_doses(rules.name, codes, scope, place_of)
        reports = [_step(uow, rules.name, step, districts, doses) for step in series]
        checks = _attestations(uow, rules, scope)
    with ctx.uow(write=True) as uow:
        uow.defer_durability()
        record(
            ctx, uow, actor=principal, action="report.reconciliation", subject_type="area",
            subject_id=area.code, state_code=area.state_code, schedule=rules.name,
            dose=series[0].dose, districts=len(districts),
        )  # fmt: skip
        uow.commit()
    return ReconciliationReport(area, rules, reports[0], reports, checks, ctx.now())


def named_schedule(name: str) -> Schedule:
    """A schedule file by its name, and only by a name of the bundled ones (a name is not a
    path: ``../`` never reaches another file)."""
    wanted = name.strip()
    if wanted not in available():
        raise InvalidInput("schedule", reason=Reason(
            "There is no schedule {name}; the schedules are {names}.", name=wanted,
            names=", ".join(available())))  # fmt: skip
    return load_schedule(wanted)


def _series_steps(rules: Schedule, dose: str | None) -> list[Step]:
    order = [d.code for d in rules.doses]
    steps = steps_of(rules.series_previous, order)
    if not steps:
        raise InvalidInput("schedule", reason=Reason(
            "The {name} schedule has no dose that follows another.", name=rules.name))  # fmt: skip
    if dose is None:
        headline = steps[0]
    else:
        code = rules.dose(dose.strip().upper()).code
        found = [s for s in steps if s.dose == code]
        if not found:
            raise InvalidInput("dose", reason=Reason(
                "{code} is the first dose of its series: no dose comes before it.",
                code=code))  # fmt: skip
        headline = found[0]
    series = rules.series_of(rules.dose(headline.dose))
    return [headline, *(s for s in steps if s.dose in series and s != headline)]


def _districts(tree: AreaTree, area: Area) -> list[Area]:
    if area.level is AreaLevel.DISTRICT:
        return [area]
    return sorted((a for a in tree.within(area.code) if a.level is AreaLevel.DISTRICT),
                  key=lambda a: (a.path, a.name))  # fmt: skip


def _place_finder(tree: AreaTree):  # type: ignore[no-untyped-def]
    known: dict[str | None, tuple[str | None, str | None]] = {None: (None, None)}

    def place_of(code: str | None) -> tuple[str | None, str | None]:
        found = known.get(code)
        if found is None:
            if code not in tree:
                found = (None, None)
            else:
                area = tree.get(code)  # type: ignore[arg-type]
                district = next((c for c in area.path
                                 if tree.get(c).level is AreaLevel.DISTRICT), None)  # fmt: skip
                found = (district, area.state_code or None)
            known[code] = found
        return found

    return place_of


def _step(
    uow: UnitOfWork, schedule: str, step: Step, districts: list[str], doses: list[DoseFact]
) -> StepReport:
    # Candidates are looked up only for whom they could explain: no dose n-1 on record at all.
    have_previous = {d.person_id for d in doses if d.dose_code == step.previous}
    orphans = {d.person_id for d in doses if d.dose_code == step.dose} - have_previous
    candidates = uow.reconciliation.pending_candidates(schedule, step.previous, orphans)
    figures = reconcile(step, districts, doses, candidates)
    return StepReport(step, figures, total(figures, "total"))


def _attestations(uow: UnitOfWork, rules: Schedule, scope: list[str]) -> list[ClaimCheck]:
    checks = []
    for a in uow.attestations.in_areas(scope):
        if a.schedule != rules.name:
            continue
        residents = uow.attestations.residents_with_dose(
            a.state_code, a.area_code, a.schedule, a.dose_code
        )
        checks.append(judge(a, village_coverage(rules, a.dose_code, a.signed_on, residents)))
    return checks
