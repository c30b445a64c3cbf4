"""The due list and a child's card in a real Chromium, on a phone and a desktop: an ASHA
filters her villages' list, opens a child's card, and both print without the menus.
Screenshots land in ``var/screenshots/`` for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from sevasetu.services.auth import principal_for_token
from sevasetu.services.households import MemberInput, register_household
from sevasetu.services.people import PersonInput
from sevasetu.services.vaccinations import VaccinationInput, record_vaccination

from ..builders import NADIA_BLOCK, NADIA_VILLAGE, PASSWORD, staff
from .live_server import serving, site_context
from .test_browser import DESKTOP, PHONE, require_chromium, shoot
from .test_browser import watch_for_errors as watch

pytestmark = pytest.mark.browser


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, str]]:
    require_chromium()
    ctx = site_context(tmp_path / "due.db")
    asha = principal_for_token(ctx, staff(ctx, "asha.test", "asha", NADIA_BLOCK, "bn"))
    anm = principal_for_token(ctx, staff(ctx, "anm.test", "anm", NADIA_BLOCK))
    today = date.today()
    born = today - timedelta(days=120)  # four months: BCG given, the 6-week doses overdue

    def member(relation: str, name: str, sex: str, birth: date, phone: str | None = None):
        data = PersonInput(name, sex, NADIA_VILLAGE, birth_date=birth, phone=phone)
        return MemberInput(relation=relation, person=data)

    household = register_household(ctx, asha, area_code=NADIA_VILLAGE, address="পুকুরপাড় ৭",
        members=[member("head", "রহিম শেখ", "male", date(1990, 1, 1)),
                 member("spouse", "ফাতেমা বিবি", "female", date(1995, 5, 5), "9123456780"),
                 member("son", "রফিক শেখ", "male", born)],
        confirm_new=True)  # fmt: skip
    child = next(m for m in household.members if m.name == "রফিক শেখ")
    record_vaccination(ctx, anm, VaccinationInput(child.id, "BCG", born + timedelta(days=1)))
    with serving(ctx) as url:
        yield url, child.id
    ctx.close()


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_an_asha_reads_her_due_list_and_a_childs_card(
    site: tuple[str, str], browser: Browser, screen: str
) -> None:
    base_url, child_id = site
    mobile = screen == "phone"
    context = browser.new_context(viewport=PHONE if mobile else DESKTOP, is_mobile=mobile,
                                  has_touch=mobile, locale="en-IN")  # fmt: skip
    page = context.new_page()
    problems = watch(page)
    page.goto(base_url + "/login")
    page.fill("#f-username", "asha.test")
    page.fill("#f-password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(base_url + "/people")

    page.click("nav.main a[href='/due-list']")
    assert page.locator("h1").inner_text().startswith("টিকার তালিকা")  # her language: Bengali
    assert page.locator("#print").is_visible()  # the script ran under the CSP
    child = page.locator(".due-child", has_text="রফিক শেখ")
    assert child.locator(".dose.st-overdue", has_text="PENTA1").count() == 1
    assert "BCG" not in child.inner_text()  # given
    assert "ফাতেমা বিবি" in page.locator(".household-due").inner_text()  # the mother
    assert "+919123456780" in page.locator(".household-due").inner_text()
    shoot(page, f"due-list-test-{screen}")

    page.check("input[name=defaulters]")
    page.select_option("#f-days", "30")
    page.click("form.filters button.primary")
    page.wait_for_url("**/due-list?*defaulters=1*")
    assert page.locator("h1").inner_text().startswith("বাদ পড়াদের তালিকা")
    assert page.locator(".doses .dose").count() == page.locator(".doses .dose.st-overdue").count()
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert not page.locator("form.filters").is_visible()
    page.emulate_media(media="screen")

    page.click(".due-child a.name")
    page.wait_for_url(f"**/people/{child_id}/card")
    assert page.locator("ul.legend li").count() == 6
    bcg = page.locator("tr", has_text="BCG")
    assert "st-given" in (bcg.get_attribute("class") or "")
    assert bcg.locator(".dose").inner_text().strip().startswith("✓")  # a sign, not colour only
    assert "st-overdue" in (page.locator("tr", has_text="PENTA1").get_attribute("class") or "")
    shoot(page, f"child-card-test-{screen}")
    assert problems == []
    context.close()
