"""The eligibility rule language (property tests) and the scheme, period, finding and
vulnerability rules around it."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sevasetu.domain.benefits import FindingStatus, check_decision
from sevasetu.domain.eligibility import (
    MARITAL_STATUSES,
    SEXES,
    All,
    Any_,
    Compare,
    Facts,
    Not,
    RuleSyntaxError,
    age_floor,
    holds,
    judge,
    parse_rule,
    parse_rules,
)
from sevasetu.domain.errors import InvalidInput
from sevasetu.domain.schemes import Period, parse_scheme
from sevasetu.domain.vulnerability import Circumstances, Factor, score

NUMBER_OPS = ("==", "!=", "<", "<=", ">", ">=")
comparisons = st.one_of(
    st.builds(Compare, st.just("age"), st.sampled_from(NUMBER_OPS), st.integers(0, 120)),
    st.builds(Compare, st.just("sex"), st.sampled_from(("==", "!=")), st.sampled_from(SEXES)),
    st.builds(
        Compare,
        st.just("marital_status"),
        st.sampled_from(("in", "not in")),
        st.lists(st.sampled_from(MARITAL_STATUSES), min_size=1, max_size=3).map(tuple),
    ),
    st.builds(
        Compare,
        st.sampled_from(("disabled", "pregnant", "lives_alone")),
        st.sampled_from(("==", "!=")),
        st.sampled_from(("yes", "no")),
    ),
    st.builds(
        Compare,
        st.just("area"),
        st.sampled_from(("within", "not within")),
        st.sampled_from(("BD", "BD-D-SAT-TAL", "IN-WB")),
    ),
)
rules = st.recursive(
    comparisons,
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: All(tuple(xs))),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: Any_(tuple(xs))),
    ),
    max_leaves=8,
)
facts = st.builds(
    Facts,
    age=st.integers(0, 120),
    sex=st.sampled_from(SEXES),
    area_path=st.sampled_from((("BD", "BD-D", "BD-D-SAT", "BD-D-SAT-TAL"), ("IN", "IN-WB"))),
    marital_status=st.one_of(st.none(), st.sampled_from(MARITAL_STATUSES)),
    disabled=st.booleans(),
    pregnant=st.booleans(),
    lives_alone=st.booleans(),
)


def meaning(expr, f: Facts) -> bool:
    """What a rule means, said again independently of the evaluator."""
    if isinstance(expr, Not):
        return not meaning(expr.item, f)
    if isinstance(expr, All):
        return all(meaning(i, f) for i in expr.items)
    if isinstance(expr, Any_):
        return any(meaning(i, f) for i in expr.items)
    value = (
        {"yes": True, "no": False}.get(expr.value, expr.value)
        if expr.fact in ("disabled", "pregnant", "lives_alone")
        else expr.value
    )
    actual = f.area_path if expr.fact == "area" else getattr(f, expr.fact)
    if actual is None:
        return False  # a fact not recorded fails every comparison on it
    ops = {
        "==": lambda: actual == value,
        "!=": lambda: actual != value,
        "in": lambda: actual in value,
        "not in": lambda: actual not in value,
        "within": lambda: value in actual,
        "not within": lambda: value not in actual,
        "<": lambda: actual < value,
        "<=": lambda: actual <= value,
        ">": lambda: actual > value,
        ">=": lambda: actual >= value,
    }
    return bool(ops[expr.op]())


@given(rules, facts)
def test_a_rendered_rule_parses_back_to_the_same_meaning(rule, f):
    text = rule.render()
    again = parse_rule(text)
    assert again.render() == parse_rule(again.render()).render()
    assert holds(again, f) == holds(rule, f) == meaning(rule, f)


@given(rules, facts)
def test_nobody_younger_than_the_age_floor_passes(rule, f):
    floor = age_floor(rule)
    if floor is not None and f.age < floor:
        assert not holds(rule, f)


@given(st.text(max_size=40))
def test_any_text_parses_or_is_refused_with_a_reason(text):
    try:
        parse_rule(text)
    except RuleSyntaxError as error:
        assert str(error.why)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("age >= ", "a value was expected"),
        ("income > 5", "this fact is not known"),
        ("sex == cat", "this value is not one this fact takes"),
        ("disabled == maybe", "this fact takes yes or no"),
        ("(age > 3", "a bracket is not closed"),
        ("age > 3 4", "there is more text after the end of the rule"),
        ("age in [3]", "this operator does not apply to this fact"),
        ("age > three", "this fact takes a whole number"),
    ],
)
def test_refusals_say_why(text, why):
    with pytest.raises(InvalidInput) as refused:
        parse_rules(["age >= 1", text])
    assert refused.value.field == "rules[1]" and why in refused.value.message()


def test_the_verdict_names_each_rule_and_the_facts_it_read():
    verdict = judge(
        [parse_rule("sex == female"), parse_rule("age >= 62 or disabled")],
        Facts(age=50, sex="female", area_path=("BD",)),
    )
    assert not verdict.eligible
    assert [(r.passed, r.facts) for r in verdict.results] == [
        (True, {"sex": "female"}),
        (False, {"age": 50, "disabled": False}),
    ]


def test_periods_and_schemes():
    assert Period.MONTHLY.key(date(2026, 1, 31)) == "2026-01"
    assert Period.QUARTERLY.key(date(2026, 11, 1)) == "2026-Q4"
    assert Period.ONE_OFF.key(date(2026, 1, 1)) == "once"
    base = {
        "code": "BD-X",
        "department": "BD-DSS",
        "name": "x",
        "benefit": "in kind",
        "period": "yearly",
        "area": "BD",
        "rules": ["age >= 65 or sex == female and age >= 62"],
    }
    assert parse_scheme(base, state_code="BD-D").min_age == 62
    with pytest.raises(InvalidInput) as wrong:
        parse_scheme({**base, "period": "weekly"}, state_code="BD-D")
    assert wrong.value.field == "period"
    with pytest.raises(InvalidInput) as outside:
        parse_scheme({**base, "area": "IN-WB"}, state_code="BD-D")
    assert outside.value.field == "area"


def test_a_dismissal_needs_its_reason():
    assert check_decision("Confirmed", None) == (FindingStatus.CONFIRMED, None)
    with pytest.raises(InvalidInput):
        check_decision("dismissed", " ")
    with pytest.raises(InvalidInput):
        check_decision("closed", "x")


def test_the_vulnerability_score_is_the_documented_sum():
    today = date(2026, 11, 20)
    assert score(Circumstances(date(2026, 6, 1), female_headed_household=True), today).points == 4
    s = score(Circumstances(date(1950, 1, 1), disabled=True, lives_alone=True), today)
    assert (s.points, s.factors) == (8, (Factor.AGED, Factor.DISABLED, Factor.ALONE))
    assert score(Circumstances(date(1990, 1, 1)), today).points == 0
