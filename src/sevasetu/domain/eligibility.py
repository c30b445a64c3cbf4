"""Eligibility rules as data: a small language a state admin writes in a scheme file.

A rule is one line such as ``age >= 60``, ``sex == female and marital_status in [widowed,
deserted]``, ``disabled`` or ``area within IN-WB``; a scheme's rules must all pass. ``and``
binds tighter than ``or``; ``not`` and brackets work as usual. The facts a rule may name are
listed in ``FACTS``: each has a type, and a value of the wrong type is refused when the rule is
saved, with the reason (docs/services-ledger.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .errors import InvalidInput, Reason


class FactType(StrEnum):
    NUMBER = "number"
    FLAG = "yes/no"
    WORD = "word"
    AREA = "area"


SEXES = ("female", "male", "other")
MARITAL_STATUSES = ("never_married", "married", "widowed", "divorced", "separated", "deserted")

# fact -> (type, the words it may take; empty: any word)
FACTS: dict[str, tuple[FactType, tuple[str, ...]]] = {
    "age": (FactType.NUMBER, ()),
    "household_size": (FactType.NUMBER, ()),
    "sex": (FactType.WORD, SEXES),
    "marital_status": (FactType.WORD, MARITAL_STATUSES),
    "occupation": (FactType.WORD, ()),
    "disabled": (FactType.FLAG, ()),
    "chronic_illness": (FactType.FLAG, ()),
    "pregnant": (FactType.FLAG, ()),
    "deceased": (FactType.FLAG, ()),
    "female_headed_household": (FactType.FLAG, ()),
    "lives_alone": (FactType.FLAG, ()),
    "area": (FactType.AREA, ()),
}
OPERATORS: dict[FactType, tuple[str, ...]] = {
    FactType.NUMBER: ("==", "!=", "<", "<=", ">", ">="),
    FactType.FLAG: ("==", "!="),
    FactType.WORD: ("==", "!=", "in", "not in"),
    FactType.AREA: ("within", "not within"),
}
FLAG_WORDS = ("yes", "no")

# --- the tree ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Compare:
    fact: str
    op: str
    value: int | str | tuple[str, ...]

    def render(self) -> str:
        if isinstance(self.value, tuple):
            return f"{self.fact} {self.op} [{', '.join(self.value)}]"
        return f"{self.fact} {self.op} {self.value}"


@dataclass(frozen=True, slots=True)
class Not:
    item: Expr

    def render(self) -> str:
        return f"not {_wrapped(self.item)}"


@dataclass(frozen=True, slots=True)
class All:
    items: tuple[Expr, ...]

    def render(self) -> str:
        return " and ".join(_wrapped(i) if isinstance(i, Any_) else i.render() for i in self.items)


@dataclass(frozen=True, slots=True)
class Any_:
    items: tuple[Expr, ...]

    def render(self) -> str:
        return " or ".join(i.render() for i in self.items)


Expr = Compare | Not | All | Any_


def _wrapped(expr: Expr) -> str:
    return expr.render() if isinstance(expr, Compare) else f"({expr.render()})"


# --- parsing -----------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<num>-?\d+)(?![\w-])|(?P<word>[A-Za-z_][\w.-]*)"
    r"|(?P<sym>==|!=|<=|>=|<|>|\(|\)|\[|\]|,))"
)

# Why a rule does not parse: a short phrase each, translated like every Reason.
EXPECTED_FACT = Reason("a fact such as age, sex or disabled was expected")
UNKNOWN_FACT = Reason("this fact is not known; the facts are {facts}", facts=", ".join(FACTS))
EXPECTED_OPERATOR = Reason("an operator such as ==, >= or in was expected")
WRONG_OPERATOR = Reason("this operator does not apply to this fact")
EXPECTED_VALUE = Reason("a value was expected")
EXPECTED_NUMBER = Reason("this fact takes a whole number")
EXPECTED_FLAG = Reason("this fact takes yes or no")
NOT_ALLOWED = Reason("this value is not one this fact takes")
UNBALANCED = Reason("a bracket is not closed")
TRAILING = Reason("there is more text after the end of the rule")
EMPTY = Reason("the rule is empty")
NOT_UNDERSTOOD = Reason("this character is not understood")


class RuleSyntaxError(Exception):
    def __init__(self, why: Reason, near: str) -> None:
        super().__init__(why)
        self.why = why
        self.near = near


def _tokens(text: str) -> list[str]:
    found: list[str] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise RuleSyntaxError(NOT_UNDERSTOOD, text[position:].strip()[:20])
        found.append(match.group(match.lastgroup or "sym"))
        position = match.end()
    return found


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def near(self) -> str:
        return " ".join(self.tokens[self.at : self.at + 3]) or "the end"

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise RuleSyntaxError(EXPECTED_VALUE, "the end")
        self.at += 1
        return token

    def expr(self) -> Expr:
        items = [self.conjunction()]
        while self.peek() == "or":
            self.at += 1
            items.append(self.conjunction())
        return items[0] if len(items) == 1 else Any_(tuple(items))

    def conjunction(self) -> Expr:
        items = [self.unary()]
        while self.peek() == "and":
            self.at += 1
            items.append(self.unary())
        return items[0] if len(items) == 1 else All(tuple(items))

    def unary(self) -> Expr:
        token = self.peek()
        if token == "not":
            self.at += 1
            return Not(self.unary())
        if token == "(":
            self.at += 1
            inner = self.expr()
            if self.peek() != ")":
                raise RuleSyntaxError(UNBALANCED, self.near())
            self.at += 1
            return inner
        return self.comparison()

    def comparison(self) -> Compare:
        fact = self.peek()
        if fact is None or not re.fullmatch(r"[A-Za-z_]\w*", fact) or fact in ("and", "or"):
            raise RuleSyntaxError(EXPECTED_FACT, self.near())
        if fact not in FACTS:
            raise RuleSyntaxError(UNKNOWN_FACT, fact)
        self.at += 1
        kind, allowed = FACTS[fact]
        op = self.peek()
        if kind is FactType.FLAG and op not in ("==", "!="):
            return Compare(fact, "==", "yes")  # a bare flag: ``disabled``
        if op == "not" and self.at + 1 < len(self.tokens):
            op = "not " + self.tokens[self.at + 1]
            self.at += 1
        if op is None or op not in {o for ops in OPERATORS.values() for o in ops}:
            raise RuleSyntaxError(EXPECTED_OPERATOR, self.near())
        if op not in OPERATORS[kind]:
            raise RuleSyntaxError(WRONG_OPERATOR, f"{fact} {op}")
        self.at += 1
        return Compare(fact, op, self.value(fact, kind, allowed, listed=op in ("in", "not in")))

    def value(
        self, fact: str, kind: FactType, allowed: tuple[str, ...], *, listed: bool
    ) -> int | str | tuple[str, ...]:
        if listed:
            if self.peek() != "[":
                raise RuleSyntaxError(EXPECTED_VALUE, self.near())
            self.at += 1
            words = [self.word(kind, allowed)]
            while self.peek() == ",":
                self.at += 1
                words.append(self.word(kind, allowed))
            if self.peek() != "]":
                raise RuleSyntaxError(UNBALANCED, self.near())
            self.at += 1
            return tuple(words)
        if kind is FactType.NUMBER:
            token = self.take()
            if not re.fullmatch(r"-?\d+", token):
                raise RuleSyntaxError(EXPECTED_NUMBER, f"{fact} {token}")
            return int(token)
        return self.word(kind, allowed)

    def word(self, kind: FactType, allowed: tuple[str, ...]) -> str:
        token = self.peek()
        if token is None or token in "()[],":
            raise RuleSyntaxError(EXPECTED_VALUE, self.near())
        self.at += 1
        if kind is FactType.FLAG and token not in FLAG_WORDS:
            raise RuleSyntaxError(EXPECTED_FLAG, token)
        if allowed and token not in allowed:
            raise RuleSyntaxError(NOT_ALLOWED, token)
        return token


def parse_rule(text: str) -> Expr:
    """The rule's tree, or RuleSyntaxError saying why and where."""
    tokens = _tokens(text)
    if not tokens:
        raise RuleSyntaxError(EMPTY, "")
    parser = _Parser(tokens)
    tree = parser.expr()
    if parser.peek() is not None:
        raise RuleSyntaxError(TRAILING, parser.near())
    return tree


def parse_rules(texts: list[str], field_name: str = "rules") -> list[Expr]:
    """Every rule of a scheme, or InvalidInput naming the first that does not parse."""
    parsed = []
    for index, text in enumerate(texts):
        try:
            parsed.append(parse_rule(text))
        except RuleSyntaxError as error:
            raise InvalidInput(
                f"{field_name}[{index}]",
                reason=Reason(
                    'The rule "{rule}" does not parse near "{near}": {why}.',
                    rule=text,
                    near=error.near,
                    why=error.why,
                ),
            ) from None
    return parsed


# --- evaluation --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Facts:
    """What is known of one person on one day. ``None``: not recorded (fails a rule on it)."""

    age: int
    sex: str
    area_path: tuple[str, ...]
    household_size: int = 1
    marital_status: str | None = None
    occupation: str | None = None
    disabled: bool = False
    chronic_illness: bool = False
    pregnant: bool = False
    deceased: bool = False
    female_headed_household: bool = False
    lives_alone: bool = False

    def value(self, fact: str) -> Any:
        if fact == "area":
            return self.area_path
        return getattr(self, fact)


def _compare(c: Compare, facts: Facts) -> bool:
    actual = facts.value(c.fact)
    kind = FACTS[c.fact][0]
    if kind is FactType.AREA:
        inside = c.value in actual
        return inside if c.op == "within" else not inside
    if kind is FactType.FLAG:
        actual = "yes" if actual else "no"
    if actual is None:
        return False
    match c.op:
        case "==":
            return bool(actual == c.value)
        case "!=":
            return bool(actual != c.value)
        case "<":
            return bool(actual < c.value)
        case "<=":
            return bool(actual <= c.value)
        case ">":
            return bool(actual > c.value)
        case ">=":
            return bool(actual >= c.value)
        case "in":
            return isinstance(c.value, tuple) and actual in c.value
        case "not in":
            return isinstance(c.value, tuple) and actual not in c.value
    raise ValueError(c.op)


def holds(expr: Expr, facts: Facts) -> bool:
    if isinstance(expr, Compare):
        return _compare(expr, facts)
    if isinstance(expr, Not):
        return not holds(expr.item, facts)
    if isinstance(expr, All):
        return all(holds(i, facts) for i in expr.items)
    return any(holds(i, facts) for i in expr.items)


def facts_named(expr: Expr) -> list[str]:
    if isinstance(expr, Compare):
        return [expr.fact]
    if isinstance(expr, Not):
        return facts_named(expr.item)
    return list(dict.fromkeys(f for i in expr.items for f in facts_named(i)))


@dataclass(frozen=True, slots=True)
class RuleResult:
    rule: str
    passed: bool
    facts: dict[str, Any] = field(default_factory=dict)  # the facts the rule read


@dataclass(frozen=True, slots=True)
class Verdict:
    eligible: bool
    results: list[RuleResult]


def judge(rules: list[Expr], facts: Facts) -> Verdict:
    """Each rule passed or failed, with the facts it read; eligible when all pass."""
    results = []
    for rule in rules:
        read = {name: _shown(facts.value(name)) for name in facts_named(rule)}
        results.append(RuleResult(rule.render(), holds(rule, facts), read))
    return Verdict(all(r.passed for r in results), results)


def _shown(value: Any) -> Any:
    if isinstance(value, tuple):
        return value[-1] if value else None  # the area itself, not its ancestors
    return value


# --- what set-based SQL can check ----------------------------------------------------------


def age_floor(expr: Expr) -> int | None:
    """The youngest age at which the rule can hold, whatever the other facts: a recipient
    younger than this is not eligible. ``None`` when the rule sets no lower bound."""
    if isinstance(expr, Compare):
        if expr.fact == "age" and isinstance(expr.value, int):
            return {">=": expr.value, ">": expr.value + 1, "==": expr.value}.get(expr.op)
        return None
    if isinstance(expr, All):
        bounds = [b for b in (age_floor(i) for i in expr.items) if b is not None]
        return max(bounds) if bounds else None
    if isinstance(expr, Any_):
        floors = [age_floor(i) for i in expr.items]
        known = [b for b in floors if b is not None]
        return min(known) if len(known) == len(floors) else None
    return None


def scheme_age_floor(rules: list[Expr]) -> int | None:
    bounds = [b for b in (age_floor(r) for r in rules) if b is not None]
    return max(bounds) if bounds else None


def facts_from(values: Mapping[str, Any]) -> Facts:
    """Facts from a mapping (tests and the CLI)."""
    return Facts(**{k: v for k, v in values.items() if k in Facts.__dataclass_fields__})
