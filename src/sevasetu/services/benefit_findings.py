"""The duplicate-benefits report: detection, findings with their evidence, a clerk's decision,
and the totals per scheme and area (docs/services-ledger.md)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..domain.access import Action, Principal, require, require_area
from ..domain.areas import Area
from ..domain.benefits import (
    Finding,
    FindingKind,
    FindingStatus,
    ServiceRecord,
    check_decision,
)
from ..domain.errors import NotFound
from .audit import audit_denials, record
from .ports import Context


@dataclass(frozen=True, slots=True)
class Total:
    scheme_code: str
    area_code: str
    findings: Counter[str]  # kind -> number
    amount: float
    open: int


@dataclass(slots=True)
class DuplicatesReport:
    area: Area
    generated_at: datetime
    findings: list[Finding]
    evidence: dict[str, list[ServiceRecord]]
    people: dict[str, tuple[str, str]]  # person id -> (name, birth date)
    schemes: dict[str, tuple[str, str | None]]  # code -> (name, name in the local script)
    totals: list[Total] = field(default_factory=list)

    @property
    def by_kind(self) -> Counter[str]:
        return Counter(f.kind.value for f in self.findings)


def _scope(ctx: Context, area: Area) -> list[str] | None:
    """The residence areas of ``area``; None for a whole state (no filter)."""
    if area.code == area.state_code:
        return None
    return [a.code for a in ctx.area_tree().within(area.code)]


@audit_denials
def duplicates_report(
    ctx: Context, principal: Principal, area_code: str, *, detect: bool = True
) -> DuplicatesReport:
    """Run the detection for the area (unless ``detect`` is off) and report what it keeps."""
    require(principal, Action.REPORT_READ)
    area = ctx.area_tree().get(area_code.strip(), "area")
    require_area(principal, area)
    scope = _scope(ctx, area)
    states = (
        [area.state_code]
        if area.code != area.path[0]
        else sorted(
            {a.state_code for a in ctx.area_tree().within(area.code) if a.state_code != a.path[0]}
        )
    )
    if detect:
        with ctx.uow(write=True) as uow:
            for state in states:
                uow.benefit_findings.detect(state, scope, ctx.now())
            record(
                ctx,
                uow,
                actor=principal,
                action="benefits.detect",
                subject_type="area",
                subject_id=area.code,
                state_code=area.state_code,
            )
            uow.commit()
    with ctx.uow() as uow:
        findings = [f for s in states for f in uow.benefit_findings.listed(s, scope)]
        evidence, people, schemes = {}, {}, {}
        for state in states:
            schemes.update({s.code: (s.name, s.name_local) for s in uow.schemes.all(state)})
        for f in findings:
            evidence[f.id] = _evidence(uow, f)
            if f.person_id not in people:
                person = uow.people.get(f.person_id)
                people[f.person_id] = (
                    (person.name, person.birth_date.isoformat()) if person else (f.person_id, "")
                )
    report = DuplicatesReport(area, ctx.now(), findings, evidence, people, schemes)
    report.totals = totals(findings)
    return report


def _evidence(uow: Any, f: Finding) -> list[ServiceRecord]:
    repo = uow.service_records
    if f.kind is FindingKind.EXCLUSIVE:
        schemes = uow.benefit_findings.group_schemes(f.state_code, f.scheme_code)
        return repo.evidence(f.state_code, f.person_id, schemes, f.period_key, None)  # type: ignore[no-any-return]
    period = f.period_key if f.kind is FindingKind.DUPLICATE else None
    return repo.evidence(f.state_code, f.person_id, [f.scheme_code], period, None)  # type: ignore[no-any-return]


def totals(findings: list[Finding]) -> list[Total]:
    grouped: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        grouped[(f.scheme_code, f.area_code)].append(f)
    return [
        Total(
            scheme,
            area,
            Counter(f.kind.value for f in items),
            sum(f.amount for f in items if f.kind is FindingKind.DUPLICATE),
            sum(f.status is FindingStatus.OPEN for f in items),
        )
        for (scheme, area), items in sorted(grouped.items())
    ]


@audit_denials
def decide_finding(
    ctx: Context, principal: Principal, finding_id: str, status: str, reason: str | None
) -> Finding:
    """Confirm a finding, dismiss it with the reason, or reopen it; audited."""
    require(principal, Action.BENEFIT_REVIEW)
    chosen, cleaned = check_decision(status, reason)
    with ctx.uow(write=True) as uow:
        finding = uow.benefit_findings.get(finding_id.strip()[:160])
        if finding is None or finding.state_code != principal.state_code:
            raise NotFound("id", what="finding", id=finding_id)
        require_area(principal, ctx.area_tree().get(finding.area_code))
        uow.benefit_findings.decide(finding, chosen, cleaned, principal.actor, ctx.now())
        record(
            ctx,
            uow,
            actor=principal,
            action="benefits.decide",
            subject_type="finding",
            subject_id=finding.id[:36],
            state_code=finding.state_code,
            finding=finding.id,
            before=finding.status.value,
            after=chosen.value,
            reason=cleaned,
        )
        uow.commit()
        decided = uow.benefit_findings.get(finding.id)
    return decided  # type: ignore[no-any-return]
