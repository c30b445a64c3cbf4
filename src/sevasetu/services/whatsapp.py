"""WhatsApp: store what arrives, process each conversation in order, send what is queued.

Never lose, never repeat: an inbound message is stored (deduplicated by its message id) before
the webhook answers (with the POSTs that arrive together, in one transaction); the worker
claims conversations with a conditional upsert and processes the oldest unprocessed message
of each in one transaction with the replies it queues and the mark "processed" (a round of
many conversations shares that transaction), so a crash at any point leaves the message to be
processed again, once.
"""

from __future__ import annotations

import copy
import hashlib
import logging
from dataclasses import dataclass, replace
from datetime import datetime

from ..domain.access import Action, Principal, Role, require
from ..domain.chat_messages import (
    Conversation,
    Inbound,
    Outbound,
    OutboundMessage,
    StatusUpdate,
    StoredInbound,
    Text,
    graph_body,
    template_for,
    window_open,
)
from ..domain.errors import Forbidden
from ..domain.notifications import CLAIM_TIMEOUT, MAX_ATTEMPTS, Kind, Notification, backoff
from . import chat
from .audit import record
from .ports import Context, UnitOfWork

log = logging.getLogger("sevasetu.whatsapp")
MEDIA_TYPES = frozenset({"image", "document"})
MAX_PROCESSING_ATTEMPTS = 5  # a message that fails this often is set aside as failed
OUTSIDE_WINDOW = "outside the 24-hour window: only a template may be sent"


@dataclass(frozen=True, slots=True)
class Received:
    stored: int = 0
    duplicates: int = 0
    statuses: int = 0
    media: int = 0


@dataclass(frozen=True, slots=True)
class Stored:
    """One POST's share of a group stored together: its new messages (those to fetch media
    for), how many were duplicates, how many statuses were new or moved forward."""

    new: list[Inbound]
    duplicates: int
    statuses: int


Post = tuple[list[Inbound], list[StatusUpdate]]  # one webhook POST, parsed


def store(ctx: Context, posts: list[Post]) -> list[Stored]:
    """Store the messages and statuses of one or more webhook POSTs in one transaction, as if
    one after the other (a message id seen earlier in the group is a duplicate): the
    webhook's group commit writes the POSTs that arrive together so, each acknowledged only
    once this commits."""
    now = ctx.now()
    rows = [(ctx.new_id(), m) for messages, _ in posts for m in messages]
    with ctx.uow(write=True) as uow:
        new_ids = uow.whatsapp.store_inbound(rows, now, now)
        changed = uow.whatsapp.record_statuses([s for _, sts in posts for s in sts], now)
        uow.commit()
    result = []
    for messages, _ in posts:
        new = []
        for m in messages:
            if m.message_id in new_ids:
                new_ids.discard(m.message_id)
                new.append(m)
        result.append(Stored(new, len(messages) - len(new), 0))
    if result and changed:  # the count is the group's: told once, with the first POST
        result[0] = replace(result[0], statuses=changed)
    return result


def fetch_all_media(ctx: Context, new: list[Inbound]) -> int:
    return sum(fetch_media(ctx, m) for m in new if m.type in MEDIA_TYPES and m.media_id)


def receive(ctx: Context, messages: list[Inbound], statuses: list[StatusUpdate]) -> Received:
    """Store one webhook POST's messages and statuses in one transaction, then fetch media."""
    (stored,) = store(ctx, [(messages, statuses)])
    fetched = fetch_all_media(ctx, stored.new)
    return Received(len(stored.new), stored.duplicates, stored.statuses, fetched)


def fetch_media(ctx: Context, m: Inbound) -> bool:
    """Download an image or document at once (its URL lives minutes) and store it with its
    sha256. A failure is logged; the message itself is kept and processed regardless."""
    limit = ctx.settings.whatsapp_media_max_bytes
    try:
        content, mime_type = ctx.whatsapp.download_media(m.media_id, limit)
    except Exception as exc:
        log.warning("WhatsApp media %s of message %s not fetched: %s", m.media_id,
                    m.message_id, exc)  # fmt: skip
        return False
    with ctx.uow(write=True) as uow:
        uow.whatsapp.add_media({
            "media_id": m.media_id, "message_id": m.message_id, "wa_id": m.wa_id,
            "mime_type": (m.mime_type or mime_type)[:100], "filename": m.filename[:200],
            "size": len(content), "sha256": hashlib.sha256(content).hexdigest(),
            "content": content, "created_at": ctx.now(),
        })  # fmt: skip
        uow.commit()
    return True


def queue_reply(ctx: Context, uow: UnitOfWork, wa_id: str, message: OutboundMessage,
                notification_id: str | None = None) -> Outbound:  # fmt: skip
    out = _outbound(ctx, wa_id, message, ctx.now(), notification_id)
    uow.whatsapp.queue(out)
    return out


@dataclass(frozen=True, slots=True)
class Processed:
    processed: int = 0
    failed: int = 0


def process_pending(ctx: Context, worker: str, limit: int = 50) -> Processed:
    """Claim conversations with unprocessed messages and work through them in rounds: each
    round runs the flow for the oldest pending message of every claimed conversation, then
    queues all their replies, saves all their states and marks all those messages processed
    in one transaction (the statements and the commit are shared by the round, not paid per
    message); never two workers on one conversation, each conversation in order.

    A message whose flow fails stops its conversation for this call (the later ones wait
    behind it) and leaves the others alone; it is tried again next call, and set aside as
    failed after ``MAX_PROCESSING_ATTEMPTS``. Should the round's transaction fail, each of
    its conversations is written alone, so one bad conversation never holds up the rest."""
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        claimed = uow.whatsapp.claim_conversations(worker, now, now - CLAIM_TIMEOUT, limit)
        uow.commit()
    processed = failed = 0
    try:
        if claimed:
            # Read once: only this worker changes them while it holds them.
            with ctx.uow() as uow:
                conversations = uow.whatsapp.conversations(claimed)
                due = uow.whatsapp.next_pending_of(claimed)
            while due:
                done, set_aside, due = _round(ctx, worker, conversations, due)
                processed += done
                failed += set_aside
    finally:
        if claimed:
            with ctx.uow(write=True) as uow:
                uow.whatsapp.release(claimed, worker)
                uow.commit()
    return Processed(processed, failed)


@dataclass(slots=True)
class _Ran:
    """One conversation's message run through the flow, waiting to be written."""

    conversation: Conversation
    working: Conversation
    item: StoredInbound
    replies: list[OutboundMessage]


def _round(
    ctx: Context, worker: str, conversations: dict[str, Conversation],
    due: dict[str, StoredInbound],
) -> tuple[int, int, dict[str, StoredInbound]]:  # fmt: skip
    """Process one pending message of each conversation in ``due``; how many were processed,
    how many set aside as failed, and the next message of each conversation that goes on."""
    ran: list[_Ran] = []
    going_on: list[str] = []  # a message set aside as failed: its conversation moves on
    failed = 0
    for wa_id, item in due.items():
        conversation = conversations[wa_id]
        # The flow runs outside the transaction below: its steps call services (booking,
        # registering) that open their own. Each of those finds what an earlier, crashed run
        # of the same message did, so running it again changes nothing twice. The
        # conversation is changed on a copy, kept only when the transaction commits.
        working = replace(conversation, answers=copy.deepcopy(conversation.answers))
        try:
            replies = chat.handle(ctx, working, item.message)
        except Exception as exc:
            if _failed(ctx, item, exc) == "failed":
                failed += 1
                going_on.append(wa_id)
            continue
        ran.append(_Ran(conversation, working, item, replies))
    try:
        written, following = _write(ctx, worker, ran, going_on)
    except Exception:
        log.exception("WhatsApp: a round of %d messages not written; each alone", len(ran))
        written = []
        for one in ran:
            try:
                written += _write(ctx, worker, [one], [])[0]
            except Exception as exc:
                if _failed(ctx, one.item, exc) == "failed":
                    failed += 1
                    going_on.append(one.conversation.wa_id)
        with ctx.uow() as uow:
            following = uow.whatsapp.next_pending_of(written + going_on)
    return len(written), failed, following


def _write(
    ctx: Context, worker: str, ran: list[_Ran], going_on: list[str]
) -> tuple[list[str], dict[str, StoredInbound]]:
    """Replies, states and "processed" marks of a round in one transaction, for the
    conversations this worker still holds; those written, and the next pending message of
    those and of ``going_on``, read in the same transaction."""
    if not ran and not going_on:
        return [], {}
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        held = uow.whatsapp.held([r.conversation.wa_id for r in ran], worker)
        mine = [r for r in ran if r.conversation.wa_id in held]
        uow.whatsapp.queue_many([
            _outbound(ctx, r.conversation.wa_id, reply, now) for r in mine
            for reply in r.replies])  # fmt: skip
        uow.whatsapp.save_conversations([(r.working, _settings_changed(r)) for r in mine], now)
        uow.whatsapp.finish_many([r.item.id for r in mine], now)
        written = [r.conversation.wa_id for r in mine]
        following = uow.whatsapp.next_pending_of(written + going_on)
        # Replies, states and the "processed" marks commit together; should a crash lose
        # the last of these commits, the messages are simply processed again.
        uow.defer_durability()
        uow.commit()
    for r in mine:
        _keep(r.conversation, r.working)
    return written, following


def _settings_changed(r: _Ran) -> bool:
    before, after = r.conversation, r.working
    return (after.language, after.consent_shown_at) != (before.language, before.consent_shown_at)


def _outbound(ctx: Context, wa_id: str, message: OutboundMessage, now: datetime,
              notification_id: str | None = None) -> Outbound:  # fmt: skip
    kind, body = graph_body(message)
    return Outbound(id=ctx.new_id(), wa_id=wa_id, kind=kind, body=body, created_at=now,
                    next_attempt_at=now, notification_id=notification_id)  # fmt: skip


def _failed(ctx: Context, item: StoredInbound, exc: Exception) -> str:
    """Count a failed attempt: "later" (tried again next call) or "failed" (set aside)."""
    log.error("WhatsApp message %s not processed", item.message.message_id, exc_info=exc)
    error = f"{type(exc).__name__}: {exc}"
    with ctx.uow(write=True) as uow:
        attempts = uow.whatsapp.count_attempt(item.id, error)
        if attempts >= MAX_PROCESSING_ATTEMPTS:
            uow.whatsapp.finish_inbound(item.id, "failed", ctx.now(), error)
        uow.commit()
    return "later" if attempts < MAX_PROCESSING_ATTEMPTS else "failed"


def _keep(conversation: Conversation, working: Conversation) -> None:
    for name in ("language", "consent_shown_at", "step", "answers", "active_at", "opted_out_at"):
        setattr(conversation, name, getattr(working, name))


@dataclass(frozen=True, slots=True)
class Sent:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def send_due(ctx: Context, worker: str, limit: int = 50) -> Sent:
    """Send queued replies outside any transaction; free-form ones only inside the window.
    A conversation's replies go one at a time, in order: each round claims the oldest unsent
    of each conversation, so rounds repeat while there is something to send."""
    sent = retrying = failed = 0
    while sent + retrying + failed < limit:
        now = ctx.now()
        with ctx.uow(write=True) as uow:
            claimed = uow.whatsapp.claim_outbound(
                worker, now, now - CLAIM_TIMEOUT, limit - sent - retrying - failed
            )
            uow.commit()
        if not claimed:
            break
        for o in claimed:
            _send_one(ctx, worker, o)
            sent += o.status == "sent"
            failed += o.status == "failed"
            retrying += o.status == "queued"
    return Sent(sent, retrying, failed)


def _send_one(ctx: Context, worker: str, o: Outbound) -> None:
    with ctx.uow() as uow:
        last = uow.whatsapp.last_inbound_at(o.wa_id)
    try:
        if o.kind != "template" and not window_open(last, ctx.now()):
            o.status, o.error = "failed", OUTSIDE_WINDOW
        else:
            o.wa_message_id = ctx.whatsapp.send_body(o.wa_id, o.body)
            o.status, o.sent_at = "sent", ctx.now()
    except Exception as exc:
        o.error = f"{type(exc).__name__}: {exc}"
        if getattr(exc, "permanent", False) or o.attempts >= MAX_ATTEMPTS:
            o.status = "failed"
        else:
            o.status, o.next_attempt_at = "queued", ctx.now() + backoff(o.attempts)
    with ctx.uow(write=True) as uow:
        uow.whatsapp.finish_outbound(o, worker)
        uow.commit()


class WhatsAppNotifier:
    """The outbox's WhatsApp channel: a notification goes as its text inside the user's
    24-hour window, else (and a reminder always) as the approved template
    ``sevasetu_<kind>`` (``domain.chat_messages.template_for``). Each is recorded in
    ``whatsapp_outbound`` with WhatsApp's message id, so delivery statuses reach it."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def send(self, phone: str, text: str) -> None:
        """A bare text (no kind to make a template of): only inside the window."""
        self._send(phone.lstrip("+"), Text(text), None)

    def send_notification(self, n: Notification) -> None:
        wa_id = n.recipient.lstrip("+")
        with self.ctx.uow() as uow:
            last = uow.whatsapp.last_inbound_at(wa_id)
            if uow.whatsapp.opted_out(wa_id):
                raise OptedOut(f"{wa_id} said STOP on WhatsApp: nothing is sent")
        message: OutboundMessage
        if n.kind is Kind.BOOKING_REMINDER or not window_open(last, self.ctx.now()):
            message = template_for(n.kind, n.language, n.params)
        else:
            message = Text(n.text())
        self._send(wa_id, message, n.id)

    def _send(self, wa_id: str, message: OutboundMessage, notification_id: str | None) -> None:
        kind, body = graph_body(message)
        if kind != "template":
            with self.ctx.uow() as uow:
                last = uow.whatsapp.last_inbound_at(wa_id)
            if not window_open(last, self.ctx.now()):
                raise WindowClosed(OUTSIDE_WINDOW)
        wamid = self.ctx.whatsapp.send_body(wa_id, body)
        now = self.ctx.now()
        with self.ctx.uow(write=True) as uow:
            uow.whatsapp.queue(Outbound(
                id=self.ctx.new_id(), wa_id=wa_id, kind=kind, body=body, created_at=now,
                next_attempt_at=now, status="sent", attempts=1, wa_message_id=wamid,
                sent_at=now, notification_id=notification_id))  # fmt: skip
            uow.commit()


class WindowClosed(Exception):
    permanent = True


class OptedOut(Exception):
    permanent = True


@dataclass(frozen=True, slots=True)
class ConversationLog:
    wa_id: str
    language: str | None
    inbound: list[StoredInbound]
    outbound: list[Outbound]


def conversation_messages(ctx: Context, principal: Principal, wa_id: str) -> ConversationLog:
    """A conversation's messages both ways, with their statuses. Conversations are not yet
    tied to an area, so only state admins may read them; each read is audited."""
    require(principal, Action.PERSON_READ)
    if principal.role is not Role.STATE_ADMIN:
        raise Forbidden(action="read WhatsApp conversations")
    with ctx.uow(write=True) as uow:
        conversation = uow.whatsapp.conversation(wa_id)
        log_ = ConversationLog(
            wa_id=wa_id, language=conversation.language if conversation else None,
            inbound=uow.whatsapp.inbound_of(wa_id), outbound=uow.whatsapp.outbound_of(wa_id),
        )  # fmt: skip
        record(ctx, uow, actor=principal, action="whatsapp.read",
               subject_type="conversation", subject_id=wa_id,
               state_code=principal.state_code)  # fmt: skip
        uow.commit()
    return log_


def failed_messages(ctx: Context, limit: int = 200) -> list[Outbound]:
    with ctx.uow() as uow:
        return uow.whatsapp.outbound_failed(limit)  # type: ignore[no-any-return]
