"""The demo's services ledger (SQLite and PostgreSQL): the bundled schemes of its states, a year
of service records each given to someone the scheme's rules held for on the day, and the
planted double benefits: the detection finds them and nothing else."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from sevasetu.adapters.db import tables as t
from sevasetu.domain.benefits import FindingKind
from sevasetu.services.benefit_findings import duplicates_report
from sevasetu.services.demo import load_demo
from sevasetu.services.schemes import list_schemes
from tests.builders import state_admin


def test_the_demo_records_a_year_of_services_and_the_report_finds_only_the_planted(ctx):
    summary = load_demo(ctx, people=800, seed=3, history=False)
    assert summary.service_records > 0 and summary.findings > 0
    assert {s.state_code for s in list_schemes(ctx)} == {"IN-WB", "BD-D"}  # none for Chhattisgarh
    today = ctx.today()
    with ctx.uow() as uow:
        r = t.service_records.c
        rows = uow.conn.execute(select(r.status, r.delivered_on, r.state_code)).all()
        findings = uow.conn.execute(select(func.count()).select_from(t.benefit_findings)).scalar()
    assert len(rows) == summary.service_records and findings == summary.findings
    assert {row.status for row in rows} == {"resolved"}
    assert all(today - timedelta(days=365) < row.delivered_on <= today for row in rows)
    assert {row.state_code for row in rows} == {"IN-WB", "BD-D"}

    found = []
    for state in ("IN-WB", "BD-D"):
        report = duplicates_report(ctx, state_admin(state, "admin"), state, detect=False)
        kinds = Counter(f.kind for f in report.findings)
        # Nobody was paid before the rules held for them, after death or outside the area.
        assert FindingKind.DUPLICATE in kinds
        assert set(kinds) <= {FindingKind.DUPLICATE, FindingKind.EXCLUSIVE}, kinds
        for f in report.findings:
            evidence = report.evidence[f.id]
            assert len(evidence) == 2 and {e.person_id for e in evidence} == {f.person_id}
            if f.kind is FindingKind.EXCLUSIVE:  # a widow drawing both pensions
                assert len({e.scheme_code for e in evidence}) == 2
                with ctx.uow() as uow:
                    assert uow.people.get(f.person_id).sex.value == "female"
        keys = [{(e.key_kind, e.resolved_by) for e in report.evidence[f.id]}
                for f in report.findings if f.kind is FindingKind.DUPLICATE]  # fmt: skip
        assert any(len(k) == 2 for k in keys), "one double benefit under two identifiers"
        assert any(len(k) == 1 for k in keys), "one under the same identifier"
        found += report.findings
    assert len(found) == summary.findings
    # A widow drawing both pensions where one received either (800 people: in West Bengal).
    assert any(f.kind is FindingKind.EXCLUSIVE for f in found)
