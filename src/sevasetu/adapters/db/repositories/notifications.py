"""The notification outbox: add with a dedupe key, claim with a conditional UPDATE."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, update

from ....domain.notifications import Kind, Notification, NotificationStatus
from ..tables import notifications
from ..upsert import upsert
from .base import Repository

_C = notifications.c


def _row(n: Notification) -> dict[str, Any]:
    return {
        "state_code": n.state_code, "id": n.id, "kind": n.kind.value, "channel": n.channel,
        "recipient": n.recipient, "language": n.language, "params": n.params,
        "dedupe_key": n.dedupe_key, "person_id": n.person_id, "status": n.status.value,
        "attempts": n.attempts, "next_attempt_at": n.next_attempt_at or n.created_at,
        "claimed_by": None, "claimed_at": None, "sent_at": n.sent_at,
        "last_error": n.last_error, "created_at": n.created_at,
    }  # fmt: skip


def _notification(row: Any) -> Notification:
    m = row._mapping
    return Notification(
        id=m["id"], state_code=m["state_code"], kind=Kind(m["kind"]), channel=m["channel"],
        recipient=m["recipient"], language=m["language"], params=dict(m["params"]),
        dedupe_key=m["dedupe_key"], created_at=m["created_at"], person_id=m["person_id"],
        status=NotificationStatus(m["status"]), attempts=m["attempts"],
        next_attempt_at=m["next_attempt_at"], sent_at=m["sent_at"], last_error=m["last_error"],
    )  # fmt: skip


class NotificationRepository(Repository):
    def add(self, notification: Notification) -> None:
        """Queue it, unless one with the same dedupe key exists: then nothing happens."""
        upsert(self.conn, notifications, [_row(notification)], ["state_code", "dedupe_key"],
               update=False)  # fmt: skip

    def _claimable(self, now: datetime, stale_before: datetime) -> Any:
        return or_(
            and_(_C.status == NotificationStatus.QUEUED.value, _C.next_attempt_at <= now),
            and_(_C.status == NotificationStatus.SENDING.value, _C.claimed_at < stale_before),
        )

    def claim(
        self, worker: str, now: datetime, stale_before: datetime, limit: int
    ) -> list[Notification]:
        """Up to ``limit`` notifications due now (or abandoned by a crashed worker), each
        taken with an UPDATE that only succeeds if nobody took it first."""
        candidates = self.conn.execute(
            select(_C.state_code, _C.id)
            .where(self._claimable(now, stale_before))
            .order_by(_C.next_attempt_at)
            .limit(limit)
        ).all()
        claimed = []
        for state_code, nid in candidates:
            taken = self.conn.execute(
                update(notifications)
                .where(_C.state_code == state_code, _C.id == nid,
                       self._claimable(now, stale_before))
                .values(status=NotificationStatus.SENDING.value, claimed_by=worker,
                        claimed_at=now, attempts=_C.attempts + 1)
            ).rowcount  # fmt: skip
            if taken == 1:
                row = self.conn.execute(
                    select(notifications).where(_C.state_code == state_code, _C.id == nid)
                ).one()
                claimed.append(_notification(row))
        return claimed

    def finish(self, n: Notification, worker: str) -> None:
        """Store the outcome of a send, if the claim is still this worker's."""
        self.conn.execute(
            update(notifications)
            .where(_C.state_code == n.state_code, _C.id == n.id, _C.claimed_by == worker,
                   _C.status == NotificationStatus.SENDING.value)
            .values(status=n.status.value, next_attempt_at=n.next_attempt_at or n.created_at,
                    sent_at=n.sent_at, last_error=n.last_error[:300])
        )  # fmt: skip

    def of_person(self, state_code: str, person_id: str) -> list[Notification]:
        rows = self.conn.execute(
            select(notifications)
            .where(_C.state_code == state_code, _C.person_id == person_id)
            .order_by(_C.created_at)
        )
        return [_notification(r) for r in rows]

    def failed(self, state_codes: list[str], limit: int = 200) -> list[Notification]:
        rows = self.conn.execute(
            select(notifications)
            .where(_C.state_code.in_(state_codes), _C.status == NotificationStatus.FAILED.value)
            .order_by(_C.created_at.desc())
            .limit(limit)
        )
        return [_notification(r) for r in rows]

    def counts(self) -> dict[str, int]:
        rows = self.conn.execute(select(_C.status, func.count()).group_by(_C.status))
        return {status: count for status, count in rows}
