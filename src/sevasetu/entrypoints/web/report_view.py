"""The reconciliation report as the page, the printable file, the JSON and the CSV show it:
one structure of plain values, the drill-down rows, and two charts drawn as inline SVG on the
server (no script: the file prints and opens anywhere)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from ...domain.areas import AreaTree
from ...domain.attestations import ClaimCheck
from ...domain.reconciliation import DistrictFigures, DoseFact, DrillRow, Explanation, Offset
from ...services.reconciliation import KINDS, ReconciliationReport, StepReport
from .shell import STATIC, area_label, env

Gettext = Callable[[str], str]
IDENTITY = "second - first = legacy + elsewhere + review + unexplained - next_elsewhere - no_next"
# One colour per class, each also named in the legend and the tables (never colour alone).
COLOURS = {
    "legacy": "#2e7d32", "elsewhere": "#1565c0", "review": "#ef6c00", "unexplained": "#c62828",
    "next_elsewhere": "#6a1b9a", "no_next": "#757575", "first": "#90caf9", "second": "#1e88e5",
}  # fmt: skip
CSV_COLUMNS = [
    "dose", "previous_dose", "district", "district_name", "kind", "person_id", "person_name",
    "dose_code", "given_on", "facility_code", "facility_name", "other_dose_code",
    "other_given_on", "other_district", "other_state", "other_facility_code",
    "other_facility_name", "legacy_record_id", "legacy_source", "legacy_source_row_id",
    "candidate_record_id", "candidate_source", "candidate_source_row_id",
    "candidate_match_weight",
]  # fmt: skip


def kind_words(_: Gettext) -> dict[str, tuple[str, str]]:
    """Each class: (its letter or sign, its words)."""
    return {
        Explanation.LEGACY.value: ("a", _("First dose found in legacy records, now linked")),
        Explanation.ELSEWHERE.value: ("b", _("First dose recorded in another district or state")),
        Explanation.REVIEW.value: ("c", _("Legacy record awaiting review")),
        Explanation.UNEXPLAINED.value: ("d", _("Unexplained")),
        Offset.NEXT_ELSEWHERE.value: ("−", _("First dose here, second dose elsewhere")),
        Offset.NO_NEXT.value: ("−", _("First dose here, no second dose yet")),
    }


def _name(tree: AreaTree, code: str | None, lang: str) -> str:
    if code is None:
        return ""
    return area_label(tree.get(code), lang) if code in tree else code


def _figures(f: DistrictFigures, tree: AreaTree, lang: str) -> dict[str, Any]:
    return {
        "code": f.district, "name": _name(tree, f.district, lang) if f.district != "total" else "",
        "first_before": f.first_before, "second_before": f.second_before,
        "first_after": f.first_after, "second_after": f.second_after,
        "gap_before": f.gap_before, "gap_after": f.gap_after,
        "explained": {k.value: n for k, n in f.explained.items()},
        "offsets": {k.value: n for k, n in f.offsets.items()},
        "orphans": f.orphans, "balanced": f.balanced(),
    }  # fmt: skip


def _step(s: StepReport, tree: AreaTree, lang: str, with_rows: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "previous": s.step.previous, "dose": s.step.dose,
        "districts": [_figures(f, tree, lang) for f in s.districts],
        "total": _figures(s.total, tree, lang),
    }  # fmt: skip
    if with_rows:
        out["records"] = [drill_row(s, r, tree, lang) for r in s.rows()]
    return out


def _check(c: ClaimCheck, tree: AreaTree, lang: str) -> dict[str, Any]:
    a = c.attestation
    return {
        "id": a.id, "village": a.area_code, "village_name": _name(tree, a.area_code, lang),
        "schedule": a.schedule, "dose": a.dose_code, "claimed_coverage": a.claimed_coverage,
        "signed_by": a.signed_by, "signed_on": a.signed_on.isoformat(),
        "document": a.document_sha256 is not None, "recorded_by": a.recorded_by,
        "eligible": c.coverage.eligible, "covered": c.coverage.covered,
        "recorded_coverage": c.coverage.percent, "difference": c.difference,
        "verdict": c.verdict.value,
    }  # fmt: skip


def report_view(
    report: ReconciliationReport, tree: AreaTree, lang: str = "en", *, with_rows: bool = True
) -> dict[str, Any]:
    """The whole report as plain values (the JSON output, and what the templates read)."""
    return {
        "area": {"code": report.area.code, "name": _name(tree, report.area.code, lang),
                 "level": report.area.level.value},
        "schedule": {"name": report.schedule.name, "title": report.schedule.title},
        "generated_at": report.generated_at.isoformat(timespec="seconds"),
        "identity": IDENTITY,
        "headline": _step(report.headline, tree, lang, with_rows),
        "steps": [_step(s, tree, lang, with_rows) for s in report.steps[1:]],
        "attestations": [_check(c, tree, lang) for c in report.attestations],
        "tolerance_points": report.tolerance,
    }  # fmt: skip


def _dose_fields(prefix: str, d: DoseFact | None, tree: AreaTree, lang: str) -> dict[str, Any]:
    if d is None:
        return {f"{prefix}dose_code": "", f"{prefix}given_on": "", f"{prefix}facility_code": "",
                f"{prefix}facility_name": ""}  # fmt: skip
    out = {
        f"{prefix}dose_code": d.dose_code, f"{prefix}given_on": d.given_on.isoformat(),
        f"{prefix}facility_code": d.place.facility_code or "",
        f"{prefix}facility_name": d.place.facility_name or
        (d.legacy.facility_text if d.legacy else ""),
    }  # fmt: skip
    if prefix:
        out[f"{prefix}district"] = d.place.district or ""
        out[f"{prefix}state"] = d.place.state or ""
    return out


def drill_row(s: StepReport, r: DrillRow, tree: AreaTree, lang: str = "en") -> dict[str, Any]:
    """One record behind a number (a CSV row)."""
    legacy = r.other.legacy if r.other is not None else None
    c = r.candidate
    return {
        "dose": s.step.dose, "previous_dose": s.step.previous, "district": r.district,
        "district_name": _name(tree, r.district, lang), "kind": r.kind.value,
        "person_id": r.dose.person_id, "person_name": r.dose.person_name,
        **_dose_fields("", r.dose, tree, lang),
        "other_district": "", "other_state": "", **_dose_fields("other_", r.other, tree, lang),
        "legacy_record_id": legacy.record_id if legacy else "",
        "legacy_source": legacy.source if legacy else "",
        "legacy_source_row_id": legacy.source_row_id if legacy else "",
        "candidate_record_id": c.record_id if c else "", "candidate_source": c.source if c else "",
        "candidate_source_row_id": c.source_row_id if c else "",
        "candidate_match_weight": c.match_weight if c and c.match_weight is not None else "",
    }  # fmt: skip


# --- charts -------------------------------------------------------------------------------


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="chart">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _legend(items: list[tuple[str, str]], y: int) -> list[str]:
    out, x = [], 8
    for colour, words in items:
        out.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="{y + 10}" font-size="11">{escape(words)}</text>'
        )
        x += 24 + 7 * len(words)
    return out


def before_after_chart(step: dict[str, Any], _: Gettext) -> Markup:
    """For each district, dose n-1 and dose n before and after linking: grouped bars."""
    rows = step["districts"]
    label_w, bar_h, width = 150, 11, 640
    top = max([1] + [max(d["first_after"], d["second_after"], d["first_before"],
                         d["second_before"]) for d in rows])  # fmt: skip
    scale = (width - label_w - 60) / top
    body, y = [], 8
    for d in rows:
        body.append(f'<text x="4" y="{y + 24}" font-size="12">{escape(d["name"])}</text>')
        bars = ((_("before"), d["first_before"], d["second_before"]),
                (_("after"), d["first_after"], d["second_after"]))  # fmt: skip
        for when, first, second in bars:
            for value, colour in ((first, COLOURS["first"]), (second, COLOURS["second"])):
                w = round(value * scale, 1)
                body.append(
                    f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="{colour}"/>'
                    f'<text x="{label_w + w + 4}" y="{y + 9}" font-size="10">{value}</text>'
                )
                y += bar_h + 1
            body.append(f'<text x="{label_w - 6}" y="{y - 4}" font-size="9" '
                        f'text-anchor="end">{escape(when)}</text>')  # fmt: skip
            y += 3
        y += 10
    legend = [(COLOURS["first"], _("Dose {code}").format(code=step["previous"])),
              (COLOURS["second"], _("Dose {code}").format(code=step["dose"]))]  # fmt: skip
    body += _legend(legend, y)
    title = _("{first} and {second} given in each district, before and after linking").format(
        first=step["previous"], second=step["dose"]
    )
    return _svg(width, y + 20, title, body)


def classes_chart(step: dict[str, Any], _: Gettext) -> Markup:
    """For each district, its doses n without dose n-1 there, stacked by class."""
    words = kind_words(_)
    rows = step["districts"]
    label_w, bar_h, width = 150, 18, 640
    top = max([1] + [d["orphans"] for d in rows])
    scale = (width - label_w - 50) / top
    body, y = [], 8
    for d in rows:
        body.append(f'<text x="4" y="{y + 13}" font-size="12">{escape(d["name"])}</text>')
        x = float(label_w)
        for kind in Explanation:
            n = d["explained"][kind.value]
            if n:
                w = round(n * scale, 1)
                body.append(f'<rect x="{x}" y="{y}" width="{w}" height="{bar_h}" '
                            f'fill="{COLOURS[kind.value]}"><title>{escape(words[kind.value][1])}: '
                            f"{n}</title></rect>")  # fmt: skip
                if w >= 18:
                    body.append(f'<text x="{x + 3}" y="{y + 13}" font-size="10" fill="#fff">'
                                f"{words[kind.value][0]}</text>")  # fmt: skip
                x += w
        body.append(f'<text x="{x + 4}" y="{y + 13}" font-size="11">{d["orphans"]}</text>')
        y += bar_h + 8
    for k in Explanation:  # one per line: translated words have any length
        body += _legend([(COLOURS[k.value], f"({words[k.value][0]}) {words[k.value][1]}")], y)
        y += 16
    title = _("Doses {second} without {first} in the district, by explanation").format(
        first=step["previous"], second=step["dose"]
    )
    return _svg(width, y + 6, title, body)


def render_standalone(report: ReconciliationReport, tree: AreaTree, gettext: Gettext,
                      lang: str = "en") -> str:  # fmt: skip
    """The printable file: the page's content with its styles inside, every record listed."""
    view = report_view(report, tree, lang)
    return env.get_template("report_reconciliation_file.html").render(
        _=gettext, r=view, words=kind_words(gettext), kinds=[k.value for k in KINDS],
        charts={"before_after": before_after_chart(view["headline"], gettext),
                "classes": classes_chart(view["headline"], gettext)},
        lang=lang, link=lambda district, kind: f"#rec-{district or 'all'}-{kind}",
        css=(STATIC / "report.css").read_text(encoding="utf-8"),
    )  # fmt: skip
