"""The stock page of a facility: its lots with what came in, was given, wasted and is left;
a lot received, wasted doses and a corrected count through the forms; refusals that keep the
ledger as it was. The browser test's screenshots land in ``var/screenshots/stock-*.png``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser

from sevasetu.bootstrap import AppContext
from sevasetu.domain.access import Principal
from sevasetu.services.auth import principal_for_token
from sevasetu.services.stock import stock_report

from ..builders import NADIA_BLOCK, PASSWORD, staff, stock
from .live_server import serving, site_context
from .test_browser import require_chromium, shoot, watch_for_errors
from .test_web_pages import csrf_of, field_error, login

SUB_CENTRE = "IN-WB-NAD-KN1-SC1"


@pytest.fixture
def keeper(ctx: AppContext) -> Principal:
    stock(ctx, SUB_CENTRE, ["PENTA1", "PENTA2", "PENTA3"], doses=200, lot="PV-1")
    return principal_for_token(ctx, staff(ctx, "fa.stock", "facility_admin", NADIA_BLOCK))


def balances(ctx: AppContext, keeper: Principal) -> dict[str, int]:
    return {s.lot.lot: s.balance for s in stock_report(ctx, keeper, SUB_CENTRE).lots}


def page_of(client: TestClient) -> str:
    page = client.get(f"/stock?facility={SUB_CENTRE}")
    assert page.status_code == 200
    return page.text


def test_the_store_keeper_adds_a_lot_records_wastage_and_corrects_a_count(
    ctx: AppContext, client: TestClient, keeper: Principal
) -> None:
    login(client, "fa.stock")
    html = page_of(client)
    assert "PV-1" in html and "Record wasted doses" in html
    assert re.search(r"<dt>Usable</dt><dd class=\"num\">200</dd>", html)

    added = client.post("/stock/lots", data={
        "csrf": csrf_of(html), "facility": SUB_CENTRE, "product": "bOPV", "lot": "OP-7",
        "expiry": (ctx.today() + timedelta(days=200)).isoformat(), "doses_received": "৫০",
        "dose_codes": ["OPV1", "OPV2"]}, follow_redirects=False)  # fmt: skip
    assert added.status_code == 303
    assert added.headers["location"] == f"/stock?facility={SUB_CENTRE}&done=lot"
    assert balances(ctx, keeper) == {"PV-1": 200, "OP-7": 50}  # Bengali digits read as 50

    wasted = client.post("/stock/wastage", data={
        "csrf": csrf_of(html), "facility": SUB_CENTRE, "lot_key": "bOPV|OP-7", "doses": "10",
        "reason": "open_vial_expired"}, follow_redirects=False)  # fmt: skip
    assert wasted.status_code == 303
    corrected = client.post("/stock/adjustments", data={
        "csrf": csrf_of(html), "facility": SUB_CENTRE, "adjust_lot": "Test vaccine PV-1|PV-1",
        "change": "-3", "why": "three vials short at the count",
    }, follow_redirects=False)  # fmt: skip
    assert corrected.status_code == 303
    assert balances(ctx, keeper) == {"PV-1": 197, "OP-7": 40}

    html = client.get(f"/stock?facility={SUB_CENTRE}&done=adjusted").text
    assert "The balance is corrected." in html
    assert re.search(r"<dt>Wasted</dt><dd class=\"num\">10</dd>", html)
    assert 'aria-label="0 given, 10 wasted, 40 usable of 50 received"' in html


@pytest.mark.parametrize(
    ("path", "data", "field", "message"),
    [
        ("/stock/wastage", {"lot_key": "Test vaccine PV-1|PV-1", "doses": "5"}, "f-reason",
         "Say why the doses were discarded"),
        ("/stock/wastage", {"lot_key": "Test vaccine PV-1|PV-1", "doses": "500",
                            "reason": "broken"}, "f-doses", "200"),
        ("/stock/wastage", {"lot_key": "Test vaccine PV-1|PV-1", "doses": "five",
                            "reason": "broken"}, "f-doses", "Write a whole number"),
        ("/stock/adjustments", {"adjust_lot": "Test vaccine PV-1|PV-1", "change": "4"},
         "f-why", "Say why the stock is adjusted"),
        ("/stock/lots", {"product": "bOPV", "lot": "OP-8", "expiry": "2027-02-30",
                         "doses_received": "10", "dose_codes": ["OPV1"]}, "f-expiry",
         "year-month-day"),
        ("/stock/lots", {"product": "bOPV", "lot": "OP-8", "expiry": "2027-02-01",
                         "doses_received": "10"}, "f-dose_codes", "Name the doses"),
    ],
)  # fmt: skip
def test_a_refused_form_says_why_at_its_field_and_moves_nothing(
    ctx: AppContext,
    client: TestClient,
    keeper: Principal,
    path: str,
    data: dict[str, Any],
    field: str,
    message: str,
) -> None:
    login(client, "fa.stock")
    html = page_of(client)
    answer = client.post(path, data={"csrf": csrf_of(html), "facility": SUB_CENTRE, **data})
    assert answer.status_code in (400, 409, 422)
    assert message in field_error(answer.text, field)
    assert balances(ctx, keeper) == {"PV-1": 200}


def test_only_staff_who_read_lots_see_the_page(ctx: AppContext, client: TestClient) -> None:
    staff(ctx, "asha.stock", "asha", NADIA_BLOCK)
    login(client, "asha.stock")
    assert 'href="/stock"' not in client.get("/people").text
    assert client.get("/stock").status_code == 403


def test_a_vaccinator_records_wastage_but_adds_no_lot(
    ctx: AppContext, client: TestClient, keeper: Principal
) -> None:
    staff(ctx, "anm.stock", "anm", NADIA_BLOCK)
    login(client, "anm.stock")
    html = page_of(client)
    assert "Record wasted doses" in html and "A lot received" not in html
    refused = client.post("/stock/lots", data={
        "csrf": csrf_of(html), "facility": SUB_CENTRE, "product": "bOPV", "lot": "X",
        "expiry": "2027-01-01", "doses_received": "1", "dose_codes": ["OPV1"]})  # fmt: skip
    assert refused.status_code == 403
    assert balances(ctx, keeper) == {"PV-1": 200}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    require_chromium()
    ctx = site_context(tmp_path / "stock.db")
    staff(ctx, "fa.stock", "facility_admin", NADIA_BLOCK, "bn")
    stock(ctx, SUB_CENTRE, ["PENTA1", "PENTA2", "PENTA3"], doses=200, lot="PV-1")
    stock(ctx, SUB_CENTRE, ["MR1", "MR2"], doses=50, lot="MR-4",
          expiry=ctx.today() + timedelta(days=20))  # fmt: skip
    stock(ctx, SUB_CENTRE, ["BCG"], doses=20, lot="BCG-0", expiry=date(2020, 1, 1))
    with serving(ctx) as url:
        yield url
    ctx.close()


@pytest.mark.browser
def test_the_stock_page_in_bengali_on_a_phone(served: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="bn-IN")
    problems = watch_for_errors(page)
    page.goto(served + "/login?next=/stock")
    page.fill("#f-username", "fa.stock")
    page.fill("#f-password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(served + "/stock")
    page.select_option("#f-facility", SUB_CENTRE)
    page.click("form.stock-pick button")
    page.wait_for_url(f"**/stock?facility={SUB_CENTRE}")
    page.click("summary:has-text('অপচয়')")
    page.fill("#f-doses", "12")
    page.check("input[name=reason][value=broken]")
    page.click("form[action='/stock/wastage'] button.primary")
    page.wait_for_url(re.compile(r"done=wasted"))
    assert page.locator(".notice").count() == 1
    assert page.locator(".lot").count() == 3
    assert page.locator(".bs-flag").count() >= 1  # the expired BCG lot
    shoot(page, "stock-phone-bn")
    assert problems == []
