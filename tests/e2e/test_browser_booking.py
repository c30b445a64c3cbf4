"""Booking and sessions in a real Chromium: a facility admin publishes today's session on a
desktop, a citizen logs in with an SMS code on a phone and books for two family members in
Bengali, and the vaccinator checks one in and takes a walk-in. Screenshots land in
``var/screenshots/`` for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from sevasetu.services import auth as auth_svc
from sevasetu.services.family import add_family_member
from sevasetu.services.people import PersonInput, register_person

from ..builders import NADIA_BLOCK, NADIA_VILLAGE, PASSWORD, staff, stock
from ..fakes import RecordingSms
from .live_server import serving, site_context
from .test_browser import DESKTOP, PHONE, require_chromium, shoot
from .test_browser import watch_for_errors as watch

pytestmark = pytest.mark.browser

SUB_CENTRE = "IN-WB-NAD-KN1-SC1"
MOBILE = "9830012345"


@dataclass
class Site:
    url: str
    sms: RecordingSms
    today: date


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    require_chromium()
    sms = RecordingSms()
    ctx = site_context(tmp_path / "booking.db", sms=sms)
    today = ctx.today()
    stock(ctx, SUB_CENTRE, ["PENTA1", "OPV1", "RVV1", "TD10"], expiry=today + timedelta(days=300))
    staff(ctx, "fa.test", "facility_admin", NADIA_BLOCK)
    staff(ctx, "anm.test", "anm", NADIA_BLOCK)
    asha = auth_svc.principal_for_token(ctx, staff(ctx, "asha.test", "asha", NADIA_BLOCK))
    # The family's account exists already (made at its first login) with two members.
    auth_svc.request_otp(ctx, MOBILE, "bn")
    citizen = auth_svc.verify_otp(ctx, MOBILE, sms.last_code("+91" + MOBILE), "bn").principal
    boy_born = date(today.year - 10, today.month, 1) - timedelta(days=20)
    for name, sex, born in (("শিশু দাস", "female", today - timedelta(weeks=9)),
                            ("রাহুল দাস", "male", boy_born)):  # fmt: skip
        add_family_member(ctx, citizen, PersonInput(name, sex, NADIA_VILLAGE, birth_date=born))
    walker = PersonInput("মিনা বিবি", "female", NADIA_VILLAGE, birth_date=today - timedelta(weeks=8))
    register_person(ctx, asha, walker, confirm_new=True)
    with serving(ctx) as url:
        yield Site(url, sms, today)
    ctx.close()


def staff_login(page: Page, url: str, username: str) -> None:
    page.goto(url + "/login")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(url + "/people")


def plan_todays_session(browser: Browser, site: Site) -> None:
    context = browser.new_context(viewport=DESKTOP, locale="en-IN")
    page = context.new_page()
    problems = watch(page)
    staff_login(page, site.url, "fa.test")
    page.click("nav.main a[href='/sessions']")
    assert "No session is planned" in page.locator("main").inner_text()
    page.select_option("#f-facility_code", SUB_CENTRE)
    page.fill("#f-day", site.today.isoformat())
    page.fill("#f-starts", "09:00")
    page.fill("#f-ends", "11:00")
    for code in ("PENTA1", "TD10"):
        page.check(f"input[name=offers][value={code}]")
    page.fill("#f-capacity_per_slot", "4")
    page.fill("#f-walk_in_percent", "25")  # one place a slot held back for walk-ins
    page.click("form.plan button[type=submit]")
    page.wait_for_url("**/sessions?planned=1")
    assert page.locator(".notice").inner_text() == "1 sessions published."
    session = page.locator("article.session")
    assert session.count() == 1 and "Dogachhi Sub-Centre" in session.inner_text()
    assert session.locator("dl.tally dd").nth(2).inner_text() == "12"  # 4 slots of 3 bookable
    shoot(page, "planning-test-desktop")
    assert problems == []
    context.close()


def book(page: Page, member: int, dose: str, slot: int, day: date) -> str:
    """Pick a family member, a dose and today; tap a slot; return the booking reference."""
    page.click("nav.main a[href='/book']")
    page.click(f"a.member-pick >> nth={member}")
    page.select_option("#f-dose", dose)
    page.fill("#f-day", day.isoformat())
    page.click("form.book-find button[type=submit]")
    page.wait_for_selector("#results")
    page.click(f"#results button.slot >> nth={slot}")
    page.wait_for_url("**/bookings/*")
    return page.locator(".reference strong").inner_text()


def test_booking_planning_and_the_vaccinators_day(site: Site, browser: Browser) -> None:
    plan_todays_session(browser, site)

    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                has_touch=True, locale="bn-IN")  # fmt: skip
    page = phone.new_page()
    problems = watch(page)
    page.goto(site.url + "/login")
    page.click("a[href^='/login/mobile']")
    page.fill("#f-phone", MOBILE)
    page.click("button.primary")
    page.fill("#f-code", site.sms.last_code("+91" + MOBILE))
    shoot(page, "booking-test-code-phone")
    page.click("button.primary")
    page.wait_for_url(site.url + "/book")
    assert page.locator("html").get_attribute("lang") == "bn"
    assert page.locator("a.member-pick").count() == 2
    page.click("a.member-pick >> nth=0")
    assert "PENTA1" in page.locator("#f-dose optgroup").first.inner_text()  # due for the baby
    page.fill("#f-day", site.today.isoformat())  # the form keeps the day once chosen
    page.click("form.book-find button[type=submit]")
    page.wait_for_selector("#results")
    shoot(page, "booking-test-slots-phone-bn")
    first = book(page, 0, "PENTA1", 0, site.today)
    assert "শিশু দাস" in page.locator("h1").inner_text() and "09:00–09:30" in page.inner_text("main")
    shoot(page, "booking-test-done-phone-bn")
    second = book(page, 1, "TD10", 1, site.today)
    assert first != second and "09:30–10:00" in page.inner_text("main")
    page.click("nav.main a[href='/my-bookings']")
    bookings = page.locator("article.booking")
    assert bookings.count() == 2
    assert bookings.locator(".bstatus", has_text="বুক করা").count() == 2
    shoot(page, "booking-test-mine-phone-bn")
    # The baby again: refused in Bengali, with the slots still offered.
    page.click("nav.main a[href='/book']")
    page.click("a.member-pick >> nth=0")
    page.select_option("#f-dose", "PENTA1")
    page.fill("#f-day", site.today.isoformat())
    page.click("form.book-find button[type=submit]")
    page.click("#results button.slot >> nth=2")
    refusal = page.locator(".alert").inner_text()
    assert refusal == "এই ব্যক্তির PENTA1-এর জন্য একটি সক্রিয় বুকিং আগে থেকেই আছে।"
    assert page.locator("#results button.slot").count() >= 1
    assert problems == []
    phone.close()

    anm = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                              has_touch=True, locale="en-IN")  # fmt: skip
    page = anm.new_page()
    problems = watch(page)
    staff_login(page, site.url, "anm.test")
    page.click("nav.main a[href='/sessions']")
    page.click("a.button[href$='/day']")
    page.wait_for_url("**/day")
    people = page.locator(".day-person")
    assert people.count() == 2
    assert page.locator("#print").is_visible()  # the script ran under the CSP
    people.first.locator("button", has_text="Check in").click()
    page.wait_for_url("**/day?done=check-in")
    assert page.locator(".day-person .bstatus.bs-checked_in").count() == 1
    page.click("a[href='#walk-in']")
    page.fill("#f-q", "মিনা")
    page.press("#f-q", "Enter")
    page.wait_for_url("**/day?q=*")
    found = page.locator("form.walk-in-person")
    assert found.count() == 1 and "মিনা বিবি" in found.inner_text()
    found.locator("select").select_option("PENTA1")
    found.locator("button").click()
    page.wait_for_url("**/day?done=walk-in")
    assert page.locator(".day-person").count() == 3
    assert "walk-in" in page.locator(".day-person", has_text="মিনা বিবি").inner_text()
    shoot(page, "day-view-test-phone")
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert not page.locator(".day-actions").first.is_visible()
    page.emulate_media(media="screen")
    assert problems == []
    anm.close()
