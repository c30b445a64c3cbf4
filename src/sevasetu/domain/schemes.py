"""Schemes as data: who gives what, how often, to whom (docs/services-ledger.md).

A state admin writes a scheme in a TOML file or through the API; ``parse_scheme`` checks every
field and every eligibility rule before anything is saved, and says what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from .eligibility import Expr, parse_rules, scheme_age_floor
from .errors import InvalidInput, Reason, one_of


class BenefitKind(StrEnum):
    CASH = "cash"
    IN_KIND = "in_kind"
    SERVICE = "service"


class Period(StrEnum):
    """How often a person may receive the benefit: once per period."""

    ONE_OFF = "one_off"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"

    def key(self, day: date) -> str:
        """The period a delivery on ``day`` falls in: two deliveries with one key are a
        duplicate. Years are calendar years (a state with a fiscal year sets its own)."""
        if self is Period.ONE_OFF:
            return "once"
        if self is Period.MONTHLY:
            return f"{day.year:04d}-{day.month:02d}"
        if self is Period.QUARTERLY:
            return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
        return f"{day.year:04d}"


CODE = re.compile(r"[A-Z][A-Z0-9-]{1,39}")


@dataclass(frozen=True, slots=True)
class Scheme:
    code: str
    state_code: str
    department: str
    name: str
    benefit: BenefitKind
    period: Period
    area_code: str  # who may receive it lives within this area
    rules: tuple[str, ...] = ()  # as written, each one parsed before it was accepted
    amount: float | None = None
    currency: str | None = None
    exclusive_group: str | None = None
    name_local: str | None = None
    min_age: int | None = None  # derived from the rules: the youngest who can be eligible
    version: int = 1
    parsed: tuple[Expr, ...] = field(default=(), compare=False, repr=False)


def _text(raw: Mapping[str, Any], name: str, *, required: bool = True, limit: int = 200) -> str:
    value = raw.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInput(name, reason=Reason("The field {field} is required.", field=name))
        return ""
    if not isinstance(value, str) or len(value.strip()) > limit:
        raise InvalidInput(
            name,
            reason=Reason(
                "The field {field} must be text of at most {limit} characters.",
                field=name,
                limit=limit,
            ),
        )
    return value.strip()


def _code(raw: Mapping[str, Any], name: str, *, required: bool = True) -> str:
    value = _text(raw, name, required=required, limit=40)
    if value and not CODE.fullmatch(value):
        raise InvalidInput(
            name,
            reason=Reason(
                "The code {code} must be capital letters, digits and hyphens.", code=value
            ),
        )
    return value


def _choice(raw: Mapping[str, Any], name: str, enum: type[StrEnum]) -> Any:
    value = _text(raw, name).lower().replace("-", "_").replace(" ", "_")
    try:
        return enum(value)
    except ValueError:
        raise InvalidInput(
            name,
            reason=Reason(
                "The field {field} must be {choices}.",
                field=name,
                choices=one_of([e.value for e in enum]),
            ),  # type: ignore[attr-defined]
        ) from None


def parse_scheme(raw: Mapping[str, Any], *, state_code: str, version: int = 1) -> Scheme:
    """A scheme from what a file or a request holds; InvalidInput names the field to fix."""
    known = {
        "code",
        "department",
        "name",
        "name_local",
        "benefit",
        "period",
        "amount",
        "currency",
        "exclusive_group",
        "area",
        "rules",
    }
    for key in raw:
        if key not in known:
            raise InvalidInput(
                key, reason=Reason("The field {field} is not one a scheme has.", field=key)
            )
    amount = raw.get("amount")
    if amount is not None and (
        isinstance(amount, bool) or not isinstance(amount, int | float) or amount < 0
    ):
        raise InvalidInput("amount", reason=Reason("The amount must be a number, 0 or more."))
    rules = raw.get("rules", [])
    if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
        raise InvalidInput("rules", reason=Reason("The rules must be a list of lines of text."))
    parsed = parse_rules([r.strip() for r in rules])
    area = _code(raw, "area")
    if not area.startswith(state_code.split("-")[0]):
        raise InvalidInput(
            "area", reason=Reason("The area {code} is not in the scheme's country.", code=area)
        )
    return Scheme(
        code=_code(raw, "code"),
        state_code=state_code,
        department=_code(raw, "department"),
        name=_text(raw, "name"),
        name_local=_text(raw, "name_local", required=False) or None,
        benefit=_choice(raw, "benefit", BenefitKind),
        period=_choice(raw, "period", Period),
        area_code=area,
        rules=tuple(r.strip() for r in rules),
        amount=float(amount) if amount is not None else None,
        currency=_text(raw, "currency", required=False, limit=3).upper() or None,
        exclusive_group=_code(raw, "exclusive_group", required=False) or None,
        min_age=scheme_age_floor(parsed),
        version=version,
        parsed=tuple(parsed),
    )


def scheme_document(scheme: Scheme) -> dict[str, Any]:
    """The scheme as a file or a request writes it (what ``parse_scheme`` reads back)."""
    document: dict[str, Any] = {
        "code": scheme.code,
        "department": scheme.department,
        "name": scheme.name,
        "benefit": scheme.benefit.value,
        "period": scheme.period.value,
        "area": scheme.area_code,
        "rules": list(scheme.rules),
    }
    for name, value in (
        ("name_local", scheme.name_local),
        ("amount", scheme.amount),
        ("currency", scheme.currency),
        ("exclusive_group", scheme.exclusive_group),
    ):
        if value is not None:
            document[name] = value
    return document
