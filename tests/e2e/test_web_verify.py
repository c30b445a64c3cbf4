"""The public /verify page: anyone checks a certificate by its shc:/ text, QR image or file."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sevasetu.adapters.certificates.verify import qr_png
from sevasetu.bootstrap import AppContext
from sevasetu.entrypoints.api.app import create_app
from sevasetu.services import certificates as svc
from sevasetu.services.auth import principal_for_token
from sevasetu.services.people import PersonInput, register_person
from sevasetu.services.vaccinations import VaccinationInput, record_vaccination

from ..builders import NADIA_BLOCK, NADIA_VILLAGE, staff
from .live_server import serving, site_context
from .test_browser import SCREENSHOTS, require_chromium  # noqa: F401


def child_with_card(ctx: AppContext) -> svc.IssuedCard:
    anm = principal_for_token(ctx, staff(ctx, "anm.verify", "anm", NADIA_BLOCK))
    person = register_person(
        ctx, anm, PersonInput("শিশু দাস", "female", NADIA_VILLAGE, birth_date=date(2026, 3, 31)),
        confirm_new=True,
    )  # fmt: skip
    for code, day in (("BCG", date(2026, 3, 31)), ("OPV1", date(2026, 5, 12)),
                      ("PENTA1", date(2026, 5, 12))):  # fmt: skip
        record_vaccination(ctx, anm, VaccinationInput(person.id, code, day, lot="L-42"))
    return svc.issue_card(ctx, anm, person.id)


@pytest.fixture
def client(ctx: AppContext) -> Iterator[TestClient]:
    with TestClient(create_app(ctx=ctx)) as c:
        yield c


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def check(client: TestClient, *, text: str = "", file: tuple[str, bytes, str] | None = None):
    token = csrf_of(client.get("/verify").text)
    files = {"file": file} if file else {"file": ("", b"", "application/octet-stream")}
    return client.post("/verify", data={"csrf": token, "shc": text}, files=files)


def test_the_page_is_public_and_takes_the_shc_text(ctx, client):
    card = child_with_card(ctx)
    page = client.get("/verify")
    assert page.status_code == 200 and "no-store" in page.headers["cache-control"]
    answer = check(client, text=card.qr[0])
    assert answer.status_code == 200
    assert "Valid certificate" in answer.text
    assert "শিশু দাস" in answer.text and "2026-03-31" in answer.text
    assert "PENTA1" in answer.text and "L-42" in answer.text


def test_a_qr_image_or_a_file_is_checked(ctx, client):
    card = child_with_card(ctx)
    image = check(client, file=("card.png", qr_png(card.qr[0]), "image/png"))
    assert "Valid certificate" in image.text and "BCG" in image.text
    document = json.dumps(card.file()).encode()
    upload = check(client, file=("x.smart-health-card", document, "application/smart-health-card"))
    assert "Valid certificate" in upload.text


def test_a_tampered_or_revoked_card_is_refused_with_the_reason(ctx, clock, client):
    card = child_with_card(ctx)
    digits = card.qr[0]
    tampered = digits[:200] + ("1" if digits[200] != "1" else "2") + digits[201:]
    refused = check(client, text=tampered)
    assert "Not a valid certificate" in refused.text
    assert "Valid certificate" not in refused.text.replace("Not a valid certificate", "")
    svc.revoke(ctx, card.person.id, "name misspelt")
    revoked = check(client, text=card.qr[0])
    assert "Not a valid certificate" in revoked.text and "name misspelt" in revoked.text


def test_the_page_speaks_the_readers_language(ctx, client):
    card = child_with_card(ctx)
    client.get("/lang/hi")
    answer = check(client, text=card.qr[0])
    assert "मान्य प्रमाणपत्र" in answer.text


def test_a_form_without_its_token_or_input_is_refused(client):
    client.get("/verify")
    assert client.post("/verify", data={"csrf": "forged", "shc": "shc:/56"}).status_code == 403
    assert check(client).status_code == 422


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, svc.IssuedCard]]:
    require_chromium()
    ctx = site_context(tmp_path / "verify.db")
    card = child_with_card(ctx)
    with serving(ctx) as url:
        yield url, card
    ctx.close()


@pytest.mark.browser
def test_a_person_checks_a_qr_photo_in_a_browser(served, browser, tmp_path):  # noqa: F811
    base, card = served
    photo = tmp_path / "certificate-qr.png"
    photo.write_bytes(qr_png(card.qr[0]))
    page = browser.new_page(viewport={"width": 390, "height": 844})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{base}/lang/bn?next=/verify")
    page.set_input_files("#f-file", str(photo))
    page.click("button[type=submit].primary")
    page.wait_for_selector(".verdict.valid")
    assert "শিশু দাস" in page.inner_text(".verdict")
    assert "PENTA1" in page.inner_text(".verdict")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "verify.png"), full_page=True)
    page.fill("#f-shc", "shc:/5676")
    page.click("button[type=submit].primary")
    page.wait_for_selector(".verdict.invalid")
    assert errors == []
