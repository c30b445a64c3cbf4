"""The printable vaccination certificate: an A4 PDF in English and Bengali or Hindi, with its QR.

    render_pdf(cert) -> bytes

Bengali and Devanagari are shaped by HarfBuzz (fpdf2's text shaping, through uharfbuzz) with
the Noto fonts shipped beside this module (``fonts/``, SIL Open Font License, see OFL.txt).
The QR holds the SMART Health Card as two segments, ``shc:/`` in byte mode and the digits in
numeric mode, at error correction L, drawn as vector rectangles.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

import segno
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import Align
from fpdf.fonts import SubsetMap, TTFFont
from segno import consts

from sevasetu.domain.certificate_print import CertificatePrint, PrintedDose, PrintedDue

FONTS_DIR = Path(__file__).resolve().parent / "fonts"

# Families registered in every document: Latin first, then one per Indic script.
LATIN = "notosans"
SCRIPT_FAMILY = {"bn": "notosansbengali", "hi": "notosansdevanagari"}
FONT_FILES = {
    LATIN: ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    "notosansbengali": ("NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf"),
    "notosansdevanagari": ("NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf"),
}
# Unicode blocks of the scripts printed in the second language.
SCRIPT_RANGES = {"notosansbengali": (0x0980, 0x09FF), "notosansdevanagari": (0x0900, 0x097F)}

# Colours (RGB): a deep blue header band with a saffron rule, grey labels, pale table rows.
INK = (33, 37, 41)
BAND = (18, 58, 102)
ACCENT = (230, 126, 34)
LABEL = (96, 104, 112)
RULE = (200, 206, 212)
ZEBRA = (241, 245, 250)
STATUS_COLOUR = {"overdue": (176, 42, 55), "due": (170, 100, 0), "upcoming": (40, 110, 60)}

MARGIN = 12.0
BOTTOM = 22.0  # room for the footer
PAGE_W = 210.0
PAGE_H = 297.0
CONTENT_W = PAGE_W - 2 * MARGIN
QR_SIZE = 52.0
QR_MASK = 2
TABLE_PT = 9.0  # table text size
LINE_H = 4.6  # table line height
PAD_X = 1.8
PAD_Y = 1.3

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Certificate of Vaccination",
        "name": "Name",
        "dob": "Date of birth",
        "sex": "Sex",
        "id": "ID",
        "ref": "Beneficiary reference",
        "doses": "Doses given",
        "vaccine": "Vaccine",
        "dose": "Dose",
        "date": "Date",
        "product": "Product & lot",
        "where": "Where given",
        "next": "Next due",
        "due_date": "Due date",
        "status": "Status",
        "issued_by": "Issued by",
        "issued_on": "Issued on",
        "cert_id": "Certificate ID",
        "scan": "Scan to verify",
        "no_doses": "No dose recorded",
        "none_due": "No dose due",
        "page": "Page",
        "continued": "continued",
        "note": "Computer-generated certificate; no signature is required. "
        "Verify it by scanning the QR code.",
        "female": "Female",
        "male": "Male",
        "other": "Other",
        "due": "Due",
        "overdue": "Overdue",
        "upcoming": "Upcoming",
    },
    "bn": {
        "title": "টিকাকরণের শংসাপত্র",
        "name": "নাম",
        "dob": "জন্ম তারিখ",
        "sex": "লিঙ্গ",
        "id": "পরিচয়পত্র",
        "ref": "সুবিধাভোগী নম্বর",
        "doses": "প্রদত্ত টিকার ডোজ",
        "vaccine": "টিকা",
        "dose": "ডোজ",
        "date": "তারিখ",
        "product": "পণ্য ও লট",
        "where": "কোথায় দেওয়া হয়েছে",
        "next": "পরবর্তী প্রাপ্য ডোজ",
        "due_date": "নির্ধারিত তারিখ",
        "status": "অবস্থা",
        "issued_by": "প্রদানকারী",
        "issued_on": "প্রদানের তারিখ",
        "cert_id": "শংসাপত্র নম্বর",
        "scan": "যাচাই করতে স্ক্যান করুন",
        "no_doses": "কোনো ডোজ নথিভুক্ত নেই",
        "none_due": "কোনো ডোজ বাকি নেই",
        "page": "পৃষ্ঠা",
        "continued": "পরবর্তী অংশ",
        "note": "কম্পিউটারে তৈরি শংসাপত্র; স্বাক্ষরের প্রয়োজন নেই। কিউআর কোড স্ক্যান করে যাচাই করুন।",
        "female": "মহিলা",
        "male": "পুরুষ",
        "other": "অন্যান্য",
        "due": "প্রাপ্য",
        "overdue": "বকেয়া",
        "upcoming": "আসন্ন",
    },
    "hi": {
        "title": "टीकाकरण प्रमाणपत्र",
        "name": "नाम",
        "dob": "जन्म तिथि",
        "sex": "लिंग",
        "id": "पहचान पत्र",
        "ref": "लाभार्थी संदर्भ संख्या",
        "doses": "दी गई खुराकें",
        "vaccine": "टीका",
        "dose": "खुराक",
        "date": "तारीख",
        "product": "उत्पाद व लॉट",
        "where": "कहाँ दी गई",
        "next": "अगली देय खुराक",
        "due_date": "देय तिथि",
        "status": "स्थिति",
        "issued_by": "जारीकर्ता",
        "issued_on": "जारी करने की तिथि",
        "cert_id": "प्रमाणपत्र संख्या",
        "scan": "सत्यापन के लिए स्कैन करें",
        "no_doses": "कोई खुराक दर्ज नहीं",
        "none_due": "कोई खुराक देय नहीं",
        "page": "पृष्ठ",
        "continued": "जारी",
        "note": "कंप्यूटर द्वारा जारी प्रमाणपत्र; हस्ताक्षर की आवश्यकता नहीं। क्यूआर कोड स्कैन करके सत्यापित करें।",
        "female": "महिला",
        "male": "पुरुष",
        "other": "अन्य",
        "due": "देय",
        "overdue": "अतिदेय",
        "upcoming": "आगामी",
    },
}


def render_pdf(cert: CertificatePrint) -> bytes:
    """The certificate as an A4 PDF (one page, more when the dose table is long)."""
    if cert.language not in LABELS:
        raise ValueError(f"unknown certificate language: {cert.language!r}")
    doc = _CertificateDocument(cert)
    doc.build()
    data = bytes(doc.output())
    # fpdf2 memoises glyph look-ups per document in class-wide caches that would keep every
    # document alive: empty them (they only memoise, so other documents merely recompute).
    SubsetMap.pick.cache_clear()
    SubsetMap.get_glyph.cache_clear()
    return data


# Fonts parsed once per process ---------------------------------------------------------------
#
# fpdf2 parses a TTF for every document (cmap, widths, names: about 5 ms a font) and, when it
# writes the PDF, subsets the font in place: it decompiles the OpenType layout tables (GSUB and
# GPOS, which it then drops: HarfBuzz has done the shaping from the file) and recompiles every
# glyph it keeps to recompute bounding boxes. So each font is parsed once into a template; a
# document gets a copy with its own glyph subset, its own HarfBuzz font (fpdf2 sets the size on
# it) and a fresh fontTools object read from an in-memory copy of the file without layout
# tables or hinting, which keeps the glyphs' stored bounding boxes. Glyph ids, names and widths
# are unchanged, so the subset embedded is fpdf2's own, unhinted. Together these took writing
# a PDF from about 60 ms to 20. This reaches into fpdf2's TTFFont: pyproject pins fpdf2 to 2.8.

# The layout tables, and TrueType hinting, which PDF viewers ignore (metrics are unchanged).
_DROPPED_TABLES = ("GSUB", "GPOS", "GDEF", "fpgm", "prep", "cvt ", "hdmx", "LTSH", "DSIG")
_templates: dict[str, tuple[TTFFont, bytes]] = {}
_templates_lock = threading.Lock()


def _template(fontkey: str, path: Path, style: str) -> tuple[TTFFont, bytes]:
    with _templates_lock:
        if fontkey not in _templates:
            font = TTFFont(FPDF(), path, fontkey, style)
            stripped = TTFont(path, recalcTimestamp=False)
            for tag in _DROPPED_TABLES:
                if tag in stripped:
                    del stripped[tag]
            glyf = stripped["glyf"]
            for name in stripped.getGlyphOrder():
                glyf[name].removeHinting()
            buffer = BytesIO()
            stripped.save(buffer)
            _templates[fontkey] = (font, buffer.getvalue())
        return _templates[fontkey]


def _font_for(doc: FPDF, fontkey: str, path: Path, style: str) -> TTFFont:
    template, stripped = _template(fontkey, path, style)
    font = copy.copy(template)
    font.i = len(doc.fonts) + 1
    font.ttfont = TTFont(BytesIO(stripped), recalcBBoxes=False, recalcTimestamp=False, lazy=True)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    font._hbfont = None  # fpdf2 sets the size on it before shaping: one per document, per thread
    return font


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _fmt(day: date) -> str:
    """``05 Nov 2026``, whatever the process's locale."""
    return f"{day.day:02d} {MONTHS[day.month - 1]} {day.year}"


DANDAS = (0x0964, 0x0965)  # in the Devanagari block, used by Bengali too; both fonts have them


def _native_family(text: str) -> str | None:
    """The Indic family for text written (partly) in Bengali or Devanagari, else None."""
    found = None
    for char in text:
        code = ord(char)
        if code < 0x0900:
            continue
        for family, (low, high) in SCRIPT_RANGES.items():
            if low <= code <= high:
                if code not in DANDAS:
                    return family
                found = found or family
    return found


def _uses(text: str, family: str) -> bool:
    low, high = SCRIPT_RANGES[family]
    return any(low <= ord(char) <= high and ord(char) not in DANDAS for char in text)


def _starts_native(text: str) -> bool:
    """Whether the first letter of ``text`` is Bengali or Devanagari."""
    for char in text:
        if char.isalpha() or 0x0900 <= ord(char) <= 0x09FF:
            return 0x0900 <= ord(char) <= 0x09FF
    return False


@dataclass(frozen=True, slots=True)
class _QR:
    modules: int
    runs: tuple[tuple[int, int, int], ...]  # (row, first column, length) of dark modules


def _qr(text: str) -> _QR:
    """The QR of a SMART Health Card: ``shc:/`` in byte mode, the digits in numeric mode."""
    prefix, sep, digits = text.partition(":/")
    if sep and digits.isdigit():
        content: str | list[tuple[str, int]] = [
            (prefix + sep, consts.MODE_BYTE),
            (digits, consts.MODE_NUMERIC),
        ]
    else:
        content = text
    # A fixed mask: choosing the best of the eight takes segno 17 ms, four times the rest of the
    # encoding; every mask is valid and readers decode any of them.
    # segno's annotations omit the list of (content, mode) segments that it accepts.
    qr = segno.make(content, error="L", boost_error=False, micro=False, mask=QR_MASK)  # type: ignore[arg-type]
    runs: list[tuple[int, int, int]] = []
    for row_index, row in enumerate(qr.matrix):
        start = -1
        for col, dark in enumerate(row):
            if dark & 1 and start < 0:
                start = col
            elif not dark & 1 and start >= 0:
                runs.append((row_index, start, col - start))
                start = -1
        if start >= 0:
            runs.append((row_index, start, len(row) - start))
    return _QR(modules=len(qr.matrix), runs=tuple(runs))


@dataclass(frozen=True, slots=True)
class _Column:
    heading: str  # a key of LABELS, or "#"
    width: float


@dataclass(frozen=True, slots=True)
class _Cell:
    text: str
    bold: bool = False
    colour: tuple[int, int, int] | None = None


class _CertificateDocument(FPDF):
    def __init__(self, cert: CertificatePrint) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.cert = cert
        self.en = LABELS["en"]
        self.native = LABELS[cert.language] if cert.language != "en" else None
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.c_margin = 0  # text starts exactly where it is placed; tables pad their cells
        self.set_auto_page_break(True, margin=BOTTOM)
        self.set_creator("sevasetu")
        self.set_title(f"{self.en['title']} - {cert.holder_name}")
        self.set_lang({"bn": "bn-IN", "hi": "hi-IN"}.get(cert.language, "en-IN"))
        self._shaping = False
        self._fallbacks: list[str] = []
        self._add_family(LATIN)
        if cert.language in SCRIPT_FAMILY:
            self._add_family(SCRIPT_FAMILY[cert.language])

    # Fonts and text ------------------------------------------------------------------------

    def _add_family(self, family: str) -> None:
        for style, name in zip(("", "B"), FONT_FILES[family], strict=True):
            self.fonts[family + style] = _font_for(self, family + style, FONTS_DIR / name, style)
        self._fallbacks = [f for f in (LATIN, *SCRIPT_RANGES) if f in self.fonts]
        if self._shaping:
            self.set_fallback_fonts(self._fallbacks, exact_match=False)

    def _font(self, text: str, size: float, bold: bool = False) -> None:
        """Select the font for ``text``; shape with HarfBuzz only text that needs it.

        Latin text is written without shaping or fallback fonts (fpdf2's fast path, five times
        faster); text with Bengali or Devanagari is shaped, in its script's font when it starts
        with that script, else in Noto Sans with the Indic fonts as fallbacks.
        """
        family = _native_family(text)
        shaping = family is not None
        if family is not None:  # a name or a facility may be written in the other script
            for other in SCRIPT_RANGES:
                if other not in self.fonts and _uses(text, other):
                    self._add_family(other)
        if shaping != self._shaping:
            self._shaping = shaping
            self.set_text_shaping(shaping)
            self.set_fallback_fonts(self._fallbacks if shaping else [], exact_match=False)
        if family is None or not _starts_native(text):
            family = LATIN
        self.set_font(family, "B" if bold else "", size)

    def label(self, key: str, joiner: str = " / ") -> str:
        if self.native is None:
            return self.en[key]
        return f"{self.en[key]}{joiner}{self.native[key]}"

    def text_at(self, x: float, y: float, w: float, h: float, text: str, size: float, *,
                bold: bool = False, align: Align = Align.L) -> None:  # fmt: skip
        """``text`` on one line in the box (x, y, w, h), vertically centred as cell() does."""
        self._font(text, size, bold)
        if self._shaping or self.str_alias_nb_pages in text:
            self.set_xy(x, y)
            self.cell(w, h, text, align=align)
            return
        # Unshaped Latin: text() is five times faster than cell() and draws the same.
        if align != Align.L:
            free = w - self.get_string_width(text)
            x += free if align == Align.R else free / 2
        self.text(x, y + 0.5 * h + 0.3 * self.font_size, text)

    def wrap(self, text: str, width: float, size: float, bold: bool = False) -> list[str]:
        """``text`` broken at spaces (and at new lines) into lines at most ``width`` wide."""
        self._font(text, size, bold)
        lines: list[str] = []
        for paragraph in text.split("\n"):
            if self.get_string_width(paragraph) <= width:
                lines.append(paragraph)
                continue
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                if line and self.get_string_width(candidate) > width:
                    lines.append(line)
                    line = word
                else:
                    line = candidate
            lines.append(line)
        return lines

    # Page furniture ----------------------------------------------------------------------------

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_fill_color(*BAND)
        self.rect(0, 0, PAGE_W, 14, style="F")
        self.set_fill_color(*ACCENT)
        self.rect(0, 14, PAGE_W, 1, style="F")
        self.set_text_color(255, 255, 255)
        text = f"{self.en['title']} ({self.en['continued']}) - {self.cert.holder_name}"
        self.text_at(MARGIN, 4, CONTENT_W - 50, 6, text, 10, bold=True)
        self.text_at(PAGE_W - MARGIN - 50, 4, 50, 6, self.cert.certificate_id, 9,
                     align=Align.R)  # fmt: skip
        self.set_text_color(*INK)
        self.set_xy(MARGIN, 22)

    def footer(self) -> None:
        """On every page: the note on verification, then the certificate id and page number."""
        y = PAGE_H - BOTTOM + 3
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(MARGIN, y, PAGE_W - MARGIN, y)
        self.set_text_color(*LABEL)
        y += 1.5
        self.text_at(MARGIN, y, CONTENT_W, 4, self.en["note"], 7.5)
        if self.native:
            y += 4
            self.text_at(MARGIN, y, CONTENT_W, 4.5, self.native["note"], 7.5)
        y += 5
        cert = self.cert
        left = (f"{self.en['cert_id']}: {cert.certificate_id}   |   "
                f"{self.en['issued_by']}: {cert.issuer}, {_fmt(cert.issued_on)}")  # fmt: skip
        self.text_at(MARGIN, y, CONTENT_W - 25, 4, left, 7.5)
        # Latin text, written unshaped: fpdf2 puts the page count in place of its alias.
        page = f"{self.en['page']} {self.page_no()} / {self.str_alias_nb_pages}"
        self.text_at(PAGE_W - MARGIN - 25, y, 25, 4, page, 7.5, align=Align.R)
        self.set_text_color(*INK)

    # Body --------------------------------------------------------------------------------------

    def build(self) -> None:
        self.add_page()
        top = self._band()
        qr_bottom = self._qr_block(top)
        details_bottom = self._details(top)
        self.set_y(max(qr_bottom, details_bottom) + 4)
        self._section("doses")
        if self.cert.doses:
            self._grid(DOSE_COLUMNS, [_dose_cells(i, d) for i, d in enumerate(self.cert.doses, 1)])
        else:
            self._empty("no_doses")
        self.set_y(self.get_y() + 6)
        if self.get_y() + 30 > self.page_break_trigger:  # the heading and a row at least
            self.add_page()
        self._section("next")
        if self.cert.next_due:
            self._grid(DUE_COLUMNS, [self._due_cells(i, d)
                                     for i, d in enumerate(self.cert.next_due, 1)])  # fmt: skip
        else:
            self._empty("none_due")

    def _band(self) -> float:
        height = 34.0 if self.native else 26.0
        self.set_fill_color(*BAND)
        self.rect(0, 0, PAGE_W, height, style="F")
        self.set_fill_color(*ACCENT)
        self.rect(0, height, PAGE_W, 1.4, style="F")
        self.set_text_color(255, 255, 255)
        self.text_at(MARGIN, 6, CONTENT_W - 75, 5, self.cert.issuer.upper(), 8)
        self.text_at(MARGIN, 11, CONTENT_W - 60, 10, self.en["title"], 19, bold=True)
        if self.native:
            self.text_at(MARGIN, 21.5, CONTENT_W - 60, 9, self.native["title"], 15, bold=True)
        right = PAGE_W - MARGIN - 70
        self.text_at(right, 7, 70, 4, self.label("cert_id"), 7.5, align=Align.R)
        self.text_at(right, 11.5, 70, 6, self.cert.certificate_id, 10.5, bold=True,
                     align=Align.R)  # fmt: skip
        self.set_text_color(*INK)
        return height + 7

    def _field(self, x: float, y: float, w: float, key: str, values: list[str]) -> float:
        """A label over its value(s); returns the y below it."""
        self.set_text_color(*LABEL)
        self.text_at(x, y, w, 4.5, self.label(key), 7.5)
        self.set_text_color(*INK)
        y += 4.5
        for index, value in enumerate(values):
            size = 12.0 if index == 0 else 11.5
            for line in self.wrap(value or "-", w, size, bold=index == 0):
                self.text_at(x, y, w, 6, line, size, bold=index == 0)
                y += 6
        return y + 3

    def _details(self, top: float) -> float:
        cert = self.cert
        width = CONTENT_W - QR_SIZE - 8
        third = width / 3
        names = [cert.holder_name] + ([cert.holder_name_native] if cert.holder_name_native else [])
        y = self._field(MARGIN, top, width, "name", names)
        sex = self.label(cert.sex) if cert.sex in ("female", "male", "other") else cert.sex
        y = max(
            self._field(MARGIN, y, third - 2, "dob", [_fmt(cert.birth_date)]),
            self._field(MARGIN + third, y, third - 2, "sex", [sex]),
            self._field(MARGIN + 2 * third, y, third, "issued_on", [_fmt(cert.issued_on)]),
        )
        y = max(
            self._field(MARGIN, y, third - 2, "id", [cert.identifier_masked]),
            self._field(MARGIN + third, y, 2 * third, "ref", [cert.person_id]),
        )
        return self._field(MARGIN, y, width, "issued_by", [cert.issuer])

    def _qr_block(self, top: float) -> float:
        """The QR, right-aligned, as vector squares; returns the y below its caption."""
        qr = _qr(self.cert.qr_text)
        x0 = PAGE_W - MARGIN - QR_SIZE
        self.set_draw_color(*RULE)
        self.set_line_width(0.3)
        self.rect(x0, top, QR_SIZE, QR_SIZE)
        # A quiet zone of four modules inside the frame, as the QR standard asks.
        module = QR_SIZE / (qr.modules + 8)
        k, page_h = self.k, self.h
        ops = ["q 0 g"]
        for row, col, length in qr.runs:
            x = (x0 + (col + 4) * module) * k
            y = (page_h - (top + (row + 5) * module)) * k
            ops.append(f"{x:.3f} {y:.3f} {length * module * k:.3f} {module * k:.3f} re")
        ops.append("f Q")
        self._out("\n".join(ops))
        y = top + QR_SIZE + 1.5
        self.set_text_color(*LABEL)
        self.text_at(x0 - 6, y, QR_SIZE + 12, 4.5, self.en["scan"], 8, bold=True, align=Align.C)
        if self.native:
            y += 4.5
            self.text_at(x0 - 6, y, QR_SIZE + 12, 5, self.native["scan"], 8, align=Align.C)
        self.set_text_color(*INK)
        return y + 5

    def _section(self, key: str) -> None:
        y = self.get_y()
        self.set_text_color(*BAND)
        self.text_at(MARGIN, y, CONTENT_W, 8, self.label(key), 12, bold=True)
        self.set_draw_color(*ACCENT)
        self.set_line_width(0.6)
        self.line(MARGIN, y + 8.5, MARGIN + 30, y + 8.5)
        self.set_text_color(*INK)
        self.set_xy(MARGIN, y + 11)

    def _grid(self, columns: tuple[_Column, ...], rows: list[list[_Cell]]) -> None:
        """A table with a coloured heading row, repeated on each page it flows onto."""
        self._grid_heading(columns)
        for index, cells in enumerate(rows):
            wrapped = [self.wrap(cell.text, column.width - 2 * PAD_X, TABLE_PT, cell.bold)
                       for cell, column in zip(cells, columns, strict=True)]  # fmt: skip
            height = max(len(lines) for lines in wrapped) * LINE_H + 2 * PAD_Y
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()
                self._grid_heading(columns)
            y = self.get_y()
            if index % 2:
                self.set_fill_color(*ZEBRA)
                self.rect(MARGIN, y, CONTENT_W, height, style="F")
            x = MARGIN
            for cell, column, lines in zip(cells, columns, wrapped, strict=True):
                self.set_text_color(*(cell.colour or INK))
                top = y + (height - len(lines) * LINE_H) / 2
                for number, line in enumerate(lines):
                    self.text_at(x + PAD_X, top + number * LINE_H, column.width - 2 * PAD_X,
                                 LINE_H, line, TABLE_PT, bold=cell.bold)  # fmt: skip
                x += column.width
            self.set_text_color(*INK)
            self.set_draw_color(*RULE)
            self.set_line_width(0.2)
            self.line(MARGIN, y + height, MARGIN + CONTENT_W, y + height)
            self.set_xy(MARGIN, y + height)

    def _grid_heading(self, columns: tuple[_Column, ...]) -> None:
        y = self.get_y()
        height = 11.0 if self.native else 7.0
        self.set_fill_color(*BAND)
        self.rect(MARGIN, y, CONTENT_W, height, style="F")
        self.set_text_color(255, 255, 255)
        x = MARGIN
        for column in columns:
            w = column.width - 2 * PAD_X
            if column.heading == "#":
                self.text_at(x + PAD_X, y + 1.5, w, 4.5, "#", 8.5, bold=True)
            else:
                self.text_at(x + PAD_X, y + 1.5, w, 4.5, self.en[column.heading], 8.5, bold=True)
                if self.native:
                    self.text_at(x + PAD_X, y + 5.8, w, 4.5, self.native[column.heading], 8)
            x += column.width
        self.set_text_color(*INK)
        self.set_xy(MARGIN, y + height)

    def _due_cells(self, index: int, due: PrintedDue) -> list[_Cell]:
        status = self.label(due.status) if due.status in STATUS_COLOUR else due.status
        return [
            _Cell(str(index)),
            _Cell(due.antigen, bold=True),
            _Cell(_fmt(due.due_date)),
            _Cell(status, bold=True, colour=STATUS_COLOUR.get(due.status)),
        ]

    def _empty(self, key: str) -> None:
        self.set_text_color(*LABEL)
        self.text_at(MARGIN, self.get_y(), CONTENT_W, 6, self.label(key), 9.5)
        self.set_text_color(*INK)
        self.set_xy(MARGIN, self.get_y() + 6)


def _dose_cells(index: int, dose: PrintedDose) -> list[_Cell]:
    product = dose.product + (f", lot {dose.lot}" if dose.lot else "")
    return [
        _Cell(str(index)),
        _Cell(dose.antigen, bold=True),
        _Cell(dose.dose_label),
        _Cell(_fmt(dose.given_on)),
        _Cell(product),
        _Cell(dose.facility_name),
    ]


DOSE_COLUMNS = (
    _Column("#", 8), _Column("vaccine", 32), _Column("dose", 22), _Column("date", 23),
    _Column("product", 49), _Column("where", CONTENT_W - 134),
)  # fmt: skip
DUE_COLUMNS = (
    _Column("#", 8), _Column("vaccine", 70), _Column("due_date", 45),
    _Column("status", CONTENT_W - 123),
)  # fmt: skip
