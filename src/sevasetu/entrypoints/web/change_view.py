"""The year's change report as the page, the printable file, the JSON and the CSV show it:
counts per ward with the people behind each count, and a chart drawn as inline SVG."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from ...domain.areas import AreaTree
from ...domain.surveys import ChangeKind
from ...services.annual_update import ChangeReport, as_plain
from .labels import CHANGE
from .ledger_view import _area, _svg, render_file

Gettext = Callable[[str], str]
KINDS = [k.value for k in ChangeKind]
COLOURS = {
    "birth": "#2e7d32",
    "death": "#424242",
    "marriage": "#ad1457",
    "move_in": "#1565c0",
    "move_out": "#ef6c00",
    "new_benefit": "#00838f",
    "stopped_benefit": "#c62828",
}
CSV_COLUMNS = ["kind", "occurred_on", "area_code", "area_name", "person_id", "name", "sex",
               "birth_date", "household_id", "scheme_code", "source"]  # fmt: skip


def change_view(report: ChangeReport, tree: AreaTree, lang: str = "en") -> dict[str, Any]:
    plain = as_plain(report)
    for change in plain["changes"]:
        change["area_name"] = _area(tree, change["area_code"], lang)
    wards = []
    for code, counts in plain["wards"].items():
        people = {k: [c for c in plain["changes"] if c["area_code"] == code and c["kind"] == k]
                  for k in KINDS}  # fmt: skip
        wards.append({"code": code, "name": _area(tree, code, lang), "counts": counts,
                      "people": people})  # fmt: skip
    return {
        **plain,
        "area": {"code": report.area.code, "name": _area(tree, report.area.code, lang)},
        "kinds": KINDS,
        "ward_list": wards,
    }


def change_csv(view: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n",
                            extrasaction="ignore")  # fmt: skip
    writer.writeheader()
    writer.writerows(view["changes"])
    return buffer.getvalue()


def change_chart(view: dict[str, Any], _: Gettext) -> Markup:
    """For each ward, its changes stacked by kind, with a legend naming every colour."""
    label_w, bar_h, width = 200, 18, 680
    wards = view["ward_list"]
    top = max([1] + [sum(w["counts"].values()) for w in wards])
    scale = (width - label_w - 40) / top
    body, y = [], 8
    for ward in wards:
        body.append(f'<text x="4" y="{y + 13}" font-size="12">{escape(ward["name"][:30])}</text>')
        x = float(label_w)
        for kind, colour in COLOURS.items():
            n = ward["counts"].get(kind, 0)
            if n:
                w = round(n * scale, 1)
                body.append(
                    f'<rect x="{x}" y="{y}" width="{w}" height="{bar_h}" fill="{colour}">'
                    f"<title>{escape(_(CHANGE[kind]))}: {n}</title></rect>"
                )
                x += w
        total = sum(ward["counts"].values())
        body.append(f'<text x="{x + 4}" y="{y + 13}" font-size="11">{total}</text>')
        y += bar_h + 8
    for kind, colour in COLOURS.items():
        body.append(
            f'<rect x="8" y="{y}" width="12" height="12" fill="{colour}"/>'
            f'<text x="26" y="{y + 10}" font-size="11">{escape(_(CHANGE[kind]))}: '
            f"{view['totals'].get(kind, 0)}</text>"
        )
        y += 18
    return _svg(width, y + 6, _("Changes per ward, by kind"), body)


def render_change_file(view: dict[str, Any], gettext: Gettext, lang: str) -> str:
    """The printable file: the page's content with its styles inside."""
    return render_file("report_changes_file.html", view, gettext, lang,
                       change_chart(view, gettext), change_words=CHANGE)  # fmt: skip
