"""Campaign schedules (COVID-19): doses opened by eligibility phases, products that must match,
and intervals that changed on dates.

A campaign's rules are data with effective dates (``schedules/covid19-india.toml``): who may
start from which day (phases by age and condition), which products a phase offers, and the
interval between doses for each product. A dose is judged by the rules in force on the day
it is (or was) given; statuses for "today" use the rules in force today.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from .ages import Age
from .errors import DoseRefused, InvalidInput, Reason


@dataclass(frozen=True, slots=True)
class Product:
    name: str  # the key used on records: "covishield"
    title: str
    aliases: tuple[str, ...] = ()  # other spellings found on cards and portals


@dataclass(frozen=True, slots=True)
class Interval:
    """From ``effective`` on, ``dose`` comes at least ``minimum`` (and is late after
    ``maximum``) after the dose before it, for ``product`` (empty: any product)."""

    dose: str
    effective: date
    minimum: Age
    maximum: Age | None = None
    product: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class Phase:
    """From ``effective`` on, people aged at least ``min_age`` (and, if set, having
    ``condition``) may take ``dose``, with one of ``products`` (empty: any)."""

    dose: str
    effective: date
    min_age: Age | None = None
    condition: str = ""  # health_worker, frontline_worker, comorbidity
    products: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True, slots=True)
class Campaign:
    products: tuple[Product, ...]
    intervals: tuple[Interval, ...]
    phases: tuple[Phase, ...]
    # Doses that must be of the same product as the first dose, unless ``mixing`` allows.
    same_product: tuple[str, ...] = ()
    mixing: tuple[Phase, ...] = ()  # heterologous doses allowed from a date (e.g. Corbevax)

    def product(self, text: str, field: str = "product") -> str:
        """The product's key from any of its spellings; an unknown one is refused by name."""
        wanted = text.strip().lower()
        for p in self.products:
            if wanted in (p.name, p.title.lower(), *(a.lower() for a in p.aliases)):
                return p.name
        raise InvalidInput(field, reason=Reason(
            "{text} is not a vaccine of this campaign; the vaccines are {names}.",
            text=repr(text), names=", ".join(p.name for p in self.products)))  # fmt: skip

    def interval(self, dose: str, product: str, on: date) -> Interval | None:
        """The interval rule for ``dose`` of ``product`` in force on ``on`` (else the first
        one that came into force, for days before any rule)."""
        rules = [r for r in self.intervals if r.dose == dose and r.product in ("", product)]
        in_force = [r for r in rules if r.effective <= on]
        if in_force:
            return max(in_force, key=lambda r: (r.effective, r.product != ""))
        return min(rules, key=lambda r: r.effective) if rules else None

    def opens(
        self, dose: str, birth: date, conditions: frozenset[str], product: str | None = None
    ) -> date | None:
        """The first day the person may take ``dose`` (with ``product``, if given): a phase
        is in force and they are old enough. None if no phase ever admits them."""
        days = [
            max(p.effective, p.min_age.after(birth) if p.min_age else p.effective)
            for p in self.phases
            if p.dose == dose and (not p.condition or p.condition in conditions)
            and (product is None or not p.products or product in p.products)
        ]  # fmt: skip
        return min(days) if days else None


def check_campaign_dose(
    campaign: Campaign,
    code: str,
    *,
    birth: date,
    on: date,
    given: Mapping[str, date],
    products: Mapping[str, str],
    product: str | None,
    series: tuple[str, ...],
    conditions: frozenset[str] = frozenset(),
) -> None:
    """May ``code`` (of ``product``, when known) be given on ``on``? Raises DoseRefused with
    the reason: already given, the dose before it missing, another product than the first
    dose, too soon for the interval in force that day, or the person's phase not yet open."""

    def refuse(reason: Reason) -> DoseRefused:
        return DoseRefused("code", code=code, day=on.isoformat(), reason=reason)

    if code in given:
        raise refuse(Reason("it was already given on {day}", day=given[code].isoformat()))
    place = series.index(code)
    if place == 0:
        opened = campaign.opens(code, birth, conditions, product)
        if opened is None or on < opened:
            raise refuse(_phase_reason(campaign, code, birth, conditions, product, opened, on))
        return
    before = series[place - 1]
    if before not in given:
        raise refuse(Reason("{previous} has not been given yet", previous=before))
    first = products.get(series[0], "")
    if product and first and product != first and code in campaign.same_product:
        mixing = [m for m in campaign.mixing
                  if m.dose == code and product in m.products and m.effective <= on]  # fmt: skip
        if not mixing:
            raise refuse(Reason("it must be the same vaccine as the first dose ({product})",
                                product=first))  # fmt: skip
    rule = campaign.interval(code, first or product or "", on)
    if rule is not None:
        earliest = rule.minimum.after(given[before])
        if on < earliest:
            raise refuse(Reason(
                "the interval after {previous} on that day is {interval}, so it is due from "
                "{due}", previous=before, interval=str(rule.minimum),
                due=earliest.isoformat()))  # fmt: skip
    if len(series) > 2 and place == len(series) - 1:  # a precaution dose also has phases
        opened = campaign.opens(code, birth, conditions, product)
        if opened is None or on < opened:
            raise refuse(_phase_reason(campaign, code, birth, conditions, product, opened, on))


def _phase_reason(
    campaign: Campaign, code: str, birth: date, conditions: frozenset[str],
    product: str | None, opened: date | None, on: date,
) -> Reason:  # fmt: skip
    """Why the phase refuses: another vaccine is open to the person that day, or their phase
    opens later, or no phase will ever include them."""
    any_open = campaign.opens(code, birth, conditions)
    if product is not None and any_open is not None and any_open <= on:
        return Reason("{product} is not offered for this age group", product=product)
    if opened is None:
        return Reason("no eligibility phase includes this person")
    return Reason("the person's eligibility phase opens on {day}", day=opened.isoformat())


def campaign_due(
    campaign: Campaign,
    code: str,
    *,
    birth: date,
    today: date,
    given: Mapping[str, date],
    products: Mapping[str, str],
    series: tuple[str, ...],
    conditions: frozenset[str],
) -> tuple[date | None, date | None, bool]:
    """(due from, late after, waiting for the dose before it) for a dose not given."""
    place = series.index(code)
    if place == 0:
        return campaign.opens(code, birth, conditions), None, False
    before = series[place - 1]
    if before not in given:
        return None, None, True
    rule = campaign.interval(code, products.get(series[0], ""), today)
    if rule is None:
        return None, None, False
    due = rule.minimum.after(given[before])
    late = rule.maximum.after(given[before]) if rule.maximum else None
    if place == len(series) - 1 and len(series) > 2:
        opened = campaign.opens(code, birth, conditions)
        if opened is None:
            return None, None, False
        due = max(due, opened)
    return due, late, False
