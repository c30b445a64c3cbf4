"""``sevasetu desk``: a hospital desk that keeps working while the deployment is away (a data
centre move): check eligibility cards offline, queue admissions and discharges locally, replay
the queue exactly once when the deployment is back (docs/hospital-continuity.md)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from ...domain.errors import CardExpired, CardInvalid, CardRevoked, InvalidInput
from . import err, friendly, out

app = typer.Typer(
    help="A hospital desk: offline card checks, a local queue, replay.", no_args_is_help=True
)
DirOption = Annotated[
    Path,
    typer.Option(
        "--dir", envvar="SEVASETU_DESK_DIR", help="where the desk keeps its keys and queue"
    ),
]
DEFAULT_DIR = Path.home() / ".sevasetu-desk"
TzOption = Annotated[str, typer.Option("--tz", envvar="SEVASETU_TIME_ZONE", help="the desk's zone")]
EXIT_UNAVAILABLE = 3  # the deployment is in maintenance or unreachable: try again later


def _store(directory: Path):  # type: ignore[no-untyped-def]
    from ...adapters.desk.store import DeskStore

    return DeskStore(directory)


def _now(tz: str) -> datetime:
    return datetime.now(ZoneInfo(tz))


def _at(text: str | None, tz: str) -> datetime:
    if not text:
        return _now(tz)
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput("at", reason=f"{text!r} is not a time like 2026-02-07T10:30.") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=ZoneInfo(tz))


def _card(card: str) -> bytes:
    path = Path(card)
    try:
        if path.is_file():
            return path.read_bytes()
    except OSError:
        pass
    return card.encode()


@app.command("sync")
@friendly
def sync(
    url: Annotated[str, typer.Option(help="the deployment, e.g. https://sevasetu.wb.gov.in")],
    token: Annotated[
        str | None,
        typer.Option(envvar="SEVASETU_DESK_TOKEN", help="bearer token (not needed for keys)"),
    ] = None,
    directory: DirOption = DEFAULT_DIR,
    tz: TzOption = "Asia/Kolkata",
) -> None:
    """Save the issuer's public keys and revocation lists for offline checks."""
    from ...adapters.desk.http import HttpDeployment
    from ...services import desk

    deployment = HttpDeployment(url, token)
    try:
        saved = desk.sync(_store(directory), deployment, url, _now(tz))
    finally:
        deployment.close()
    revoked = sum(len(c.get("rids") or []) for c in saved["crls"])
    out.print(
        f"saved {len(saved['jwks']['keys'])} keys and {revoked} revocations from {url} "
        f"in {directory}"
    )


@app.command("check")
@friendly
def check(
    card: Annotated[str, typer.Argument(help="the card's text, or a file: text or QR image")],
    directory: DirOption = DEFAULT_DIR,
    tz: TzOption = "Asia/Kolkata",
) -> None:
    """Check a card offline against the saved keys: exit 0 valid, 1 refused with the reason."""
    from ...services import desk

    try:
        claims = desk.check(_store(directory), _card(card), _now(tz).date())
    except (CardInvalid, CardRevoked, CardExpired) as refusal:
        err.print(f"[red]refused:[/red] {refusal.message()}")
        raise typer.Exit(1) from None
    out.print(
        f"[green]valid[/green]: {claims.holder} (born {claims.birth_year or '?'}), "
        f"{claims.scheme_name} ({claims.scheme_code}), valid until {claims.valid_until}; "
        f"person {claims.person_id}, card {claims.card_id}"
    )


@app.command("admit")
@friendly
def admit(
    card: Annotated[str, typer.Argument(help="the card's text, or a file: text or QR image")],
    facility: Annotated[str, typer.Option(help="this hospital's facility code")],
    at: Annotated[str | None, typer.Option(help="admission time (default now)")] = None,
    package: Annotated[str, typer.Option(help="diagnosis or package code")] = "",
    amount: Annotated[float | None, typer.Option(help="pre-authorised amount, rupees")] = None,
    directory: DirOption = DEFAULT_DIR,
    tz: TzOption = "Asia/Kolkata",
) -> None:
    """Check the card offline and queue the admission of its holder."""
    from ...services import desk

    now = _now(tz)
    queued = desk.admit(
        _store(directory),
        _card(card),
        facility_code=facility.strip().upper(),
        admitted_at=_at(at, tz),
        now=now,
        today=now.date(),
        package=package,
        amount=amount,
    )
    out.print(f"admission {queued.id} queued (#{queued.seq}) for person {queued.body['person_id']}")


@app.command("discharge")
@friendly
def discharge(
    admission: Annotated[str, typer.Argument(help="the admission's id, as `admit` printed it")],
    at: Annotated[str | None, typer.Option(help="discharge time (default now)")] = None,
    package: Annotated[str | None, typer.Option(help="final package code")] = None,
    amount: Annotated[float | None, typer.Option(help="amount claimed, rupees")] = None,
    directory: DirOption = DEFAULT_DIR,
    tz: TzOption = "Asia/Kolkata",
) -> None:
    """Queue the discharge of an admission queued at this desk."""
    from ...services import desk

    queued = desk.discharge(
        _store(directory),
        admission,
        discharged_at=_at(at, tz),
        now=_now(tz),
        package=package,
        amount=amount,
    )
    out.print(f"discharge {queued.id} queued (#{queued.seq}) for admission {admission}")


@app.command("queue")
def queue(
    directory: DirOption = DEFAULT_DIR,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per event")] = False,
) -> None:
    """Every event of the local queue with its state: queued, recorded, already recorded."""
    events = _store(directory).all()
    if as_json:
        for e in events:
            print(
                json.dumps(
                    {
                        "seq": e.seq,
                        "status": e.status,
                        "answered_at": e.answered_at,
                        "problem": e.problem,
                        **e.body,
                    },
                    ensure_ascii=False,
                )
            )
        return
    table = Table(
        "#",
        "event",
        "kind",
        "person",
        "hospital",
        "when",
        "status",
        title=f"desk queue in {directory}",
    )
    for e in events:
        when = e.body.get("admitted_at") or e.body.get("discharged_at") or ""
        status = e.status.replace("_", " ") + (f": {e.problem}" if e.problem else "")
        table.add_row(
            str(e.seq),
            e.id[:8],
            e.kind,
            e.body["person_id"][:8],
            e.body["facility_code"],
            when[:16],
            status,
        )
    out.print(table)


@app.command("replay")
@friendly
def replay(
    url: Annotated[str, typer.Option(help="the deployment (after a move: the new one)")],
    token: Annotated[str, typer.Option(envvar="SEVASETU_DESK_TOKEN", help="bearer token")],
    directory: DirOption = DEFAULT_DIR,
    batch: Annotated[int, typer.Option(min=1, max=500, help="events per request")] = 50,
    tz: TzOption = "Asia/Kolkata",
) -> None:
    """Send the queued events; each is marked with the answer. Stops (exit 3) and keeps the
    rest when the deployment answers 503 (maintenance) or cannot be reached; run it again.
    Exit 1 when the deployment refused some events (listed with the reason)."""
    from ...adapters.desk.http import HttpDeployment
    from ...services import desk

    store = _store(directory)
    total = store.counts().get("queued", 0)
    deployment = HttpDeployment(url, token)
    try:
        with Progress(
            TextColumn("replaying"), BarColumn(), MofNCompleteColumn(), console=err, transient=True
        ) as bar:
            task = bar.add_task("replay", total=total)
            report = desk.replay(
                store,
                deployment,
                now=lambda: _now(tz),
                batch=batch,
                on_batch=lambda r: bar.update(task, completed=r.sent),
            )
    finally:
        deployment.close()
    out.print(
        f"sent {report.sent}: {report.recorded} recorded, {report.already_recorded} "
        f"already recorded, {report.refused} refused; {report.pending} still queued"
    )
    for event_id, why in report.refusals:
        err.print(f"[red]refused[/red] {event_id}: {why}")
    if report.stopped is not None:
        err.print(
            f"[yellow]stopped:[/yellow] {report.stopped.detail} (retry after "
            f"{report.stopped.retry_after} s)"
        )
        raise typer.Exit(EXIT_UNAVAILABLE)
    if report.refused:
        raise typer.Exit(1)  # the refused events stay listed in `desk queue` with the reason
