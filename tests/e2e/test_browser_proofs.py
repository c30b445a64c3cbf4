"""The verifier's pages in a real Chromium: the queue of proofs of earlier doses, a proof
beside its document (an image, and a PDF), approving one and rejecting another with a reason.
Screenshots land in ``var/screenshots/proofs-*.png``."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import time as clock
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page

from sevasetu.domain.sessions import SessionSpec
from sevasetu.services.auth import principal_for_token
from sevasetu.services.lots import LotInput, add_lot
from sevasetu.services.people import PersonInput, register_person
from sevasetu.services.proofs import ClaimInput, book_with_proof
from sevasetu.services.sessions import plan_session

from ..builders import NADIA_BLOCK, NADIA_VILLAGE, PASSWORD, staff
from .live_server import serving, site_context
from .test_browser import (  # noqa: F401 - the browser fixture
    CHROMIUM,
    DESKTOP,
    PHONE,
    require_chromium,
    shoot,
    watch_for_errors,
)

pytestmark = pytest.mark.browser

SUB_CENTRE = "IN-WB-NAD-KN1-SC1"


def card_png() -> bytes:
    """A picture of a vaccination card, enough for a person to see on the screenshot."""
    image = Image.new("RGB", (640, 400), (250, 246, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 630, 390), outline=(40, 90, 60), width=4)
    lines = ["MOTHER AND CHILD PROTECTION CARD", "Child: Shishu Das   born 16 weeks ago",
             "PENTA-1  given at Kolkata Medical College", "Card no. ....7781"]  # fmt: skip
    for i, line in enumerate(lines):
        draw.text((40, 60 + 70 * i), line, fill=(20, 40, 30))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 200]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")  # fmt: skip


@pytest.fixture
def served(tmp_path: Path) -> Iterator[dict[str, Any]]:
    require_chromium()
    ctx = site_context(tmp_path / "browser.db")
    today = ctx.today()
    admin = principal_for_token(ctx, staff(ctx, "fa.test", "facility_admin", NADIA_BLOCK))
    staff(ctx, "verifier.test", "verifier", NADIA_BLOCK)
    lot = LotInput("Pentavac", "PV9", today + timedelta(days=300), ["PENTA1", "PENTA2"],
                   doses_received=500)  # fmt: skip
    add_lot(ctx, admin, SUB_CENTRE, lot)

    session = plan_session(ctx, admin, SessionSpec(
        facility_code=SUB_CENTRE, day=today + timedelta(days=3), starts=clock(9),
        ends=clock(11), slot_minutes=30, capacity_per_slot=10, offers=("PENTA1", "PENTA2"),
        schedule="india-uip"))  # fmt: skip
    proofs = []
    for name, content in (("শিশু দাস", card_png()), ("Rina Sen", PDF)):
        born = today - timedelta(weeks=16)
        data = PersonInput(name, "female", NADIA_VILLAGE, birth_date=born)
        baby = register_person(ctx, admin, data, confirm_new=True)
        claim = ClaimInput("PENTA1", born + timedelta(days=45), "Kolkata Medical College",
                           "mcp_card", "WB-2026-7781")  # fmt: skip
        _, proof = book_with_proof(ctx, admin, person_id=baby.id, session_id=session.session.id,
                                   slot_number=1, dose_code="PENTA2", claim=claim,
                                   content=content)  # fmt: skip
        proofs.append(proof.id)
    with serving(ctx) as url:
        yield {"url": url, "proofs": proofs, "ctx": ctx}
    ctx.close()


def log_in(page: Page, base_url: str) -> None:
    page.goto(base_url + "/login?next=/proofs")
    page.fill("#f-username", "verifier.test")
    page.fill("#f-password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(base_url + "/proofs")


def test_a_verifier_approves_one_proof_and_rejects_another(
    served: dict[str, Any], browser: Browser
) -> None:
    base_url, (image_proof, pdf_proof) = served["url"], served["proofs"]
    context = browser.new_context(viewport=DESKTOP, locale="en-IN")
    page = context.new_page()
    problems = watch_for_errors(page)
    log_in(page, base_url)
    assert page.locator("ul.proofs li").count() == 2
    assert page.locator("nav.main a[href='/proofs']").get_attribute("aria-current") == "page"
    shoot(page, "proofs-queue")

    page.click(f"a[href='/proofs/{image_proof}']")
    page.wait_for_url(f"**/proofs/{image_proof}")
    image = page.locator(".proof-document img")
    image.wait_for()
    assert page.evaluate("i => i.complete && i.naturalWidth", image.element_handle()) == 640
    assert "…7781" in page.locator("dl.facts").first.inner_text()
    shoot(page, "proofs-detail-image")
    page.click("#approve")
    page.wait_for_url("**/proofs?done=approved")
    assert "earlier dose is recorded" in page.locator(".notice").inner_text()
    assert page.locator("ul.proofs li").count() == 1

    page.click(f"a[href='/proofs/{pdf_proof}']")
    page.wait_for_url(f"**/proofs/{pdf_proof}")
    assert page.locator(".proof-document object[type='application/pdf']").count() == 1
    shoot(page, "proofs-detail-pdf")
    page.click("#reject")  # without a reason: the browser's own check holds the form back
    assert page.url.endswith(f"/proofs/{pdf_proof}")
    page.fill("#f-reason", "The card does not show the child's name")
    page.click("#reject")
    page.wait_for_url("**/proofs?done=rejected")
    assert page.locator("ul.proofs li").count() == 0
    page.click("a[href='/proofs?status=rejected']")
    assert page.locator("ul.proofs li").count() == 1
    shoot(page, "proofs-rejected-list")
    assert problems == []
    context.close()


def test_the_proof_page_on_a_phone_in_bengali(served: dict[str, Any], browser: Browser) -> None:
    base_url, (image_proof, _) = served["url"], served["proofs"]
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="bn-IN")  # fmt: skip
    page = context.new_page()
    problems = watch_for_errors(page)
    log_in(page, base_url)
    page.click("nav.langs a[hreflang=bn]")
    page.goto(f"{base_url}/proofs/{image_proof}")
    assert page.locator("html").get_attribute("lang") == "bn"
    page.locator(".proof-document img").wait_for()
    assert page.locator("#approve").inner_text() == "অনুমোদন করুন"
    shoot(page, "proofs-detail-phone-bn")
    assert problems == []
    context.close()
