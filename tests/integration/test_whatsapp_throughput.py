"""What lets the WhatsApp pipeline keep up with a city (docs/whatsapp.md): the webhook's POSTs
that arrive together are stored in one transaction, each acknowledged after it; the worker
processes the next message of many conversations in one transaction, a failing one alone. On
SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event

from sevasetu.adapters.db.repositories.whatsapp import WhatsAppRepository
from sevasetu.adapters.passwords import Argon2Passwords
from sevasetu.bootstrap import AppContext
from sevasetu.config import Settings
from sevasetu.domain.chat_messages import StatusUpdate, later_status
from sevasetu.entrypoints.api.app import create_app
from sevasetu.services import chat
from sevasetu.services.areas import load_geography
from sevasetu.services.whatsapp import process_pending, store

from ..whatsapp_support import T0, change, envelope, sign, status, text, whatsapp_settings


@pytest.fixture
def settings_(database_url: str) -> Settings:
    return Settings(database_url=database_url, environment="test",
                    secret_key="test-secret-key-0123456789",
                    identifier_key="test-identifier-key-0123",
                    **whatsapp_settings("http://127.0.0.1:9/v21.0"))  # fmt: skip


@pytest.fixture
def ctx(settings_, clock, sms) -> Iterator[AppContext]:
    context = AppContext(settings_, sms=sms, clock=clock,
                         passwords=Argon2Passwords(time_cost=1, memory_cost=1024))  # fmt: skip
    load_geography(context)
    yield context
    context.close()


def wa(i: int) -> str:
    return f"9198300{i:05d}"


def inbound(ctx, wa_id: str):
    with ctx.uow() as uow:
        return uow.whatsapp.inbound_of(wa_id)


def replies(ctx, wa_id: str):
    with ctx.uow() as uow:
        return uow.whatsapp.outbound_of(wa_id)


def post_concurrently(ctx, bodies: list[bytes]) -> list[int]:
    """POST all at once to the app (one event loop, as uvicorn serves them)."""
    app = create_app(ctx=ctx)

    async def send_all() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sevasetu") as client:
            answers = await asyncio.gather(*[
                client.post("/webhooks/whatsapp", content=body,
                            headers={"Content-Type": "application/json",
                                     "X-Hub-Signature-256": sign(body)})
                for body in bodies])  # fmt: skip
        return [a.status_code for a in answers]

    return asyncio.run(send_all())


# --- the webhook: group commit ---------------------------------------------------------------


def test_concurrent_posts_are_each_acknowledged_and_stored_once(ctx):
    bodies = []
    for i in range(12):
        bodies.append(json.dumps(envelope([change([text(f"wamid.G{i}", f"hello {i}", wa(i))])]))
                      .encode())  # fmt: skip
    bodies += bodies[:4]  # Meta delivering four of them again, at the same moment
    bodies.append(
        json.dumps(
            envelope(
                [
                    change(
                        statuses=[
                            status("wamid.OUT1", "read", T0 + 5),
                            status("wamid.OUT1", "sent", T0),
                        ]
                    )
                ]
            )
        ).encode()
    )
    assert post_concurrently(ctx, bodies) == [200] * len(bodies)
    for i in range(12):
        assert [m.message.message_id for m in inbound(ctx, wa(i))] == [f"wamid.G{i}"]
    with ctx.uow() as uow:
        assert uow.whatsapp.status_of("wamid.OUT1") == ("read", [])
        assert uow.whatsapp.conversation(wa(3)).last_inbound_at.timestamp() == T0


def test_a_group_stores_messages_as_if_one_post_after_the_other(ctx, clock):
    first = [text("wamid.S1", "one", wa(1), T0 - 60), text("wamid.S2", "two", wa(1), T0 - 30)]
    again = [text("wamid.S2", "two", wa(1), T0 - 30), text("wamid.S3", "three", wa(1), T0 - 10),
             text("wamid.S3", "three", wa(1), T0 - 10)]  # fmt: skip
    from sevasetu.adapters.whatsapp.inbound import parse

    posts = [parse(envelope([change(first)])), parse(envelope([change(again)]))]
    one, two = store(ctx, posts)
    assert [m.message_id for m in one.new] == ["wamid.S1", "wamid.S2"]
    assert [m.message_id for m in two.new] == ["wamid.S3"] and two.duplicates == 2
    assert [m.message.message_id for m in inbound(ctx, wa(1))] == ["wamid.S1", "wamid.S2",
                                                                 "wamid.S3"]  # fmt: skip
    with ctx.uow() as uow:
        assert uow.whatsapp.conversation(wa(1)).last_inbound_at.timestamp() == T0 - 10


IDS = itertools.count()
STATUSES = st.lists(st.tuples(st.integers(0, 2), st.sampled_from(
    ["sent", "delivered", "read", "failed", "queued"])), min_size=1, max_size=12)  # fmt: skip


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(STATUSES, st.lists(st.integers(1, 4), min_size=1, max_size=6))
def test_statuses_stored_in_groups_end_where_one_at_a_time_would(ctx, events, cuts):
    """Whatever the grouping, each message ends at the status that applying them one after
    the other (``later_status``) gives."""
    run = next(IDS)
    updates = [StatusUpdate(message_id=f"wamid.H{run}.{m}", recipient=wa(m), status=s,
                            at=ctx.now(), errors=()) for m, s in events]  # fmt: skip
    expected: dict[str, str] = {}
    for u in updates:
        if later_status(expected.get(u.message_id), u.status):
            expected[u.message_id] = u.status
    groups, start = [], 0
    for cut in itertools.cycle(cuts):
        if start >= len(updates):
            break
        groups.append(updates[start : start + cut])
        start += cut
    for group in groups:
        store(ctx, [([], group)])
    with ctx.uow() as uow:
        assert {m: uow.whatsapp.status_of(m)[0] for m in expected} == expected


# --- the worker: a round of many conversations in one transaction ---------------------------


def _hi_from(ctx, count: int) -> None:
    from sevasetu.adapters.whatsapp.inbound import parse

    store(ctx, [parse(envelope([change([text(f"wamid.R{i}", "Hi", wa(i))])]))
                for i in range(count)])  # fmt: skip


def test_one_round_processes_many_conversations_with_one_commit(ctx):
    _hi_from(ctx, 30)
    commits: list[int] = []

    def count(conn) -> None:
        commits.append(1)

    event.listen(ctx.engine, "commit", count)
    try:
        assert process_pending(ctx, "w", 100).processed == 30
    finally:
        event.remove(ctx.engine, "commit", count)
    # the claim, the one round (replies, states, marks), the release: not one per message
    assert len(commits) == 3
    for i in range(30):
        (reply,) = replies(ctx, wa(i))
        assert reply.kind == "buttons", "the consent and the language choice"


def test_a_failing_conversation_does_not_hold_up_the_others_in_its_round(ctx, monkeypatch):
    _hi_from(ctx, 5)
    real = chat.handle

    def poisoned(ctx_, conversation, message):
        if conversation.wa_id == wa(2):
            raise ValueError("cannot handle this")
        return real(ctx_, conversation, message)

    monkeypatch.setattr(chat, "handle", poisoned)
    assert process_pending(ctx, "w").processed == 4
    assert [m.status for m in inbound(ctx, wa(2))] == ["pending"]
    assert "cannot handle this" in inbound(ctx, wa(2))[0].error
    assert all(len(replies(ctx, wa(i))) == (0 if i == 2 else 1) for i in range(5))


def test_a_round_that_cannot_be_written_is_written_one_conversation_at_a_time(ctx, monkeypatch):
    _hi_from(ctx, 6)
    real = WhatsAppRepository.finish_many

    def only_alone(self, row_ids, now):
        if len(row_ids) > 1:
            raise RuntimeError("the round's transaction failed")
        return real(self, row_ids, now)

    monkeypatch.setattr(WhatsAppRepository, "finish_many", only_alone)
    assert process_pending(ctx, "w").processed == 6
    assert process_pending(ctx, "w").processed == 0
    for i in range(6):
        assert [m.status for m in inbound(ctx, wa(i))] == ["processed"]
        assert len(replies(ctx, wa(i))) == 1, "nothing of the failed round was kept"


def test_a_body_holding_nul_is_refused_and_nothing_is_stored(ctx):
    body = json.dumps(envelope([change([text("wamid.N1", "a\u0000b", wa(7))])])).encode()
    assert b"\\u0000" in body
    plain = json.dumps(envelope([change([text("wamid.N2", "a\\\\u0000b", wa(7))])])).encode()
    assert post_concurrently(ctx, [body, plain]) == [400, 200]
    assert [m.message.text for m in inbound(ctx, wa(7))] == ["a\\\\u0000b"]


def test_a_post_that_cannot_be_stored_fails_alone_and_is_answered_500(ctx, monkeypatch):
    real = WhatsAppRepository.store_inbound

    def refusing(self, rows, received_at, now):
        if any(m.message_id == "wamid.BAD" for _, m in rows):
            raise RuntimeError("the database refused this one")
        return real(self, rows, received_at, now)

    monkeypatch.setattr(WhatsAppRepository, "store_inbound", refusing)
    good = [json.dumps(envelope([change([text(f"wamid.K{i}", "Hi", wa(i))])])).encode()
            for i in range(6)]  # fmt: skip
    bad = json.dumps(envelope([change([text("wamid.BAD", "Hi", wa(9))])])).encode()
    answers = post_concurrently(ctx, [*good[:3], bad, *good[3:]])
    assert answers == [200, 200, 200, 500, 200, 200, 200]
    assert all(len(inbound(ctx, wa(i))) == 1 for i in range(6))
    assert inbound(ctx, wa(9)) == [], "nothing of it is kept: Meta sends it again"
