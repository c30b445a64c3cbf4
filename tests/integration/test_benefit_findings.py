"""The duplicate-benefits detection on the database (SQLite and PostgreSQL): the planted
double benefits of Tala are found, with their evidence, and nothing else; decisions stick."""

from __future__ import annotations

import pytest

from sevasetu.domain.access import Principal, Role
from sevasetu.domain.benefits import FindingKind, FindingStatus
from sevasetu.domain.errors import Forbidden, InvalidInput
from sevasetu.services.benefit_findings import decide_finding, duplicates_report
from sevasetu.services.schemes import save_scheme
from tests.ledger_builders import (
    OAA,
    TALA,
    TALA_W1,
    bd_admin,
    bd_officer,
    record_tala_services,
    tala,
)


@pytest.fixture
def people(ctx):
    found = tala(ctx)
    record_tala_services(ctx)
    return found


def test_the_planted_double_benefits_are_found_and_nothing_else(ctx, people):
    report = duplicates_report(ctx, bd_officer(), TALA)
    got = {(f.kind, f.scheme_code, f.person_id, f.period_key) for f in report.findings}
    assert got == {
        (FindingKind.DUPLICATE, OAA, people["rahima"], "2026-01"),
        (FindingKind.EXCLUSIVE, "BD-ALLOWANCE", people["rahima"], "2026-01"),
        (FindingKind.TOO_YOUNG, OAA, people["mitu"], "any"),
        (FindingKind.DECEASED, OAA, people["jamal"], "any"),
    }
    double = next(f for f in report.findings if f.kind is FindingKind.DUPLICATE)
    assert [r.reference for r in report.evidence[double.id]] == ["DSS-1", "DSS-2"]
    assert {r.key_kind for r in report.evidence[double.id]} == {"bd_nid", "bd_brn"}
    assert double.amount == 1200 and double.area_code == TALA_W1
    exclusive = next(f for f in report.findings if f.kind is FindingKind.EXCLUSIVE)
    assert {r.reference for r in report.evidence[exclusive.id]} == {"DSS-1", "DSS-2", "DSS-3"}
    by_scheme = {(t.scheme_code, t.area_code): t.findings for t in report.totals}
    assert by_scheme[(OAA, TALA_W1)] == {"duplicate": 1, "too_young": 1}
    again = duplicates_report(ctx, bd_officer(), TALA)
    assert len(again.findings) == 4


def test_outside_the_schemes_area(ctx, people):
    save_scheme(
        ctx,
        bd_admin(),
        "BD-ISL-STIPEND",
        {
            "department": "BD-DSS",
            "name": "Islamkati stipend",
            "benefit": "cash",
            "period": "yearly",
            "area": "BD-D-SAT-TAL-ISL",
            "rules": ["age >= 5"],
        },
    )
    from datetime import date

    from sevasetu.services.service_records import record_services
    from tests.ledger_builders import RAHIMA_NID, dss

    record_services(
        ctx,
        bd_officer(),
        [dss("ISL-1", "BD-ISL-STIPEND", date(2026, 5, 1), identifiers={"bd_nid": RAHIMA_NID})],
    )
    report = duplicates_report(ctx, bd_officer(), TALA_W1)
    outside = [f for f in report.findings if f.kind is FindingKind.OUTSIDE_AREA]
    assert [(f.scheme_code, f.person_id) for f in outside] == [("BD-ISL-STIPEND", people["rahima"])]


def test_a_finding_is_confirmed_or_dismissed_with_a_reason_and_keeps_it(ctx, people):
    report = duplicates_report(ctx, bd_officer(), TALA)
    double = next(f for f in report.findings if f.kind is FindingKind.DUPLICATE)
    with pytest.raises(InvalidInput) as missing:
        decide_finding(ctx, bd_officer(), double.id, "dismissed", "  ")
    assert missing.value.field == "reason"
    decided = decide_finding(ctx, bd_officer(), double.id, "dismissed", "arrears of December")
    assert (decided.status, decided.reason) == (FindingStatus.DISMISSED, "arrears of December")
    rerun = duplicates_report(ctx, bd_officer(), TALA)
    kept = next(f for f in rerun.findings if f.id == double.id)
    assert kept.status is FindingStatus.DISMISSED
    asha = Principal(
        kind="user", id="a", role=Role.ASHA, name="a", area_code=TALA, state_code="BD-D"
    )
    with pytest.raises(Forbidden):
        decide_finding(ctx, asha, double.id, "confirmed", None)
    with ctx.uow() as uow:
        actions = [e.action for e in uow.audit.of_state("BD-D")]
    assert "benefits.decide" in actions
