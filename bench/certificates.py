"""Certificates on one core: SMART Health Cards issued and verified per second.

    .venv/bin/python bench/certificates.py [--cards 20000]

Each card is a typical child's: 16 doses of the India UIP schedule (birth doses, three rounds
at 6/10/14 weeks, MR-1, Vitamin A-1) with lot numbers. Issuing builds the minimised FHIR
bundle as plain dicts, deflates it, signs it with ES256 and encodes the shc:/ QR text; the
database is not involved (the key is loaded once, as the service caches it). Verifying decodes
the shc:/ text, checks the signature against the JWKS, inflates and reads the bundle. The PDF
certificate has its own benchmark, ``bench/certificate_pdf.py``.
Prints the figures as JSON and a table.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import date, timedelta

from rich.console import Console
from rich.table import Table

from sevasetu.adapters.certificates import fhir, shc
from sevasetu.adapters.certificates.verify import jws_of, verify_card
from sevasetu.adapters.schedules import load_schedule

TODAY = date(2026, 11, 25)
ISSUER = "https://sevasetu.example.org"
CODES = ["BCG", "HEPB0", "OPV0", "OPV1", "PENTA1", "RVV1", "FIPV1", "PCV1", "OPV2", "PENTA2",
         "RVV2", "OPV3", "PENTA3", "RVV3", "FIPV2", "MR1"]  # fmt: skip


def children(count: int, seed: int = 7) -> list[tuple[fhir.Holder, list[fhir.GivenDose]]]:
    schedule = load_schedule("india-uip")
    rng = random.Random(seed)
    out = []
    for n in range(count):
        birth = TODAY - timedelta(days=rng.randint(300, 700))
        holder = fhir.Holder("শিশু দাস", f"Shishu Das {n}", birth)
        doses = []
        for code in CODES:
            dose = schedule.dose(code)
            day = dose.due.after(birth) + timedelta(days=rng.randint(0, 20))
            doses.append(fhir.GivenDose(code, day, lot=f"L{rng.randint(1000, 9999)}",
                                        cvx=fhir.CVX_BY_SERIES.get(dose.series)))  # fmt: skip
        out.append((holder, doses))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=20_000)
    args = parser.parse_args()
    made = shc.generate_key(b"bench")
    private = shc.load_private_key(made.private_pem, b"bench")
    jwks = {"keys": [shc.published_jwk(made.public_jwk)]}
    population = children(args.cards)

    started = time.perf_counter()
    texts = []
    for n, (holder, doses) in enumerate(population):
        payload = fhir.shc_payload(ISSUER, 1_795_000_000 + n, fhir.shc_bundle(holder, doses),
                                   shc.b64u(n.to_bytes(8, "big")))  # fmt: skip
        texts.append(shc.qr_texts(shc.sign(payload, private, made.kid)))
    issue_seconds = time.perf_counter() - started

    started = time.perf_counter()
    for qr in texts:
        verify_card(jws_of(" ".join(qr).encode()), jwks)
    verify_seconds = time.perf_counter() - started

    figures: dict[str, object] = {
        "date": TODAY.isoformat(), "cards": args.cards, "doses_per_card": len(CODES),
        "qr_codes_per_card": max(len(t) for t in texts),
        "jws_chars": round(sum(len(t[0]) - 5 for t in texts) / len(texts) / 2),
        "issued_per_second": round(args.cards / issue_seconds),
        "verified_per_second": round(args.cards / verify_seconds),
    }  # fmt: skip
    print(json.dumps(figures, indent=2))
    table = Table("cards", "doses each", "JWS chars", "issued/s", "verified/s")
    table.add_row(f"{args.cards:,}", str(len(CODES)), str(figures["jws_chars"]),
                  f"{figures['issued_per_second']:,}",
                  f"{figures['verified_per_second']:,}")  # fmt: skip
    Console(stderr=True).print(table)


if __name__ == "__main__":
    main()
