"""The clerical review pages in a real Chromium: the queue of legacy records to review, one
record beside its candidates with each field's part of the match weight, linking one and
saying "not a match" to another; the record page on a phone in Bengali and in Hindi.
Screenshots land in ``var/screenshots/legacy-review-*.png``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from sevasetu.adapters.db.tables import legacy_links, vaccinations
from sevasetu.bootstrap import AppContext
from sevasetu.services.demo import load_demo
from sevasetu.services.linkage import link_legacy_records

from ..builders import NADIA, PASSWORD, legacy_copies, staff
from .live_server import serving, site_context
from .test_browser import (  # noqa: F401 - the browser fixture
    DESKTOP,
    PHONE,
    require_chromium,
    shoot,
    watch_for_errors,
)

pytestmark = pytest.mark.browser
SOURCE = "cg-teeka"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[dict[str, Any]]:
    require_chromium()
    ctx = site_context(tmp_path / "browser.db")
    load_demo(ctx, people=500, seed=3, history=False)
    legacy_copies(ctx, SOURCE, 120)
    link_legacy_records(ctx, SOURCE, auto=9.0, review=2.0)
    staff(ctx, "clerk.test", "district_officer", NADIA)
    with serving(ctx) as url:
        yield {"url": url, "ctx": ctx}
    ctx.close()


def log_in(page: Page, base_url: str) -> None:
    page.goto(base_url + "/login?next=/legacy/reviews")
    page.fill("#f-username", "clerk.test")
    page.fill("#f-password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(base_url + "/legacy/reviews")


def decision_of(ctx: AppContext, record_id: str) -> tuple[str, str | None]:
    k = legacy_links.c
    with ctx.engine.connect() as conn:
        row = conn.execute(select(k.decision, k.person_id).where(k.record_id == record_id)).one()
    return row.decision, row.person_id


def test_a_clerk_links_one_record_and_rejects_another(
    served: dict[str, Any], browser: Browser
) -> None:
    base_url, ctx = served["url"], served["ctx"]
    context = browser.new_context(viewport=DESKTOP, locale="en-IN")
    page = context.new_page()
    problems = watch_for_errors(page)
    log_in(page, base_url)
    waiting = page.locator("ul.review-queue li").count()
    assert waiting >= 2
    assert (
        page.locator("nav.main a[href='/legacy/reviews']").get_attribute("aria-current") == "page"
    )
    shoot(page, "legacy-review-queue")

    first = page.locator("ul.review-queue li a").first
    record_id = (first.get_attribute("href") or "").rsplit("/", 1)[-1]
    first.click()
    page.wait_for_url(f"**/legacy/records/{record_id}")
    table = page.locator("table.linkage")
    assert table.locator("tbody tr").count() == 7  # six fields and the decision row
    assert table.locator("th.candidate").count() >= 1
    assert table.locator(".part").count() >= 3  # the parts of the weight are shown
    shoot(page, "legacy-review-record")
    page.click("#link-1")
    page.wait_for_url("**/legacy/reviews?source=cg-teeka&done=link")
    assert "legacy doses are now in the person's history" in page.locator(".notice").inner_text()
    assert page.locator("ul.review-queue li").count() == waiting - 1
    decision, person = decision_of(ctx, record_id)
    assert decision == "linked"
    with ctx.engine.connect() as conn:
        merged = conn.execute(
            select(vaccinations.c.evidence).where(
                vaccinations.c.person_id == person, vaccinations.c.source == "legacy"
            )
        ).scalars()
        assert [e.startswith(f"legacy {SOURCE} row ") for e in merged] == [True]
    shoot(page, "legacy-review-after-link")

    second = page.locator("ul.review-queue li a").first
    other = (second.get_attribute("href") or "").rsplit("/", 1)[-1]
    second.click()
    page.click("#not-match")
    page.wait_for_url("**/legacy/reviews?source=cg-teeka&done=not_match")
    assert decision_of(ctx, other) == ("not_match", None)
    assert problems == []
    context.close()


@pytest.mark.parametrize(
    ("lang", "link_words"), [("bn", "এই ব্যক্তির সাথে যুক্ত করুন"), ("hi", "इस व्यक्ति से जोड़ें")]
)
def test_the_record_page_on_a_phone_in_bengali_and_hindi(
    served: dict[str, Any], browser: Browser, lang: str, link_words: str
) -> None:
    base_url = served["url"]
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale=f"{lang}-IN"
    )
    page = context.new_page()
    problems = watch_for_errors(page)
    log_in(page, base_url)
    page.click(f"nav.langs a[hreflang={lang}]")
    page.goto(base_url + "/legacy/reviews")
    assert page.locator("html").get_attribute("lang") == lang
    page.locator("ul.review-queue li a").first.click()
    page.locator("table.linkage").wait_for()
    assert page.locator("#link-1").inner_text() == link_words
    shoot(page, f"legacy-review-record-phone-{lang}")
    assert problems == []
    context.close()
