"""The WhatsApp webhook and the inbound pipeline: verified, signed, stored once, processed in
order exactly once, statuses kept at their furthest, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from sevasetu.adapters.passwords import Argon2Passwords
from sevasetu.adapters.whatsapp.client import CloudApiClient
from sevasetu.adapters.whatsapp.fake_graph import TOKEN, FakeGraph
from sevasetu.adapters.whatsapp.inbound import parse
from sevasetu.bootstrap import AppContext
from sevasetu.config import Settings
from sevasetu.domain.chat_messages import later_status
from sevasetu.domain.notifications import CLAIM_TIMEOUT
from sevasetu.entrypoints.api.app import create_app
from sevasetu.services import chat
from sevasetu.services.areas import load_geography
from sevasetu.services.whatsapp import process_pending, send_due

from ..builders import NADIA_BLOCK, auth, staff
from ..whatsapp_support import (
    PHONE_ID,
    T0,
    VERIFY,
    WA,
    button_reply,
    change,
    envelope,
    post,
    status,
    text,
    whatsapp_settings,
)

OTHER = "8801712345678"  # a Bangladeshi number: another conversation


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    server = FakeGraph().start()
    yield server
    server.stop()


@pytest.fixture
def settings(database_url: str, graph: FakeGraph) -> Settings:
    return Settings(database_url=database_url, environment="test",
                    secret_key="test-secret-key-0123456789",
                    identifier_key="test-identifier-key-0123",
                    **whatsapp_settings(graph.url))  # fmt: skip


@pytest.fixture
def ctx(settings, clock, sms, graph) -> Iterator[AppContext]:
    gateway = CloudApiClient(graph.url, PHONE_ID, TOKEN, sleep=lambda _: None)
    context = AppContext(settings, sms=sms, clock=clock, whatsapp=gateway,
                         passwords=Argon2Passwords(time_cost=1, memory_cost=1024))  # fmt: skip
    load_geography(context)
    yield context
    context.close()


@pytest.fixture
def client(ctx) -> Iterator[TestClient]:
    with TestClient(create_app(ctx=ctx)) as c:
        yield c


def stored(ctx, wa_id: str = WA):
    with ctx.uow() as uow:
        return uow.whatsapp.inbound_of(wa_id)


def outbound(ctx, wa_id: str = WA):
    with ctx.uow() as uow:
        return uow.whatsapp.outbound_of(wa_id)


# --- the handshake and the signature --------------------------------------------------------


def test_the_verification_handshake_answers_the_bare_challenge_only_to_the_right_token(client):
    handshake = {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"}
    ok = client.get("/webhooks/whatsapp", params=handshake)
    assert ok.status_code == 200 and ok.text == "1158201444"
    assert ok.headers["content-type"].startswith("text/plain")
    for params in ({"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
                   {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY, "hub.challenge": "1"},
                   {}):  # fmt: skip
        assert client.get("/webhooks/whatsapp", params=params).status_code == 403


def test_posts_are_checked_against_the_signature_of_the_raw_body(client, ctx):
    payload = envelope([change([text("wamid.S1", "Hi")])])
    assert post(client, payload, signature="").status_code == 401
    assert post(client, payload, secret="another-secret").status_code == 403
    assert post(client, payload, signature="sha256=" + "0" * 64).status_code == 403
    assert stored(ctx) == [], "nothing unsigned is stored"
    assert post(client, payload).status_code == 200
    assert [i.message.text for i in stored(ctx)] == ["Hi"]
    # The signature covers the bytes as sent: the same JSON re-spaced no longer matches.
    body = b'{"object": "whatsapp_business_account", "entry": []}'
    from ..whatsapp_support import sign

    resp = client.post("/webhooks/whatsapp", content=body.replace(b": ", b":"),
                       headers={"X-Hub-Signature-256": sign(body),
                                "Content-Type": "application/json"})  # fmt: skip
    assert resp.status_code == 403


def test_a_body_over_one_mebibyte_is_refused_before_anything_else(client):
    big = b'{"entry": [], "pad": "' + b"x" * (1_048_576) + b'"}'
    resp = post(client, big)
    assert resp.status_code == 413 and resp.json()["code"] == "body-too-large"


def test_the_webhook_keeps_its_own_limit_when_the_api_limit_is_lower(ctx):
    ctx.settings = ctx.settings.model_copy(update={"max_body_bytes": 2_000})
    with TestClient(create_app(ctx=ctx)) as small:
        padded = envelope([change([text("wamid.BIG1", "Hi " + "🙏" * 2_000)])])
        assert post(small, padded).status_code == 200
        json_type = {"Content-Type": "application/json"}
        api = small.post("/api/v1/people", content=b"{" + b" " * 3_000 + b"}", headers=json_type)
        assert api.status_code == 413
    assert stored(ctx)[0].message.text.endswith("🙏")


# --- storing: every entry, change and message; once ------------------------------------------


def test_every_entry_and_message_is_stored_once_however_often_it_comes(client, ctx, clock):
    first = envelope(
        [change([text("wamid.A1", "Hi", ts=T0 - 60), text("wamid.A2", "book", ts=T0 - 60),
                 text("wamid.A1", "Hi", ts=T0 - 60)])],  # a duplicate inside the same POST
        [change([text("wamid.B1", "নমস্কার", wa_id=OTHER)]),
         change([text("wamid.A3", "third", ts=T0 - 30)])],
    )  # fmt: skip
    assert post(client, first).status_code == 200
    clock.advance(minutes=7)
    again = envelope([change([text("wamid.A2", "book", ts=T0 - 60),
                              text("wamid.B1", "নমস্কার", wa_id=OTHER)])])  # fmt: skip
    assert post(client, again).status_code == 200
    assert [i.message.message_id for i in stored(ctx)] == ["wamid.A1", "wamid.A2", "wamid.A3"]
    assert [i.message.message_id for i in stored(ctx, OTHER)] == ["wamid.B1"]
    with ctx.uow() as uow:
        conversation = uow.whatsapp.conversation(WA)
    assert conversation.profile_name == "Mita"
    assert conversation.last_inbound_at.timestamp() == T0 - 30  # the latest message's time


def test_unknown_types_and_fields_are_answered_200_and_kept(client, ctx):
    odd = {"from": WA, "id": "wamid.U1", "timestamp": str(T0), "type": "hologram",
           "hologram": {"id": "h1"}}  # fmt: skip
    payload = envelope([change([odd]), {"field": "account_update", "value": {"x": 1}}])
    payload["entry"][0]["changes"][0]["value"]["surprise"] = {"new": "field"}
    assert post(client, payload).status_code == 200
    (kept,) = stored(ctx)
    assert kept.message.type == "unknown" and kept.message.raw["hologram"] == {"id": "h1"}
    assert post(client, {"something": "else"}).status_code == 200
    assert post(client, b"not json at all").status_code == 200
    assert post(client, b"[1, 2, 3]").status_code == 200


def test_emoji_and_mixed_scripts_are_kept_exactly(client, ctx):
    words = "নমস্কার 🙏 मेरा नाम Mita দাস 👩🏽‍⚕️ — ১২/১১, बुकिंग #42 ✅"
    assert post(client, envelope([change([text("wamid.E1", words)])])).status_code == 200
    assert stored(ctx)[0].message.text == words


def test_images_and_documents_are_downloaded_at_once_with_their_checksum(client, ctx, graph):
    photo = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40
    digest = graph.add_media("MEDIA1", photo, "image/jpeg")
    graph.add_media("MEDIA2", b"%PDF-1.4 card", "application/pdf")
    image = {"from": WA, "id": "wamid.M1", "timestamp": str(T0), "type": "image",
             "image": {"id": "MEDIA1", "mime_type": "image/jpeg", "sha256": digest,
                       "caption": "first dose card"}}  # fmt: skip
    document = {"from": WA, "id": "wamid.M2", "timestamp": str(T0), "type": "document",
                "document": {"id": "MEDIA2", "mime_type": "application/pdf",
                             "filename": "card.pdf"}}  # fmt: skip
    assert post(client, envelope([change([image, document])])).status_code == 200
    with ctx.uow() as uow:
        one, two = uow.whatsapp.media("MEDIA1"), uow.whatsapp.media("MEDIA2")
    assert one["content"] == photo and one["sha256"] == hashlib.sha256(photo).hexdigest()
    assert one["size"] == len(photo) and one["message_id"] == "wamid.M1"
    assert two["filename"] == "card.pdf" and two["mime_type"] == "application/pdf"
    media_gets = [r for r in graph.requests if r.method == "GET"]
    assert all(r.headers["Authorization"] == f"Bearer {TOKEN}" for r in media_gets)
    assert [i.message.text for i in stored(ctx)] == ["first dose card", ""]


def test_media_over_the_limit_is_not_stored_but_the_message_is(client, ctx, graph):
    graph.add_media("BIG", b"x" * (5 * 1024 * 1024 + 1), "image/jpeg")
    big = {"from": WA, "id": "wamid.BIG", "timestamp": str(T0), "type": "image",
           "image": {"id": "BIG", "mime_type": "image/jpeg"}}  # fmt: skip
    assert post(client, envelope([change([big])])).status_code == 200
    with ctx.uow() as uow:
        assert uow.whatsapp.media("BIG") is None
    assert len(stored(ctx)) == 1


# --- statuses -------------------------------------------------------------------------------


def test_statuses_out_of_order_end_as_the_furthest_and_failures_keep_their_error(client, ctx):
    error = {"code": 131026, "title": "Message undeliverable",
             "error_data": {"details": "the number is not on WhatsApp"}}  # fmt: skip
    for batch in (
        [status("wamid.O1", "read", T0 + 9), status("wamid.O2", "delivered", T0 + 2)],
        [status("wamid.O1", "sent", T0), status("wamid.O1", "delivered", T0 + 3)],
        [status("wamid.O3", "failed", T0 + 1, errors=[error])],
        [status("wamid.O3", "sent", T0), status("wamid.O2", "sent", T0 + 1)],
    ):
        assert post(client, envelope([change(statuses=batch)])).status_code == 200
    with ctx.uow() as uow:
        assert uow.whatsapp.status_of("wamid.O1") == ("read", [])
        assert uow.whatsapp.status_of("wamid.O2") == ("delivered", [])
        assert uow.whatsapp.status_of("wamid.O3") == ("failed", [error])


# --- processing: in order, exactly once ----------------------------------------------------


def test_the_whole_loop_webhook_store_worker_reply_status(client, ctx, graph, clock):
    admin = staff(ctx, "wb.admin", "state_admin", "IN-WB")
    assert post(client, envelope([change([text("wamid.L1", "Hi")])])).status_code == 200
    clock.advance(seconds=1)
    assert process_pending(ctx, "w").processed == 1
    assert send_due(ctx, "w").sent == 1
    (consent,) = graph.sent
    assert consent["to"] == WA and consent["interactive"]["type"] == "button"
    titles = [b["reply"]["title"] for b in consent["interactive"]["action"]["buttons"]]
    assert titles == ["English", "বাংলা", "हिन्दी"]
    assert graph.requests[-1].headers["Authorization"] == f"Bearer {TOKEN}"
    assert graph.requests[-1].path == f"/v21.0/{PHONE_ID}/messages"

    clock.advance(seconds=5)
    chose = button_reply("wamid.L2", "lang:bn", "বাংলা", ts=T0 + 6)
    assert post(client, envelope([change([chose])])).status_code == 200
    clock.advance(seconds=1)
    assert process_pending(ctx, "w").processed == 1
    assert send_due(ctx, "w").sent == 1
    menu = graph.sent[1]["interactive"]
    assert "বাংলায়" in menu["body"]["text"], "the language is confirmed ..."
    rows = [r["title"] for r in menu["action"]["sections"][0]["rows"]]
    assert "টিকা বুক করুন" in rows, "... with the menu, in one message"
    clock.advance(seconds=60)
    post(client, envelope([change([text("wamid.L3", "what now?", ts=T0 + 60)])]))
    clock.advance(seconds=1)
    process_pending(ctx, "w")
    send_due(ctx, "w")
    assert "বিকল্পগুলির একটি" in graph.sent[2]["text"]["body"], "a hint, in the chosen language"

    wamid = outbound(ctx)[0].wa_message_id
    post(client, envelope([change(statuses=[status(wamid, "delivered", T0 + 2)])]))
    listing = client.get(f"/api/v1/conversations/{WA}/messages", headers=auth(admin))
    assert listing.status_code == 200, listing.text
    body = listing.json()
    assert body["language"] == "bn"
    directions = [(m["direction"], m["status"]) for m in body["messages"]]
    assert directions[:2] == [("in", "processed"), ("out", "delivered")]
    assert len(body["messages"]) == 6

    asha = staff(ctx, "asha.wa", "asha", NADIA_BLOCK)
    refused = client.get(f"/api/v1/conversations/{WA}/messages", headers=auth(asha))
    assert refused.status_code == 403
    assert client.get(f"/api/v1/conversations/{WA}/messages").status_code == 401


def test_each_conversation_is_processed_in_order(client, ctx, monkeypatch):
    seen: list[str] = []
    real = chat.handle

    def recording(ctx, conversation, message):
        seen.append(message.message_id)
        return real(ctx, conversation, message)

    monkeypatch.setattr(chat, "handle", recording)
    first = [text("wamid.P1", "one"), text("wamid.Q1", "ek", OTHER), text("wamid.P2", "two"),
             text("wamid.P3", "three")]  # fmt: skip
    post(client, envelope([change(first)]))
    post(client, envelope([change([text("wamid.Q2", "dui", OTHER), text("wamid.P4", "four")])]))
    assert process_pending(ctx, "w").processed == 6
    mine = [m for m in seen if m.startswith("wamid.P")]
    theirs = [m for m in seen if m.startswith("wamid.Q")]
    assert mine == ["wamid.P1", "wamid.P2", "wamid.P3", "wamid.P4"]
    assert theirs == ["wamid.Q1", "wamid.Q2"]
    assert all(i.status == "processed" for i in stored(ctx) + stored(ctx, OTHER))


def test_a_crash_mid_processing_means_processed_later_exactly_once(client, ctx, monkeypatch):
    post(client, envelope([change([text("wamid.C1", "Hi"), text("wamid.C2", "again")])]))
    real = chat.handle
    calls = {"n": 0}

    def crashing(ctx, conversation, message):
        replies = real(ctx, conversation, message)  # the replies are made, then it breaks
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("worker crashed mid-processing")
        return replies

    monkeypatch.setattr(chat, "handle", crashing)
    assert process_pending(ctx, "w").processed == 0
    assert outbound(ctx) == [], "nothing of the failed processing is kept"
    assert [i.status for i in stored(ctx)] == ["pending", "pending"], "C2 waits behind C1"
    assert "worker crashed" in stored(ctx)[0].error
    assert process_pending(ctx, "w").processed == 2
    assert process_pending(ctx, "w").processed == 0
    assert [o.kind for o in outbound(ctx)] == ["buttons", "buttons"], "consent, then the ask"


def test_a_worker_that_dies_holding_a_conversation_leaves_it_to_another(client, ctx, clock):
    post(client, envelope([change([text("wamid.D1", "Hi")])]))
    with ctx.uow(write=True) as uow:  # claimed, then the worker died
        now = ctx.now()
        assert uow.whatsapp.claim_conversations("dead", now, now - CLAIM_TIMEOUT, 10) == [WA]
        uow.commit()
    assert process_pending(ctx, "alive").processed == 0, "the claim is still fresh"
    clock.advance(seconds=CLAIM_TIMEOUT.total_seconds() + 1)
    assert process_pending(ctx, "alive").processed == 1
    assert process_pending(ctx, "dead").processed == 0
    assert len(outbound(ctx)) == 1


def test_a_message_that_always_fails_is_set_aside_and_the_next_goes_on(client, ctx, monkeypatch):
    post(client, envelope([change([text("wamid.F1", "poison"), text("wamid.F2", "Hi")])]))
    real = chat.handle

    def poisoned(ctx, conversation, message):
        if message.message_id == "wamid.F1":
            raise ValueError("cannot handle this")
        return real(ctx, conversation, message)

    monkeypatch.setattr(chat, "handle", poisoned)
    for _ in range(4):
        assert process_pending(ctx, "w").processed == 0
    done = process_pending(ctx, "w")
    assert (done.failed, done.processed) == (1, 1)
    assert [i.status for i in stored(ctx)] == ["failed", "processed"]


# --- rules with many cases -----------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=30,
)  # fmt: skip
KEYS = st.sampled_from(
    ["entry", "changes", "field", "value", "messages", "statuses", "id", "from", "type", "text",
     "timestamp", "interactive", "button_reply"]
)  # fmt: skip


@given(st.dictionaries(KEYS, JSON, max_size=4) | JSON)
def test_the_parser_never_raises_on_a_strange_payload(payload):
    messages, statuses = parse(payload)
    assert all(m.message_id and m.wa_id for m in messages)
    assert all(s.message_id for s in statuses)


@given(st.permutations(["sent", "delivered", "read"]), st.booleans())
def test_statuses_in_any_order_end_at_the_furthest(order, failed):
    events = [*order, "failed"] if failed else order
    current = None
    for incoming in events:
        if later_status(current, incoming):
            current = incoming
    assert current == ("failed" if failed else "read")
