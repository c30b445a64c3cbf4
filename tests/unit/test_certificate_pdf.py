"""The printable vaccination certificate: a valid PDF, its labels, its QR and its page flow."""

from __future__ import annotations

import io
import random
import re
from datetime import date, timedelta

import pypdf
import pypdfium2
import pytest
import zxingcpp

from sevasetu.adapters.certificates.pdf import render_pdf
from sevasetu.domain.certificate_print import CertificatePrint, PrintedDose, PrintedDue

NATIVE_NAMES = {"bn": "স্বপ্নীল ক্ষত্রিয় রায়চৌধুরী", "hi": "श्रीक्षेत्र त्रिपाठी", "en": ""}
FACILITIES = {
    "bn": "কৃষ্ণনগর প্রাথমিক স্বাস্থ্যকেন্দ্র",
    "hi": "चाकदह उप-स्वास्थ्य केंद्र",
    "en": "Chakdaha Sub-Centre",
}
ANTIGENS = ["BCG", "OPV", "Pentavalent", "Rotavirus", "fIPV", "PCV", "MR", "JE", "DPT booster"]


def qr_text(seed: int = 1) -> str:
    """A SMART Health Card's QR content of realistic length (``shc:/`` and 1,200 digits)."""
    rng = random.Random(seed)
    return "shc:/" + "".join(f"{rng.randint(0, 77):02d}" for _ in range(600))


def certificate(language: str, doses: int = 12, *, qr: str | None = None) -> CertificatePrint:
    given = tuple(
        PrintedDose(
            code=f"D{i}",
            antigen=ANTIGENS[i % len(ANTIGENS)],
            dose_label=f"Dose {i % 3 + 1}",
            given_on=date(2026, 3, 31) + timedelta(days=28 * i),
            product="Pentavac PFS" if i % 2 else "Rotavac 5D",
            lot=f"SI{4400 + i}B",
            facility_name=FACILITIES[language] if i % 2 else "Krishnanagar Sadar Hospital",
        )
        for i in range(doses)
    )
    due = (
        PrintedDue("DPT-B1", "DPT booster 1", date(2026, 11, 1), "overdue"),
        PrintedDue("JE-2", "Japanese encephalitis 2", date(2026, 11, 30), "due"),
        PrintedDue("MR-2", "Measles-Rubella 2", date(2027, 9, 30), "upcoming"),
    )
    return CertificatePrint(
        language=language,
        holder_name="Swapnil Roychowdhury",
        holder_name_native=NATIVE_NAMES[language],
        birth_date=date(2026, 3, 31),
        sex="female",
        identifier_masked="XXXX XXXX 1234",
        person_id="P-WB-0000123456",
        doses=given,
        next_due=due,
        issuer="Department of Health & Family Welfare, West Bengal",
        issued_on=date(2026, 11, 25),
        qr_text=qr or qr_text(),
        certificate_id="SVS-2026-000123",
    )


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def decoded_qr_codes(data: bytes, page: int = 0) -> list[str]:
    """The QR codes read by ZXing from the page rasterised at 200 dpi."""
    document = pypdfium2.PdfDocument(data)
    try:
        image = document[page].render(scale=200 / 72).to_pil()
    finally:
        document.close()
    return [
        result.text
        for result in zxingcpp.read_barcodes(image)
        if result.format == zxingcpp.BarcodeFormat.QRCode
    ]


@pytest.mark.parametrize("language", ["bn", "hi", "en"])
def test_renders_a_valid_pdf_with_english_labels_and_the_holder(language: str) -> None:
    data = render_pdf(certificate(language, doses=3))

    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    text = "\n".join(page_texts(data))
    for label in (
        "Certificate of Vaccination",
        "Name",
        "Date of birth",
        "Sex",
        "ID",
        "Beneficiary reference",
        "Doses given",
        "Vaccine",
        "Product & lot",
        "Where given",
        "Next due",
        "Due date",
        "Issued by",
        "Issued on",
        "Certificate ID",
        "Scan to verify",
    ):
        assert label in text, label
    assert "Swapnil Roychowdhury" in text
    assert "SVS-2026-000123" in text
    assert "XXXX XXXX 1234" in text
    assert "31 Mar 2026" in text
    assert "Overdue" in text
    assert "Page 1 / 1" in text


@pytest.mark.parametrize(
    ("language", "font"), [("bn", b"NotoSansBengali"), ("hi", b"NotoSansDevanagari")]
)
def test_the_second_language_is_set_in_its_noto_font(language: str, font: bytes) -> None:
    data = render_pdf(certificate(language, doses=3))

    fonts = {name.split(b"+")[-1] for name in re.findall(rb"/BaseFont /(\S+)", data)}
    assert fonts == {b"NotoSans", b"NotoSansBold", font, font + b"Bold"}


def test_english_only_embeds_no_indic_font() -> None:
    data = render_pdf(certificate("en", doses=3))

    assert b"NotoSansBengali" not in data
    assert b"NotoSansDevanagari" not in data


def test_a_name_in_the_other_script_gets_its_font() -> None:
    cert = certificate("en", doses=1)
    data = render_pdf(
        CertificatePrint(**{**_fields(cert), "holder_name_native": NATIVE_NAMES["bn"]})
    )

    assert b"NotoSansBengali" in data


@pytest.mark.parametrize("language", ["bn", "hi"])
def test_the_qr_on_the_page_decodes_to_the_smart_health_card(language: str) -> None:
    text = qr_text(seed=7)
    data = render_pdf(certificate(language, qr=text))

    assert decoded_qr_codes(data) == [text]


def test_a_long_dose_list_flows_onto_a_second_page_with_its_headings() -> None:
    data = render_pdf(certificate("bn", doses=24))

    pages = page_texts(data)
    assert len(pages) == 2
    assert "Page 1 / 2" in pages[0]
    assert "Page 2 / 2" in pages[1]
    # The dose table carries on with its headings, then the doses due follow.
    assert "Where given" in pages[1]
    assert "continued" in pages[1]
    assert "Next due" in pages[1]
    assert "Measles-Rubella 2" in pages[1]
    # Every dose is printed once: rows 1 to 24 over the two pages.
    assert "\n24 " in pages[1] or " 24 " in pages[1]


def test_no_doses_and_nothing_due_are_said_so() -> None:
    cert = certificate("hi", doses=0)
    data = render_pdf(CertificatePrint(**{**_fields(cert), "next_due": ()}))

    text = "\n".join(page_texts(data))
    assert "No dose recorded" in text
    assert "No dose due" in text


def test_an_unknown_language_is_refused() -> None:
    cert = certificate("en", doses=1)

    with pytest.raises(ValueError, match="language"):
        render_pdf(CertificatePrint(**{**_fields(cert), "language": "ta"}))


def _fields(cert: CertificatePrint) -> dict[str, object]:
    return {name: getattr(cert, name) for name in CertificatePrint.__slots__}


def test_the_qr_holds_the_prefix_in_byte_mode_and_the_digits_in_numeric_mode() -> None:
    from sevasetu.adapters.certificates.pdf import _qr

    text = qr_text()
    # 1,200 digits take 4,000 bits in numeric mode but 9,600 in byte mode: the mixed code is
    # a version 15 (77 modules), where byte mode alone would need version 25 (117 modules).
    assert _qr(text).modules == 77


def test_text_in_both_indic_scripts_gets_both_fonts() -> None:
    cert = certificate("bn", doses=1)
    data = render_pdf(
        CertificatePrint(**{**_fields(cert), "holder_name_native": "স্বপ্নীল / स्वप्निल"})
    )

    assert b"NotoSansBengali" in data
    assert b"NotoSansDevanagari" in data
