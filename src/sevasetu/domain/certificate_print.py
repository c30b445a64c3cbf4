"""What a printed vaccination certificate shows: the holder, the doses given, the doses due next.

Pure data handed to a renderer (the PDF adapter); nothing here knows about pages or fonts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class PrintedDose:
    """One dose given, as printed in the certificate's table."""

    code: str
    antigen: str
    dose_label: str
    given_on: date
    product: str
    lot: str
    facility_name: str


@dataclass(frozen=True, slots=True)
class PrintedDue:
    """One dose due next; ``status`` is "due", "overdue" or "upcoming"."""

    code: str
    antigen: str
    due_date: date
    status: str


@dataclass(frozen=True, slots=True)
class CertificatePrint:
    """Everything printed on a certificate.

    ``language`` is the second language printed beside English ("bn" or "hi"); "en" prints
    English only. ``qr_text`` is the SMART Health Card content (``shc:/`` then digits).
    """

    language: str
    holder_name: str
    holder_name_native: str
    birth_date: date
    sex: str
    identifier_masked: str
    person_id: str
    doses: tuple[PrintedDose, ...]
    next_due: tuple[PrintedDue, ...]
    issuer: str
    issued_on: date
    qr_text: str
    certificate_id: str
