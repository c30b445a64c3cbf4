from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from ....domain.audit import GENESIS_HASH, AuditEntry, seal
from ..tables import audit_heads, audit_log
from ..upsert import upsert
from .base import Repository


class AuditRepository(Repository):
    def append(
        self,
        *,
        state_code: str,
        at: datetime,
        actor: str,
        action: str,
        subject_type: str,
        subject_id: str,
        detail: dict[str, Any],
    ) -> AuditEntry:
        head = self._lock_head(state_code)
        entry = seal(
            prev_hash=head[1],
            state_code=state_code,
            seq=head[0] + 1,
            at=at,
            actor=actor,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            detail=detail,
        )
        self.conn.execute(
            audit_log.insert(),
            [
                dict(
                    state_code=state_code,
                    seq=entry.seq,
                    at=at,
                    actor=actor,
                    action=action,
                    subject_type=subject_type,
                    subject_id=subject_id,
                    detail=detail,
                    prev_hash=entry.prev_hash,
                    hash=entry.hash,
                )
            ],
        )
        self.conn.execute(
            update(audit_heads)
            .where(audit_heads.c.state_code == state_code)
            .values(seq=entry.seq, hash=entry.hash)
        )
        return entry

    def _lock_head(self, state_code: str) -> tuple[int, str]:
        query = select(audit_heads.c.seq, audit_heads.c.hash).where(
            audit_heads.c.state_code == state_code
        )
        # FOR UPDATE on PostgreSQL whatever the unit's mode: the chain must never fork.
        if self.conn.dialect.name != "sqlite":
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        if row is None:
            upsert(
                self.conn,
                audit_heads,
                [dict(state_code=state_code, seq=0, hash=GENESIS_HASH)],
                ["state_code"],
            )
            row = self.conn.execute(query).first()
        assert row is not None
        return row.seq, row.hash

    def heads(self) -> dict[str, tuple[int, str]]:
        return {r.state_code: (r.seq, r.hash) for r in self.conn.execute(select(audit_heads))}

    def entries(self, state_code: str, batch: int = 5000) -> Iterator[AuditEntry]:
        last = 0
        while True:
            rows = list(
                self.conn.execute(
                    select(audit_log)
                    .where(audit_log.c.state_code == state_code, audit_log.c.seq > last)
                    .order_by(audit_log.c.seq)
                    .limit(batch)
                )
            )
            for r in rows:
                yield AuditEntry(
                    r.state_code,
                    r.seq,
                    r.at,
                    r.actor,
                    r.action,
                    r.subject_type,
                    r.subject_id,
                    r.detail,
                    r.prev_hash,
                    r.hash,
                )
            if len(rows) < batch:
                return
            last = rows[-1].seq

    def for_subject(self, subject_type: str, subject_id: str, limit: int = 50) -> list[AuditEntry]:
        rows = self.conn.execute(
            select(audit_log)
            .where(audit_log.c.subject_type == subject_type, audit_log.c.subject_id == subject_id)
            .order_by(audit_log.c.at.desc())
            .limit(limit)
        )
        return [
            AuditEntry(
                r.state_code,
                r.seq,
                r.at,
                r.actor,
                r.action,
                r.subject_type,
                r.subject_id,
                r.detail,
                r.prev_hash,
                r.hash,
            )
            for r in rows
        ]
