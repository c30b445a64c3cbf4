"""A scheme's eligibility rules (``domain.eligibility``) as one SQL condition, so that the people
of a whole area are judged by the database in one pass instead of one by one in Python.

Each comparison means exactly what ``domain.eligibility.holds`` makes of it: a fact that is not
recorded (an unknown marital status) fails every comparison on it and ``not`` of such a
comparison holds; flags not recorded are "no". Every leaf is therefore a two-valued condition
(never SQL NULL), and ``not``, ``and`` and ``or`` keep their Python meaning. The statistics'
tests compare both on the same people.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, false, func, not_, or_, true

from ...domain.eligibility import All, Compare, Expr, Not
from ...domain.statistics import born_by


@dataclass(frozen=True, slots=True)
class FactColumns:
    """Where each fact lives in the query the condition goes into."""

    birth_date: Any
    sex: Any
    area_code: Any
    household_id: Any
    household_size: Any  # members of the person's household; NULL without one
    head_sex: Any  # the household head's sex; NULL without one
    marital_status: Any
    occupation: Any
    disabled: Any
    chronic_illness: Any
    deceased_on: Any
    pregnant: Any  # a two-valued condition: an open pregnancy


def condition(
    rules: list[Expr], facts: FactColumns, on: date, areas_within: Callable[[str], list[str]]
) -> Any:
    """Every rule of a scheme holds for the row's person on the day ``on``."""
    return and_(true(), *(_expr(r, facts, on, areas_within) for r in rules))


def _expr(e: Expr, f: FactColumns, on: date, areas_within: Callable[[str], list[str]]) -> Any:
    if isinstance(e, Compare):
        return _compare(e, f, on, areas_within)
    if isinstance(e, Not):
        return not_(_expr(e.item, f, on, areas_within))
    parts = [_expr(i, f, on, areas_within) for i in e.items]
    return and_(*parts) if isinstance(e, All) else or_(*parts)


def _flag(c: Compare, holds: Any) -> Any:
    wanted = (c.value == "yes") == (c.op == "==")
    return holds if wanted else not_(holds)


def _known(column: Any, test: Any) -> Any:
    return and_(column.is_not(None), test)


def _compare(c: Compare, f: FactColumns, on: date, areas_within: Callable[[str], list[str]]) -> Any:
    if c.fact == "area":
        codes = areas_within(str(c.value))
        inside = f.area_code.in_(codes) if codes else false()
        return inside if c.op == "within" else not_(inside)
    if c.fact == "age":
        return _age(c.op, int(c.value), f.birth_date, on)  # type: ignore[arg-type]
    if c.fact == "household_size":
        size = func.coalesce(f.household_size, 1)  # ``Facts.household_size`` defaults to 1
        return _number(c.op, int(c.value), size)  # type: ignore[arg-type]
    flags = {
        "disabled": f.disabled.is_(True),
        "chronic_illness": f.chronic_illness.is_(True),
        "pregnant": f.pregnant,
        "deceased": and_(f.deceased_on.is_not(None), f.deceased_on <= on),
        "female_headed_household": _known(f.head_sex, f.head_sex == "female"),
        "lives_alone": and_(f.household_id.is_not(None), f.household_size == 1),
    }
    if c.fact in flags:
        return _flag(c, flags[c.fact])
    column = {"sex": f.sex, "marital_status": f.marital_status, "occupation": f.occupation}[c.fact]
    if c.op == "==":
        test = column == c.value
    elif c.op == "!=":
        test = column != c.value
    elif c.op == "in":
        test = column.in_(list(c.value))  # type: ignore[arg-type]
    else:  # not in
        test = column.not_in(list(c.value))  # type: ignore[arg-type]
    return _known(column, test)


def _number(op: str, value: int, column: Any) -> Any:
    return {
        "==": column == value,
        "!=": column != value,
        "<": column < value,
        "<=": column <= value,
        ">": column > value,
        ">=": column >= value,
    }[op]


def _age(op: str, years: int, birth: Any, on: date) -> Any:
    """Whole years on ``on`` compared through birth dates: age >= n <=> born by ``born_by(n)``
    (whatever n, a birth after ``on`` included, as ``people.age_in_years`` counts it)."""

    def at_least(n: int) -> Any:
        return birth <= born_by(on, n)

    def under(n: int) -> Any:
        return birth > born_by(on, n)

    return {
        ">=": lambda: at_least(years),
        ">": lambda: at_least(years + 1),
        "<": lambda: under(years),
        "<=": lambda: under(years + 1),
        "==": lambda: and_(at_least(years), under(years + 1)),
        "!=": lambda: not_(and_(at_least(years), under(years + 1))),
    }[op]()
