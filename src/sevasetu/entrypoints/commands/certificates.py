"""``sevasetu certificate ...`` and ``sevasetu keys ...``: issue, verify offline and revoke
SMART Health Cards, and rotate the issuer's signing key."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ...domain.errors import CertificateInvalid, CertificateRevoked
from . import context, err, friendly, out

app = typer.Typer(help="Vaccination certificates (SMART Health Cards, PDF).", no_args_is_help=True)
keys_app = typer.Typer(help="The certificate issuer's signing keys.", no_args_is_help=True)

# The operator at the console (who holds the database) acts under this name in the audit trail.
CLI_ACTOR = "cli"


@app.command("issue")
@friendly
def issue(
    person: Annotated[str, typer.Option(help="the person's id")],
    out_file: Annotated[Path, typer.Option("--out", help="file to write")],
    fmt: Annotated[
        str, typer.Option("--format", help="smart-health-card or pdf")
    ] = "smart-health-card",
    lang: Annotated[
        str | None, typer.Option(help="pdf: en, bn or hi (default: the state's)")
    ] = None,
) -> None:
    """Write a person's certificate of every dose given."""
    from ...services import certificates as svc

    ctx = context()
    if fmt == "smart-health-card":
        card = svc.sign_card_for_operator(ctx, person, actor=CLI_ACTOR)
        out_file.write_text(json.dumps(card.file()), encoding="utf-8")
    elif fmt == "pdf":
        from ...adapters.certificates.pdf import render_pdf

        card = svc.sign_card_for_operator(ctx, person, actor=CLI_ACTOR)
        printed = svc.certificate_print(ctx, card, svc.print_language(card.person, lang))
        out_file.write_bytes(render_pdf(printed))
    else:
        err.print(f"[red]error:[/red] unknown format {fmt!r}; use smart-health-card or pdf")
        raise typer.Exit(2)
    out.print(f"{fmt} certificate {card.certificate_id} of {len(card.doses)} doses "
              f"written to {out_file}")  # fmt: skip


@app.command("verify")
def verify(
    file: Annotated[Path, typer.Argument(help=".smart-health-card file, QR image, or shc:/ text")],
    jwks: Annotated[Path, typer.Option(help="the issuer's jwks.json")],
    crl: Annotated[
        list[Path] | None, typer.Option(help="a revocation list (crl/KID.json), repeatable")
    ] = None,
) -> None:
    """Verify a certificate offline: exit 0 and print the holder and doses, or the reason and
    exit 1."""
    from ...adapters.certificates.verify import jws_of, verify_card

    try:
        keys = json.loads(jwks.read_text(encoding="utf-8"))
        lists = [json.loads(p.read_text(encoding="utf-8")) for p in crl or []]
    except (OSError, ValueError) as exc:
        err.print(f"[red]error:[/red] cannot read the keys or revocation lists: {exc}")
        raise typer.Exit(2) from None
    try:
        card = verify_card(jws_of(file.read_bytes()), keys, lists)
    except OSError as exc:
        err.print(f"[red]error:[/red] cannot read {file}: {exc}")
        raise typer.Exit(2) from None
    except (CertificateInvalid, CertificateRevoked) as refusal:
        err.print(f"[red]INVALID[/red]: {refusal.message()}", soft_wrap=True)
        sys.stdout.write(f"INVALID: {refusal.message()}\n")
        raise typer.Exit(1) from None
    out.print(f"[green]VALID[/green] certificate issued by {card.issuer} "
              f"on {card.issued_at.date().isoformat()} (key {card.kid})")  # fmt: skip
    out.print(f"holder: {card.holder}")
    out.print(f"born: {card.birth_date.isoformat() if card.birth_date else '?'}")
    table = Table("dose", "given on", "lot")
    for d in card.doses:
        table.add_row(d.code, d.given_on.isoformat(), d.lot)
    out.print(table)


@app.command("revoke")
@friendly
def revoke(
    person: Annotated[str, typer.Option(help="the person's id")],
    reason: Annotated[str, typer.Option(help="why, kept and published with the revocation")],
) -> None:
    """Revoke every certificate of the person issued until now (a corrected one may follow)."""
    from ...services import certificates as svc

    keys = svc.revoke(context(), person, reason, actor=CLI_ACTOR)
    out.print(f"certificates of {person} revoked under {keys} key(s)")


@keys_app.command("rotate")
@friendly
def rotate() -> None:
    """Make a new active signing key; the old one is retired and stays published."""
    from ...services import certificates as svc

    old, new = svc.rotate_key(context(), actor=CLI_ACTOR)
    out.print(f"active key {new}" + (f"; retired {old}" if old else ""))


@keys_app.command("jwks")
@friendly
def export_jwks(
    out_file: Annotated[Path | None, typer.Option("--out", help="file (stdout if omitted)")] = None,
    crl_dir: Annotated[
        Path | None, typer.Option(help="also write each key's revocation list, KID.json, here")
    ] = None,
) -> None:
    """The public keys, as served at /.well-known/jwks.json, for offline verifiers."""
    from ...services import certificates as svc

    ctx = context()
    document = svc.jwks(ctx)
    text = json.dumps(document, indent=2)
    if out_file is None:
        sys.stdout.write(text + "\n")
    else:
        out_file.write_text(text, encoding="utf-8")
    if crl_dir is not None:
        crl_dir.mkdir(parents=True, exist_ok=True)
        for key in document["keys"]:
            path = crl_dir / f"{key['kid']}.json"
            path.write_text(json.dumps(svc.crl(ctx, key["kid"])), encoding="utf-8")


__all__ = ["app", "keys_app"]
