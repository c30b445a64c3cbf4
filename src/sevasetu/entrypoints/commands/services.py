"""``sevasetu schemes ...`` and ``sevasetu services ...``: the state's scheme files, the
eligibility check, and departments' CSV files of services given (docs/services-ledger.md)."""

from __future__ import annotations

import csv
import json
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from ...domain.access import Principal, Role
from ...domain.areas import Area
from ...domain.benefits import RecordsRefused
from ...domain.errors import DomainError, InvalidInput, Reason
from . import context, err, friendly, out

schemes_app = typer.Typer(help="Schemes as data and the eligibility check.", no_args_is_help=True)
services_app = typer.Typer(help="Services departments gave.", no_args_is_help=True)

COLUMNS = (
    "reference",
    "scheme",
    "delivered_on",
    "amount",
    "name",
    "birth_date",
    "phone",
    "area_code",
    "aadhaar",
    "abha",
    "bd_nid",
    "bd_brn",
    "voter_id",
    "ration_card",
)
IDENTIFIER_COLUMNS = ("aadhaar", "abha", "bd_nid", "bd_brn", "voter_id", "ration_card")


def operator(area: Area) -> Principal:
    """The console acts as the state's administrator; audited as ``system:cli``."""
    return Principal(
        kind="system",
        id="cli",
        role=Role.STATE_ADMIN,
        name="command line",
        area_code=area.state_code,
        state_code=area.state_code,
    )


@schemes_app.command("load")
@friendly
def load(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="scheme files (default: all under src/sevasetu/schemes/)"),
    ] = None,
) -> None:
    """Check and save every scheme of the files, all or none; unchanged schemes stay as they
    are, changed ones get a new version."""
    from ...services.schemes import load_schemes, read_scheme_file, scheme_files

    ctx = context()
    try:
        paths = files or scheme_files()
        states = {s.state_code for p in paths for s in read_scheme_file(ctx, p)}
        saved = []
        for state in sorted(states):
            area = ctx.area_tree().get(state)
            mine = [
                p for p in paths if any(s.state_code == state for s in read_scheme_file(ctx, p))
            ]
            saved += load_schemes(ctx, operator(area), mine)
    finally:
        ctx.close()
    for s in saved:
        out.print(f"{s.state_code} {s.code} v{s.version}: {s.name}", soft_wrap=True)


@schemes_app.command("list")
@friendly
def list_(state: Annotated[str | None, typer.Option(help="a state code")] = None) -> None:
    """The schemes saved, with their rules."""
    from ...services.schemes import list_schemes

    ctx = context()
    try:
        found = list_schemes(ctx, state)
    finally:
        ctx.close()
    for s in found:
        group = f" [{s.exclusive_group}]" if s.exclusive_group else ""
        out.print(
            f"{s.state_code} {s.code} ({s.department}, {s.benefit.value}, "
            f"{s.period.value}){group}: {'; '.join(s.rules)}",
            soft_wrap=True,
        )


@schemes_app.command("check")
@friendly
def check(
    person: Annotated[str, typer.Option(help="the person's id")],
    scheme: Annotated[str, typer.Option(help="the scheme's code")],
    on: Annotated[str | None, typer.Option(help="the day, YYYY-MM-DD (default today)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Which of the scheme's rules the person passes, with the facts each rule read. Exit 1
    when not eligible."""
    from ...services.schemes import check_eligibility

    day = _day(on, "on") if on else None
    ctx = context()
    try:
        with ctx.uow() as uow:
            found = uow.people.get(person.strip())
        if found is None:
            from ...domain.errors import NotFound

            raise NotFound("person", what="person", id=person)
        result = check_eligibility(
            ctx, operator(ctx.area_tree().get(found.area_code)), found.id, scheme, day
        )
    finally:
        ctx.close()
    verdict = result.verdict
    if as_json:
        out.print_json(
            json.dumps(
                {
                    "person_id": result.person_id,
                    "scheme": result.scheme.code,
                    "on": result.on.isoformat(),
                    "eligible": verdict.eligible,
                    "rules": [
                        {"rule": r.rule, "passed": r.passed, "facts": r.facts}
                        for r in verdict.results
                    ],
                },
                ensure_ascii=False,
                default=str,
            )
        )
    else:
        for r in verdict.results:
            facts = ", ".join(f"{k}={v}" for k, v in r.facts.items())
            out.print(f"{'pass' if r.passed else 'FAIL'}  {r.rule}  ({facts})", soft_wrap=True)
        out.print(
            f"{result.scheme.code}: {'eligible' if verdict.eligible else 'not eligible'}"
            f" on {result.on}"
        )
    if not verdict.eligible:
        raise typer.Exit(1)


def _day(text: str, field: str, fmt: str | None = None) -> date:
    try:
        if fmt:
            return datetime.strptime(text.strip(), fmt).date()
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            field,
            reason=Reason(
                "{text} is not a date {format}.", text=repr(text), format=fmt or "YYYY-MM-DD"
            ),
        ) from None


def _mapping(path: Path | None) -> dict[str, Any]:
    """A mapping file: ``[columns]`` (our name = the file's header), ``[schemes]`` (the file's
    programme name = a scheme code) and ``date_format`` (strptime, default ISO)."""
    if path is None:
        return {"columns": {}, "schemes": {}, "date_format": None}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(
            "mapping",
            reason=Reason(
                "The mapping file {path} cannot be read: {why}.", path=str(path), why=str(exc)
            ),
        ) from None
    columns = raw.get("columns", {})
    unknown = sorted(set(columns) - set(COLUMNS))
    if unknown:
        raise InvalidInput(
            "mapping",
            reason=Reason(
                "The mapping names columns sevasetu does not know: {names}.",
                names=", ".join(unknown),
            ),
        )
    return {
        "columns": columns,
        "schemes": raw.get("schemes", {}),
        "date_format": raw.get("date_format"),
    }


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InvalidInput(
            "file",
            reason=Reason("The file {path} cannot be read: {why}.", path=str(path), why=str(exc)),
        ) from None


def service_inputs(
    rows: list[dict[str, str]], department: str, mapping: dict[str, Any]
) -> tuple[list[Any], list[tuple[int, str]]]:
    """Each CSV row as a ServiceInput, or (line, reason) for the rows that cannot be read."""
    from ...services.service_records import ServiceInput

    columns = {name: mapping["columns"].get(name, name) for name in COLUMNS}
    fmt = mapping["date_format"]
    inputs, rejects = [], []
    for line, row in enumerate(rows, start=2):

        def cell(name: str, row: dict[str, str] = row) -> str:
            return (row.get(columns[name]) or "").strip()

        try:
            scheme = cell("scheme")
            scheme = mapping["schemes"].get(scheme, scheme)
            amount = cell("amount")
            try:
                value = float(amount) if amount else None
            except ValueError:
                raise InvalidInput(
                    "amount", reason=Reason("The amount must be a number, 0 or more.")
                ) from None
            born = cell("birth_date")
            inputs.append(
                ServiceInput(
                    department=department,
                    scheme=scheme,
                    reference=cell("reference"),
                    delivered_on=_day(cell("delivered_on"), "delivered_on", fmt),
                    amount=value,
                    identifiers={k: cell(k) for k in IDENTIFIER_COLUMNS if cell(k)},
                    phone=cell("phone") or None,
                    name=cell("name") or None,
                    birth_date=_day(born, "birth_date", fmt) if born else None,
                    area_code=cell("area_code") or None,
                )
            )
        except DomainError as error:
            rejects.append((line, _why(error)))
    return inputs, rejects


def _why(error: DomainError) -> str:
    return f"{error.field}: {error.message()}" if error.field else error.message()


def _write_rejects(target: Path, rejects: list[tuple[int, str]]) -> None:
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "reason"])
        writer.writerows(rejects)


@services_app.command("import")
@friendly
def import_(
    file: Annotated[Path, typer.Argument(help="the department's CSV file")],
    department: Annotated[str, typer.Option(help="the department's code, e.g. BD-DSS")],
    mapping: Annotated[
        Path | None,
        typer.Option(help="a TOML mapping of the file's columns, programme names and date format"),
    ] = None,
    rejects: Annotated[
        Path | None, typer.Option(help="where to write the rows refused (default FILE.rejects.csv)")
    ] = None,
) -> None:
    """Import a department's services, all rows or none: a file with a wrong row writes
    nothing and lists every wrong row, with its reason, in the rejects file. Rows already
    imported (same department and reference) are left alone: importing again is a no-op."""
    from ...services.service_records import record_services

    mapped = _mapping(mapping)
    inputs, refused = service_inputs(_rows(file), department.strip().upper(), mapped)
    target = rejects or file.with_name(file.name + ".rejects.csv")
    ctx = context()
    try:
        outcomes = []
        if not refused and inputs:
            from ...services.schemes import get_scheme

            try:
                state = get_scheme(ctx, inputs[0].scheme).state_code
            except DomainError:
                state = None
            area = ctx.area_tree().get(state) if state else None
            principal = (
                operator(area)
                if area
                else Principal(kind="system", id="cli", role=Role.STATE_ADMIN, name="command line")
            )
            try:
                outcomes = record_services(ctx, principal, inputs, source=f"csv:{file.name}")
            except RecordsRefused as error:
                refused = [(index + 2, _why(problem)) for index, problem in error.problems]
    finally:
        ctx.close()
    if refused:
        _write_rejects(target, refused)
        err.print(
            f"[red]nothing imported:[/red] {len(refused)} of {len(inputs) + len(refused)}"
            f" rows refused; line {refused[0][0]}: {refused[0][1]}; every refused row "
            f"is in {target}",
            soft_wrap=True,
        )
        raise typer.Exit(2)
    created = [o for o in outcomes if o.created]
    queued = sum(o.status.value == "queued" for o in created)
    out.print(
        f"{len(created)} imported ({len(created) - queued} resolved, {queued} waiting "
        f"for a clerk), {len(outcomes) - len(created)} already on file",
        soft_wrap=True,
    )
