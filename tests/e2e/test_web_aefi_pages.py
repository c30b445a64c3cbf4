"""The district officer's AEFI page: serious events first (only them by default), each with the
person, the dose (vaccine, date, lot), severity, outcome and who reported it; everyone else is
refused. The browser test's screenshots land in ``var/screenshots/aefi-*.png``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser

from sevasetu.bootstrap import AppContext
from sevasetu.entrypoints.api.app import create_app

from ..builders import NADIA, NADIA_BLOCK, PASSWORD, auth, person_body, staff, stock
from .live_server import serving, site_context
from .test_browser import require_chromium, shoot, watch_for_errors
from .test_web_pages import login

CHC = "IN-WB-NAD-KN1-CHC"


def report_events(ctx: AppContext, client: TestClient) -> None:
    """A child given PENTA1 (lot PV-9) with a serious and a minor event after it."""
    anm = staff(ctx, "anm.aefi", "anm", NADIA_BLOCK)
    stock(ctx, CHC, ["PENTA1"], lot="PV-9")
    body = person_body(name="শিশু দাস", birth_date="2026-03-31", phone=None, identifiers={})
    child = client.post("/api/v1/people", json=body, headers=auth(anm)).json()
    given = client.post("/api/v1/vaccinations", headers=auth(anm), json={
        "person_id": child["id"], "dose_code": "PENTA1", "given_on": "2026-05-12",
        "facility_code": CHC, "lot": "PV-9"})  # fmt: skip
    assert given.status_code == 201, given.text
    events = [
        {"symptoms": ["fever", "seizure"], "severity": "serious",
         "serious_reasons": ["hospitalisation"], "outcome": "recovering"},
        {"symptoms": ["local_reaction"], "severity": "minor", "outcome": "recovered"},
    ]  # fmt: skip
    for event in events:
        made = client.post(f"/api/v1/vaccinations/{given.json()['id']}/aefi", headers=auth(anm),
                           json={"onset_at": "2026-05-12T18:30:00+05:30",
                                 "reported_by": "mother, via ASHA Nadia", **event})  # fmt: skip
        assert made.status_code == 201, made.text


def test_the_district_officer_sees_serious_events_then_all(
    ctx: AppContext, client: TestClient
) -> None:
    report_events(ctx, client)
    staff(ctx, "dio.nadia", "district_officer", NADIA)
    login(client, "dio.nadia")
    assert 'href="/aefi"' in client.get("/people").text
    serious = client.get("/aefi")
    assert serious.status_code == 200
    html = serious.text
    assert html.count('class="card aefi ') == 1 and "aefi-serious" in html
    assert (
        "শিশু দাস" in html and "Test vaccine PV-9" in html and "PV-9" in html and "2026-05-12" in html
    )
    assert "Recovering" in html and "admitted to hospital" in html and "fever, seizure" in html
    assert "mother, via ASHA Nadia" in html and "Anm.Aefi" in html
    everything = client.get("/aefi?show=all").text
    assert everything.count('class="card aefi ') == 2 and "aefi-minor" in everything
    assert "reaction at the injection site" in everything
    assert client.get("/aefi?page=2").status_code == 200  # an empty page, not an error
    assert "No serious adverse event" in client.get("/aefi?page=2").text


def test_staff_without_the_right_get_no_link_and_a_refusal(
    ctx: AppContext, client: TestClient
) -> None:
    staff(ctx, "asha.aefi", "asha", NADIA_BLOCK)
    login(client, "asha.aefi")
    assert 'href="/aefi"' not in client.get("/people").text
    refused = client.get("/aefi")
    assert refused.status_code == 403
    assert "শিশু" not in refused.text


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    require_chromium()
    ctx = site_context(tmp_path / "aefi.db")
    with TestClient(create_app(ctx=ctx)) as client:
        report_events(ctx, client)
    staff(ctx, "dio.nadia", "district_officer", NADIA, "bn")
    with serving(ctx) as url:
        yield url
    ctx.close()


@pytest.mark.browser
@pytest.mark.parametrize(("name", "size"), [("phone", (390, 844)), ("desktop", (1280, 900))])
def test_the_aefi_page_in_bengali(
    served: str, browser: Browser, name: str, size: tuple[int, int]
) -> None:
    page = browser.new_page(viewport={"width": size[0], "height": size[1]}, locale="bn-IN")
    problems = watch_for_errors(page)
    page.goto(served + "/login?next=/aefi")
    page.fill("#f-username", "dio.nadia")
    page.fill("#f-password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(served + "/aefi")
    assert page.locator("article.aefi").count() == 1
    assert page.locator("nav.main a[aria-current=page]").get_attribute("href") == "/aefi"
    page.click(".aefi-show a[href='/aefi?show=all']")
    page.wait_for_url("**/aefi?show=all")
    assert page.locator("article.aefi").count() == 2
    shoot(page, f"aefi-{name}-bn")
    assert problems == []
