"""WhatsApp conversations, inbound and outbound messages, delivery statuses and media."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ....domain.chat_messages import (
    Conversation,
    Inbound,
    Outbound,
    StatusUpdate,
    StoredInbound,
    later_status,
)
from ..tables import (
    whatsapp_chat_states,
    whatsapp_conversations,
    whatsapp_inbound,
    whatsapp_media,
    whatsapp_outbound,
    whatsapp_statuses,
)
from ..upsert import upsert
from .base import Repository

_CV = whatsapp_conversations.c
_IN = whatsapp_inbound.c
_OUT = whatsapp_outbound.c
_ST = whatsapp_statuses.c
_CS = whatsapp_chat_states.c


def _conversation(row: Any) -> Conversation:
    m = row._mapping
    return Conversation(wa_id=m["wa_id"], language=m["language"], profile_name=m["profile_name"],
                        consent_shown_at=m["consent_shown_at"],
                        last_inbound_at=m["last_inbound_at"], step=m["step"] or "start",
                        answers=dict(m["answers"] or {}), active_at=m["active_at"],
                        opted_out_at=m["opted_out_at"])  # fmt: skip


def _inbound(row: Any) -> StoredInbound:
    m = row._mapping
    message = Inbound(
        message_id=m["message_id"], wa_id=m["wa_id"], type=m["type"], sent_at=m["sent_at"],
        text=m["text"], reply_id=m["reply_id"], media_id=m["media_id"], raw=dict(m["payload"]),
    )  # fmt: skip
    return StoredInbound(id=m["id"], message=message, status=m["status"], attempts=m["attempts"],
                         received_at=m["received_at"], processed_at=m["processed_at"],
                         error=m["error"])  # fmt: skip


def _outbound(row: Any) -> Outbound:
    m = row._mapping
    delivery = m.get("delivery")
    return Outbound(
        id=m["id"], wa_id=m["wa_id"], kind=m["kind"], body=dict(m["body"]),
        created_at=m["created_at"], next_attempt_at=m["next_attempt_at"], status=m["status"],
        attempts=m["attempts"], notification_id=m["notification_id"],
        wa_message_id=m["wa_message_id"], sent_at=m["sent_at"], error=m["error"],
        delivery=delivery, delivery_errors=tuple(m.get("delivery_errors") or ()),
    )  # fmt: skip


class WhatsAppRepository(Repository):
    # --- conversations ---------------------------------------------------------------------

    def touch_conversation(self, wa_id: str, profile_name: str, last_inbound_at: datetime,
                           now: datetime) -> None:  # fmt: skip
        """Create it if new; move its last inbound time forward (never back). One statement:
        the webhook runs it for every message."""
        insert_ = pg_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
        stmt = insert_(whatsapp_conversations).values(
            wa_id=wa_id,
            language=None,
            profile_name=profile_name[:120],
            consent_shown_at=None,
            last_inbound_at=last_inbound_at,
            claimed_by=None,
            claimed_at=None,
            created_at=now,
        )
        new = stmt.excluded
        later = or_(_CV.last_inbound_at.is_(None), _CV.last_inbound_at < new.last_inbound_at)
        self.conn.execute(stmt.on_conflict_do_update(index_elements=["wa_id"], set_={
            "last_inbound_at": case((later, new.last_inbound_at), else_=_CV.last_inbound_at),
            "profile_name": case((new.profile_name != "", new.profile_name),
                                 else_=_CV.profile_name),
        }))  # fmt: skip

    def conversation(self, wa_id: str) -> Conversation | None:
        row = self.conn.execute(
            select(whatsapp_conversations, _CS.step, _CS.answers, _CS.active_at,
                   _CS.opted_out_at)
            .outerjoin(whatsapp_chat_states, _CS.wa_id == _CV.wa_id)
            .where(_CV.wa_id == wa_id)
        ).one_or_none()  # fmt: skip
        return _conversation(row) if row else None

    def save_conversation(self, c: Conversation, now: datetime, *, settings: bool = True) -> None:
        """The flow's state; the language and consent too unless ``settings`` is False (they
        did not change)."""
        if settings:
            self.conn.execute(update(whatsapp_conversations).where(_CV.wa_id == c.wa_id).values(
                language=c.language, consent_shown_at=c.consent_shown_at))  # fmt: skip
        upsert(self.conn, whatsapp_chat_states, [{
            "wa_id": c.wa_id, "step": c.step[:40], "answers": c.answers,
            "active_at": c.active_at, "opted_out_at": c.opted_out_at,
            "updated_at": now,
        }], ["wa_id"])  # fmt: skip

    def opted_out(self, wa_id: str) -> bool:
        """Whether the user said STOP (and not START since)."""
        at = self.conn.execute(
            select(_CS.opted_out_at).where(_CS.wa_id == wa_id)
        ).scalar_one_or_none()
        return at is not None

    def claim_conversations(self, worker: str, now: datetime, stale_before: datetime,
                            limit: int) -> list[str]:  # fmt: skip
        """Conversations with unprocessed messages that no live worker holds, each taken with
        an UPDATE that succeeds only if nobody took it first."""
        free = or_(_CV.claimed_by.is_(None), _CV.claimed_at < stale_before)
        oldest = func.min(_IN.seq)
        candidates = self.conn.execute(
            select(_IN.wa_id).join(whatsapp_conversations, _CV.wa_id == _IN.wa_id)
            .where(_IN.status == "pending", free)
            .group_by(_IN.wa_id).order_by(oldest).limit(limit)
        ).scalars().all()  # fmt: skip
        if not candidates:
            return []
        # One UPDATE for all: it takes only those still free when it runs.
        taken = set(self.conn.execute(
            update(whatsapp_conversations).where(_CV.wa_id.in_(candidates), free)
            .values(claimed_by=worker, claimed_at=now).returning(_CV.wa_id)
        ).scalars())  # fmt: skip
        return [wa_id for wa_id in candidates if wa_id in taken]

    def release(self, wa_id: str | list[str], worker: str) -> None:
        ids = [wa_id] if isinstance(wa_id, str) else wa_id
        self.conn.execute(
            update(whatsapp_conversations).where(_CV.wa_id.in_(ids), _CV.claimed_by == worker)
            .values(claimed_by=None, claimed_at=None)
        )  # fmt: skip

    def holds(self, wa_id: str, worker: str) -> bool:
        """Whether the worker still holds the conversation (locked on PostgreSQL until the
        transaction ends, so that nobody takes it over meanwhile)."""
        holder = self.conn.execute(
            self.for_update(select(_CV.claimed_by).where(_CV.wa_id == wa_id))
        ).scalar_one_or_none()
        return bool(holder == worker)

    # --- inbound --------------------------------------------------------------------------

    def add_inbound(self, row_id: str, m: Inbound, received_at: datetime) -> bool:
        """Store it unless its message id is known (the unique constraint decides, in one
        statement); True if it was new."""
        insert_ = pg_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
        stmt = insert_(whatsapp_inbound).values(
            id=row_id, message_id=m.message_id, wa_id=m.wa_id, type=m.type, text=m.text,
            reply_id=m.reply_id, media_id=m.media_id, payload=m.raw, sent_at=m.sent_at,
            received_at=received_at, status="pending", attempts=0, processed_at=None, error="",
        ).on_conflict_do_nothing(index_elements=["message_id"])  # fmt: skip
        # RETURNING, not rowcount: psycopg reports -1 for a skipped or an inserted row here.
        return self.conn.execute(stmt.returning(_IN.seq)).first() is not None

    def next_pending(self, wa_id: str) -> StoredInbound | None:
        """The conversation's oldest unprocessed message, in the order they arrived."""
        row = self.conn.execute(
            select(whatsapp_inbound).where(_IN.wa_id == wa_id, _IN.status == "pending")
            .order_by(_IN.seq).limit(1)
        ).one_or_none()  # fmt: skip
        return _inbound(row) if row else None

    def finish_inbound(self, row_id: str, status: str, now: datetime, error: str = "") -> None:
        self.conn.execute(
            update(whatsapp_inbound).where(_IN.id == row_id, _IN.status == "pending")
            .values(status=status, processed_at=now, error=error[:300])
        )  # fmt: skip

    def count_attempt(self, row_id: str, error: str) -> int:
        self.conn.execute(update(whatsapp_inbound).where(_IN.id == row_id)
                          .values(attempts=_IN.attempts + 1, error=error[:300]))  # fmt: skip
        return int(self.conn.execute(select(_IN.attempts).where(_IN.id == row_id)).scalar_one())

    def inbound_of(self, wa_id: str, limit: int = 500) -> list[StoredInbound]:
        rows = self.conn.execute(
            select(whatsapp_inbound).where(_IN.wa_id == wa_id)
            .order_by(_IN.seq).limit(limit)
        )  # fmt: skip
        return [_inbound(r) for r in rows]

    # --- statuses -------------------------------------------------------------------------

    def record_status(self, s: StatusUpdate, now: datetime) -> bool:
        """Keep the furthest status of a message, whatever order they come in."""
        upsert(self.conn, whatsapp_statuses, [{
            "wa_message_id": s.message_id, "recipient": s.recipient[:64], "status": s.status,
            "status_at": s.at, "errors": list(s.errors), "updated_at": now}],
            ["wa_message_id"], update=False)  # fmt: skip
        current = self.conn.execute(
            self.for_update(select(_ST.status, _ST.status_at)
                            .where(_ST.wa_message_id == s.message_id))
        ).one()  # fmt: skip
        if current.status == s.status or not later_status(current.status, s.status):
            return False
        self.conn.execute(
            update(whatsapp_statuses).where(_ST.wa_message_id == s.message_id)
            .values(status=s.status, status_at=s.at, errors=list(s.errors), updated_at=now)
        )  # fmt: skip
        return True

    # --- outbound -------------------------------------------------------------------------

    def queue(self, o: Outbound) -> None:
        self.conn.execute(insert(whatsapp_outbound).values(
            id=o.id, wa_id=o.wa_id, kind=o.kind, body=o.body, notification_id=o.notification_id,
            wa_message_id=o.wa_message_id, status=o.status, attempts=o.attempts,
            next_attempt_at=o.next_attempt_at, claimed_by=None, claimed_at=None,
            sent_at=o.sent_at, error=o.error[:300], created_at=o.created_at))  # fmt: skip

    def _claimable(self, now: datetime, stale_before: datetime) -> Any:
        """Due (or abandoned by a dead worker), and the oldest unsent of its conversation:
        one user's replies go out in order, never two at once."""
        earlier = whatsapp_outbound.alias("earlier")
        waiting = (
            select(earlier.c.seq)
            .where(earlier.c.wa_id == _OUT.wa_id, earlier.c.seq < _OUT.seq,
                   earlier.c.status.in_(("queued", "sending")))
            .exists()
        )  # fmt: skip
        due = or_(and_(_OUT.status == "queued", _OUT.next_attempt_at <= now),
                  and_(_OUT.status == "sending", _OUT.claimed_at < stale_before))  # fmt: skip
        return and_(due, ~waiting)

    def claim_outbound(self, worker: str, now: datetime, stale_before: datetime,
                       limit: int) -> list[Outbound]:  # fmt: skip
        ids = self.conn.execute(
            select(_OUT.id).where(self._claimable(now, stale_before))
            .order_by(_OUT.seq).limit(limit)
        ).scalars().all()  # fmt: skip
        claimed = []
        for oid in ids:
            taken = self.conn.execute(
                update(whatsapp_outbound).where(_OUT.id == oid, self._claimable(now, stale_before))
                .values(status="sending", claimed_by=worker, claimed_at=now,
                        attempts=_OUT.attempts + 1)
            ).rowcount  # fmt: skip
            if taken == 1:
                claimed.append(_outbound(self.conn.execute(
                    select(whatsapp_outbound).where(_OUT.id == oid)).one()))  # fmt: skip
        return claimed

    def finish_outbound(self, o: Outbound, worker: str) -> None:
        self.conn.execute(
            update(whatsapp_outbound)
            .where(_OUT.id == o.id, _OUT.claimed_by == worker, _OUT.status == "sending")
            .values(status=o.status, wa_message_id=o.wa_message_id, sent_at=o.sent_at,
                    next_attempt_at=o.next_attempt_at, error=o.error[:300])
        )  # fmt: skip

    def outbound_of(self, wa_id: str, limit: int = 500) -> list[Outbound]:
        rows = self.conn.execute(
            select(whatsapp_outbound, _ST.status.label("delivery"),
                   _ST.errors.label("delivery_errors"))
            .outerjoin(whatsapp_statuses, _ST.wa_message_id == _OUT.wa_message_id)
            .where(_OUT.wa_id == wa_id).order_by(_OUT.seq).limit(limit)
        )  # fmt: skip
        return [_outbound(r) for r in rows]

    def outbound_failed(self, limit: int = 200) -> list[Outbound]:
        """Messages we gave up on, or that WhatsApp reported failed: for staff to see."""
        rows = self.conn.execute(
            select(whatsapp_outbound, _ST.status.label("delivery"),
                   _ST.errors.label("delivery_errors"))
            .outerjoin(whatsapp_statuses, _ST.wa_message_id == _OUT.wa_message_id)
            .where(or_(_OUT.status == "failed", _ST.status == "failed"))
            .order_by(_OUT.created_at.desc()).limit(limit)
        )  # fmt: skip
        return [_outbound(r) for r in rows]

    def status_of(self, wa_message_id: str) -> tuple[str, list[dict[str, Any]]] | None:
        query = select(_ST.status, _ST.errors).where(_ST.wa_message_id == wa_message_id)
        row = self.conn.execute(query).one_or_none()
        return (row.status, list(row.errors)) if row else None

    def last_inbound_at(self, wa_id: str) -> datetime | None:
        return self.conn.execute(  # type: ignore[no-any-return]
            select(_CV.last_inbound_at).where(_CV.wa_id == wa_id)
        ).scalar_one_or_none()

    # --- media ----------------------------------------------------------------------------

    def add_media(self, row: dict[str, Any]) -> None:
        upsert(self.conn, whatsapp_media, [row], ["media_id"], update=False)

    def media(self, media_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            select(whatsapp_media).where(whatsapp_media.c.media_id == media_id)
        ).one_or_none()
        return dict(row._mapping) if row else None
