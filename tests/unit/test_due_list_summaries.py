"""A due list built from a stored schedule summary is the list judged live, for any child,
history, area flags, day and window: the summary is exact by construction."""

from __future__ import annotations

import json
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sevasetu.adapters.schedules import load_schedule
from sevasetu.domain.due_lists import (
    ChildRow,
    doses_in_window,
    judge_child,
    listable,
    listable_json,
    schedule_version,
    summarise,
)
from sevasetu.domain.schedule import DoseStatus, Status

SCHEDULES = [load_schedule("india-uip"), load_schedule("bangladesh-epi")]
FLAGS = ["je_endemic", "pcv_offered"]


@st.composite
def cases(draw):  # type: ignore[no-untyped-def]
    schedule = draw(st.sampled_from(SCHEDULES))
    day = draw(st.dates(date(2020, 1, 1), date(2030, 12, 31)))
    birth = day - timedelta(days=draw(st.integers(0, 16 * 366)))
    history = {}
    for dose in schedule.doses:
        if draw(st.integers(0, 2)) == 0:
            continue  # not given
        # Mostly near the due date; some after the day or before the birth (both ignored).
        due = dose.due.after(birth)
        history[dose.code] = due + timedelta(days=draw(st.integers(-40, 400)))
    flags = frozenset(draw(st.sets(st.sampled_from(FLAGS))))
    end = day + timedelta(days=draw(st.integers(0, 92)))
    return schedule, birth, history, flags, day, end


def child(birth: date) -> ChildRow:
    return ChildRow("c", "c", "c", "male", birth, None, "v", None, None, None, None)


@settings(max_examples=400, deadline=None)
@given(cases(), st.booleans())
def test_the_list_from_a_summary_is_the_list_judged_live(case, defaulters):  # type: ignore[no-untyped-def]
    schedule, birth, history, flags, day, end = case
    live = judge_child(schedule, child(birth), history, start=day, end=end, flags=flags,
                       defaulters=defaulters)  # fmt: skip
    summary, _, _ = summarise(schedule, birth, history, day=day, flags=flags)
    stored = json.loads(json.dumps(summary.listed))  # as the database gives it back
    assert doses_in_window(listable(stored), start=day, end=end, defaulters=defaulters) == live
    text = json.dumps(summary.listed)
    assert listable_json(text) == listable(stored) and listable_json(text) is listable_json(text)
    # The full statuses, with their waiting flags, are what the engine said.
    full = json.loads(json.dumps(summary.statuses))
    waiting = frozenset(c for c, *_, w in full if w)
    assert [c for c, *_ in full] == [d.code for d in schedule.doses]
    statuses = tuple(
        DoseStatus(c, Status(s), *(None if d is None else date.fromisoformat(d) for d in days))
        for c, s, *days, _ in full
    )
    assert doses_in_window(statuses, start=day, end=end, defaulters=defaulters,
                           waiting=waiting) == live  # fmt: skip
    # The skip rule: a child whose summary lists nothing up to ``end`` is on no list.
    skipped = summary.first_listed is None or summary.first_listed > end
    if skipped:
        assert live == ()
    if not defaulters:
        assert bool(live) == (not skipped)
    assert summary.first_listed is None or summary.first_listed >= day
    assert summary.judged_on == day and summary.flags == ",".join(sorted(flags))


def test_the_version_follows_the_schedule():
    uip, epi = SCHEDULES
    assert schedule_version(uip) == schedule_version(load_schedule("india-uip"))
    assert schedule_version(uip) != schedule_version(epi) and len(schedule_version(uip)) == 16
