"""Tala's community services ledger end to end (S3, issue 7's done-means) on one deployment: a
volunteer surveys a household on a phone, a verifier approves it, a food and a social-welfare
department import their CSV files, the duplicates report finds exactly the planted double
benefits, the ward's priority list puts the surveyed household's vulnerable members first, the
marriage check refuses the household's under-age daughter and allows two adults, and the
January campaign's re-survey records a birth that the change report shows beside the year's
new benefits. Screenshots land in ``var/screenshots/``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from typer.testing import CliRunner

from sevasetu.bootstrap import AppContext
from sevasetu.entrypoints.cli import app
from sevasetu.services.annual_update import start_campaign
from sevasetu.services.households import MemberInput, register_household
from sevasetu.services.people import PersonInput
from sevasetu.services.person_attributes import set_attributes
from sevasetu.services.priority import priority_list
from sevasetu.services.schemes import load_schemes, scheme_files
from tests.builders import staff
from tests.fakes import FakeClock
from tests.ledger_builders import TALA, TALA_W1, bd_admin, bd_officer

from .live_server import serving, site_context
from .test_browser import require_chromium, shoot
from .test_browser import watch_for_errors as watch
from .test_marriage_browser import check as check_marriage
from .test_survey_browser import fill_member, log_in, no_sideways_scroll

pytestmark = pytest.mark.browser
runner = CliRunner()
TODAY = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)

HASAN_NID, SALMA_NID, JASIM_NID = "3234567890", "4234567890", "6234567890"
MORIYAM_BRN, MORIYAM_PHONE = "19500505123456789", "01711223344"
RUMA_BRN = "20100304123456789"  # 16 on the day: under the bride's minimum of 18
SHIRIN_BRN = "20000115123456789"  # 26
RONI_BRN = "20120314123456789"

# The food department (relief office's VGF rice) keys its slips by national ID; Hasan's March
# slip was issued twice under the same NID.
FOOD = f"""reference,scheme,delivered_on,bd_nid
VGF-101,BD-VGF-RICE,2026-03-05,{HASAN_NID}
VGF-102,BD-VGF-RICE,2026-03-05,{SALMA_NID}
VGF-103,BD-VGF-RICE,2026-03-05,{JASIM_NID}
VGF-104,BD-VGF-RICE,2026-03-20,{HASAN_NID}
VGF-201,BD-VGF-RICE,2026-07-02,{HASAN_NID}
"""
# Social services key by birth-registration number or phone: Moriyam's September allowance was
# paid under her BRN and again under her phone; in October she drew the old-age and the widow
# allowance of the same exclusive group; Roni's disability allowance is in order.
WELFARE = f"""reference,scheme,delivered_on,bd_brn,phone
DSS-901,BD-OLD-AGE-ALLOWANCE,2026-08-10,{MORIYAM_BRN},
DSS-902,BD-OLD-AGE-ALLOWANCE,2026-09-10,{MORIYAM_BRN},
DSS-903,BD-OLD-AGE-ALLOWANCE,2026-09-25,,{MORIYAM_PHONE}
DSS-904,BD-OLD-AGE-ALLOWANCE,2026-10-10,{MORIYAM_BRN},
DSS-905,BD-WIDOW-ALLOWANCE,2026-10-12,,{MORIYAM_PHONE}
DSS-906,BD-DISABILITY-ALLOWANCE,2026-10-10,{RONI_BRN},
"""
PLANTED = [
    ("duplicate", "BD-OLD-AGE-ALLOWANCE", "মরিয়ম বেগম", "2026-09"),
    ("duplicate", "BD-VGF-RICE", "হাসান আলী", "2026-Q1"),
    ("exclusive", "BD-ALLOWANCE", "মরিয়ম বেগম", "2026-10"),
]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, AppContext]]:
    require_chromium()
    database = tmp_path / "tala.db"
    ctx = site_context(database, clock=FakeClock(TODAY))
    # The command line works on the same database with the same keys.
    for name, value in (
        ("DATABASE_URL", f"sqlite:///{database}"),
        ("ENVIRONMENT", "development"),
        ("SECRET_KEY", ctx.settings.secret_key),
        ("IDENTIFIER_KEY", ctx.settings.identifier_key),
    ):
        monkeypatch.setenv(f"SEVASETU_{name}", value)
    load_schemes(ctx, bd_admin(), scheme_files())
    neighbours(ctx)
    staff(ctx, "volunteer.tala", "asha", TALA, language="bn")
    staff(ctx, "verifier.tala", "verifier", TALA)
    staff(ctx, "uno.tala", "district_officer", TALA)
    staff(ctx, "kazi.tala", "registrar", TALA, language="bn")
    with serving(ctx) as url:
        yield url, ctx
    ctx.close()


def neighbours(ctx: AppContext) -> None:
    """A household of the same ward registered earlier: Jasim (the groom) and his father, whose
    chronic illness gives him 2 points, fewer than anyone vulnerable in the surveyed house."""
    home = register_household(
        ctx, bd_admin(), area_code=TALA_W1, address="Khalpar, house 3",
        members=[
            MemberInput("head", PersonInput(name="করিম উদ্দিন", sex="male", area_code=TALA_W1,
                                            birth_date=date(1968, 4, 4))),
            MemberInput("son", PersonInput(name="জসিম উদ্দিন", sex="male", area_code=TALA_W1,
                                           birth_date=date(1995, 7, 1),
                                           identifiers={"bd_nid": JASIM_NID})),
        ],
    )  # fmt: skip
    set_attributes(ctx, bd_admin(), home.members[0].id, {"chronic_illness": True})


def survey_the_household(page: Page, url: str) -> None:
    page.goto(url + "/surveys")
    page.click("a[href='/surveys/new']")
    page.select_option("#f-area_code", TALA_W1)
    page.fill("#f-address", "Pukur par, house 12")
    page.fill("#f-place", "behind the school")
    page.click("#add-member")
    page.click("#add-member")
    fill_member(page, 0, "হাসান আলী", "head", "male", "1975-02-01", HASAN_NID, "farmer")
    page.select_option("#f-members-0-marital_status", "married")
    fill_member(page, 1, "সালমা বেগম", "spouse", "female", "1985-06-01", SALMA_NID)
    page.select_option("#f-members-1-marital_status", "married")
    page.fill("#f-members-1-pregnant_months", "4")
    fill_member(page, 2, "মরিয়ম বেগম", "mother", "female", "1950-05-05")
    page.fill("#f-members-2-identifiers-bd_brn", MORIYAM_BRN)
    page.fill("#f-members-2-phone", "+880" + MORIYAM_PHONE[1:])
    page.select_option("#f-members-2-marital_status", "widowed")
    page.check("input[name='members[2].disabled']")
    fill_member(page, 3, "রুমা খাতুন", "daughter", "female", "2010-03-04")
    page.fill("#f-members-3-identifiers-bd_brn", RUMA_BRN)
    fill_member(page, 4, "শিরিন খাতুন", "daughter", "female", "2000-01-15")
    page.fill("#f-members-4-identifiers-bd_brn", SHIRIN_BRN)
    page.select_option("#f-members-4-marital_status", "never_married")
    fill_member(page, 5, "রনি আলী", "son", "male", "2012-03-14")
    page.fill("#f-members-5-identifiers-bd_brn", RONI_BRN)
    page.check("input[name='members[5].disabled']")
    no_sideways_scroll(page)
    shoot(page, "tala-survey-form-phone")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/surveys?submitted=**")
    assert "sent for verification" in page.locator(".notice").inner_text()


def approve(page: Page, url: str, members: int) -> None:
    page.goto(url + "/surveys/review")
    card = page.locator("article.survey")
    assert card.count() == 1
    assert card.locator("ul.roster li").count() == members
    card.locator("button[value=approve]").click()
    page.wait_for_url("**done=approved**")
    assert page.locator("article.survey").count() == 0


def import_csv(tmp_path: Path, name: str, text: str, department: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    done = runner.invoke(app, ["services", "import", str(path), "--department", department])
    assert done.exit_code == 0, done.output
    return done.output


def test_tala_survey_ledger_priority_marriage_and_the_january_update(
    site, browser: Browser, tmp_path: Path
) -> None:
    url, ctx = site
    year = ctx.today().year

    # 1. A volunteer surveys the household on a 360 px phone; a verifier approves it.
    volunteer = log_in(browser, url, "volunteer.tala", phone=True)
    errors = watch(volunteer)
    assert volunteer.viewport_size == {"width": 360, "height": 740}
    survey_the_household(volunteer, url)
    shoot(volunteer, "tala-survey-sent-phone")
    verifier = log_in(browser, url, "verifier.tala", phone=False)
    errors += watch(verifier)
    approve(verifier, url, members=6)

    # 2. Two departments' files: every row finds its person, by NID, BRN or phone.
    food = import_csv(tmp_path, "food.csv", FOOD, "BD-DRRO")
    assert "5 imported (5 resolved, 0 waiting for a clerk)" in food
    welfare = import_csv(tmp_path, "welfare.csv", WELFARE, "BD-DSS")
    assert "6 imported (6 resolved, 0 waiting for a clerk)" in welfare

    # 3. The duplicates report finds the planted double benefits and nothing else.
    found = runner.invoke(app, ["report", "duplicates", "--area", TALA, "--format", "json"])
    assert found.exit_code == 0, found.output
    findings = json.loads(found.stdout)["findings"]
    got = sorted((f["kind"], f["scheme_code"], f["person_name"], f["period"]) for f in findings)
    assert got == PLANTED
    twice = next(f for f in findings if f["kind"] == "duplicate" and f["period"] == "2026-09")
    evidence = sorted((e["reference"], e["key_kind"]) for e in twice["evidence"])
    assert evidence == [("DSS-902", "bd_brn"), ("DSS-903", None)]  # the second found by phone
    officer = log_in(browser, url, "uno.tala", phone=False)
    errors += watch(officer)
    officer.goto(f"{url}/reports/duplicates?area={TALA}")
    rows = officer.locator("table.findings tbody tr")
    assert rows.count() == len(PLANTED)
    assert officer.locator("tr.k-duplicate").count() == 2
    assert officer.locator("tr.k-exclusive").count() == 1
    assert officer.locator("figure.chart-box svg").count() == 1
    shoot(officer, "tala-duplicates-desktop")

    # 4. The ward's priority list: the surveyed household's vulnerable members come first.
    ranked = priority_list(ctx, bd_officer(), TALA_W1)
    assert [(p.name, p.points) for p in ranked.people] == [
        ("মরিয়ম বেগম", 6),  # 76 and disabled
        ("সালমা বেগম", 3),  # pregnant
        ("রনি আলী", 3),  # disabled
        ("করিম উদ্দিন", 2),  # the neighbour's chronic illness
    ]
    assert ranked.households[0].head == "হাসান আলী"
    officer.goto(f"{url}/reports/priority?area={TALA_W1}")
    people_table = officer.locator(f"[id='ward-{TALA_W1}'] table").nth(1)
    first = people_table.locator("tbody tr").first.inner_text()
    assert "মরিয়ম বেগম" in first
    shoot(officer, "tala-priority-desktop")

    # 5. The marriage check: the under-age daughter is refused, two adults are allowed.
    registrar = log_in(browser, url, "kazi.tala", phone=True)
    errors += watch(registrar)
    registrar.goto(url + "/marriage-check")
    check_marriage(registrar, RUMA_BRN, JASIM_NID)
    assert registrar.locator("#result .outcome").get_attribute("data-outcome") == "refused"
    assert "2028-03-04" in registrar.locator("#party-bride").inner_text()
    shoot(registrar, "tala-marriage-refused-phone")
    registrar.goto(url + "/marriage-check")
    check_marriage(registrar, SHIRIN_BRN, JASIM_NID)
    assert registrar.locator("#result .outcome").get_attribute("data-outcome") == "allowed"
    shoot(registrar, "tala-marriage-allowed-phone")

    # 6. January: the campaign gives each household its task; the volunteer records a birth.
    assert start_campaign(ctx, bd_officer(), TALA, year).created == 2
    volunteer.goto(url + "/surveys")
    task = volunteer.locator("#todo-title + p + ul a.person", has_text="হাসান আলী")
    assert task.count() == 1 and f"Yearly update {year}" in task.inner_text()
    task.click()
    arrival = volunteer.locator("select[name$='.arrival']").first.get_attribute("name")
    assert arrival is not None
    row = int(arrival.split("[")[1].split("]")[0])
    fill_member(volunteer, row, "নবজাতক আলী", "son", "male", f"{year}-10-02")
    volunteer.select_option(f"select[name='members[{row}].arrival']", "born")
    no_sideways_scroll(volunteer)
    shoot(volunteer, "tala-update-phone")
    volunteer.click("button[type=submit].primary")
    volunteer.wait_for_url("**/surveys?submitted=**")
    approve(verifier, url, members=7)

    # 7. The year's change report: the birth, and the benefits new this year.
    officer.goto(f"{url}/reports/changes?area={TALA}&year={year}")
    births = officer.locator(f"[id='{TALA_W1}-birth'] tbody tr")
    assert births.count() == 1 and "নবজাতক আলী" in births.inner_text()
    new = officer.locator(f"[id='{TALA_W1}-new_benefit'] tbody").inner_text()
    for scheme in ("BD-VGF-RICE", "BD-OLD-AGE-ALLOWANCE", "BD-DISABILITY-ALLOWANCE"):
        assert scheme in new
    assert officer.locator("figure.chart-box svg").count() == 1
    shoot(officer, "tala-changes-desktop")
    assert errors == []
