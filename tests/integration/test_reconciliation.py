"""The reconciliation report and attestations on the database (SQLite and PostgreSQL): the
Raigarh story in miniature, every class with its records, and the numbers adding up."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from sevasetu.domain.access import Principal, Role
from sevasetu.domain.attestations import Verdict
from sevasetu.domain.errors import (
    Forbidden,
    InvalidInput,
    NotAnImageOrPdf,
    OutsideArea,
    WrongAreaLevel,
)
from sevasetu.domain.reconciliation import Explanation, Offset
from sevasetu.services.attestations import AttestationInput, record_attestation
from sevasetu.services.reconciliation import reconciliation_report
from tests.builders import raigarh_reconciliation

RGH = "IN-CG-RGH"
KATHLI = "IN-CG-RGH-PUS-KTL"
NADIA_CHC = "IN-WB-NAD-KN1-CHC"


def officer(area: str = RGH, role: Role = Role.DISTRICT_OFFICER) -> Principal:
    return Principal(kind="user", id="dio", role=role, name="DIO", area_code=area,
                     state_code="IN-CG")  # fmt: skip


@pytest.fixture
def raigarh(ctx):
    return raigarh_reconciliation(ctx)


def test_every_second_dose_without_a_first_has_its_class_and_records(ctx, raigarh):
    report = reconciliation_report(ctx, officer(), RGH)
    assert report.headline.step.dose == "COVID2"
    (rgh,) = report.headline.districts
    assert (rgh.first_before, rgh.second_before) == (4, 8)
    assert (rgh.first_after, rgh.second_after) == (5, 8)
    assert rgh.explained == {Explanation.LEGACY: 1, Explanation.ELSEWHERE: 1,
                             Explanation.REVIEW: 1, Explanation.UNEXPLAINED: 2}  # fmt: skip
    assert rgh.offsets == {Offset.NEXT_ELSEWHERE: 0, Offset.NO_NEXT: 1}
    assert rgh.balanced() and rgh.gap_before == 4 == 5 - 1
    rows = {r.dose.person_id: r for r in rgh.rows}
    legacy = rows[raigarh["teeka"]].other
    assert legacy is not None and legacy.legacy is not None
    assert (legacy.legacy.source, legacy.legacy.source_row_id) == ("cg-teeka", "CGT-teeka")
    elsewhere = rows[raigarh["migrant"]].other
    assert elsewhere is not None and elsewhere.place.facility_code == NADIA_CHC
    assert (elsewhere.place.district, elsewhere.place.state) == ("IN-WB-NAD", "IN-WB")
    pending = rows[raigarh["review"]].candidate
    assert pending is not None and pending.source_row_id == "CGT-review"
    assert rows[raigarh["refused"]].kind is Explanation.UNEXPLAINED  # a decided record: no help
    assert rows[raigarh["waiting"]].kind is Offset.NO_NEXT
    assert raigarh["walkin"] not in rows  # both doses placed in Raigarh


def test_a_state_reports_each_district_and_the_migrants_first_dose_leaves_nadia(ctx, raigarh):
    report = reconciliation_report(ctx, officer("IN", Role.STATE_ADMIN), "IN")
    codes = [f.district for f in report.headline.districts]
    assert RGH in codes and "IN-WB-NAD" in codes
    nadia = report.headline.districts[codes.index("IN-WB-NAD")]
    assert nadia.offsets[Offset.NEXT_ELSEWHERE] == 1 and nadia.balanced()
    assert report.headline.total.balanced()
    assert [s.step.dose for s in report.steps] == ["COVID2", "COVIDP"]


def test_who_may_read_the_report_and_where(ctx, raigarh):
    with pytest.raises(Forbidden):
        reconciliation_report(ctx, officer(role=Role.ASHA), RGH)
    with pytest.raises(OutsideArea):
        reconciliation_report(ctx, officer("IN-WB-NAD"), RGH)
    with pytest.raises(WrongAreaLevel):
        reconciliation_report(ctx, officer(), KATHLI)
    with pytest.raises(InvalidInput):
        reconciliation_report(ctx, officer(), RGH, dose="COVID1")


def test_an_attestation_is_compared_with_the_registry_on_its_signing_day(ctx, raigarh):
    # Kathli: eight adults, seven with COVID2 by 1 Dec 2021 (87.5 %). Another claims 100 %.
    signed = date(2021, 12, 1)
    good = AttestationInput(area_code=KATHLI, schedule="covid19-india", dose_code="covid2",
                            claimed_coverage=90, signed_by="Ramesh Sahu", signed_on=signed,
                            document=b"%PDF-1.4 scanned certificate")  # fmt: skip
    kept = record_attestation(ctx, officer(), good)
    assert kept.dose_code == "COVID2" and kept.document_media_type == "application/pdf"
    record_attestation(ctx, officer(), replace(good, claimed_coverage=100, document=None))
    checks = reconciliation_report(ctx, officer(), RGH).attestations
    assert [(c.coverage.eligible, c.coverage.covered) for c in checks] == [(8, 7), (8, 7)]
    assert sorted(c.verdict for c in checks) == [Verdict.AGREES, Verdict.DISAGREES]
    with ctx.uow() as uow:
        assert uow.attestations.document("IN-CG", kept.id) == (
            b"%PDF-1.4 scanned certificate", "application/pdf")  # fmt: skip


def test_a_bad_attestation_writes_nothing(ctx):
    base = AttestationInput(area_code=KATHLI, schedule="covid19-india", dose_code="COVID2",
                            claimed_coverage=90, signed_by="Ramesh",
                            signed_on=date(2021, 12, 1))  # fmt: skip
    wrongs = [({"area_code": RGH}, WrongAreaLevel), ({"claimed_coverage": 120}, InvalidInput),
              ({"dose_code": "COVID9"}, InvalidInput), ({"document": b"text"}, NotAnImageOrPdf),
              ({"signed_on": date(2030, 1, 1)}, InvalidInput)]  # fmt: skip
    for wrong, error in wrongs:
        with pytest.raises(error):
            record_attestation(ctx, officer(), replace(base, **wrong))
    with pytest.raises(Forbidden):
        record_attestation(ctx, officer(role=Role.AUDITOR), base)
    with ctx.uow() as uow:
        assert uow.attestations.in_areas([KATHLI]) == []
