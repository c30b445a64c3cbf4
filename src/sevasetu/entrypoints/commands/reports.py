"""``sevasetu report ...``: reports for district officers (more join this group later), and the
village completion attestations the reconciliation report compares with the registry."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from ...domain.access import Principal, Role
from ...domain.areas import Area, AreaTree
from ...domain.errors import InvalidInput, Reason
from . import context, err, friendly, out

T = TypeVar("T")
app = typer.Typer(help="Reports for district officers.", no_args_is_help=True)
attestation_app = typer.Typer(help="Village completion attestations.", no_args_is_help=True)
app.add_typer(attestation_app, name="attestation")


class Format(StrEnum):
    HTML = "html"
    CSV = "csv"
    JSON = "json"


# The options every report command takes, written once.
AreaOption = Annotated[str, typer.Option(help="a ward, union, upazila, district or state")]
FormatOption = Annotated[Format, typer.Option("--format", help="html, csv or json")]
OutOption = Annotated[
    Path | None, typer.Option("--out", help="write to this file (default: standard output)")
]
LanguageOption = Annotated[str, typer.Option(help="en, bn or hi (the HTML file)")]


def operator_for(area: Area) -> Principal:
    """The operator at the console acts for the whole country of the area; audited as such."""
    return Principal(kind="system", id="cli", role=Role.STATE_ADMIN, name="command line",
                     area_code=area.path[0], state_code=area.state_code)  # fmt: skip


def for_area(area: str, make: Callable[[Any, Principal, str], T]) -> tuple[T, AreaTree, Area]:
    """Build a report of ``area`` as the console's operator (``make(ctx, operator, code)``),
    with a context closed after; returns it with the area tree and the area."""
    ctx = context()
    try:
        tree = ctx.area_tree()
        scope = tree.get(area.strip(), "area")
        return make(ctx, operator_for(scope), scope.code), tree, scope
    finally:
        ctx.close()


def _write(text: str, target: Path | None) -> None:
    if target is None:
        sys.stdout.write(text)
        return
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InvalidInput("out", reason=Reason(
            "Cannot write {path}: {why}.", path=str(target), why=exc.strerror or str(exc)
        )) from None  # fmt: skip


def language_of(value: str) -> str:
    """The language of a report's HTML file: en, bn or hi, else a clear refusal."""
    if value not in ("en", "bn", "hi"):
        raise InvalidInput("language", reason=Reason(
            "The language must be en, bn or hi, not {value}.", value=value))  # fmt: skip
    return value


def emit(
    format: Format,
    out_file: Path | None,
    *,
    as_json: Callable[[], object],
    as_csv: Callable[[], str],
    as_html: Callable[[], str],
) -> None:
    """Write a report in the chosen format to the file, or to standard output."""
    if format is Format.JSON:
        text = json.dumps(as_json(), ensure_ascii=False, indent=2) + "\n"
    elif format is Format.CSV:
        text = as_csv()
    else:
        text = as_html()
    _write(text, out_file)


def area_report(
    area: str,
    make: Callable[[Any, Principal, str], T],
    view_of: Callable[[T, AreaTree, str], dict[str, Any]],
    *,
    format: Format,
    out_file: Path | None,
    language: str,
    as_csv: Callable[[dict[str, Any]], str],
    as_html: Callable[[dict[str, Any], Callable[[str], str], str], str],
    written: Callable[[dict[str, Any], Area], str],
) -> None:
    """The course of a report of an area: check the language, build the report
    (``make``, as in ``for_area``) and its view (``view_of(report, tree, language)``), write it
    as JSON (the view), CSV or HTML (``as_html(view, gettext, language)``), and when it went to
    a file say what it holds (``written(view, area)``) on standard error."""
    from ...adapters.i18n import gettext_for

    lang = language_of(language)
    found, tree, scope = for_area(area, make)
    view = view_of(found, tree, lang)
    gettext = gettext_for(lang)
    emit(format, out_file, as_json=lambda: view, as_csv=lambda: as_csv(view),
         as_html=lambda: as_html(view, gettext, lang))  # fmt: skip
    if out_file is not None:
        err.print(f"{written(view, scope)}; written to {out_file}", soft_wrap=True)


@app.command("reconciliation")
@friendly
def reconciliation(
    area: Annotated[str, typer.Option(help="a district, or a state or country: its districts")],
    format: FormatOption = Format.HTML,
    out_file: OutOption = None,
    schedule: Annotated[str, typer.Option(help="the schedule file")] = "covid19-india",
    dose: Annotated[
        str | None, typer.Option(help="the headline dose n (default: the first that follows one)")
    ] = None,
    language: LanguageOption = "en",
) -> None:
    """Each district's doses before and after linking legacy records, every dose n without
    dose n-1 explained with its records, and the village attestations checked: HTML (a
    printable file with its charts), CSV (the records behind the numbers) or JSON (all)."""
    from ...adapters.i18n import gettext_for
    from ...services.reconciliation import reconciliation_report
    from ..web.report_view import CSV_COLUMNS, render_standalone, report_view

    language = language_of(language)
    report, tree, _ = for_area(area, lambda ctx, operator, code: reconciliation_report(
        ctx, operator, code, schedule=schedule, dose=dose))  # fmt: skip

    def as_csv() -> str:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        view = report_view(report, tree)
        for step in (view["headline"], *view["steps"]):
            writer.writerows(step["records"])
        return buffer.getvalue()

    gettext = gettext_for(language)
    emit(format, out_file, as_json=lambda: report_view(report, tree), as_csv=as_csv,
         as_html=lambda: render_standalone(report, tree, gettext, language))  # fmt: skip
    if out_file is not None:
        h = report.headline.total
        err.print(
            f"{report.headline.step.dose} without {report.headline.step.previous} in "
            f"{len(report.headline.districts)} district(s): {h.orphans} "
            f"({', '.join(f'{k.value} {n}' for k, n in h.explained.items())}); "
            f"{len(report.attestations)} attestation(s); written to {out_file}",
            soft_wrap=True,
        )


def _day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field, reason=Reason(
            "{text} is not a date YYYY-MM-DD.", text=repr(text))) from None  # fmt: skip


@attestation_app.command("add")
@friendly
def attestation_add(
    village: Annotated[str, typer.Option(help="the village or ward's area code")],
    dose: Annotated[str, typer.Option(help="the dose attested, e.g. COVID2")],
    coverage: Annotated[float, typer.Option(help="the claimed coverage, percent (0-100)")],
    signed_by: Annotated[str, typer.Option(help="who signed (the sarpanch's name)")],
    signed_on: Annotated[str, typer.Option(help="the day it was signed, YYYY-MM-DD")],
    schedule: Annotated[str, typer.Option(help="the schedule file")] = "covid19-india",
    document: Annotated[
        Path | None, typer.Option(help="the scanned certificate (JPEG, PNG, WebP or PDF)")
    ] = None,
) -> None:
    """Record a sarpanch's signed claim that a village reached a coverage."""
    from ...services.attestations import AttestationInput, record_attestation

    day = _day(signed_on, "signed_on")
    content = None
    if document is not None:
        try:
            content = document.read_bytes()
        except OSError as exc:
            raise InvalidInput("document", reason=Reason(
                "Cannot read {path}: {why}.", path=str(document), why=exc.strerror or str(exc)
            )) from None  # fmt: skip
    ctx = context()
    try:
        place = ctx.area_tree().get(village.strip(), "village")
        data = AttestationInput(area_code=place.code, schedule=schedule, dose_code=dose,
                                claimed_coverage=coverage, signed_by=signed_by, signed_on=day,
                                document=content)  # fmt: skip
        found = record_attestation(ctx, operator_for(place), data)
    finally:
        ctx.close()
    out.print(
        f"attestation {found.id}: {found.area_code} {found.schedule} {found.dose_code} "
        f"{found.claimed_coverage} % signed by {found.signed_by} on {found.signed_on}"
        + (" (scan kept)" if found.document_sha256 else ""),
        soft_wrap=True,
    )
