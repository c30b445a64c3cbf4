"""Vaccine stock: receipts, issues to sessions, returns, wastage, doses administered, expiry,
the stock report, and sessions refused for a vaccine the facility does not hold."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from sevasetu.domain.errors import DomainError, InsufficientStock
from sevasetu.domain.lots import VaccineLot
from sevasetu.domain.stock import LotStock, MovementKind, StockMovement, balance, check_movement
from sevasetu.entrypoints.cli import app
from sevasetu.services.auth import principal_for_token
from sevasetu.services.stock import MovementInput, move_stock

from ..builders import NADIA_BLOCK, auth, person_body, staff

CHC = "IN-WB-NAD-KN1-CHC"
STOCK = f"/api/v1/facilities/{CHC}/stock"
PENTA = {"product": "Pentavac", "lot": "PV1"}


@pytest.fixture
def admin(ctx, client):
    token = staff(ctx, "fa.store", "facility_admin", NADIA_BLOCK)
    lot = {**PENTA, "expiry": "2027-06-30", "dose_codes": ["PENTA1", "PENTA2", "PENTA3"],
           "manufacturer": "Serum Institute", "doses_received": 100}  # fmt: skip
    added = client.post(f"/api/v1/facilities/{CHC}/lots", json=lot, headers=auth(token))
    assert added.status_code == 201, added.text
    return token


@pytest.fixture
def anm(ctx):
    return staff(ctx, "anm.store", "anm", NADIA_BLOCK)


def session(client, token, **overrides):
    body = {"facility_code": CHC, "day": "2026-11-25", "starts": "09:00", "ends": "11:00",
            "slot_minutes": 30, "capacity_per_slot": 10, "offers": ["PENTA1"],
            **overrides}  # fmt: skip
    return client.post("/api/v1/sessions", json=body, headers=auth(token))


def report(client, token, **params):
    answer = client.get(STOCK, params=params, headers=auth(token))
    assert answer.status_code == 200, answer.text
    return {(x["product"], x["lot"]): x for x in answer.json()["lots"]}


def move(client, token, kind, **body):
    return client.post(f"{STOCK}/{kind}", json={**PENTA, **body}, headers=auth(token))


def child(ctx, client, name):
    asha = staff(ctx, f"asha.{abs(hash(name))}", "asha", NADIA_BLOCK)
    body = person_body(name=name, birth_date="2026-08-01", phone=None, identifiers={},
                       confirm_new=True)  # fmt: skip
    answer = client.post("/api/v1/people", json=body, headers=auth(asha))
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def penta1(pid, **extra):
    return {"person_id": pid, "dose_code": "PENTA1", "given_on": "2026-11-20",
            "facility_code": CHC, "lot": "PV1", **extra}  # fmt: skip


def test_receipts_issues_returns_and_wastage_make_the_balance(ctx, client, admin, anm):
    received = move(client, admin, "receipts", doses=50, note="from DVS Nadia")
    assert received.status_code == 201, received.text
    assert received.json()["kind"] == "receipt" and received.json()["reason"] == "from DVS Nadia"
    planned = session(client, admin)
    assert planned.status_code == 201, planned.text
    sid = planned.json()["id"]
    issued = move(client, anm, "issues", doses=40, session_id=sid)
    assert issued.status_code == 201, issued.text
    assert move(client, anm, "returns", doses=15, session_id=sid).status_code == 201
    wasted = move(client, anm, "wastage", doses=5, reason="open_vial_expired", session_id=sid)
    assert wasted.status_code == 201, wasted.text
    assert move(client, admin, "adjustments", doses=-2, reason="count").status_code == 201
    lot = report(client, anm)[("Pentavac", "PV1")]
    assert (lot["received"], lot["issued"], lot["returned"], lot["wasted"], lot["adjusted"]) == (
        150, 40, 15, 5, -2)  # fmt: skip
    # An issue is custody (the doses are still the facility's); wastage and counts change it.
    assert lot["balance"] == lot["usable"] == 143
    assert not lot["expired"] and not lot["low"] and not lot["discrepancy"]
    with ctx.uow() as uow:
        actions = [e.action for e in uow.audit.of_state("IN-WB")]
    for action in ("stock.receipt", "stock.issue", "stock.return", "stock.wasted",
                   "stock.adjustment"):  # fmt: skip
        assert action in actions


@pytest.mark.parametrize(
    ("role", "kind", "body", "status"),
    [("anm", "receipts", {"doses": 5}, 403),
     ("anm", "adjustments", {"doses": 5, "reason": "x"}, 403),
     ("asha", "wastage", {"doses": 1, "reason": "broken"}, 403),
     ("anm", "wastage", {"doses": 1, "reason": "broken"}, 201),
     ("anm", "wastage", {"doses": 1, "reason": "lost"}, 422)],
)  # fmt: skip
def test_who_moves_stock(ctx, client, admin, role, kind, body, status):
    token = staff(ctx, f"u.{role}", role, NADIA_BLOCK)
    assert move(client, token, kind, **body).status_code == status
    raigarh = staff(ctx, "fa.rgh", "facility_admin", "IN-CG-RGH")
    assert move(client, raigarh, "receipts", doses=5).status_code == 403
    assert client.get(STOCK, headers=auth(staff(ctx, "ver", "verifier", NADIA_BLOCK))
                      ).status_code == 403  # fmt: skip


def test_no_movement_takes_the_balance_below_zero(ctx, client, admin, anm):
    sid = session(client, admin).json()["id"]
    for kind, body, status, code in (
        ("wastage", {"doses": 101, "reason": "broken"}, 409, "insufficient-stock"),
        ("issues", {"doses": 101, "session_id": sid}, 409, "insufficient-stock"),
        ("returns", {"doses": 1, "session_id": sid}, 422, "invalid-input"),  # none out
        ("issues", {"doses": 1}, 422, "invalid-input"),  # no session
        ("wastage", {"doses": 1, "reason": "broken", "lot": "NOPE"}, 422, "unknown-lot"),
    ):
        refused = move(client, anm, kind, **body)
        assert (refused.status_code, refused.json()["code"]) == (status, code), refused.text
    too_many = move(client, admin, "adjustments", doses=-101, reason="count")
    assert too_many.status_code == 409 and "100" in too_many.json()["detail"]
    assert move(client, anm, "wastage", doses=100, reason="cold_chain").status_code == 201
    assert move(client, anm, "wastage", doses=1, reason="broken").status_code == 409
    assert report(client, anm)[("Pentavac", "PV1")]["balance"] == 0
    with ctx.uow() as uow:
        assert len(uow.stock.of_facility("IN-WB", CHC)) == 2  # the receipt and the wastage


def test_doses_recorded_single_and_in_batch_are_taken_off_and_a_shortfall_is_flagged(
    ctx, client, admin, anm
):
    assert move(client, admin, "adjustments", doses=-98, reason="count").status_code == 201
    one = client.post("/api/v1/vaccinations", json=penta1(child(ctx, client, "Ek")),
                      headers=auth(anm))  # fmt: skip
    assert one.status_code == 201, one.text
    assert report(client, anm)[("Pentavac", "PV1")]["administered"] == 1
    kids = [child(ctx, client, n) for n in ("Dui", "Tin")]
    items = [penta1(k) for k in kids] + [penta1(kids[0])]  # the last is refused: given already
    batch = client.post("/api/v1/vaccinations/batch", json={"items": items}, headers=auth(anm))
    assert batch.status_code == 200 and batch.json()["created"] == 2, batch.text
    lot = report(client, anm)[("Pentavac", "PV1")]
    # The child was vaccinated: the dose stands, and the lot shows the discrepancy.
    assert (lot["administered"], lot["balance"], lot["usable"]) == (3, -1, 0)
    assert lot["discrepancy"] and lot["low"]
    backdated = penta1(child(ctx, client, "Char"), backdated=True, evidence="card", lot="PV1")
    assert client.post("/api/v1/vaccinations", json=backdated, headers=auth(anm)).status_code \
        == 201  # fmt: skip
    assert report(client, anm)[("Pentavac", "PV1")]["administered"] == 3, "not from this stock"
    with ctx.uow() as uow:
        flagged = [e for e in uow.audit.of_state("IN-WB") if e.action == "stock.discrepancy"]
        movements = uow.stock.of_facility("IN-WB", CHC)
    assert len(flagged) == 1 and flagged[0].detail["balance"] == -1
    assert {m.vaccination_id for m in movements if m.kind is MovementKind.ADMINISTERED} \
        == {v for v in [one.json()["id"]] + [i["vaccination"]["id"] for i in
            batch.json()["items"] if i["status"] == "created"]}  # fmt: skip


def test_a_session_cannot_offer_a_vaccine_without_usable_stock(ctx, client, admin):
    refused = session(client, admin, offers=["PENTA1", "MR1"])
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "no-stock-for-dose"
    assert "MR1" in refused.json()["detail"] and refused.json()["errors"][0]["field"] == "offers"
    old = {"product": "MR (SII)", "lot": "MR0", "expiry": "2026-11-22", "dose_codes": ["MR1"],
           "doses_received": 20}  # fmt: skip
    assert client.post(f"/api/v1/facilities/{CHC}/lots", json=old,
                       headers=auth(admin)).status_code == 201  # fmt: skip
    assert session(client, admin, day="2026-11-21", offers=["MR1"]).status_code == 201
    expired = session(client, admin, day="2026-11-25", offers=["MR1"])
    assert expired.status_code == 422 and "2026-11-25" in expired.json()["detail"]
    plan = {"facility_code": CHC, "day": "2026-11-21", "last_day": "2026-11-28",
            "weekdays": ["sat"], "starts": "09:00", "ends": "10:00", "slot_minutes": 30,
            "capacity_per_slot": 5, "offers": ["MR1"]}  # fmt: skip
    recurring = client.post("/api/v1/session-plans", json=plan, headers=auth(admin))
    assert recurring.status_code == 422 and "2026-11-28" in recurring.json()["detail"]
    lot = report(client, admin, on="2026-11-25")[("MR (SII)", "MR0")]
    assert (lot["expired"], lot["balance"], lot["usable"], lot["low"]) == (True, 20, 0, False)
    assert not report(client, admin, on="2026-11-22")[("MR (SII)", "MR0")]["expired"]
    wasted = move(client, admin, "wastage", product="MR (SII)", lot="MR0", doses=20,
                  reason="lot_expired")  # fmt: skip
    assert wasted.status_code == 201, "expired vials are written off"


def test_the_report_totals_equal_the_ledger_and_the_cli_prints_them(
    ctx, client, admin, anm, database_url, monkeypatch
):
    sid = session(client, admin).json()["id"]
    move(client, admin, "receipts", doses=20)
    move(client, anm, "issues", doses=30, session_id=sid)
    move(client, anm, "wastage", doses=3, reason="broken")
    client.post("/api/v1/vaccinations", json=penta1(child(ctx, client, "Panch")),
                headers=auth(anm))  # fmt: skip
    lot = report(client, anm)[("Pentavac", "PV1")]
    with ctx.uow() as uow:
        ledger = uow.stock.of_facility("IN-WB", CHC)
    assert lot["balance"] == balance(ledger) == 120 - 3 - 1
    for kind, field in ((MovementKind.RECEIPT, "received"), (MovementKind.ISSUE, "issued"),
                        (MovementKind.WASTED, "wasted"),
                        (MovementKind.ADMINISTERED, "administered")):  # fmt: skip
        assert lot[field] == sum(m.doses for m in ledger if m.kind is kind)

    monkeypatch.setenv("SEVASETU_DATABASE_URL", database_url)
    monkeypatch.setenv("SEVASETU_ENVIRONMENT", "development")
    runner = CliRunner()
    found = runner.invoke(app, ["stock", "report", "--facility", CHC, "--format", "json",
                                "--on", "2026-11-20"])  # fmt: skip
    assert found.exit_code == 0, found.output
    (row,) = json.loads(found.stdout)["lots"]
    assert (row["lot"], row["balance"], row["administered"]) == ("PV1", 116, 1)
    csv = runner.invoke(app, ["stock", "report", "--facility", CHC, "--format", "csv"])
    assert csv.stdout.splitlines()[0].startswith("product,lot,expiry,received")
    unknown = runner.invoke(app, ["stock", "report", "--facility", "NOWHERE"])
    assert unknown.exit_code == 2


def test_concurrent_wastage_never_takes_the_balance_below_zero(ctx, admin, anm):
    principal = principal_for_token(ctx, anm)
    data = MovementInput("Pentavac", "PV1", 10, reason="broken")

    def one(_: int) -> str:
        try:
            move_stock(ctx, principal, CHC, MovementKind.WASTED, data)
        except InsufficientStock:
            return "refused"
        return "wasted"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(one, range(20)))
    assert outcomes.count("wasted") == 10 and outcomes.count("refused") == 10
    with ctx.uow() as uow:
        assert balance(uow.stock.of_facility("IN-WB", CHC)) == 0


LOT = VaccineLot("IN-WB", CHC, "Pentavac", "PV1", date(2027, 6, 30), ("PENTA1",), "", 0, "t",
                 datetime(2026, 11, 20, tzinfo=UTC))  # fmt: skip
KINDS = [MovementKind.RECEIPT, MovementKind.ISSUE, MovementKind.RETURN,
         MovementKind.ADMINISTERED, MovementKind.WASTED, MovementKind.ADJUSTMENT]  # fmt: skip


@given(st.lists(st.tuples(st.sampled_from(KINDS), st.integers(-50, 50)), max_size=60))
def test_the_balance_is_the_sum_of_the_movements_and_only_doses_go_below_zero(steps):
    accepted: list[StockMovement] = []
    for n, (kind, doses) in enumerate(steps):
        sums: dict[MovementKind, int] = {}
        for m in accepted:
            sums[m.kind] = sums.get(m.kind, 0) + m.doses
        stock = LotStock.of(LOT, sums)
        assert stock.balance == balance(accepted)
        out = sums.get(MovementKind.ISSUE, 0) - sums.get(MovementKind.RETURN, 0)
        if kind is not MovementKind.ADJUSTMENT:
            doses = abs(doses)
        try:
            if kind is not MovementKind.ADMINISTERED:  # a dose given is never refused
                check_movement(stock, kind, doses, on=date(2026, 11, 20), out_with_session=out)
            elif doses < 1:
                continue
        except DomainError:
            continue
        movement = StockMovement("IN-WB", str(n), CHC, "Pentavac", "PV1", kind, doses, "t",
                                 datetime(2026, 11, 20, tzinfo=UTC))  # fmt: skip
        if kind is not MovementKind.ADMINISTERED:
            assert stock.balance + movement.effect >= 0 or stock.balance < 0 <= movement.effect
        accepted.append(movement)
    assert LotStock.of(LOT, {k: sum(m.doses for m in accepted if m.kind is k) for k in KINDS}
                       ).balance == balance(accepted)  # fmt: skip
