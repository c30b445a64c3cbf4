"""WhatsApp conversations, inbound and outbound messages, delivery statuses and media."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ....domain.chat_messages import (
    STATUS_RANK,
    Conversation,
    Inbound,
    Outbound,
    StatusUpdate,
    StoredInbound,
    later_status,
)
from ..tables import (
    whatsapp_chat_states,
    whatsapp_claims,
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
_CL = whatsapp_claims.c


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
        """Create it if new; move its last inbound time forward (never back)."""
        self.touch_conversations([(wa_id, profile_name, last_inbound_at)], now)

    def touch_conversations(self, seen: list[tuple[str, str, datetime]], now: datetime) -> None:
        """``touch_conversation`` for each (wa_id, profile name, inbound time) as if one after
        the other, in one statement: once per conversation (its latest time, its last name
        given), in ``wa_id`` order so that concurrent writers lock rows alike."""
        latest: dict[str, tuple[datetime, str]] = {}
        for wa_id, name, at in seen:
            before = latest.get(wa_id)
            if before is not None:
                at, name = max(at, before[0]), name or before[1]
            latest[wa_id] = (at, name)
        if not latest:
            return
        insert_ = pg_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
        stmt = insert_(whatsapp_conversations)
        new = stmt.excluded
        later = or_(_CV.last_inbound_at.is_(None), _CV.last_inbound_at < new.last_inbound_at)
        self.conn.execute(stmt.on_conflict_do_update(index_elements=["wa_id"], set_={
            "last_inbound_at": case((later, new.last_inbound_at), else_=_CV.last_inbound_at),
            "profile_name": case((new.profile_name != "", new.profile_name),
                                 else_=_CV.profile_name),
        }), [{"wa_id": wa_id, "language": None, "profile_name": name[:120],
              "consent_shown_at": None, "last_inbound_at": at, "claimed_by": None,
              "claimed_at": None, "created_at": now}
             for wa_id, (at, name) in sorted(latest.items())])  # fmt: skip

    def conversation(self, wa_id: str) -> Conversation | None:
        row = self.conn.execute(
            select(whatsapp_conversations, _CS.step, _CS.answers, _CS.active_at,
                   _CS.opted_out_at)
            .outerjoin(whatsapp_chat_states, _CS.wa_id == _CV.wa_id)
            .where(_CV.wa_id == wa_id)
        ).one_or_none()  # fmt: skip
        return _conversation(row) if row else None

    def opted_out(self, wa_id: str) -> bool:
        """Whether the user said STOP (and not START since)."""
        at = self.conn.execute(
            select(_CS.opted_out_at).where(_CS.wa_id == wa_id)
        ).scalar_one_or_none()
        return at is not None

    def claim_conversations(self, worker: str, now: datetime, stale_before: datetime,
                            limit: int) -> list[str]:  # fmt: skip
        """Conversations with unprocessed messages that no live worker holds (no claim, or a
        claim older than ``stale_before``: a dead worker's), each taken with an upsert that
        succeeds only if nobody took it first; oldest waiting first."""
        live = (
            select(_CL.wa_id).where(_CL.wa_id == _IN.wa_id, _CL.claimed_at >= stale_before).exists()
        )
        candidates = self.conn.execute(
            select(_IN.wa_id).where(_IN.status == "pending", ~live)
            .group_by(_IN.wa_id).order_by(func.min(_IN.seq)).limit(limit)
        ).scalars().all()  # fmt: skip
        if not candidates:
            return []
        insert_ = pg_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
        stmt = insert_(whatsapp_claims)
        # One statement for all, in wa_id order (row locks always taken in that order): it
        # takes only those still free when it runs.
        taken = set(self.conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["wa_id"],
                set_={"claimed_by": stmt.excluded.claimed_by,
                      "claimed_at": stmt.excluded.claimed_at},
                where=_CL.claimed_at < stale_before,
            ).returning(_CL.wa_id),
            [{"wa_id": w, "claimed_by": worker, "claimed_at": now} for w in sorted(candidates)],
        ).scalars())  # fmt: skip
        return [wa_id for wa_id in candidates if wa_id in taken]

    def release(self, wa_id: str | list[str], worker: str) -> None:
        ids = sorted([wa_id] if isinstance(wa_id, str) else wa_id)
        self.conn.execute(
            delete(whatsapp_claims).where(self.among(_CL.wa_id, ids), _CL.claimed_by == worker)
        )

    def conversations(self, wa_ids: list[str]) -> dict[str, Conversation]:
        if not wa_ids:
            return {}
        rows = self.conn.execute(
            select(whatsapp_conversations, _CS.step, _CS.answers, _CS.active_at,
                   _CS.opted_out_at)
            .outerjoin(whatsapp_chat_states, _CS.wa_id == _CV.wa_id)
            .where(self.among(_CV.wa_id, wa_ids))
        )  # fmt: skip
        return {r.wa_id: _conversation(r) for r in rows}

    def save_conversations(self, saved: list[tuple[Conversation, bool]], now: datetime) -> None:
        """Many flows' states in one statement; the language and consent too, only where
        they changed (rare)."""
        for c, settings in sorted(saved, key=lambda pair: pair[0].wa_id):
            if settings:
                self.conn.execute(update(whatsapp_conversations).where(_CV.wa_id == c.wa_id)
                                  .values(language=c.language,
                                          consent_shown_at=c.consent_shown_at))  # fmt: skip
        upsert(self.conn, whatsapp_chat_states, [{
            "wa_id": c.wa_id, "step": c.step[:40], "answers": c.answers,
            "active_at": c.active_at, "opted_out_at": c.opted_out_at, "updated_at": now,
        } for c, _ in sorted(saved, key=lambda pair: pair[0].wa_id)], ["wa_id"])  # fmt: skip

    def held(self, wa_ids: list[str], worker: str) -> set[str]:
        """Those of the conversations the worker still holds, locked on PostgreSQL until the
        transaction ends (in ``wa_id`` order: the webhook's writers lock them in that order
        too), so that nobody takes them over meanwhile."""
        if not wa_ids:
            return set()
        query = (
            select(_CL.wa_id)
            .where(self.among(_CL.wa_id, wa_ids), _CL.claimed_by == worker)
            .order_by(_CL.wa_id)
        )
        return set(self.conn.execute(self.for_update(query)).scalars())

    # --- inbound --------------------------------------------------------------------------

    def store_inbound(self, rows: list[tuple[str, Inbound]], received_at: datetime,
                      now: datetime) -> set[str]:  # fmt: skip
        """A group of webhook POSTs' messages in two statements: every conversation created
        or moved forward (``touch_conversations``), then every message unless its message id
        is known (a duplicate in the same group too); the message ids stored."""
        if not rows:
            return set()
        self.touch_conversations([(m.wa_id, m.profile_name, min(m.sent_at, now))
                                  for _, m in rows], now)  # fmt: skip
        insert_ = pg_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
        # RETURNING, not rowcount: psycopg reports -1 for a skipped or an inserted row here.
        stored = self.conn.execute(
            insert_(whatsapp_inbound).on_conflict_do_nothing(index_elements=["message_id"])
            .returning(_IN.message_id),
            [{"id": row_id, "message_id": m.message_id, "wa_id": m.wa_id, "type": m.type,
              "text": m.text, "reply_id": m.reply_id, "media_id": m.media_id, "payload": m.raw,
              "sent_at": m.sent_at, "received_at": received_at, "status": "pending",
              "attempts": 0, "processed_at": None, "error": ""} for row_id, m in rows],
        ).scalars()  # fmt: skip
        return set(stored)

    def next_pending_of(self, wa_ids: list[str]) -> dict[str, StoredInbound]:
        """The oldest unprocessed message of each of these conversations, in one statement."""
        if not wa_ids:
            return {}
        oldest = (
            select(func.min(_IN.seq))
            .where(self.among(_IN.wa_id, wa_ids), _IN.status == "pending")
            .group_by(_IN.wa_id)
        )
        rows = self.conn.execute(select(whatsapp_inbound).where(_IN.seq.in_(oldest)))
        return {r.wa_id: _inbound(r) for r in rows}

    def finish_many(self, row_ids: list[str], now: datetime) -> None:
        """Mark these messages processed (one statement)."""
        if row_ids:
            self.conn.execute(
                update(whatsapp_inbound)
                .where(self.among(_IN.id, row_ids), _IN.status == "pending")
                .values(status="processed", processed_at=now, error="")
            )  # fmt: skip

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

    def record_statuses(self, updates: list[StatusUpdate], now: datetime) -> int:
        """Keep the furthest status of each message, whatever order they come in (one
        statement for many); how many were new or moved forward. A status replaces the one
        stored only if it is further (``STATUS_RANK``); several for one message in the group
        are folded first, as if recorded one after the other."""
        furthest: dict[str, StatusUpdate] = {}
        for s in updates:
            kept = furthest.get(s.message_id)
            if kept is None or later_status(kept.status, s.status):
                furthest[s.message_id] = s
        if not furthest:
            return 0
        insert_ = pg_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
        stmt = insert_(whatsapp_statuses)
        new = stmt.excluded
        ranks = dict(STATUS_RANK)
        further = stmt.on_conflict_do_update(
            index_elements=["wa_message_id"],
            set_={"status": new.status, "status_at": new.status_at, "errors": new.errors,
                  "updated_at": new.updated_at},
            where=case(ranks, value=new.status, else_=-1) > case(ranks, value=_ST.status,
                                                                  else_=-1),
        ).returning(_ST.wa_message_id)  # fmt: skip
        rows = [{"wa_message_id": s.message_id, "recipient": s.recipient[:64],
                 "status": s.status, "status_at": s.at, "errors": list(s.errors),
                 "updated_at": now} for _, s in sorted(furthest.items())]  # fmt: skip
        return len(self.conn.execute(further, rows).all())

    # --- outbound -------------------------------------------------------------------------

    def queue_many(self, outs: list[Outbound]) -> None:
        """Replies in the order given (their ``seq``), in one statement."""
        if outs:
            self.conn.execute(insert(whatsapp_outbound), [{
                "id": o.id, "wa_id": o.wa_id, "kind": o.kind, "body": o.body,
                "notification_id": o.notification_id, "wa_message_id": o.wa_message_id,
                "status": o.status, "attempts": o.attempts, "next_attempt_at": o.next_attempt_at,
                "claimed_by": None, "claimed_at": None, "sent_at": o.sent_at,
                "error": o.error[:300], "created_at": o.created_at} for o in outs])  # fmt: skip

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
