"""Certificate PDFs: render printable vaccination certificates, on one core and on all.

    .venv/bin/python bench/certificate_pdf.py [--certificates 300] [--doses 12] [--processes 2]

Each certificate has 12 doses given (half of them at a facility named in Bengali or Hindi),
three doses due, a name in both scripts and a SMART Health Card QR of 1,200 digits; the
certificates cycle through Bengali, Hindi and English and every one differs (names, dates,
lots, QR). Prints PDFs/s, milliseconds per PDF and the mean size, as JSON and a table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from datetime import date, timedelta
from multiprocessing import Pool

from rich.console import Console
from rich.table import Table

from sevasetu.adapters.certificates.pdf import render_pdf
from sevasetu.domain.certificate_print import CertificatePrint, PrintedDose, PrintedDue

TODAY = date(2026, 11, 25)
LANGUAGES = ("bn", "hi", "en")
NAMES = [
    ("Swapnil Roychowdhury", "স্বপ্নীল রায়চৌধুরী", "स्वप्निल रायचौधुरी"),
    ("Ananya Kshatriya", "অনন্যা ক্ষত্রিয়", "अनन्या क्षत्रिय"),
    ("Mohammad Rafiqul Islam", "মোহাম্মদ রফিকুল ইসলাম", "मोहम्मद रफ़ीक़ुल इस्लाम"),
    ("Priyanka Trivedi", "প্রিয়াঙ্কা ত্রিবেদী", "प्रियंका त्रिवेदी"),
]
FACILITIES = {
    "bn": "কৃষ্ণনগর প্রাথমিক স্বাস্থ্যকেন্দ্র",
    "hi": "चाकदह उप-स्वास्थ्य केंद्र",
    "en": "Chakdaha Sub-Centre",
}
VACCINES = [("BCG", "BCG (SII)"), ("OPV", "bOPV"), ("Pentavalent", "Pentavac PFS"),
            ("Rotavirus", "Rotavac 5D"), ("fIPV", "Poliovac"), ("PCV", "Pneumosil"),
            ("MR", "MR-VAC"), ("JE", "JENVAC"), ("DPT booster", "Tripvac")]  # fmt: skip


def certificate(rng: random.Random, index: int, doses: int) -> CertificatePrint:
    language = LANGUAGES[index % len(LANGUAGES)]
    latin, bengali, hindi = NAMES[index % len(NAMES)]
    birth = TODAY - timedelta(days=rng.randint(400, 2000))
    given = tuple(
        PrintedDose(
            code=f"D{i}", antigen=VACCINES[i % len(VACCINES)][0], dose_label=f"Dose {i % 3 + 1}",
            given_on=birth + timedelta(days=30 * i), product=VACCINES[i % len(VACCINES)][1],
            lot=f"{rng.choice('ABCDEFGH')}{rng.randint(1000, 9999)}",
            facility_name=FACILITIES[language] if i % 2 else "Krishnanagar Sadar Hospital",
        )
        for i in range(doses)
    )  # fmt: skip
    due = (
        PrintedDue("DPT-B1", "DPT booster 1", TODAY - timedelta(days=20), "overdue"),
        PrintedDue("JE-2", "Japanese encephalitis 2", TODAY + timedelta(days=3), "due"),
        PrintedDue("MR-2", "Measles-Rubella 2", TODAY + timedelta(days=300), "upcoming"),
    )
    return CertificatePrint(
        language=language, holder_name=latin,
        holder_name_native={"bn": bengali, "hi": hindi}.get(language, ""),
        birth_date=birth, sex=rng.choice(("female", "male")),
        identifier_masked=f"XXXX XXXX {rng.randint(0, 9999):04d}",
        person_id=f"P-WB-{index:010d}", doses=given, next_due=due,
        issuer="Department of Health & Family Welfare, West Bengal", issued_on=TODAY,
        qr_text="shc:/" + "".join(f"{rng.randint(0, 77):02d}" for _ in range(600)),
        certificate_id=f"SVS-2026-{index:06d}",
    )  # fmt: skip


def _warm() -> None:
    render_pdf(certificate(random.Random(1), 0, 12))  # parse the fonts in each process


def _render(cert: CertificatePrint) -> int:
    return len(render_pdf(cert))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=300)
    parser.add_argument("--doses", type=int, default=12)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    rng = random.Random(7)
    certificates = [certificate(rng, i, args.doses) for i in range(args.certificates)]
    for cert in certificates[:3]:  # warm up: fonts are parsed once per process
        render_pdf(cert)
    sizes = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for cert in certificates:
        sizes += len(render_pdf(cert))
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    # The same certificates again, shared among processes (as uvicorn workers share a load).
    with Pool(args.processes, initializer=_warm) as pool:
        pool.map(_render, certificates[: args.processes], chunksize=1)
        started_all = time.perf_counter()
        pool.map(_render, certificates, chunksize=10)
        seconds_all = time.perf_counter() - started_all
    figures = {
        "date": TODAY.isoformat(), "certificates": args.certificates, "doses": args.doses,
        "seconds": round(seconds, 2), "pdfs_per_second": round(args.certificates / seconds, 1),
        "ms_per_pdf": round(seconds / args.certificates * 1000, 1),
        "cpu_ms_per_pdf": round(cpu / args.certificates * 1000, 1),
        "mean_kib": round(sizes / args.certificates / 1024, 1),
        "processes": args.processes,
        "pdfs_per_second_all_processes": round(args.certificates / seconds_all, 1),
    }  # fmt: skip
    print(json.dumps(figures, indent=2))
    table = Table("certificates", "doses each", "PDFs/s one core", "CPU ms per PDF",
                  "mean size (KiB)", f"PDFs/s, {args.processes} processes")  # fmt: skip
    table.add_row(f"{args.certificates:,}", str(args.doses), str(figures["pdfs_per_second"]),
                  str(figures["cpu_ms_per_pdf"]), str(figures["mean_kib"]),
                  str(figures["pdfs_per_second_all_processes"]))  # fmt: skip
    Console(stderr=True).print(table)


if __name__ == "__main__":
    main()
