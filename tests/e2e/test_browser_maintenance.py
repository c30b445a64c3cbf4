"""Maintenance mode on the pages, in a real Chromium: a banner on every page of the frozen
state, a polite refusal of a write, and nothing for the other states."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from sevasetu.services.maintenance import start_maintenance

from ..builders import NADIA_BLOCK, NADIA_VILLAGE, PASSWORD, staff
from .live_server import serving, site_context
from .test_browser import DESKTOP, PHONE, require_chromium, shoot, watch_for_errors

pytestmark = pytest.mark.browser


@pytest.fixture
def frozen(tmp_path: Path) -> Iterator[str]:
    require_chromium()
    ctx = site_context(tmp_path / "browser.db")
    staff(ctx, "asha.wb", "asha", NADIA_BLOCK, "bn")
    staff(ctx, "asha.cg", "asha", "IN-CG-RGH-RGH", "hi")
    start_maintenance(ctx, "IN-WB", datetime(2099, 2, 7, 6, 30, tzinfo=UTC),
                      "moving to the West Bengal State Data Centre", actor="tests")  # fmt: skip
    with serving(ctx) as url:
        yield url
    ctx.close()


def log_in(page, base_url: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "/login")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(base_url + "/people")


def test_the_banner_shows_and_a_write_is_refused_politely(frozen: str, browser: Browser) -> None:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="en-IN")  # fmt: skip
    page = context.new_page()
    problems = watch_for_errors(page)
    log_in(page, frozen, "asha.wb")
    banner = page.locator("p.maintenance")
    assert banner.count() == 1
    # Her language is Bengali: the banner speaks it, with the state, the end and the reason.
    text = banner.inner_text()
    assert "IN-WB" in text and "2099-02-07 06:30" in text and "রক্ষণাবেক্ষণ" in text
    shoot(page, "phone-maintenance-banner-bn")

    page.click("nav.langs a[hreflang=en]")
    page.click("nav.main a[href='/people/new']")
    page.fill("#f-name", "Amit Dass")
    page.check("input[name=sex][value=male]")
    page.fill("#f-age_years", "37")
    page.select_option("#f-area_code", NADIA_VILLAGE)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("form.card button[type=submit].primary")
    assert answer.value.status == 503  # unavailable for now, not forbidden
    # The form comes back with what was typed and the reason; nothing was registered.
    assert page.locator("#f-name").input_value() == "Amit Dass"
    assert "cannot be changed until 2099-02-07 06:30" in page.locator("main").inner_text()
    assert "Planned maintenance for IN-WB" in page.locator("p.maintenance").inner_text()
    shoot(page, "phone-maintenance-refused-en")
    page.goto(frozen + "/people?q=Amit")
    assert page.locator("ul.people li").count() == 0
    assert [p for p in problems if "503" not in p] == []
    context.close()

    # Another state's worker sees no banner.
    other = browser.new_context(viewport=DESKTOP, locale="en-IN")
    page = other.new_page()
    log_in(page, frozen, "asha.cg")
    assert page.locator("p.maintenance").count() == 0
    other.close()
