"""The child-marriage check and its outreach list as the pages, the printable files, the JSON and
the CSV show them (docs/child-marriage.md)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from ...domain.areas import AreaTree
from ...domain.marriage import PartyResult
from ...services.marriage import AlertList, CheckedMarriage
from .labels import N_
from .ledger_view import _area, _svg
from .statistics_view import place_label

Gettext = Callable[[str], str]

OUTCOME_WORDS = {
    "allowed": N_("Allowed: both are of age"),
    "refused": N_("Refused: under the minimum age"),
    "unknown": N_("Unknown: the birth date cannot be trusted"),
}
SOURCE_WORDS = {
    "birth_record": N_("Birth recorded in the registry at delivery"),
    "registry": N_("Date of birth given at registration"),
    "declared_age": N_("Only an age was declared (estimated date)"),
}
PARTY_WORDS = {"bride": N_("Bride"), "groom": N_("Groom")}
ALERT_COLUMNS = [
    "person_id",
    "name",
    "sex",
    "age",
    "birth_date",
    "birth_date_estimated",
    "turns_minimum_on",
    "marital_status",
    "phone",
    "household_id",
    "head_of_household",
    "address",
    "area_code",
    "area_name",
]


def _party(p: PartyResult) -> dict[str, Any]:
    e = p.evidence
    return {
        "party": p.party.value,
        "person_id": e.person_id,
        "name": e.name,
        "sex": e.sex,
        "age": p.age,
        "minimum": p.minimum,
        "reaches_minimum_on": p.reaches_minimum_on.isoformat(),
        "outcome": p.outcome.value,
        "reasons": [str(r) for r in p.reasons],
        "evidence": {
            "named_by": e.named_by,
            "number": e.number_shown or None,
            "number_birth_year": e.number_birth_year,
            "birth_date": e.birth_date.isoformat(),
            "birth_date_source": e.source.value,
            "birth_date_corrected": e.birth_date_corrected,
            "registered_by": e.registered_by or None,
            "registered_on": e.registered_on.isoformat() if e.registered_on else None,
        },
    }


def check_view(done: CheckedMarriage, translate: Gettext | None = None) -> dict[str, Any]:
    """The check as the API answers it; ``translate`` puts the reasons in the reader's
    language (they are domain Reasons: the page passes its own translation)."""
    check = done.check
    view = {
        "id": done.id,
        "on": check.on.isoformat(),
        "outcome": check.outcome.value,
        "checked_by": done.checked_by,
        "minimum_ages": {
            "country": check.ages.country,
            "bride": check.ages.bride,
            "groom": check.ages.groom,
            "law": check.ages.law,
        },
        "bride": _party(check.bride),
        "groom": _party(check.groom),
    }
    if translate is not None:
        for side, result in (("bride", check.bride), ("groom", check.groom)):
            view[side]["reasons"] = [translate(r) for r in result.reasons]  # type: ignore[index]
    return view


def alerts_view(alerts: AlertList, tree: AreaTree, lang: str = "en") -> dict[str, Any]:
    people = [
        {
            "person_id": p.id,
            "name": p.name,
            "sex": p.sex,
            "age": p.age,
            "birth_date": p.birth_date.isoformat(),
            "birth_date_estimated": p.birth_date_estimated,
            "turns_minimum_on": p.turns_on.isoformat(),
            "marital_status": p.marital_status,
            "phone": p.phone,
            "household_id": p.household_id,
            "head_of_household": p.head_name,
            "address": p.address,
            "area_code": p.area_code,
            "area_name": place_label(tree, p.area_code, lang),
        }
        for p in alerts.people
    ]
    girls = sum(p["sex"] == "female" for p in people)
    return {
        "area": {"code": alerts.area.code, "name": _area(tree, alerts.area.code, lang)},
        "on": alerts.on.isoformat(),
        "minimum_ages": {"bride": alerts.ages.bride, "groom": alerts.ages.groom},
        "girls_ages": [alerts.ages.bride - 3, alerts.ages.bride - 1],
        "boys_ages": [alerts.ages.groom - 3, alerts.ages.groom - 1],
        "girls": girls,
        "boys": len(people) - girls,
        "people": people,
        "wards": [{"code": c, "name": place_label(tree, c, lang)} for c in alerts.wards()],
    }


def alerts_csv(view: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ALERT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(view["people"])
    return buffer.getvalue()


def alerts_chart(view: dict[str, Any], _: Gettext) -> Markup:
    """Girls and boys to visit in each ward, side by side."""
    counts: dict[str, list[int]] = {w["name"]: [0, 0] for w in view["wards"]}
    names = {w["code"]: w["name"] for w in view["wards"]}
    for p in view["people"]:
        counts[names[p["area_code"]]][0 if p["sex"] == "female" else 1] += 1
    label_w, bar_h, width = 200, 14, 640
    top = max([1] + [max(c) for c in counts.values()])
    scale = (width - label_w - 40) / top
    body, y = [], 6
    for ward, (girls, boys) in counts.items():
        body.append(f'<text x="4" y="{y + 16}" font-size="12">{escape(ward[:30])}</text>')
        for n, colour, words in ((girls, "#ad1457", _("Girls")), (boys, "#1565c0", _("Boys"))):
            w = round(n * scale, 1)
            body.append(
                f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="{colour}">'
                f"<title>{escape(words)}: {n}</title></rect>"
                f'<text x="{label_w + w + 4}" y="{y + 11}" font-size="11">{n}</text>'
            )
            y += bar_h + 2
        y += 8
    for colour, words in (("#ad1457", _("Girls")), ("#1565c0", _("Boys"))):
        body.append(
            f'<rect x="8" y="{y}" width="12" height="12" fill="{colour}"/>'
            f'<text x="26" y="{y + 10}" font-size="11">{escape(words)}</text>'
        )
        y += 18
    return _svg(width, y + 4, _("Girls and boys to visit, per ward"), body)
