"""The services ledger in a real Chromium: a UNO reads Tala's duplicate benefits, dismisses one
with its reason, prints the disaster priority list, resolves a record from the clerk's queue
and sees the services on a person's page; in Bengali on a phone too. Screenshots land in
``var/screenshots/``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.builders import PASSWORD, staff
from tests.ledger_builders import TALA, record_tala_services, tala

from .live_server import serving, site_context
from .test_browser import DESKTOP, PHONE, require_chromium, shoot
from .test_browser import watch_for_errors as watch

pytestmark = pytest.mark.browser


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    require_chromium()
    ctx = site_context(tmp_path / "ledger.db")
    people = tala(ctx)
    record_tala_services(ctx)
    staff(ctx, "uno.tala", "district_officer", TALA)
    with serving(ctx) as url:
        yield url, people
    ctx.close()


def log_in(browser: Browser, base_url: str, mobile: bool, locale: str = "en-IN"):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport=PHONE if mobile else DESKTOP, is_mobile=mobile, has_touch=mobile, locale=locale
    )
    page = context.new_page()
    page.goto(base_url + "/login")
    page.fill("#f-username", "uno.tala")
    page.fill("#f-password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(base_url + "/people")
    return context, page


def test_a_uno_reads_decides_prints_and_resolves(site, browser: Browser) -> None:
    url, people = site
    context, page = log_in(browser, url, mobile=False)
    errors = watch(page)
    page.goto(f"{url}/reports/duplicates?area={TALA}")
    rows = page.locator("table.findings tbody tr")
    assert rows.count() == 4
    assert page.locator("figure.chart-box svg").count() == 1
    shoot(page, "ledger-duplicates-desktop")
    duplicate = page.locator("tr.k-duplicate")
    duplicate.locator("input[name=reason]").fill("December arrears paid in January")
    duplicate.locator("button[value=dismissed]").click()
    page.wait_for_url("**saved=1**")
    assert "Dismissed" in page.locator("tr.k-duplicate").inner_text()
    assert "December arrears" in page.locator("tr.k-duplicate").inner_text()
    page.goto(f"{url}/reports/priority?area={TALA}")
    first = page.locator("section.ward table").nth(1).locator("tbody tr").first
    assert "আব্দুল মিয়া" in page.content()
    assert first.count() == 1
    shoot(page, "ledger-priority-desktop")
    page.goto(f"{url}/services/queue")
    assert page.locator("article.queued").count() == 1
    shoot(page, "ledger-queue-desktop")
    page.fill("input[name=other_id]", people["karim"])
    page.click("button[value=resolve]")
    page.wait_for_url("**saved=1**")
    assert page.locator("article.queued").count() == 0
    page.goto(f"{url}/people/{people['rahima']}")
    services = page.locator("section.services li")
    assert services.count() >= 3  # hers and her son's
    shoot(page, "ledger-person-services", at="section.services")
    assert errors == []
    context.close()


def test_the_reports_in_bengali_on_a_phone(site, browser: Browser) -> None:
    url, _ = site
    context, page = log_in(browser, url, mobile=True, locale="bn-BD")
    errors = watch(page)
    page.goto(f"{url}/lang/bn?next=/reports/duplicates%3Farea%3D{TALA}")
    assert page.locator("html").get_attribute("lang") == "bn"
    shoot(page, "ledger-duplicates-phone-bn")
    page.goto(f"{url}/reports/priority?area={TALA}")
    shoot(page, "ledger-priority-phone-bn")
    assert errors == []
    context.close()
