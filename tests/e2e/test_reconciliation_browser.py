"""The reconciliation report in a real Chromium: a district officer reads Raigarh's numbers,
follows one to its records, records a sarpanch's attestation (with its scan) and sees it
flagged; in Hindi too. Screenshots land in ``var/screenshots/``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from ..builders import KATHLI, PASSWORD, raigarh_reconciliation, staff
from .live_server import serving, site_context
from .test_browser import DESKTOP, PHONE, require_chromium, shoot
from .test_browser import watch_for_errors as watch

pytestmark = pytest.mark.browser


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    require_chromium()
    ctx = site_context(tmp_path / "recon.db")
    raigarh_reconciliation(ctx)
    staff(ctx, "dio.raigarh", "district_officer", "IN-CG-RGH")
    with serving(ctx) as url:
        yield url
    ctx.close()


def log_in(browser: Browser, base_url: str, mobile: bool, locale: str = "en-IN"):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE if mobile else DESKTOP, is_mobile=mobile,
                                  has_touch=mobile, locale=locale)  # fmt: skip
    page = context.new_page()
    page.goto(base_url + "/login")
    page.fill("#f-username", "dio.raigarh")
    page.fill("#f-password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(base_url + "/people")
    return context, page


def test_a_district_officer_follows_a_number_to_its_records_and_records_an_attestation(
    site: str, browser: Browser, tmp_path: Path
) -> None:
    context, page = log_in(browser, site, mobile=False)
    problems = watch(page)
    page.click("nav.main a[href='/reports/reconciliation']")
    assert page.locator("h1").inner_text() == "Reconciliation report · Raigarh"
    row = page.locator("table.recon tbody tr", has_text="Raigarh").first
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    assert cells[:3] == ["4", "8", "4"]  # COVID1, COVID2, the gap before linking
    assert cells[3:7] == ["1", "1", "1", "2"]  # (a) to (d)
    assert "yes" in cells[-1]
    assert page.locator("svg.chart").count() == 2
    assert page.locator("#print").is_visible()  # the print script ran under the CSP
    shoot(page, "reconciliation-report-desktop")

    row.locator("td.k-legacy a").click()
    page.wait_for_url("**/reports/reconciliation/records?*kind=legacy*")
    records = page.locator("table.records tbody tr")
    assert records.count() == 1 and "CGT-teeka" in records.inner_text()
    assert "cg-teeka" in records.inner_text()
    shoot(page, "reconciliation-records-desktop")
    page.go_back()

    scan = tmp_path / "certificate.pdf"
    scan.write_bytes(b"%PDF-1.4 signed by the sarpanch")
    page.select_option("#a-village", KATHLI)
    page.select_option("#a-dose", "COVID2")
    page.fill("#a-coverage", "150")  # a mistake first: refused, nothing kept
    page.fill("#a-signer", "Ramesh Sahu")
    page.fill("#a-day", "2021-12-01")
    page.click("form.attest-form button.primary")
    assert "from 0 to 100" in page.locator(".alert").inner_text()
    assert page.locator("#a-signer").input_value() == "Ramesh Sahu"  # what was typed stays
    page.fill("#a-coverage", "100")
    page.set_input_files("#a-file", str(scan))
    page.click("form.attest-form button.primary")
    page.wait_for_url("**/reports/reconciliation?*saved=1*")
    claim = page.locator("#attestations tbody tr")
    assert claim.count() == 1
    text = claim.inner_text()
    assert "Ramesh Sahu" in text and "87.5" in text and "Disagrees with the records" in text
    shoot(page, "reconciliation-attestation-desktop", at="#attestations")
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert not page.locator("form.attest-form").is_visible()
    page.emulate_media(media="screen")
    assert problems == []
    context.close()


def test_the_report_in_hindi_on_a_phone(site: str, browser: Browser) -> None:
    context, page = log_in(browser, site, mobile=True)
    problems = watch(page)
    page.goto(site + "/lang/hi?next=/reports/reconciliation")
    assert page.locator("h1").inner_text().startswith("मिलान रिपोर्ट")
    assert "रायगढ़" in page.locator("h1").inner_text()
    assert page.locator("svg.chart").count() == 2
    shoot(page, "reconciliation-report-hi-phone")
    assert problems == []
    context.close()
