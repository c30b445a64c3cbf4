"""Recording many doses in one request: each item recorded or refused on its own."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..builders import NADIA_BLOCK, auth, person_body, staff

CHC = "IN-WB-NAD-KN1-CHC"
BATCH = "/api/v1/vaccinations/batch"


def register(ctx, client, name, area="IN-WB-NAD-KN1-DOG", birth="2026-03-31"):
    asha = staff(ctx, f"asha.{uuid.uuid4().hex[:10]}", "asha", area)
    body = person_body(name=name, birth_date=birth, phone=None, identifiers={}, area_code=area,
                       confirm_new=True)  # fmt: skip
    answer = client.post("/api/v1/people", json=body, headers=auth(asha))
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


@pytest.fixture
def kids(ctx, client):
    return [register(ctx, client, n) for n in ("শিশু এক", "শিশু দুই")]


@pytest.fixture
def anm(ctx):
    return staff(ctx, "anm.batch", "anm", NADIA_BLOCK)


def dose(pid, code, day, **extra):
    return {"person_id": pid, "dose_code": code, "given_on": day, **extra}


def doses_of(ctx, pid):
    with ctx.uow() as uow:
        return sorted(v.dose_code for v in uow.vaccinations.of_person("IN-WB", pid))


def test_each_item_is_recorded_or_refused_on_its_own(ctx, client, kids, anm):
    a, b = kids
    items = [
        dose(a, "BCG", "2026-04-02"),
        dose(a, "PENTA1", "2026-05-12"),
        dose(a, "PENTA2", "2026-06-09"),  # sees PENTA1 from this very batch
        dose(a, "BCG", "2026-04-03"),  # twice in one batch
        dose(b, "MR1", "2026-05-01"),  # too early
        dose(b, "BCG", "2026-04-02", facility_code="NOWHERE"),
        dose(b, "BCG", "2026-04-02", unknown_field=1),  # refused by validation, alone
        dose("0e5f1a30-0000-4000-8000-000000000000", "BCG", "2026-04-02"),
        dose(b, "OPV0", "2026-04-02"),
    ]
    answer = client.post(BATCH, json={"items": items}, headers=auth(anm))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [i["index"] for i in body["items"]] == list(range(len(items)))
    status = [i["status"] for i in body["items"]]
    assert status == ["created"] * 3 + ["error"] * 5 + ["created"]
    assert (body["created"], body["refused"]) == (4, 5)
    problems = {i["index"]: i["problem"] for i in body["items"] if i["status"] == "error"}
    assert problems[3]["code"] == "dose-out-of-schedule"
    assert "already given" in problems[3]["detail"]
    assert problems[4]["code"] == "dose-out-of-schedule" and problems[4]["status"] == 422
    assert problems[5]["code"] == "unknown-facility"
    assert problems[6]["code"] == "invalid-input"
    assert problems[6]["errors"][0]["field"] == "unknown_field"
    assert problems[7]["code"] == "not-found" and problems[7]["status"] == 404
    assert problems[7]["type"].endswith("/not-found") and problems[7]["errors"][0]["field"]
    created = body["items"][1]["vaccination"]
    assert created["dose_code"] == "PENTA1" and created["person_id"] == a
    assert doses_of(ctx, a) == ["BCG", "PENTA1", "PENTA2"]
    assert doses_of(ctx, b) == ["OPV0"]
    with ctx.uow() as uow:
        recorded = [e for e in uow.audit.of_state("IN-WB") if e.action == "vaccination.record"]
    assert len(recorded) == 4


def test_a_batch_item_gets_the_same_problem_as_the_single_endpoint(ctx, client, kids, anm):
    item = dose(kids[0], "MR1", "2026-05-01")
    single = client.post("/api/v1/vaccinations", json=item,
                         headers=auth(anm, **{"Accept-Language": "bn"})).json()  # fmt: skip
    batch = client.post(BATCH, json={"items": [item]},
                        headers=auth(anm, **{"Accept-Language": "bn"})).json()  # fmt: skip
    problem = batch["items"][0]["problem"]
    assert {k: v for k, v in problem.items() if k != "instance"} == {
        k: v for k, v in single.items() if k != "instance"
    }


def test_doses_already_on_record_are_refused_and_the_rest_recorded(ctx, client, kids, anm):
    a, _ = kids
    first = client.post("/api/v1/vaccinations", json=dose(a, "BCG", "2026-04-02"),
                        headers=auth(anm))  # fmt: skip
    assert first.status_code == 201
    items = [dose(a, "BCG", "2026-04-02"), dose(a, "OPV0", "2026-04-02")]
    body = client.post(BATCH, json={"items": items}, headers=auth(anm)).json()
    assert [i["status"] for i in body["items"]] == ["error", "created"]
    assert doses_of(ctx, a) == ["BCG", "OPV0"]


@pytest.mark.parametrize(
    "envelope",
    [{"items": [{}] * 1001}, {"items": {"0": {}}}, {"items": "BCG"}, {}, {"items": [], "x": 1}],
)
def test_a_bad_envelope_is_refused_whole(ctx, client, kids, anm, envelope):
    answer = client.post(BATCH, json=envelope, headers=auth(anm))
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "invalid-input"
    assert doses_of(ctx, kids[0]) == []


def test_a_full_batch_of_1000_is_taken(ctx, client, anm):
    people = [register(ctx, client, f"শিশু {i}") for i in range(4)]
    start = date(2026, 4, 1)
    items = [dose(people[i % 4], "BCG", (start + timedelta(days=i // 4)).isoformat())
             for i in range(1000)]  # fmt: skip
    body = client.post(BATCH, json={"items": items}, headers=auth(anm)).json()
    assert (body["created"], body["refused"]) == (4, 996)


def test_an_idempotent_replay_answers_the_same_and_records_nothing_more(ctx, client, kids, anm):
    items = [dose(kids[0], "BCG", "2026-04-02"), dose(kids[1], "BCG", "2026-04-02")]
    key = auth(anm, **{"Idempotency-Key": "batch-1"})
    first = client.post(BATCH, json={"items": items}, headers=key)
    again = client.post(BATCH, json={"items": items}, headers=key)
    assert first.status_code == again.status_code == 200
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json() and first.json()["created"] == 2
    with ctx.uow() as uow:
        recorded = [e for e in uow.audit.of_state("IN-WB") if e.action == "vaccination.record"]
    assert len(recorded) == 2
    other = client.post(BATCH, json={"items": items[:1]}, headers=key)
    assert other.status_code == 422 and other.json()["code"] == "idempotency-key-reused"


def test_a_batch_across_states_respects_areas(ctx, client, anm):
    nadia = register(ctx, client, "শিশু নদিয়া")
    raigarh = register(ctx, client, "Raigarh Child", area="IN-CG-RGH-RGH-KDT")
    items = [
        dose(nadia, "BCG", "2026-04-02", facility_code=CHC),
        dose(raigarh, "BCG", "2026-04-02"),  # anyone, anywhere, without a facility
        dose(raigarh, "OPV0", "2026-04-02", facility_code="IN-CG-RGH-RGH-CHC"),  # not hers
    ]
    body = client.post(BATCH, json={"items": items}, headers=auth(anm)).json()
    assert [i["status"] for i in body["items"]] == ["created", "created", "error"]
    assert body["items"][2]["problem"]["status"] == 403
    assert body["items"][2]["problem"]["code"] == "outside-area"
    with ctx.uow() as uow:
        assert [v.dose_code for v in uow.vaccinations.of_person("IN-CG", raigarh)] == ["BCG"]
        assert any(e.action == "access.denied" for e in uow.audit.of_state("IN-WB"))
        assert uow.vaccinations.of_person("IN-WB", nadia)[0].state_code == "IN-WB"
    asha = staff(ctx, "asha.batch", "asha", NADIA_BLOCK)
    refused = client.post(BATCH, json={"items": items}, headers=auth(asha))
    assert refused.status_code == 403


def test_the_audit_chains_stay_whole_after_batches(ctx, client, kids, anm):
    from sevasetu.services.audit import verify_audit

    items = [dose(k, c, "2026-04-02") for k in kids for c in ("BCG", "OPV0", "HEPB0")]
    client.post(BATCH, json={"items": items}, headers=auth(anm))
    client.post("/api/v1/vaccinations", json=dose(kids[0], "PENTA1", "2026-05-12"),
                headers=auth(anm))  # fmt: skip
    assert all(r.problem is None for r in verify_audit(ctx))


def test_lots_are_judged_per_item(ctx, client, kids, anm):
    admin = staff(ctx, "fa.batch", "facility_admin", NADIA_BLOCK)
    lot = {"product": "BCG (SII)", "lot": "B9", "expiry": "2026-04-30", "dose_codes": ["BCG"],
           "doses_received": 100}  # fmt: skip
    assert client.post(f"/api/v1/facilities/{CHC}/lots", json=lot,
                       headers=auth(admin)).status_code == 201  # fmt: skip
    items = [dose(kids[0], "BCG", "2026-04-02", facility_code=CHC, lot="B9"),
             dose(kids[1], "BCG", "2026-05-02", facility_code=CHC, lot="B9")]  # fmt: skip
    body = client.post(BATCH, json={"items": items}, headers=auth(anm)).json()
    assert body["items"][0]["vaccination"]["product"] == "BCG (SII)"
    assert body["items"][1]["problem"]["code"] == "lot-expired"
    assert doses_of(ctx, kids[1]) == []


# A batch is the same as its items sent one by one: the property, over random small batches.
CODES = ["BCG", "OPV0", "HEPB0", "OPV1", "PENTA1", "PENTA2", "MR1"]


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.lists(st.tuples(st.integers(0, 1), st.sampled_from(CODES), st.integers(0, 120)),
                max_size=8))  # fmt: skip
def test_a_batch_decides_as_the_items_one_by_one_would(ctx, client, anm, picks):
    # Two fresh children per example, so that examples do not see each other's doses.
    pair = [register(ctx, client, f"শিশু {uuid.uuid4().hex[:6]}"),
            register(ctx, client, f"শিশু {uuid.uuid4().hex[:6]}")]  # fmt: skip
    twins = [register(ctx, client, f"শিশু {uuid.uuid4().hex[:6]}"),
             register(ctx, client, f"শিশু {uuid.uuid4().hex[:6]}")]  # fmt: skip
    start = date(2026, 3, 31)
    items = [(who, code, (start + timedelta(days=d)).isoformat()) for who, code, d in picks]
    batch = client.post(BATCH, json={"items": [dose(pair[w], c, d) for w, c, d in items]},
                        headers=auth(anm)).json()  # fmt: skip
    one_by_one = [client.post("/api/v1/vaccinations", json=dose(twins[w], c, d),
                              headers=auth(anm)).status_code for w, c, d in items]  # fmt: skip
    assert [i["status"] == "created" for i in batch["items"]] == [s == 201 for s in one_by_one]


def test_a_dose_recorded_meanwhile_is_left_out_by_the_constraint(ctx, client, kids, anm):
    """What the batch insert does when another unit recorded the same dose after it read."""
    import dataclasses

    first = client.post("/api/v1/vaccinations", json=dose(kids[0], "BCG", "2026-04-02"),
                        headers=auth(anm)).json()  # fmt: skip
    with ctx.uow() as uow:
        (recorded,) = uow.vaccinations.of_person("IN-WB", kids[0])
    again = dataclasses.replace(recorded, id=str(uuid.uuid4()))
    other = dataclasses.replace(recorded, id=str(uuid.uuid4()), dose_code="OPV0")
    with ctx.uow(write=True) as uow:
        assert uow.vaccinations.add_many([again, other]) == {other.id}
        uow.commit()
    assert doses_of(ctx, kids[0]) == ["BCG", "OPV0"] and first["id"] == recorded.id
