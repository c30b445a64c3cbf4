"""The WhatsApp bot during a state's maintenance window: a citizen whose request would write
the state's records is told when service resumes, in their language; nothing is written."""

from __future__ import annotations

from datetime import UTC, datetime

from sevasetu.adapters.db.tables import people
from sevasetu.services.maintenance import start_maintenance, stop_maintenance

from ..whatsapp_support import simulator
from .test_chat_flows import api, count, ctx, english, graph, settings  # noqa: F401


def test_the_bot_says_when_service_resumes_and_registers_nobody(ctx, api, graph):  # noqa: F811
    sim = simulator(ctx, graph, "919800000077")
    english(sim)
    start_maintenance(ctx, "IN-WB", datetime(2026, 11, 20, 12, 0, tzinfo=UTC),
                      "moving to the State Data Centre", actor="tests")  # fmt: skip
    sim.pick("Register a person")
    sim.pick("A family member")
    sim.say("Minati Das")
    sim.say("12-03-1958")
    sim.pick("Female")
    sim.say("741101")
    sim.pick("Dogachhi")
    shown = sim.pick("Skip")
    # The flow words the refusal itself (the chat hook catches what a flow does not): the
    # citizen learns when records can be changed again.
    assert "planned maintenance" in shown[0] and "until 2026-11-20 12:00" in shown[0], shown
    assert count(ctx, people) == 0

    stop_maintenance(ctx, "IN-WB", actor="tests")
    assert sim.say("menu")
