"""WhatsApp: store what arrives, process each conversation in order, send what is queued.

Never lose, never repeat: an inbound message is stored (deduplicated by its message id) before
the webhook answers; the worker claims a conversation with a conditional UPDATE and processes
its oldest unprocessed message in one transaction with the replies it queues and the mark
"processed", so a crash at any point leaves the message to be processed again, once.
"""

from __future__ import annotations

import copy
import hashlib
import logging
from dataclasses import dataclass, replace

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


def receive(ctx: Context, messages: list[Inbound], statuses: list[StatusUpdate]) -> Received:
    """Store one webhook POST's messages and statuses in one transaction, then fetch media."""
    now = ctx.now()
    new: list[Inbound] = []
    changed = 0
    with ctx.uow(write=True) as uow:
        for m in messages:
            uow.whatsapp.touch_conversation(m.wa_id, m.profile_name, min(m.sent_at, now), now)
            if uow.whatsapp.add_inbound(ctx.new_id(), m, now):
                new.append(m)
        for s in statuses:
            changed += bool(uow.whatsapp.record_status(s, now))
        uow.commit()
    fetched = sum(fetch_media(ctx, m) for m in new if m.type in MEDIA_TYPES and m.media_id)
    return Received(len(new), len(messages) - len(new), changed, fetched)


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
    kind, body = graph_body(message)
    now = ctx.now()
    out = Outbound(id=ctx.new_id(), wa_id=wa_id, kind=kind, body=body, created_at=now,
                   next_attempt_at=now, notification_id=notification_id)  # fmt: skip
    uow.whatsapp.queue(out)
    return out


@dataclass(frozen=True, slots=True)
class Processed:
    processed: int = 0
    failed: int = 0


def process_pending(ctx: Context, worker: str, limit: int = 50) -> Processed:
    """Claim conversations with unprocessed messages and work through each one's messages,
    oldest first; never two workers on one conversation. A message whose processing fails
    stops its conversation for this round (the later ones wait behind it); it is tried again
    next round, and set aside as failed after ``MAX_PROCESSING_ATTEMPTS``."""
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        claimed = uow.whatsapp.claim_conversations(worker, now, now - CLAIM_TIMEOUT, limit)
        uow.commit()
    processed = failed = 0
    try:
        for wa_id in claimed:
            with ctx.uow() as uow:  # read once: only this worker changes it while it holds it
                conversation = uow.whatsapp.conversation(wa_id)
                item = uow.whatsapp.next_pending(wa_id)
            while conversation is not None and item is not None:
                outcome, item = _process(ctx, worker, conversation, item)
                processed += outcome == "done"
                failed += outcome == "failed"
    finally:
        if claimed:
            with ctx.uow(write=True) as uow:
                uow.whatsapp.release(claimed, worker)
                uow.commit()
    return Processed(processed, failed)


def _process(
    ctx: Context, worker: str, conversation: Conversation, item: StoredInbound
) -> tuple[str | None, StoredInbound | None]:
    """Process the conversation's oldest pending message; the outcome ("done"; "later" when
    it failed and will be retried; "failed" when set aside; None when the claim is no longer
    this worker's) and the next pending message, read in the same unit."""
    wa_id = conversation.wa_id
    try:
        # The flow runs outside the unit below: its steps call services (booking,
        # registering) that open their own. Each of those finds what an earlier, crashed run
        # of the same message did, so running it again changes nothing twice. The
        # conversation is changed on a copy, kept only when the unit below commits.
        working = replace(conversation, answers=copy.deepcopy(conversation.answers))
        replies = chat.handle(ctx, working, item.message)
        settings_changed = (working.language, working.consent_shown_at) != (
            conversation.language,
            conversation.consent_shown_at,
        )
        with ctx.uow(write=True) as uow:
            if not uow.whatsapp.holds(wa_id, worker):
                return None, None
            for reply in replies:
                queue_reply(ctx, uow, wa_id, reply)
            uow.whatsapp.save_conversation(working, ctx.now(), settings=settings_changed)
            uow.whatsapp.finish_inbound(item.id, "processed", ctx.now())
            following = uow.whatsapp.next_pending(wa_id)
            # Replies, state and the "processed" mark commit together; should a crash lose
            # the last of these commits, the message is simply processed again.
            uow.defer_durability()
            uow.commit()
        _keep(conversation, working)
        return "done", following
    except Exception as exc:
        log.exception("WhatsApp message %s not processed", item.message.message_id)
        error = f"{type(exc).__name__}: {exc}"
        with ctx.uow(write=True) as uow:
            attempts = uow.whatsapp.count_attempt(item.id, error)
            if attempts < MAX_PROCESSING_ATTEMPTS:
                uow.commit()
                return "later", None  # the later messages wait behind it
            uow.whatsapp.finish_inbound(item.id, "failed", ctx.now(), error)
            following = uow.whatsapp.next_pending(wa_id)
            uow.commit()
        return "failed", following


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
