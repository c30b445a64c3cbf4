"""The outbound side: message limits, paging, pacing, retries on throttling, the 24-hour
window, permanent failures kept for staff, and outbox notifications as templates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sevasetu.adapters.passwords import Argon2Passwords
from sevasetu.adapters.whatsapp.client import CloudApiClient, WhatsAppError
from sevasetu.adapters.whatsapp.fake_graph import TOKEN, FakeGraph
from sevasetu.bootstrap import AppContext
from sevasetu.config import Settings
from sevasetu.domain.chat_messages import (
    MORE,
    Button,
    Buttons,
    Document,
    InvalidChatMessage,
    ListMessage,
    OutsideWindow,
    Row,
    Section,
    Template,
    Text,
    graph_body,
    page_rows,
    require_window,
    template_for,
)
from sevasetu.domain.notifications import Kind, NotificationStatus
from sevasetu.services.areas import load_geography
from sevasetu.services.notifications import Recipient, deliver_due, enqueue
from sevasetu.services.whatsapp import OUTSIDE_WINDOW, failed_messages, queue_reply, send_due

from ..whatsapp_support import PHONE_ID, WA, whatsapp_settings

NOW = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    server = FakeGraph().start()
    yield server
    server.stop()


class Ticks:
    """A monotonic clock that sleeping moves forward: records every wait."""

    def __init__(self) -> None:
        self.now, self.slept = 1000.0, []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
def api(graph, ticks) -> Iterator[CloudApiClient]:
    client = CloudApiClient(graph.url, PHONE_ID, TOKEN, sleep=ticks.sleep, monotonic=ticks)
    yield client
    client.close()


# --- limits, refused with clear errors -----------------------------------------------------


@pytest.mark.parametrize(("build", "words"), [
    (lambda: Buttons("Pick", tuple(Button(f"b{i}", f"B{i}") for i in range(4))),
     "4 reply buttons; 1 to 3 are allowed"),
    (lambda: Buttons("Pick", (Button("b", "x" * 21),)), "has 21 characters, more than the 20"),
    (lambda: Buttons("Pick", (Button("b", "One"), Button("b", "Two"))), "share an id"),
    (lambda: ListMessage("Pick", "Centres", (Section("", tuple(
        Row(f"r{i}", f"Centre {i}") for i in range(11))),)), "11 list rows; 1 to 10"),
    (lambda: ListMessage("Pick", "Centres", (
        Section("North", tuple(Row(f"n{i}", f"N{i}") for i in range(6))),
        Section("South", tuple(Row(f"s{i}", f"S{i}") for i in range(5))))), "11 list rows"),
    (lambda: Row("r", "y" * 25), "has 25 characters, more than the 24"),
    (lambda: Row("r", "ok", "z" * 73), "has 73 characters, more than the 72"),
    (lambda: ListMessage("Pick", "b" * 21, (Section("", (Row("r", "ok"),)),)),
     "list button label has 21 characters"),
    (lambda: Text("t" * 4097), "has 4097 characters, more than the 4096"),
    (lambda: Text("   "), "the text is empty"),
    (lambda: Buttons("w" * 1025, (Button("b", "ok"),)), "more than the 1024"),
    (lambda: Document("card.pdf"), "either a media id or a link"),
])  # fmt: skip
def test_messages_over_the_cloud_api_limits_are_refused_with_the_limit_named(build, words):
    with pytest.raises(InvalidChatMessage) as refused:
        build()
    assert words in str(refused.value)
    assert refused.value.code == "invalid-chat-message"


def test_bengali_titles_count_characters_not_bytes():
    title = "কৃষ্ণনগর শহর স্বাস্থ্য কেন্দ্র"[:24]
    assert len(title.encode()) > 24
    Row("c1", title)  # 24 characters: allowed


@given(st.integers(min_value=0, max_value=200))
def test_paging_a_long_choice_never_shows_more_than_10_rows_and_loses_none(n):
    choices = [Row(f"c{i}", f"Centre {i}") for i in range(n)]
    seen, page = [], 0
    while True:
        rows = page_rows(choices, page)
        assert len(rows) <= 10
        if n:
            ListMessage("Choose a centre", "Centres", (Section("", tuple(rows)),))
        more = [r for r in rows if r.id.startswith(MORE)]
        seen += [r for r in rows if not r.id.startswith(MORE)]
        if not more:
            break
        assert rows[-1] is more[0] and more[0].id == f"{MORE}:{page + 1}"
        page += 1
    assert seen == choices


def test_ninety_centres_take_ten_pages():
    centres = [Row(f"c{i}", f"Centre {i}") for i in range(90)]
    assert sum(1 for p in range(20) if page_rows(centres, p)) == 10


# --- the Cloud API client ----------------------------------------------------------------


def test_bodies_are_what_the_cloud_api_expects(api, graph):
    wamid = api.send(WA, Buttons("Choose", (Button("lang:en", "English"),
                                            Button("lang:bn", "বাংলা"))))  # fmt: skip
    assert wamid.startswith("wamid.")
    menu = ListMessage("Choose a centre", "Centres", (Section("", (
        Row("c1", "Krishnanagar UHC", "Mon-Sat 9-1"),)),))  # fmt: skip
    api.send("+" + WA, menu)
    pdf = b"%PDF-1.4 certificate"
    media_id = api.upload_media(pdf, "application/pdf", "certificate.pdf")
    api.send(WA, Document("certificate.pdf", media_id=media_id, caption="Your certificate"))
    api.send(WA, Template("sevasetu_booking_reminder", "bn", ("মিতা", "TD10")))
    buttons, listing, document, template = graph.sent
    assert buttons["to"] == WA and buttons["messaging_product"] == "whatsapp"
    assert buttons["interactive"]["action"]["buttons"][1] == {
        "type": "reply", "reply": {"id": "lang:bn", "title": "বাংলা"}}  # fmt: skip
    assert listing["to"] == WA, "no + in the recipient"
    assert listing["interactive"]["action"]["sections"] == [{"rows": [
        {"id": "c1", "title": "Krishnanagar UHC", "description": "Mon-Sat 9-1"}]}]  # fmt: skip
    assert document["document"] == {"filename": "certificate.pdf", "id": media_id,
                                     "caption": "Your certificate"}  # fmt: skip
    assert template["template"] == {"name": "sevasetu_booking_reminder",
                                    "language": {"code": "bn"}, "components": [
        {"type": "body", "parameters": [{"type": "text", "text": "মিতা"},
                                        {"type": "text", "text": "TD10"}]}]}  # fmt: skip
    upload = next(r for r in graph.requests if r.path.endswith("/media"))
    assert pdf in upload.body and upload.headers["Authorization"] == f"Bearer {TOKEN}"
    assert Document("c.pdf", link="https://example.org/c.pdf") is not None


def test_throttling_and_server_errors_are_retried_with_backoff(api, graph, ticks):
    graph.fail_next((429, 130429), (400, 131056), (503, 2))
    assert api.send(WA, Text("hello")).startswith("wamid.")
    posts = [r for r in graph.requests if r.method == "POST"]
    assert len(posts) == 4 and len(graph.sent) == 4
    backoffs = ticks.slept[-3:]
    assert backoffs == sorted(backoffs) and backoffs[0] < backoffs[-1]


def test_a_permanent_refusal_is_not_retried(api, graph):
    graph.fail_next((400, 131026))
    with pytest.raises(WhatsAppError) as refused:
        api.send(WA, Text("hello"))
    assert refused.value.permanent and refused.value.code == 131026
    assert len(graph.sent) == 1


def test_throttling_that_never_ends_gives_up_as_retryable(api, graph):
    graph.fail_next(*[(429, 130429)] * 5)
    with pytest.raises(WhatsAppError) as refused:
        api.send(WA, Text("hello"))
    assert not refused.value.permanent and len(graph.sent) == 5


def test_sends_are_paced_to_the_number_and_to_each_user(graph, ticks):
    api = CloudApiClient(graph.url, PHONE_ID, TOKEN, sleep=ticks.sleep, monotonic=ticks,
                         rate_per_second=80, user_interval=6)  # fmt: skip
    start = ticks.now
    for i in range(4):
        api.send(f"9198300000{i:02d}", Text("hi"))
    assert ticks.now - start == pytest.approx(3 / 80), "80 a second to different users"
    api.send("919830000000", Text("again"))
    assert ticks.now - start == pytest.approx(6), "about one per 6 s to the same user"
    api.close()


# --- the 24-hour window ---------------------------------------------------------------------


def test_free_form_only_within_24_hours_of_the_users_last_message():
    last = NOW - timedelta(hours=23, minutes=59)
    require_window(Text("hi"), last, NOW)
    for too_old in (NOW - timedelta(hours=24), None):
        with pytest.raises(OutsideWindow):
            require_window(Text("hi"), too_old, NOW)
        require_window(Template("sevasetu_booking_reminder", "en"), too_old, NOW)


def test_template_parameters_follow_the_english_text():
    params = {"name": "Mita", "dose": "TD10", "place": "Dogachhi", "day": "2026-11-21",
              "time": "09:30", "ref": "AB12CD34"}  # fmt: skip
    t = template_for(Kind.BOOKING_CONFIRMED, "bn", params)
    assert t.name == "sevasetu_booking_confirmed" and t.language == "bn"
    assert t.params == ("Mita", "TD10", "Dogachhi", "2026-11-21", "09:30", "AB12CD34")
    assert graph_body(t)[0] == "template"


# --- through the database: the worker's sends, failures, notifications ---------------------


@pytest.fixture
def ctx(database_url, clock, sms, graph) -> Iterator[AppContext]:
    settings = Settings(database_url=database_url, environment="test",
                        secret_key="test-secret-key-0123456789",
                        identifier_key="test-identifier-key-0123",
                        **whatsapp_settings(graph.url))  # fmt: skip
    gateway = CloudApiClient(graph.url, PHONE_ID, TOKEN, sleep=lambda _: None)
    context = AppContext(settings, sms=sms, clock=clock, whatsapp=gateway,
                         passwords=Argon2Passwords(time_cost=1, memory_cost=1024))  # fmt: skip
    load_geography(context)
    yield context
    context.close()


def wrote_at(ctx, when: datetime, wa_id: str = WA) -> None:
    with ctx.uow(write=True) as uow:
        uow.whatsapp.touch_conversation(wa_id, "", when, when)
        uow.commit()


def test_a_reply_outside_the_window_is_refused_and_kept_as_failed(ctx, graph, clock):
    wrote_at(ctx, ctx.now() - timedelta(hours=25))
    with ctx.uow(write=True) as uow:
        queue_reply(ctx, uow, WA, Text("too late"))
        queue_reply(ctx, uow, WA, Template("sevasetu_booking_reminder", "en", ("Mita",)))
        uow.commit()
    done = send_due(ctx, "w")
    assert (done.sent, done.failed) == (1, 1)
    assert [m["type"] for m in graph.sent] == ["template"]
    (failed,) = failed_messages(ctx)
    assert failed.error == OUTSIDE_WINDOW and failed.kind == "text"


def test_a_permanent_failure_is_recorded_and_visible_to_staff(ctx, graph, clock):
    wrote_at(ctx, ctx.now())
    graph.fail_next((400, 131047))
    with ctx.uow(write=True) as uow:
        queue_reply(ctx, uow, WA, Text("hello"))
        uow.commit()
    assert send_due(ctx, "w").failed == 1
    (failed,) = failed_messages(ctx)
    assert "131047" in failed.error and failed.status == "failed"
    # A transient failure that outlasts the client's own five tries is retried by the
    # worker after its backoff.
    with ctx.uow(write=True) as uow:
        queue_reply(ctx, uow, WA, Text("hello again"))
        uow.commit()
    graph.fail_next(*[(500, 1)] * 5)
    assert send_due(ctx, "w").retrying == 1
    assert send_due(ctx, "w").sent == 0, "not before its backoff"
    clock.advance(minutes=1)
    assert send_due(ctx, "w").sent == 1


def test_notifications_over_whatsapp_are_templates_outside_the_window_text_inside(ctx, graph):
    params = {"name": "মিতা দাস", "dose": "TD10", "place": "Dogachhi", "day": "2026-11-21",
              "time": "09:30", "ref": "AB12CD34"}  # fmt: skip
    with ctx.uow(write=True) as uow:
        enqueue(ctx, uow, kind=Kind.BOOKING_CONFIRMED, recipient=Recipient("+" + WA, "bn"),
                state_code="IN-WB", dedupe_key="confirmed:x", params=params,
                channel="whatsapp")  # fmt: skip
        uow.commit()
    assert deliver_due(ctx, "w").sent == 1
    (template,) = graph.sent
    assert template["type"] == "template" and template["to"] == WA
    assert template["template"]["name"] == "sevasetu_booking_confirmed"
    assert template["template"]["components"][0]["parameters"][0]["text"] == "মিতা দাস"

    wrote_at(ctx, ctx.now())  # the citizen wrote: inside the window, the text itself
    with ctx.uow(write=True) as uow:
        enqueue(ctx, uow, kind=Kind.BOOKING_CONFIRMED, recipient=Recipient("+" + WA, "bn"),
                state_code="IN-WB", dedupe_key="confirmed:y", params=params,
                channel="whatsapp")  # fmt: skip
        enqueue(ctx, uow, kind=Kind.BOOKING_REMINDER, recipient=Recipient("+" + WA, "bn"),
                state_code="IN-WB", dedupe_key="reminder:y", params=params,
                channel="whatsapp")  # fmt: skip
        uow.commit()
    assert deliver_due(ctx, "w").sent == 2
    kinds = sorted(m["type"] for m in graph.sent[1:])
    assert kinds == ["template", "text"], "a reminder is always a template"
    text = next(m for m in graph.sent[1:] if m["type"] == "text")
    assert "মিতা দাস" in text["text"]["body"]
    with ctx.uow() as uow:
        recorded = uow.whatsapp.outbound_of(WA)
    assert len(recorded) == 3 and all(o.notification_id and o.wa_message_id for o in recorded)


def test_a_notification_refused_for_good_ends_failed_in_the_outbox(ctx, graph):
    graph.fail_next((400, 131026))
    with ctx.uow(write=True) as uow:
        enqueue(ctx, uow, kind=Kind.BOOKING_REMINDER, recipient=Recipient("+" + WA, "en"),
                state_code="IN-WB", dedupe_key="reminder:z", params={"name": "Mita"},
                channel="whatsapp")  # fmt: skip
        uow.commit()
    assert deliver_due(ctx, "w").failed == 1
    with ctx.uow() as uow:
        (failed,) = uow.notifications.failed(["IN-WB"])
    assert failed.status is NotificationStatus.FAILED and "131026" in failed.last_error


def test_one_users_replies_go_out_in_order_even_across_workers(ctx, graph, clock):
    wrote_at(ctx, ctx.now())
    wrote_at(ctx, ctx.now(), "8801712345678")
    with ctx.uow(write=True) as uow:
        for words in ("one", "two", "three"):
            queue_reply(ctx, uow, WA, Text(words))
        queue_reply(ctx, uow, "8801712345678", Text("ek"))
        uow.commit()
    with ctx.uow(write=True) as uow:  # a worker takes what it may, and holds it
        now = ctx.now()
        held = uow.whatsapp.claim_outbound("a", now, now - timedelta(minutes=5), 10)
        uow.commit()
    assert [o.body["text"]["body"] for o in held] == ["one", "ek"], "not two of one user"
    graph.fail_next(*[(503, 1)] * 5)  # "one" fails for now: "two" must wait behind it
    for o in held:
        o.status, o.error = ("queued", "503") if o.wa_id == WA else ("sent", "")
        o.next_attempt_at = now + timedelta(minutes=1)
        with ctx.uow(write=True) as uow:
            uow.whatsapp.finish_outbound(o, "a")
            uow.commit()
    assert send_due(ctx, "b").sent == 0, "'two' waits for 'one'"
    clock.advance(minutes=1)
    graph.failures.clear()
    assert send_due(ctx, "b").sent == 3, "in rounds, one of the user's at a time"
    assert [m["text"]["body"] for m in graph.sent] == ["one", "two", "three"]
