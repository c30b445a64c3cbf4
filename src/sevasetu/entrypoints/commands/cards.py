"""``sevasetu card issue|revoke|verify``: signed eligibility cards (docs/hospital-continuity.md)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from . import context, err, friendly, out

app = typer.Typer(help="Eligibility cards for scheme beneficiaries.", no_args_is_help=True)
CLI_ACTOR = "cli"


@app.command("issue")
@friendly
def issue(
    person: Annotated[str, typer.Option(help="the person's id")],
    scheme: Annotated[str, typer.Option(help="the scheme's code, e.g. WB-SWASTHYA-SATHI")],
    valid_until: Annotated[
        str | None, typer.Option(help="last valid day, YYYY-MM-DD (default: the scheme's period)")
    ] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="write the card (text)")] = None,
    png: Annotated[Path | None, typer.Option(help="write the card's QR code as a PNG")] = None,
) -> None:
    """Sign a card for a person eligible for the scheme today."""
    from ...adapters.certificates.cards import qr_png
    from ...services.eligibility_cards import issue_for_operator

    until = _day(valid_until) if valid_until else None
    ctx = context()
    try:
        card = issue_for_operator(ctx, person, scheme, valid_until=until, actor=CLI_ACTOR)
    finally:
        ctx.close()
    if out_file is not None:
        out_file.write_text(card.jws + "\n", encoding="utf-8")
    if png is not None:
        png.write_bytes(qr_png(card.jws))
    c = card.claims
    out.print(
        f"card {c.card_id} for {c.holder} ({c.person_id}), {c.scheme_code}, valid "
        f"{c.valid_from} to {c.valid_until}, key {card.kid[:12]}…"
    )
    if out_file is None and png is None:
        out.print(card.jws, soft_wrap=True)


@app.command("revoke")
@friendly
def revoke(
    card: Annotated[str, typer.Option(help="the card id")],
    reason: Annotated[str, typer.Option(help="why: desks show it")],
) -> None:
    """Revoke a card; desks refuse it once they have synced."""
    from ...services.eligibility_cards import revoke_card

    ctx = context()
    try:
        row = revoke_card(ctx, card, reason, actor=CLI_ACTOR)
    finally:
        ctx.close()
    out.print(f"card {row.id} of {row.person_id} ({row.scheme_code}) revoked")


@app.command("verify")
def verify(
    file: Annotated[Path, typer.Argument(help="the card: text file or QR image")],
    jwks: Annotated[Path, typer.Option(help="the issuer's jwks.json")],
    crl: Annotated[list[Path] | None, typer.Option(help="revocation lists (crl/KID.json)")] = None,
    on: Annotated[str | None, typer.Option(help="the day to check, YYYY-MM-DD")] = None,
) -> None:
    """Check a card offline: exit 0 valid, 1 refused with the reason."""
    from ...adapters.certificates.cards import verify_card
    from ...domain.errors import CardExpired, CardInvalid, CardRevoked

    try:
        keys = json.loads(jwks.read_text(encoding="utf-8"))
        lists = [json.loads(p.read_text(encoding="utf-8")) for p in crl or []]
        claims = verify_card(file.read_bytes(), keys, lists, on=_day(on) if on else date.today())
    except (CardInvalid, CardRevoked, CardExpired) as refusal:
        err.print(f"[red]refused:[/red] {refusal.message()}")
        raise typer.Exit(1) from None
    except (OSError, ValueError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    out.print(
        f"valid: {claims.holder} ({claims.person_id}), {claims.scheme_code} "
        f"{claims.valid_from} to {claims.valid_until}, card {claims.card_id}"
    )


def _day(text: str) -> date:
    from ...domain.errors import InvalidInput

    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("date", reason=f"{text!r} is not a day like 2027-03-31.") from None
