"""What a due list remembers between children and between lists gives the answer it would
give without remembering: mothers judged once per household, statuses in a window once per
stored summary, the doses of a row encoded once per distinct list of statuses."""

from __future__ import annotations

import json
from datetime import date, timedelta

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from sevasetu.adapters.schedules import load_schedule
from sevasetu.domain.due_lists import (
    ChildRow,
    ContactRow,
    doses_in_window,
    listable_json,
    listed_in_window,
    mother_of,
    mothers_of,
    summarise,
)
from sevasetu.entrypoints.api.routes.due_lists import _doses

RELATIONS = ["head", "spouse", "son", "daughter", "grandson", "granddaughter",
             "daughter_in_law", "other_relative", None]  # fmt: skip
HOUSEHOLDS = ["h1", "h2", "h3", None]
PEOPLE = [f"p{n}" for n in range(8)]


@st.composite
def rosters(draw):  # type: ignore[no-untyped-def]
    """Households whose members (children and adults alike, as the roster has them) share
    ids, so that a child may be one of the adults her household's contacts are read from."""
    members = []
    for pid in draw(st.lists(st.sampled_from(PEOPLE), unique=True, max_size=8)):
        members.append(ContactRow(
            pid, draw(st.sampled_from(HOUSEHOLDS[:3])), f"name {pid}",
            draw(st.sampled_from(["female", "male"])),
            draw(st.sampled_from([None, f"+9198{pid[1:]}"])),
            draw(st.sampled_from(RELATIONS)),
            date(1980, 1, 1) + timedelta(days=draw(st.integers(0, 3))),
        ))  # fmt: skip
    children = []
    for pid in draw(st.lists(st.sampled_from(PEOPLE), max_size=10)):
        own = next((m for m in members if m.id == pid), None)
        household = own.household_id if own else draw(st.sampled_from(HOUSEHOLDS))
        relation = own.relation_to_head if own else draw(st.sampled_from(RELATIONS))
        children.append(ChildRow(pid, pid, pid, "female", date(2020, 1, 1), None, "v",
                                 household, relation, "", None))  # fmt: skip
    adults: dict[str, list[ContactRow]] = {}
    for m in members:
        adults.setdefault(m.household_id, []).append(m)
    recorded = {c.id: members[0] for c in children if members and draw(st.booleans())}
    return children, adults, recorded


@settings(max_examples=300, deadline=None)
@given(rosters())
def test_mothers_judged_once_per_household_are_each_childs_mother(roster):  # type: ignore[no-untyped-def]
    children, adults, recorded = roster
    expected = [
        mother_of(c, adults.get(c.household_id or "", []), recorded.get(c.id)) for c in children
    ]
    assert mothers_of(children, adults, recorded) == expected


def test_a_household_without_a_mother_names_its_head_for_every_child():
    head = ContactRow("h", "h1", "Head", "male", "+91900", "head", date(1970, 1, 1))
    kids = [ChildRow(f"c{n}", "c", "c", "male", date(2020, 1, 1), None, "v", "h1", relation,
                     "", "h") for n, relation in enumerate(["son", "grandson", "son"])]  # fmt: skip
    found = mothers_of(kids, {"h1": [head]}, {})
    assert [(c.name, c.is_mother) for c in found if c] == [("Head", False)] * 3


SCHEDULE = load_schedule("india-uip")


@settings(max_examples=200, deadline=None)
@given(
    st.dates(date(2024, 1, 1), date(2027, 12, 31)),
    st.integers(0, 16 * 365),
    st.integers(0, 92),
    st.booleans(),
)
def test_a_summary_in_a_window_is_remembered_exactly(day, age, days, defaulters):  # type: ignore[no-untyped-def]
    birth = day - timedelta(days=age)
    summary, _, _ = summarise(SCHEDULE, birth, {}, day=day, flags=frozenset())
    text = json.dumps(summary.listed)
    end = day + timedelta(days=days)
    expected = doses_in_window(listable_json(text), start=day, end=end, defaulters=defaulters)
    first = listed_in_window(text, start=day, end=end, defaulters=defaulters)
    assert first == expected
    assert listed_in_window(text, start=day, end=end, defaulters=defaulters) is first
    # Another window of the same summary is judged for itself.
    later = end + timedelta(days=30)
    assert listed_in_window(text, start=day, end=later, defaulters=defaulters) == (
        doses_in_window(listable_json(text), start=day, end=later, defaulters=defaulters)
    )


@settings(max_examples=100, deadline=None)
@given(st.dates(date(2024, 1, 1), date(2027, 12, 31)), st.integers(0, 16 * 365))
def test_a_rows_doses_encode_as_their_statuses(day, age):  # type: ignore[no-untyped-def]
    _, statuses, _ = summarise(SCHEDULE, day - timedelta(days=age), {}, day=day,
                               flags=frozenset())  # fmt: skip
    doses = statuses[:5]
    plain = [
        {"code": d.code, "status": d.status.value, "due_date": _iso(d.due_date),
         "last_date": _iso(d.last_date)}
        for d in doses
    ]  # fmt: skip
    assert json.loads(orjson.dumps({"doses": _doses(doses)})) == {"doses": plain}
    assert _doses(tuple(doses)) is _doses(tuple(doses))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
