"""Service records on the database (SQLite and PostgreSQL): resolution by identifier, phone,
name and birth date; the clerk's queue; all or nothing; a re-send changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from sevasetu.domain.benefits import RecordsRefused, RecordStatus
from sevasetu.domain.errors import InvalidInput
from sevasetu.services.service_records import (
    ServiceInput,
    decide_queued,
    queued_records,
    record_services,
    services_of,
)
from tests.ledger_builders import (
    OAA,
    RAHIMA_BRN,
    bd_officer,
    dss,
    planted_records,
    tala,
)


@pytest.fixture
def people(ctx):
    return tala(ctx)


def test_each_record_resolves_by_the_first_key_that_settles_it_or_waits(ctx, people):
    outcomes = record_services(
        ctx,
        bd_officer(),
        planted_records()
        + [
            ServiceInput(
                department="BD-DRRO",
                scheme="BD-VGF-RICE",
                reference="VGF-1",
                delivered_on=date(2026, 3, 1),
                phone="01712345678",
                name="করিম শেখ",
            ),
        ],
    )
    got = {o.reference: (o.status, o.person_id, o.resolved_by) for o in outcomes}
    assert got["DSS-1"] == (RecordStatus.RESOLVED, people["rahima"], "bd_nid")
    assert got["DSS-2"] == (RecordStatus.RESOLVED, people["rahima"], "bd_brn")
    assert got["DSS-6"] == (RecordStatus.RESOLVED, people["mitu"], "name_birth")
    assert got["DSS-8"] == (RecordStatus.QUEUED, None, None)
    assert got["VGF-1"] == (RecordStatus.RESOLVED, people["karim"], "phone")
    again = record_services(ctx, bd_officer(), planted_records())
    assert not any(o.created for o in again)


def test_a_batch_with_one_bad_record_writes_nothing(ctx, people):
    bad = planted_records()[:2] + [
        dss("DSS-X", "BD-NO-SUCH", date(2026, 1, 1), identifiers={"bd_brn": RAHIMA_BRN})
    ]
    with pytest.raises(RecordsRefused) as refused:
        record_services(ctx, bd_officer(), bad)
    assert refused.value.field == "records[2].scheme"
    with ctx.uow() as uow:
        assert uow.service_records.of_people("BD-D", [people["rahima"]]) == []
    with pytest.raises(RecordsRefused) as keyless:
        record_services(ctx, bd_officer(), [dss("DSS-Y", OAA, date(2026, 1, 1))])
    assert keyless.value.field == "records[0].identifiers"


def test_a_clerk_resolves_or_rejects_the_queue_and_the_person_sees_every_service(ctx, people):
    record_services(ctx, bd_officer(), planted_records())
    (waiting,) = queued_records(ctx, bd_officer())
    assert waiting.record.reference == "DSS-8" and waiting.record.key_last4 == "9999"
    done = decide_queued(ctx, bd_officer(), waiting.record.id, person_id=people["karim"])
    assert (done.status, done.person_id, done.resolved_by) == (
        RecordStatus.RESOLVED,
        people["karim"],
        "clerk",
    )
    assert queued_records(ctx, bd_officer()) == []
    with pytest.raises(InvalidInput):
        decide_queued(ctx, bd_officer(), waiting.record.id, reject_reason="not ours")
    services = services_of(ctx, bd_officer(), people["rafi"])  # the household's services
    assert {(s.record.reference, s.whose) for s in services} >= {
        ("DSS-1", "রহিমা বেগম"),
        ("DSS-8", "করিম শেখ"),
    }
    with ctx.uow() as uow:
        actions = {(e.action, e.subject_id) for e in uow.audit.of_state("BD-D")}
    assert ("service_record.resolve", waiting.record.id) in actions
