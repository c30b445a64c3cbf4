"""The services ledger's reports as the pages, the printable files, the JSON and the CSV show
them: plain values, and charts drawn as inline SVG on the server (docs/services-ledger.md)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from ...domain.areas import AreaTree
from ...domain.benefits import FindingKind
from ...domain.vulnerability import WEIGHTS, Factor
from ...services.benefit_findings import DuplicatesReport
from ...services.priority import PriorityList
from .labels import N_
from .shell import STATIC, area_label, env

Gettext = Callable[[str], str]
KIND_WORDS = {
    FindingKind.DUPLICATE.value: N_("Same scheme twice in one period"),
    FindingKind.EXCLUSIVE.value: N_("Two schemes of one exclusive group"),
    FindingKind.TOO_YOUNG.value: N_("Too young for the scheme"),
    FindingKind.DECEASED.value: N_("Paid after death"),
    FindingKind.OUTSIDE_AREA.value: N_("Lives outside the scheme's area"),
}
FACTOR_WORDS = {
    Factor.AGED.value: N_("Aged 65 or more"),
    Factor.DISABLED.value: N_("Disability"),
    Factor.PREGNANT.value: N_("Pregnant"),
    Factor.INFANT.value: N_("Infant under one"),
    Factor.CHRONIC.value: N_("Chronic illness"),
    Factor.ALONE.value: N_("Lives alone"),
    Factor.FEMALE_HEADED.value: N_("Female-headed household"),
}
STATUS_WORDS = {"open": N_("Open"), "confirmed": N_("Confirmed"), "dismissed": N_("Dismissed")}
COLOURS = {
    "duplicate": "#c62828",
    "exclusive": "#6a1b9a",
    "too_young": "#ef6c00",
    "deceased": "#424242",
    "outside_area": "#1565c0",
}
FINDING_COLUMNS = [
    "finding_id",
    "kind",
    "status",
    "reason",
    "scheme_code",
    "scheme_name",
    "period",
    "area_code",
    "area_name",
    "person_id",
    "person_name",
    "birth_date",
    "records",
    "amount",
    "evidence",
]
PRIORITY_COLUMNS = [
    "rank",
    "points",
    "factors",
    "person_id",
    "name",
    "sex",
    "age",
    "phone",
    "area_code",
    "area_name",
    "household_id",
    "address",
]


def _area(tree: AreaTree, code: str, lang: str) -> str:
    return area_label(tree.get(code), lang) if code in tree else code


def duplicates_view(report: DuplicatesReport, tree: AreaTree, lang: str = "en") -> dict[str, Any]:
    def scheme_name(code: str) -> str:
        name, local = report.schemes.get(code, (code, None))
        return local if lang != "en" and local else name

    findings = []
    for f in report.findings:
        name, born = report.people.get(f.person_id, (f.person_id, ""))
        findings.append(
            {
                "id": f.id,
                "kind": f.kind.value,
                "status": f.status.value,
                "reason": f.reason,
                "scheme_code": f.scheme_code,
                "scheme_name": scheme_name(f.scheme_code),
                "period": f.period_key,
                "area_code": f.area_code,
                "area_name": _area(tree, f.area_code, lang),
                "person_id": f.person_id,
                "person_name": name,
                "birth_date": born,
                "records": f.records,
                "amount": f.amount,
                "decided_by": f.decided_by,
                "decided_at": f.decided_at.isoformat() if f.decided_at else None,
                "evidence": [
                    {
                        "id": r.id,
                        "department": r.department,
                        "scheme_code": r.scheme_code,
                        "reference": r.reference,
                        "delivered_on": r.delivered_on.isoformat(),
                        "amount": r.amount,
                        "resolved_by": r.resolved_by,
                        "key_kind": r.key_kind,
                        "key_last4": r.key_last4,
                    }
                    for r in report.evidence.get(f.id, [])
                ],
            }
        )
    return {
        "area": {"code": report.area.code, "name": _area(tree, report.area.code, lang)},
        "generated_at": report.generated_at.isoformat(),
        "counts": dict(report.by_kind),
        "totals": [
            {
                "scheme_code": t.scheme_code,
                "scheme_name": scheme_name(t.scheme_code),
                "area_code": t.area_code,
                "area_name": _area(tree, t.area_code, lang),
                "findings": dict(t.findings),
                "duplicate_amount": t.amount,
                "open": t.open,
            }
            for t in report.totals
        ],
        "findings": findings,
    }


def duplicates_csv(view: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FINDING_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for f in view["findings"]:
        writer.writerow(
            {
                **{k: f.get(k) for k in FINDING_COLUMNS if k != "finding_id"},
                "finding_id": f["id"],
                "evidence": " ".join(e["reference"] for e in f["evidence"]),
            }
        )
    return buffer.getvalue()


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%"><title>{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def findings_chart(view: dict[str, Any], _: Gettext) -> Markup:
    """For each scheme, its findings stacked by kind, with a legend naming every colour."""
    per_scheme: dict[str, dict[str, int]] = {}
    for f in view["findings"]:
        per_scheme.setdefault(f["scheme_name"], {}).setdefault(f["kind"], 0)
        per_scheme[f["scheme_name"]][f["kind"]] += 1
    label_w, bar_h, width = 240, 18, 680
    top = max([1] + [sum(k.values()) for k in per_scheme.values()])
    scale = (width - label_w - 40) / top
    body, y = [], 8
    for scheme, kinds in sorted(per_scheme.items()):
        body.append(f'<text x="4" y="{y + 13}" font-size="12">{escape(scheme[:34])}</text>')
        x = float(label_w)
        for kind, colour in COLOURS.items():
            n = kinds.get(kind, 0)
            if n:
                w = round(n * scale, 1)
                body.append(
                    f'<rect x="{x}" y="{y}" width="{w}" height="{bar_h}" '
                    f'fill="{colour}"><title>{escape(_(KIND_WORDS[kind]))}: {n}</title>'
                    "</rect>"
                )
                x += w
        body.append(f'<text x="{x + 4}" y="{y + 13}" font-size="11">{sum(kinds.values())}</text>')
        y += bar_h + 8
    for kind, colour in COLOURS.items():
        body.append(
            f'<rect x="8" y="{y}" width="12" height="12" fill="{colour}"/>'
            f'<text x="26" y="{y + 10}" font-size="11">{escape(_(KIND_WORDS[kind]))}'
            "</text>"
        )
        y += 18
    return _svg(width, y + 6, _("Findings per scheme, by kind"), body)


def priority_view(pl: PriorityList, tree: AreaTree, lang: str = "en") -> dict[str, Any]:
    people = [
        {
            "rank": i,
            "points": p.points,
            "factors": [f.value for f in p.factors],
            "person_id": p.id,
            "name": p.name,
            "sex": p.sex,
            "age": p.age,
            "phone": p.phone,
            "area_code": p.area_code,
            "area_name": _area(tree, p.area_code, lang),
            "household_id": p.household_id,
            "address": p.address,
        }
        for i, p in enumerate(pl.people, start=1)
    ]
    households = [
        {
            "rank": i,
            "points": h.points,
            "household_id": h.id,
            "members": h.members,
            "head": h.head,
            "phone": h.phone,
            "address": h.address,
            "area_code": h.area_code,
            "area_name": _area(tree, h.area_code, lang),
        }
        for i, h in enumerate(pl.households, start=1)
    ]
    return {
        "area": {"code": pl.area.code, "name": _area(tree, pl.area.code, lang)},
        "on": pl.on.isoformat(),
        "residents": pl.residents,
        "weights": {f.value: w for f, w in WEIGHTS.items()},
        "factors": dict(pl.factors),
        "people": people,
        "households": households,
        "wards": [{"code": c, "name": _area(tree, c, lang)} for c in pl.wards()],
    }


def priority_csv(view: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=PRIORITY_COLUMNS, lineterminator="\n", extrasaction="ignore"
    )
    writer.writeheader()
    for p in view["people"]:
        writer.writerow({**p, "factors": " ".join(p["factors"])})
    return buffer.getvalue()


def factors_chart(view: dict[str, Any], _: Gettext) -> Markup:
    """How many people carry each factor of the score."""
    label_w, bar_h, width = 220, 16, 640
    top = max([1] + list(view["factors"].values()))
    scale = (width - label_w - 50) / top
    body, y = [], 6
    for factor, words in FACTOR_WORDS.items():
        n = view["factors"].get(factor, 0)
        w = round(n * scale, 1)
        body.append(
            f'<text x="4" y="{y + 12}" font-size="12">{escape(_(words))} '
            f"(+{WEIGHTS[Factor(factor)]})</text>"
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="#ef6c00"/>'
            f'<text x="{label_w + w + 4}" y="{y + 12}" font-size="11">{n}</text>'
        )
        y += bar_h + 6
    return _svg(width, y + 4, _("People with each factor"), body)


def render_file(
    template: str, view: dict[str, Any], gettext: Gettext, lang: str, chart: Markup, **extra: Any
) -> str:
    """A printable file: the page's content with its styles inside (``extra``: more values
    its template reads, such as further charts, or its own words in place of these)."""
    values: dict[str, Any] = {
        "kind_words": KIND_WORDS,
        "factor_words": FACTOR_WORDS,
        "status_words": STATUS_WORDS,
        **extra,
    }
    return env.get_template(template).render(
        _=gettext,
        v=view,
        lang=lang,
        chart=chart,
        css=(STATIC / "report.css").read_text(encoding="utf-8"),
        page=None,
        csrf="",
        **values,
    )
