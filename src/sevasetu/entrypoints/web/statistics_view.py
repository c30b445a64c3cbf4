"""Area statistics as the page, the printable file, the JSON and the CSV show them, with the
charts drawn as inline SVG on the server (docs/area-statistics.md)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from ...domain.areas import RESIDENCE_LEVELS, AreaTree
from ...domain.statistics import BANDS, CORE_DOSES, Share, band_label
from ...services.statistics import HOUSEHOLD_SIZES, TOTAL, AreaStatistics, WardFigures
from .labels import IDENTIFIER, N_
from .ledger_view import _area, _svg

Gettext = Callable[[str], str]
DOSE_WORDS = {
    "BCG": N_("BCG"),
    "DTP1": N_("Penta/DPT 1"),
    "DTP3": N_("Penta/DPT 3"),
    "OPV3": N_("OPV 3"),
    "MR1": N_("MR 1"),
}
KIND_WORDS = {**IDENTIFIER, "phone": N_("Mobile number")}
SIZE_LABELS = [str(n) for n in range(1, HOUSEHOLD_SIZES)] + [f"{HOUSEHOLD_SIZES}+"]
CSV_COLUMNS = ["ward_code", "ward_name", "section", "item", "count", "of", "percent"]
FEMALE, MALE = "#ad1457", "#1565c0"


def place_label(tree: AreaTree, code: str, lang: str) -> str:
    """A ward or village with the union or block above it: "Tala · Ward 1" (every union has a
    ward 1)."""
    if code not in tree:
        return code
    area = tree.get(code)
    if area.level in RESIDENCE_LEVELS and area.parent_code and area.parent_code in tree:
        return f"{_area(tree, area.parent_code, lang)} · {_area(tree, code, lang)}"
    return _area(tree, code, lang)


def _share(count: int, of: int) -> dict[str, Any]:
    return {"count": count, "of": of, "percent": Share(count, of).percent}


def _ward(code: str, name: str, f: WardFigures, stats: AreaStatistics) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "residents": f.residents,
        "pyramid": {sex: list(bands) for sex, bands in f.pyramid.items()},
        "households": f.households,
        "household_members": f.household_members,
        "average_household_size": round(f.household_members / f.households, 1)
        if f.households
        else None,
        "household_sizes": dict(zip(SIZE_LABELS, f.household_sizes[1:], strict=True)),
        "empty_households": f.household_sizes[0],
        "identifiers": {
            k: _share(f.identifiers.get(k, 0), f.residents) for k in stats.identifier_kinds
        },  # fmt: skip
        "schemes": {
            s.code: {
                "eligible": f.schemes[s.code][0],
                "recipients": f.schemes[s.code][1],
                "eligible_recipients": f.schemes[s.code][2],
                "coverage_percent": Share(f.schemes[s.code][2], f.schemes[s.code][0]).percent,
            }
            for s in stats.schemes
        },
        "immunisation": {
            "children": f.children,
            "fully_immunised": _share(f.fully_immunised, f.children),
            "doses": {d: _share(f.doses.get(d, 0), f.children) for d in CORE_DOSES},
        },
    }


def statistics_view(stats: AreaStatistics, tree: AreaTree, lang: str = "en") -> dict[str, Any]:
    wards = [
        _ward(code, place_label(tree, code, lang), f, stats)
        for code, f in stats.wards.items()
        if code != TOTAL
    ]
    return {
        "area": {"code": stats.area.code, "name": _area(tree, stats.area.code, lang)},
        "on": stats.on.isoformat(),
        "year": stats.year,
        "bands": [band_label(lo, hi) for lo, hi in BANDS],
        "identifier_kinds": stats.identifier_kinds,
        "doses": list(CORE_DOSES),
        "schemes": [
            {"code": s.code, "name": s.name_local if lang != "en" and s.name_local else s.name}
            for s in stats.schemes
        ],
        "wards": wards,
        "total": _ward(TOTAL, stats.area.code, stats.total, stats),
    }


def statistics_csv(view: dict[str, Any]) -> str:
    """One line per figure: the ward, the section, the item, the count, what it is a share of."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for w in [*view["wards"], view["total"]]:
        name = w["name"] if w["code"] != TOTAL else view["area"]["name"]

        def row(section: str, item: str, count: Any, of: Any = "", percent: Any = "") -> None:
            writer.writerow([w["code"], name, section, item, count, of, percent])  # noqa: B023

        row("population", "residents", w["residents"])
        for sex, bands in w["pyramid"].items():
            for label, n in zip(view["bands"], bands, strict=True):
                if n:
                    row("pyramid", f"{sex} {label}", n, w["residents"])
        row("households", "households", w["households"])
        row("households", "members", w["household_members"], w["households"])
        for size, n in w["household_sizes"].items():
            row("household_size", size, n, w["households"])
        for kind, s in w["identifiers"].items():
            row("identifier", kind, s["count"], s["of"], s["percent"])
        for code, s in w["schemes"].items():
            row("scheme_eligible", code, s["eligible"])
            row("scheme_recipients", code, s["recipients"])
            row("scheme_coverage", code, s["eligible_recipients"], s["eligible"],
                s["coverage_percent"])  # fmt: skip
        imm = w["immunisation"]
        row("immunisation", "children_12_23_months", imm["children"])
        for dose, s in imm["doses"].items():
            row("immunisation", dose, s["count"], s["of"], s["percent"])
        s = imm["fully_immunised"]
        row("immunisation", "fully_immunised", s["count"], s["of"], s["percent"])
    return buffer.getvalue()


# --- charts ----------------------------------------------------------------------------------


def pyramid_chart(view: dict[str, Any], _: Gettext) -> Markup:
    """The area's population by five-year band, men to the left and women to the right."""
    total = view["total"]["pyramid"]
    men, women = total.get("male", []), total.get("female", [])
    top = max([1, *men, *women])
    width, label_w, bar_h, gap = 640, 56, 14, 3
    half = (width - label_w) / 2 - 30
    mid = width / 2
    rows = len(view["bands"])
    body = [
        f'<text x="{mid - label_w / 2 - 4}" y="14" font-size="12" text-anchor="end" '
        f'fill="{MALE}">{escape(_("Men"))}</text>'
        f'<text x="{mid + label_w / 2 + 4}" y="14" font-size="12" fill="{FEMALE}">'
        f"{escape(_('Women'))}</text>"
    ]
    y0 = 22
    for i, label in enumerate(reversed(view["bands"])):
        k = rows - 1 - i
        y = y0 + i * (bar_h + gap)
        m, f = men[k] if men else 0, women[k] if women else 0
        wm, wf = round(m * half / top, 1), round(f * half / top, 1)
        body.append(
            f'<rect x="{mid - label_w / 2 - wm}" y="{y}" width="{wm}" height="{bar_h}" '
            f'fill="{MALE}"><title>{escape(_("Men"))} {label}: {m}</title></rect>'
            f'<rect x="{mid + label_w / 2}" y="{y}" width="{wf}" height="{bar_h}" '
            f'fill="{FEMALE}"><title>{escape(_("Women"))} {label}: {f}</title></rect>'
            f'<text x="{mid}" y="{y + 11}" font-size="11" text-anchor="middle">{label}</text>'
            f'<text x="{mid - label_w / 2 - wm - 3}" y="{y + 11}" font-size="10" '
            f'text-anchor="end">{m}</text>'
            f'<text x="{mid + label_w / 2 + wf + 3}" y="{y + 11}" font-size="10">{f}</text>'
        )
    height = y0 + rows * (bar_h + gap) + 4
    return _svg(width, height, _("Population by age and sex"), body)


def _percent_bars(title: str, items: list[tuple[str, float | None, str]]) -> Markup:
    """One bar per item on a 0-100 % scale, with its share and the counts behind it."""
    width, label_w, bar_h = 660, 260, 16
    scale = (width - label_w - 110) / 100
    body, y = [], 6
    for label, percent, counts in items:
        w = round((percent or 0) * scale, 1)
        shown = "—" if percent is None else f"{percent:g} %"
        body.append(
            f'<text x="4" y="{y + 12}" font-size="12">{escape(label[:42])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{round(100 * scale, 1)}" height="{bar_h}" '
            f'fill="#eceff1"/>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="#2e7d32">'
            f"<title>{escape(label)}: {shown} ({escape(counts)})</title></rect>"
            f'<text x="{label_w + round(100 * scale, 1) + 4}" y="{y + 12}" font-size="11">'
            f"{shown} · {escape(counts)}</text>"
        )
        y += bar_h + 6
    return _svg(width, y + 4, title, body)


def identifiers_chart(view: dict[str, Any], _: Gettext) -> Markup:
    ids = view["total"]["identifiers"]
    return _percent_bars(
        _("Residents holding each identifier"),
        [
            (_(KIND_WORDS.get(k, k)), s["percent"], f"{s['count']}/{s['of']}")
            for k, s in ids.items()
        ],
    )


def schemes_chart(view: dict[str, Any], _: Gettext) -> Markup:
    total = view["total"]["schemes"]
    return _percent_bars(
        _("Eligible people given each scheme this year"),
        [
            (s["name"], total[s["code"]]["coverage_percent"],
             f"{total[s['code']]['eligible_recipients']}/{total[s['code']]['eligible']}")
            for s in view["schemes"]
        ],
    )  # fmt: skip


def immunisation_chart(view: dict[str, Any], _: Gettext) -> Markup:
    imm = view["total"]["immunisation"]
    items = [
        (_(DOSE_WORDS[d]), s["percent"], f"{s['count']}/{s['of']}") for d, s in imm["doses"].items()
    ]
    full = imm["fully_immunised"]
    items.append((_("Fully immunised"), full["percent"], f"{full['count']}/{full['of']}"))
    return _percent_bars(_("Children aged 12-23 months with each dose"), items)


def charts(view: dict[str, Any], _: Gettext) -> dict[str, Markup]:
    return {
        "pyramid": pyramid_chart(view, _),
        "identifiers": identifiers_chart(view, _),
        "schemes": schemes_chart(view, _),
        "immunisation": immunisation_chart(view, _),
    }
