"""The pages in a real Chromium: an ASHA logs in, works in Bengali, finds a person and
registers a household. Screenshots land in ``var/screenshots/`` for a person to look at."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page

from sevasetu.services.auth import principal_for_token
from sevasetu.services.people import PersonInput, register_person

from ..builders import NADIA_BLOCK, NADIA_VILLAGE, PASSWORD, aadhaar, staff
from .conftest import CHROMIUM
from .live_server import serving, site_context

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
HOUSEHOLD_VILLAGE = "IN-WB-NAD-KN1-BKH"


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing on CI: apt-get install -y chromium")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    require_chromium()
    ctx = site_context(tmp_path / "browser.db")
    asha = principal_for_token(ctx, staff(ctx, "asha.test", "asha", NADIA_BLOCK, "bn"))
    people = [
        ("সুনীতা দেবী", "female", date(1994, 3, 2), "9123456780", aadhaar("23456789012")),
        ("অমিত দাস", "male", date(1988, 11, 5), None, None),
        ("মরিয়ম বেগম", "female", date(2001, 7, 19), "9876501234", None),
        ("Rina Sen", "female", date(1979, 1, 30), None, None),
    ]
    for name, sex, born, phone, number in people:
        register_person(
            ctx,
            asha,
            PersonInput(
                name,
                sex,
                NADIA_VILLAGE,
                birth_date=born,
                phone=phone,
                identifiers={"aadhaar": number} if number else {},
            ),
            confirm_new=True,
        )
    with serving(ctx) as url:
        yield url
    ctx.close()


def shoot(page: Page, name: str, at: str | None = None) -> None:
    """The whole page; or, with ``at``, one screenful starting at that element, as seen."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if at is not None:
        page.eval_on_selector(at, "e => e.scrollIntoView()")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=at is None)


def watch_for_errors(page: Page) -> list[str]:
    """Script errors and refused resources (a CSP violation shows up as a console error)."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        text = message.text
        # A form sent back with its errors answers 409 or 422 on purpose.
        if message.type == "error" and not re.search(r"status of (409|422)\b", text):
            problems.append(text)

    page.on("console", on_console)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def log_in(page: Page, base_url: str) -> None:
    page.goto(base_url + "/login")
    page.fill("#f-username", "asha.test")
    page.fill("#f-password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(base_url + "/people")


def test_an_asha_finds_a_person_and_registers_a_household_on_a_phone(
    base_url: str, browser: Browser
) -> None:
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-IN",
    )
    page = context.new_page()
    problems = watch_for_errors(page)

    page.goto(base_url + "/login")
    shoot(page, "phone-login")
    log_in(page, base_url)
    # Her own language is Bengali; switch to English and back to see the switch work.
    page.click("nav.langs a[hreflang=en]")
    assert page.locator("h2.count").inner_text() == "People in your area"
    page.click("nav.langs a[hreflang=bn]")
    assert page.locator("html").get_attribute("lang") == "bn"
    assert "ব্যক্তি খুঁজুন" in page.locator("form.search label").inner_text()

    page.fill("#f-q", "সুনীতা")
    page.press("#f-q", "Enter")
    page.wait_for_url("**/people?q=*")
    results = page.locator("ul.people li")
    assert results.count() == 1
    assert "সুনীতা দেবী" in results.first.inner_text()
    assert "xxxx-xxxx-" in results.first.inner_text()
    shoot(page, "phone-search-bn")

    page.click("nav.main a[href='/households/new']")
    assert page.locator("fieldset.member").count() == 4
    page.click("#add-member")
    assert page.locator("fieldset.member").count() == 5
    assert (
        page.locator("fieldset.member").nth(4).locator(":scope > legend").inner_text() == "সদস্য 5"
    )
    page.select_option("#f-area_code", HOUSEHOLD_VILLAGE)
    page.fill("#f-address", "পুকুরপাড়, মসজিদের পাশে")
    members = [
        ("রহিম শেখ", "head", "male", "", "45", aadhaar("34567890123")),
        ("ফাতেমা বিবি", "spouse", "female", "", "40", ""),
        ("সালমা খাতুন", "daughter", "female", "2015-02-03", "", ""),
    ]
    for row, (name, relation, sex, born, age, number) in enumerate(members):
        prefix = f"#f-members-{row}-"
        page.fill(prefix + "name", name)
        page.select_option(prefix + "relation", relation)
        page.check(f"input[name='members[{row}].sex'][value={sex}]")
        if born:
            page.fill(prefix + "birth_date", born)
        if age:
            page.fill(prefix + "age_years", age)
        if number:
            page.fill(prefix + "identifiers-aadhaar", number)
    shoot(page, "phone-household-form-bn")
    shoot(page, "phone-household-form-top-bn", at="body")
    shoot(page, "phone-household-form-rows-bn", at="fieldset.member:nth-of-type(3)")
    page.click("form.card button[type=submit].primary")
    page.wait_for_url("**/households/*?registered=1")
    assert "পরিবার ও তার সদস্যরা নথিভুক্ত হয়েছেন।" in page.locator(".notice").inner_text()
    listed = page.locator("ul.people li")
    assert listed.count() == 3
    assert "পরিবারের প্রধান" in listed.first.inner_text()
    assert "রহিম শেখ" in listed.first.inner_text()
    shoot(page, "phone-household-bn")

    listed.nth(2).locator("a").click()
    page.wait_for_url("**/people/*")
    assert page.locator("main a[href^='/households/']").count() == 1
    shoot(page, "phone-person-bn")
    assert problems == []
    context.close()


def test_the_pages_on_a_desktop_screen(base_url: str, browser: Browser) -> None:
    context = browser.new_context(viewport=DESKTOP, locale="en-IN")
    page = context.new_page()
    problems = watch_for_errors(page)
    log_in(page, base_url)
    shoot(page, "desktop-people-bn")

    page.click("nav.langs a[hreflang=hi]")
    page.click("nav.main a[href='/people/new']")
    page.fill("#f-name", "Amit Dass")
    page.check("input[name=sex][value=male]")
    page.fill("#f-age_years", "37")
    page.select_option("#f-area_code", NADIA_VILLAGE)
    page.click("form.card button[type=submit].primary")
    # A near match in the same village: the form comes back with the similar person.
    assert page.locator("section.dupes li").count() == 1
    assert page.locator("#f-name").input_value() == "Amit Dass"
    shoot(page, "desktop-duplicate-hi")
    page.check("input[name=confirm_new]")
    page.click("form.card button[type=submit].primary")
    page.wait_for_url("**/people/*?registered=1")
    shoot(page, "desktop-person-hi")

    page.click("nav.main a[href='/households/new']")
    page.fill("#f-members-0-name", "Rahim Sheikh")
    page.click("form.card button[type=submit].primary")
    assert page.locator(".field-error").count() >= 1
    shoot(page, "desktop-household-errors-hi")
    assert problems == []
    context.close()
