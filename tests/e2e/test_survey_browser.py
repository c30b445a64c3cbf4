"""The household survey in a real Chromium, the done-means path of issue 7: a volunteer surveys
a household on a phone-sized screen (a member listed twice is refused first), a verifier
approves it, the January campaign gives the household its task, the volunteer records a birth
and a departure, the verifier approves, and the year's change report shows them. Screenshots
land in ``var/screenshots/``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from sevasetu.bootstrap import AppContext
from sevasetu.services.annual_update import start_campaign
from tests.builders import PASSWORD, staff
from tests.ledger_builders import TALA, TALA_W1, bd_officer

from .live_server import serving, site_context
from .test_browser import DESKTOP, require_chromium, shoot
from .test_browser import watch_for_errors as watch

pytestmark = pytest.mark.browser
SMALL_PHONE = {"width": 360, "height": 740}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, AppContext]]:
    require_chromium()
    ctx = site_context(tmp_path / "survey.db")
    staff(ctx, "volunteer.tala", "asha", TALA, language="bn")
    staff(ctx, "verifier.tala", "verifier", TALA)
    staff(ctx, "uno.tala", "district_officer", TALA)
    with serving(ctx) as url:
        yield url, ctx
    ctx.close()


def log_in(browser: Browser, url: str, username: str, *, phone: bool) -> Page:
    context = browser.new_context(
        viewport=SMALL_PHONE if phone else DESKTOP, is_mobile=phone, has_touch=phone,
        locale="en-IN",
    )  # fmt: skip
    page = context.new_page()
    page.goto(url + "/login")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(url + "/people")
    page.goto(url + "/lang/en?next=/people")  # the volunteer's own language is Bengali
    return page


def fill_member(page: Page, row: int, name: str, relation: str, sex: str, born: str,
                nid: str = "", occupation: str = "") -> None:  # fmt: skip
    p = f"#f-members-{row}-"
    page.fill(p + "name", name)
    page.select_option(p + "relation", relation)
    page.check(f"input[name='members[{row}].sex'][value={sex}]")
    page.fill(p + "birth_date", born)
    if nid:
        page.fill(p + "identifiers-bd_nid", nid)
    if occupation:
        page.fill(p + "occupation", occupation)


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_survey_verify_update_and_report(site, browser: Browser) -> None:
    url, ctx = site
    year = ctx.today().year
    volunteer = log_in(browser, url, "volunteer.tala", phone=True)
    errors = watch(volunteer)
    volunteer.goto(url + "/surveys")
    volunteer.click("a[href='/surveys/new']")
    volunteer.select_option("#f-area_code", TALA_W1)
    volunteer.fill("#f-address", "Pukur par, house 12")
    volunteer.fill("#f-latitude", "22.7512")
    volunteer.fill("#f-longitude", "89.2523")
    volunteer.fill("#f-place", "behind the school")
    fill_member(volunteer, 0, "হাসান আলী", "head", "male", "1975-02-01", "3234567890", "farmer")
    fill_member(volunteer, 1, "সালমা বেগম", "spouse", "female", "1985-06-01", "4234567890")
    volunteer.fill("#f-members-1-pregnant_months", "4")
    fill_member(volunteer, 2, "Salma Begum", "other_relative", "female", "1990-01-01",
                "4234567890")  # fmt: skip
    fill_member(volunteer, 3, "রনি আলী", "son", "male", "2012-03-04")
    volunteer.check("input[name='members[3].disabled']")
    shoot(volunteer, "survey-form-phone")
    no_sideways_scroll(volunteer)
    volunteer.click("button[type=submit].primary")
    alert = volunteer.locator("#problem")
    assert "Members 2 and 3 are the same person listed twice" in alert.inner_text()
    assert volunteer.locator("#f-members-2-name[aria-invalid=true]").count() == 1
    shoot(volunteer, "survey-form-duplicate-phone", at="#problem")
    fill_member(volunteer, 2, "রুমা খাতুন", "daughter", "female", "2008-09-09", "5234567890")
    volunteer.click("button[type=submit].primary")
    volunteer.wait_for_url("**/surveys?submitted=**")
    assert "sent for verification" in volunteer.locator(".notice").inner_text()
    assert "হাসান আলী" in volunteer.locator("#sent-title + ul").inner_text()
    shoot(volunteer, "survey-list-phone")

    verifier = log_in(browser, url, "verifier.tala", phone=False)
    errors += watch(verifier)
    verifier.goto(url + "/surveys/review")
    card = verifier.locator("article.survey")
    assert card.count() == 1
    assert card.locator("ul.roster li").count() == 4
    assert "Pregnant" in card.inner_text() and "Has a disability" in card.inner_text()
    shoot(verifier, "survey-review-desktop")
    card.locator("textarea[name=comment]").fill("The son's birth date is 2012-03-14")
    card.locator("button[value=return]").click()
    verifier.wait_for_url("**done=returned**")
    assert verifier.locator("article.survey").count() == 0

    volunteer.goto(url + "/surveys")
    returned = volunteer.locator("#todo-title + p + ul a.person")
    assert "The son's birth date is 2012-03-14" in returned.inner_text()
    returned.click()
    assert "Returned by the verifier:" in volunteer.locator(".alert").inner_text()
    born = volunteer.locator("input[name$='.birth_date'][value='2012-03-04']")
    born.fill("2012-03-14")
    shoot(volunteer, "survey-returned-phone")
    volunteer.click("button[type=submit].primary")
    volunteer.wait_for_url("**/surveys?submitted=**")

    verifier.goto(url + "/surveys/review")
    assert "2" in verifier.locator("article.survey dl").inner_text()  # submission 2
    verifier.locator("article.survey button[value=approve]").click()
    verifier.wait_for_url("**done=approved**")
    assert verifier.locator("article.survey").count() == 0

    assert start_campaign(ctx, bd_officer(), TALA, year).created == 1
    volunteer.goto(url + "/surveys")
    task = volunteer.locator("#todo-title + p + ul a.person")
    assert task.count() == 1 and f"Yearly update {year}" in task.inner_text()
    task.click()
    assert volunteer.locator("select[name='members[5].arrival']").count() == 1
    son = volunteer.locator("input[name$='.name'][value='রনি আলী']").get_attribute("name")
    assert son is not None
    volunteer.select_option(f"select[name='{son.replace('.name', '.status')}']", "moved_out")
    volunteer.fill("#" + "f-" + son.replace("[", "-").replace("].", "-").replace(".", "-")
                   .replace("-name", "-event_date"), f"{year}-08-01")  # fmt: skip
    fill_member(volunteer, 5, "নবজাতক আলী", "son", "male", f"{year}-01-02")
    volunteer.select_option("select[name='members[5].arrival']", "born")
    shoot(volunteer, "survey-update-phone")
    no_sideways_scroll(volunteer)
    volunteer.click("button[type=submit].primary")
    volunteer.wait_for_url("**/surveys?submitted=**")
    volunteer.click("#sent-title + ul a.person")  # the household: its survey and its versions
    assert "Waiting for verification" in volunteer.locator("article.card").inner_text()
    assert volunteer.locator("ul.history li").count() == 2  # the correction, the update
    assert "নবজাতক আলী" in volunteer.locator("main").inner_text()
    shoot(volunteer, "survey-household-phone")

    verifier.goto(url + "/surveys/review")
    verifier.locator("article.survey button[value=approve]").click()
    verifier.wait_for_url("**done=approved**")

    officer = log_in(browser, url, "uno.tala", phone=False)
    errors += watch(officer)
    officer.goto(f"{url}/reports/changes?area={TALA}&year={year}")
    body = officer.locator("main").inner_text()
    assert "নবজাতক আলী" in body and "রনি আলী" in body
    assert officer.locator("figure.chart-box svg").count() == 1
    births = officer.locator(f"[id='{TALA_W1}-birth'] tbody tr")
    assert births.count() == 1
    shoot(officer, "report-changes-desktop")
    phone = log_in(browser, url, "uno.tala", phone=True)
    phone.goto(f"{url}/reports/changes?area={TALA}&year={year}")
    shoot(phone, "report-changes-phone")
    volunteer.goto(url + "/lang/bn?next=/surveys/new")  # in her own language
    assert volunteer.locator("h1").inner_text() == "খানা সমীক্ষা"
    assert "সমীক্ষা যাচাইয়ের জন্য জমা দিন" in volunteer.locator("button.primary").inner_text()
    no_sideways_scroll(volunteer)
    shoot(volunteer, "survey-form-phone-bn", at="#location")
    assert errors == []
