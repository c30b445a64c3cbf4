"""Booking, end to end in a real Chromium, as the booking issue's "done" describes it: a
citizen books tomorrow's slots for two family members on her phone, in Bengali, one of them
needing the proof of a dose given at a private clinic; a verifier approves the proof; the
worker sends the confirmations and, the day before, the reminders; the next morning the
vaccinator sees both in the day view, records one dose and takes a walk-in; the facility's
stock has gone down by the doses given. Screenshots: ``var/screenshots/scenario-booking-*``."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page

from sevasetu.bootstrap import AppContext
from sevasetu.domain.sessions import SessionSpec
from sevasetu.services import auth as auth_svc
from sevasetu.services.family import add_family_member
from sevasetu.services.notifications import deliver_due, queue_reminders, reminder_day
from sevasetu.services.people import PersonInput, register_person
from sevasetu.services.sessions import plan_session
from sevasetu.services.stock import stock_report

from ..builders import NADIA_BLOCK, NADIA_VILLAGE, PASSWORD, staff, stock
from ..fakes import FakeClock, RecordingSms
from .live_server import serving, site_context
from .test_browser import DESKTOP, PHONE, require_chromium, shoot
from .test_browser import watch_for_errors as watch

pytestmark = pytest.mark.browser

SUB_CENTRE = "IN-WB-NAD-KN1-SC1"
MOBILE = "9830012345"
LOT = "PV-77"


@dataclass
class Scene:
    url: str
    ctx: AppContext
    sms: RecordingSms
    clock: FakeClock
    session_id: str


def card_png() -> bytes:
    image = Image.new("RGB", (560, 320), (250, 246, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 552, 312), outline=(40, 90, 60), width=4)
    for i, line in enumerate(("MCP CARD  Rahul Das", "PENTA-1 given 2026-09-30",
                              "Sree Clinic, Krishnanagar")):  # fmt: skip
        draw.text((30, 50 + 70 * i), line, fill=(20, 40, 30))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def scene(tmp_path: Path) -> Iterator[Scene]:
    require_chromium()
    sms = RecordingSms()
    clock = FakeClock(datetime(2026, 11, 24, 4, 30, tzinfo=UTC))  # 10:00 in Kolkata, Tuesday
    ctx = site_context(tmp_path / "scenario.db", sms=sms, clock=clock)
    today = ctx.today()
    stock(ctx, SUB_CENTRE, ["PENTA1", "PENTA2", "PENTA3"], doses=100, lot=LOT,
          expiry=today + timedelta(days=300))  # fmt: skip
    admin = auth_svc.principal_for_token(ctx, staff(ctx, "fa.test", "facility_admin", NADIA_BLOCK))
    staff(ctx, "verifier.test", "verifier", NADIA_BLOCK)
    staff(ctx, "anm.test", "anm", NADIA_BLOCK)
    auth_svc.request_otp(ctx, MOBILE, "bn")
    citizen = auth_svc.verify_otp(ctx, MOBILE, sms.last_code("+91" + MOBILE), "bn").principal
    for name, sex, weeks in (("শিশু দাস", "female", 9), ("রাহুল দাস", "male", 16)):
        born = today - timedelta(weeks=weeks)
        add_family_member(ctx, citizen, PersonInput(name, sex, NADIA_VILLAGE, birth_date=born))
    walker = PersonInput("মিনা বিবি", "female", NADIA_VILLAGE, birth_date=today - timedelta(weeks=8))
    register_person(ctx, admin, walker, confirm_new=True)
    planned = plan_session(ctx, admin, SessionSpec(
        facility_code=SUB_CENTRE, day=today + timedelta(days=1), starts=clock_time(9),
        ends=clock_time(11), slot_minutes=30, capacity_per_slot=4,
        offers=("PENTA1", "PENTA2"), walk_in_percent=25))  # fmt: skip
    sms.sent.clear()
    with serving(ctx) as url:
        yield Scene(url, ctx, sms, clock, planned.session.id)
    ctx.close()


def log_in(page: Page, url: str, username: str, then: str) -> None:
    page.goto(f"{url}/login?next={then}")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(url + then)


def find_slots(page: Page, member: int, dose: str, day: str) -> None:
    page.click("nav.main a[href='/book']")
    page.click(f"a.member-pick >> nth={member}")
    page.select_option("#f-dose", dose)
    page.fill("#f-day", day)
    page.click("form.book-find button[type=submit]")
    page.wait_for_selector("#results")


def citizen_books_two(browser: Browser, scene: Scene, card: Path) -> None:
    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                has_touch=True, locale="bn-IN")  # fmt: skip
    page = phone.new_page()
    problems = watch(page)
    page.goto(scene.url + "/login/mobile")
    page.fill("#f-phone", MOBILE)
    page.click("button.primary")
    page.fill("#f-code", scene.sms.last_code("+91" + MOBILE))
    page.click("button.primary")
    page.wait_for_url(scene.url + "/book")
    tomorrow = (scene.ctx.today() + timedelta(days=1)).isoformat()

    find_slots(page, 0, "PENTA1", tomorrow)  # the girl, due for her first Penta
    page.click("#results button.slot >> nth=0")
    page.wait_for_url("**/bookings/*")
    assert "শিশু দাস" in page.locator("h1").inner_text()

    find_slots(page, 1, "PENTA2", tomorrow)  # the boy: his first Penta was at a clinic
    page.click("#results button.slot >> nth=1")
    page.wait_for_selector("form#proof")
    assert "PENTA1" in page.locator(".alert").inner_text()
    page.set_input_files("#f-proof-file", str(card))
    page.fill("#f-proof-given", (scene.ctx.today() - timedelta(weeks=8)).isoformat())
    page.fill("#f-proof-place", "Sree Clinic, Krishnanagar")
    page.select_option("#f-proof-kind", "mcp_card")
    page.fill("form#proof input[name=id_value]", "WB-2026-7781")
    shoot(page, "scenario-booking-proof-phone-bn", at="form#proof")
    page.click("form#proof button.primary")
    page.wait_for_url("**/bookings/*")
    shoot(page, "scenario-booking-waiting-phone-bn")
    page.click("nav.main a[href='/my-bookings']")
    assert page.locator("article.booking").count() == 2
    assert page.locator(".bstatus.bs-pending_verification").count() == 1
    assert problems == []
    phone.close()


def verifier_approves(browser: Browser, scene: Scene) -> None:
    desk = browser.new_context(viewport=DESKTOP, locale="en-IN")
    page = desk.new_page()
    problems = watch(page)
    log_in(page, scene.url, "verifier.test", "/proofs")
    page.click("ul.proofs a.person")
    page.wait_for_selector("#approve")
    assert page.locator("main img").count() == 1  # the photo of the card, beside the claim
    shoot(page, "scenario-booking-verifier-desktop")
    page.click("#approve")
    page.wait_for_url("**/proofs?done=approved")
    assert problems == []
    desk.close()


def vaccinators_morning(browser: Browser, scene: Scene) -> None:
    anm = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                              has_touch=True, locale="en-IN")  # fmt: skip
    page = anm.new_page()
    problems = watch(page)
    log_in(page, scene.url, "anm.test", f"/sessions/{scene.session_id}/day")
    people = page.locator(".day-person")
    assert people.count() == 2
    assert people.locator(".bstatus.bs-booked").count() == 2  # the proof's booking confirmed
    girl = page.locator(".day-person", has_text="শিশু দাস")
    girl.locator("summary", has_text="Record dose").click()
    girl.locator("input[name=lot]").fill(LOT)
    girl.locator("button", has_text="Record PENTA1 given today").click()
    page.wait_for_url("**/day?done=*")
    assert page.locator(".day-person .bstatus.bs-completed").count() == 1

    page.click("a[href='#walk-in']")
    page.fill("#f-q", "মিনা")
    page.press("#f-q", "Enter")
    page.wait_for_url("**/day?q=*")
    found = page.locator("form.walk-in-person")
    found.locator("select").select_option("PENTA1")
    found.locator("button").click()
    page.wait_for_url("**/day?done=walk-in")
    walk_in = page.locator(".day-person", has_text="মিনা বিবি")
    assert "walk-in" in walk_in.inner_text()
    walk_in.locator("summary", has_text="Record dose").click()
    walk_in.locator("input[name=lot]").fill(LOT)
    walk_in.locator("button", has_text="Record PENTA1 given today").click()
    page.wait_for_url("**/day?done=*")
    assert page.locator(".day-person").count() == 3
    assert page.locator(".day-person .bstatus.bs-completed").count() == 2
    shoot(page, "scenario-booking-day-phone")
    assert problems == []
    anm.close()


def test_two_bookings_one_proved_then_the_day_doses_stock_and_reminders(
    scene: Scene, browser: Browser, tmp_path: Path
) -> None:
    card = tmp_path / "card.png"
    card.write_bytes(card_png())
    citizen_books_two(browser, scene, card)
    verifier_approves(browser, scene)

    # The worker: the girl's confirmation, the boy's (after the approval), then the reminders.
    assert deliver_due(scene.ctx, "worker").sent == 2
    assert reminder_day(scene.ctx) == scene.ctx.today() + timedelta(days=1)
    assert queue_reminders(scene.ctx, reminder_day(scene.ctx)) == 2
    assert deliver_due(scene.ctx, "worker").sent == 2
    texts = [text for to, text in scene.sms.sent if to == "+91" + MOBILE and "কোড" not in text]
    assert len(texts) == 4  # in Bengali, the language the family chose
    assert sum("শিশু দাস" in t for t in texts) == 2 and sum("রাহুল দাস" in t for t in texts) == 2
    assert sum("মনে করিয়ে দিচ্ছি" in t for t in texts) == 2
    assert deliver_due(scene.ctx, "worker").sent == 0  # each sent once

    scene.clock.advance(days=1)  # the session's morning
    vaccinators_morning(browser, scene)

    with scene.ctx.uow() as uow:
        (facility,) = uow.areas.facilities_by_code([SUB_CENTRE])
    keeper = auth_svc.principal_for_token(scene.ctx, auth_svc.issue_token(scene.ctx, "fa.test"))
    (lot,) = stock_report(scene.ctx, keeper, facility.code).lots
    assert (lot.received, lot.administered, lot.balance) == (100, 2, 98)

    desk = browser.new_context(viewport=DESKTOP, locale="en-IN")
    page = desk.new_page()
    log_in(page, scene.url, "fa.test", "/stock")
    page.select_option("#f-facility", SUB_CENTRE)
    page.click("form.stock-pick button")
    page.wait_for_url(f"**/stock?facility={SUB_CENTRE}")
    assert page.locator("dl.tally dd").nth(1).inner_text() == "2"  # given
    shoot(page, "scenario-booking-stock-desktop")
    desk.close()
