"""The hospital desk and the eligibility card pages in a real Chromium, on a phone: a card is
issued and shown as a QR code; the desk page keeps working with the server gone (service
worker), checks cards with WebCrypto, queues admissions and discharges in IndexedDB, and
replays them once the server is back: each recorded once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from sevasetu.adapters.db import tables as t
from sevasetu.bootstrap import AppContext
from sevasetu.services.eligibility_cards import issue_for_operator, revoke_card
from sevasetu.services.maintenance import start_maintenance, stop_maintenance
from sevasetu.services.people import PersonInput, register_person
from sevasetu.services.schemes import load_schemes, scheme_files

from ..builders import NADIA, NADIA_VILLAGE, PASSWORD, staff
from ..integration.test_hospital_continuity import SWASTHYA, wb_admin
from .live_server import free_port, serving, site_context
from .test_browser import PHONE, require_chromium, shoot, watch_for_errors

pytestmark = pytest.mark.browser


@pytest.fixture
def site(tmp_path: Path) -> Iterator[dict]:
    require_chromium()
    ctx = site_context(tmp_path / "desk.db")
    load_schemes(ctx, wb_admin(), [p for p in scheme_files() if p.name == "west-bengal.toml"])
    staff(ctx, "desk.nadia", "facility_admin", NADIA)
    person = register_person(
        ctx,
        wb_admin(),
        PersonInput(
            name="অমিত দাস", sex="male", area_code=NADIA_VILLAGE, birth_date=None, age_years=46
        ),
    ).id
    other = register_person(
        ctx,
        wb_admin(),
        PersonInput(
            name="রীতা মণ্ডল", sex="female", area_code=NADIA_VILLAGE, birth_date=None, age_years=39
        ),
    ).id
    yield {"ctx": ctx, "person": person, "other": other, "port": free_port()}
    ctx.close()


def log_in(page, base_url: str, next_path: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "/login?next=" + next_path)
    page.fill("#f-username", "desk.nadia")
    page.fill("#f-password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(base_url + next_path)


def _events(ctx: AppContext) -> list[tuple[str, str]]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            select(t.hospital_events.c.kind, t.hospital_events.c.person_id).order_by(
                t.hospital_events.c.recorded_at, t.hospital_events.c.kind
            )
        )
        return [tuple(r) for r in rows]


def test_a_card_is_issued_on_the_persons_page_with_its_qr_code(site, browser: Browser):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-IN"
    )
    page = context.new_page()
    problems = watch_for_errors(page)
    with serving(site["ctx"], site["port"]) as url:
        log_in(page, url, f"/people/{site['person']}")
        page.click(f"a[href='/people/{site['person']}/cards']")
        page.select_option("#f-scheme", SWASTHYA)
        page.click("button.primary")
        expect(page.locator(".notice")).to_contain_text("The card was issued")
        assert page.locator(".qr svg").count() == 1
        expect(page.locator(".eligibility dl")).to_contain_text("অমিত দাস")
        shoot(page, "phone-eligibility-card")
        with page.expect_download() as download:
            page.click("a[download]")
        assert Path(download.value.path()).read_bytes().startswith(b"\x89PNG")
        # A scheme the person is not eligible for is refused with the reason.
        page.goto(f"{url}/people/{site['person']}/cards")
        page.select_option("#f-scheme", "WB-KANYASHREE-K1")
        page.click("button.primary")
        expect(page.locator(".alert")).to_contain_text("not eligible for WB-KANYASHREE-K1")
        expect(page.locator("ul.people li")).to_have_count(1)
        shoot(page, "phone-eligibility-cards-refused")
    assert problems == []
    context.close()


def test_the_desk_works_offline_and_replays_each_event_once(site, browser: Browser):
    ctx = site["ctx"]
    card = issue_for_operator(ctx, site["person"], SWASTHYA).jws
    revoked = issue_for_operator(ctx, site["other"], SWASTHYA)
    revoke_card(ctx, revoked.card_id, "reported lost")
    forged = card[:-6] + ("AAAAAA" if not card.endswith("AAAAAA") else "BBBBBB")
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-IN"
    )
    page = context.new_page()
    problems = watch_for_errors(page)
    with serving(ctx, site["port"]) as url:
        log_in(page, url, "/desk")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # now under the service worker, which saved the page and the keys
        expect(page.locator("#keys-state")).to_contain_text("Keys saved")
        assert page.evaluate("navigator.serviceWorker.controller !== null")
        shoot(page, "phone-desk-online")
    # The server is gone (the data centre move) and the device is offline.
    context.set_offline(True)
    page.reload()
    expect(page.locator("#net")).to_contain_text("Offline")
    for text, reason in (
        (forged, "signature does not match"),
        (revoked.jws, "reported lost"),
        ("not a card", "not an eligibility card"),
    ):
        page.fill("#card-text", text)
        page.click("#check-form button")
        expect(page.locator("#verdict")).to_contain_text("Not a valid card")
        expect(page.locator("#verdict-reason")).to_contain_text(reason)
    shoot(page, "phone-desk-offline-refused")
    page.fill("#card-text", card)
    page.click("#check-form button")
    expect(page.locator("#verdict")).to_contain_text("Valid card")
    expect(page.locator("#h-name")).to_have_text("অমিত দাস")
    page.fill("#f-package", "S-123 appendicectomy")
    page.fill("#f-amount", "12000")
    page.click("#admit-form button")
    expect(page.locator("#events li")).to_have_count(1)
    page.click("#events li button")  # discharge
    expect(page.locator("#events li")).to_have_count(2)
    expect(page.locator("#events .state.queued")).to_have_count(2)
    shoot(page, "phone-desk-offline-queued")
    assert _events(ctx) == []
    # The deployment is back at the same address, still in maintenance: the desk's replay is
    # refused (503) and everything stays queued; once the window closes, it all goes.
    start_maintenance(ctx, "IN-WB", ctx.now() + timedelta(minutes=30), "moving", actor="tests")
    with serving(ctx, site["port"]):
        context.set_offline(False)
        expect(page.locator("#desk-message")).to_contain_text("maintenance", timeout=15000)
        expect(page.locator("#events .state.queued")).to_have_count(2)
        shoot(page, "phone-desk-maintenance")
        assert _events(ctx) == []
        stop_maintenance(ctx, "IN-WB", actor="tests")
        page.click("#replay")
        expect(page.locator("#events .state.recorded")).to_have_count(2, timeout=15000)
        expect(page.locator("#desk-message")).to_contain_text("2 recorded")
        shoot(page, "phone-desk-replayed")
        page.click("#replay")
        expect(page.locator("#desk-message")).to_contain_text("Nothing waits to be sent")
        page.reload()
        expect(page.locator("#events .state.recorded")).to_have_count(2)
        page.click("nav.langs a[hreflang=bn]")
        expect(page.locator("h1")).to_have_text("হাসপাতাল ডেস্ক")
        expect(page.locator("#events .state.recorded").first).to_have_text("নথিভুক্ত")
        shoot(page, "phone-desk-bn")
    assert _events(ctx) == [("admission", site["person"]), ("discharge", site["person"])]
    assert [
        p
        for p in problems
        if "ERR_INTERNET_DISCONNECTED" not in p and "Failed to load resource" not in p
    ] == []
    context.close()
