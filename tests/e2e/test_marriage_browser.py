"""The marriage check, the outreach list and the area statistics in a real Chromium: a registrar
checks a couple on a phone in Bengali and in English (refused, allowed, an unknown number), and
a UNO reads Tala's statistics with their charts and the list of girls and boys to visit.
Screenshots land in ``var/screenshots/``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.builders import PASSWORD, staff
from tests.fakes import FakeClock
from tests.integration.test_marriage import BOY_NID, GIRL_BRN, young_people
from tests.integration.test_statistics import population
from tests.ledger_builders import TALA, record_tala_services

from .live_server import serving, site_context
from .test_browser import DESKTOP, PHONE, require_chromium, shoot
from .test_browser import watch_for_errors as watch

pytestmark = pytest.mark.browser


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    require_chromium()
    # The day the builders' ages are written for (girls of 16, children of 12-23 months).
    ctx = site_context(
        tmp_path / "marriage.db", clock=FakeClock(datetime(2026, 11, 20, 6, 30, tzinfo=UTC))
    )
    population(ctx)
    young_people(ctx)
    record_tala_services(ctx)
    staff(ctx, "kazi.tala", "registrar", TALA, language="bn")
    staff(ctx, "uno.tala", "district_officer", TALA)
    with serving(ctx) as url:
        yield url
    ctx.close()


def log_in(browser: Browser, url: str, user: str, *, mobile: bool, start: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport=PHONE if mobile else DESKTOP,
        is_mobile=mobile,
        has_touch=mobile,
        locale="bn-BD" if mobile else "en-IN",
    )
    page = context.new_page()
    page.goto(f"{url}/login?next={start}")
    page.fill("#f-username", user)
    page.fill("#f-password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{url}{start}")
    return context, page


def check(page, bride: str, groom: str, day: str | None = None) -> None:  # type: ignore[no-untyped-def]
    page.select_option("#bride-kind", "bd_brn")
    page.fill("#bride-number", bride)
    page.select_option("#groom-kind", "bd_nid")
    page.fill("#groom-number", groom)
    if day:
        page.fill("#on", day)
    page.click("#check-form button.primary")
    page.wait_for_load_state()


def test_a_registrar_checks_a_couple_on_a_phone_and_on_a_desk(site, browser: Browser) -> None:
    context, page = log_in(browser, site, "kazi.tala", mobile=True, start="/marriage-check")
    errors = watch(page)
    assert page.locator("nav.main a[aria-current=page]").inner_text() == "বিয়ের বয়স যাচাই"
    assert page.locator("nav.main a[href='/people/new']").count() == 0  # reads, registers nobody
    check(page, GIRL_BRN, BOY_NID)
    result = page.locator("#result")
    assert result.locator(".outcome").get_attribute("data-outcome") == "refused"
    assert "2028-03-04" in page.locator("#party-bride").inner_text()
    assert page.locator("#party-groom.allowed").count() == 1
    assert page.locator("#print").is_visible()
    shoot(page, "marriage-check-refused-phone-bn")
    page.fill("#bride-number", "20100304999999999")
    page.click("#check-form button.primary")
    page.wait_for_load_state()
    assert page.locator(".alert").count() == 1 and page.locator("#result").count() == 0
    assert page.locator("fieldset.invalid .field-error").count() == 1
    shoot(page, "marriage-check-unknown-phone-bn", at=".alert")
    context.close()
    assert errors == []

    context, page = log_in(browser, site, "kazi.tala", mobile=False, start="/marriage-check")
    page.goto(f"{site}/lang/en?next=/marriage-check")
    check(page, GIRL_BRN, BOY_NID, day="2028-03-04")
    assert page.locator("#result .outcome").get_attribute("data-outcome") == "allowed"
    assert "Allowed" in page.locator("#result .outcome").inner_text()
    shoot(page, "marriage-check-allowed-desktop")
    page.emulate_media(media="print")
    assert not page.locator("#check-form").is_visible()  # the result alone on paper
    shoot(page, "marriage-check-print")
    context.close()


def test_a_uno_reads_the_statistics_and_the_outreach_list(site, browser: Browser) -> None:
    context, page = log_in(browser, site, "uno.tala", mobile=False, start="/people")
    errors = watch(page)
    page.goto(f"{site}/reports/statistics?area={TALA}")
    assert page.locator("figure.chart-box svg").count() == 4
    total = page.locator("#households tr.total")
    assert total.locator("td").nth(1).inner_text() == "20"  # residents of Tala
    assert "1/2" in page.locator("#immunisation svg").inner_html()  # fully immunised
    shoot(page, "statistics-desktop")
    page.goto(f"{site}/reports/marriage-alerts?area={TALA}")
    rows = page.locator("section.ward tbody tr")
    assert rows.count() == 4  # two girls of 16 in ward 3; Nasrin (16) and Ratan (19) in ward 1
    assert page.locator("figure.chart-box svg").count() == 1
    shoot(page, "marriage-alerts-desktop")
    context.close()
    context, page = log_in(browser, site, "uno.tala", mobile=True, start="/people")
    page.goto(f"{site}/reports/statistics?area={TALA}")
    shoot(page, "statistics-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1  # wide tables scroll inside their box, not the page
    context.close()
    assert errors == []
