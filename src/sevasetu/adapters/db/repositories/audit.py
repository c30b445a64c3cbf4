from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, update

from ....domain.audit import GENESIS_HASH, AuditEntry, chain_for, seal
from ..tables import audit_heads, audit_log
from ..upsert import upsert
from .base import Repository


def _entry(r: Row) -> AuditEntry:  # type: ignore[type-arg]
    return AuditEntry(
        r.state_code, r.chain, r.seq, r.at, r.actor, r.action, r.subject_type, r.subject_id,
        r.detail, r.prev_hash, r.hash,
    )  # fmt: skip


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
        chain = chain_for(subject_id)
        seq, prev_hash = self._lock_head(state_code, chain)
        entry = seal(
            prev_hash=prev_hash, state_code=state_code, chain=chain, seq=seq + 1, at=at,
            actor=actor, action=action, subject_type=subject_type, subject_id=subject_id,
            detail=detail,
        )  # fmt: skip
        self.conn.execute(
            audit_log.insert(),
            [dict(
                state_code=state_code, chain=chain, seq=entry.seq, at=at, actor=actor,
                action=action, subject_type=subject_type, subject_id=subject_id, detail=detail,
                prev_hash=entry.prev_hash, hash=entry.hash,
            )],
        )  # fmt: skip
        self.conn.execute(
            update(audit_heads)
            .where(audit_heads.c.state_code == state_code, audit_heads.c.chain == chain)
            .values(seq=entry.seq, hash=entry.hash)
        )
        return entry

    def _lock_head(self, state_code: str, chain: int) -> tuple[int, str]:
        query = select(audit_heads.c.seq, audit_heads.c.hash).where(
            audit_heads.c.state_code == state_code, audit_heads.c.chain == chain
        )
        # FOR UPDATE on PostgreSQL whatever the unit's mode: a chain must never fork.
        if self.conn.dialect.name != "sqlite":
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        if row is None:
            upsert(
                self.conn, audit_heads,
                [dict(state_code=state_code, chain=chain, seq=0, hash=GENESIS_HASH)],
                ["state_code", "chain"],
                update=False,  # another unit may have created and advanced it meanwhile
            )  # fmt: skip
            row = self.conn.execute(query).first()
        assert row is not None
        return row.seq, row.hash

    def heads(self) -> dict[tuple[str, int], tuple[int, str]]:
        """(state, chain) -> (last sequence number, last hash) of every chain."""
        return {
            (r.state_code, r.chain): (r.seq, r.hash) for r in self.conn.execute(select(audit_heads))
        }

    def entries(self, state_code: str, chain: int, batch: int = 5000) -> Iterator[AuditEntry]:
        """One chain in sequence order, read in batches (chains can be long)."""
        last = 0
        while True:
            rows = list(
                self.conn.execute(
                    select(audit_log)
                    .where(
                        audit_log.c.state_code == state_code,
                        audit_log.c.chain == chain,
                        audit_log.c.seq > last,
                    )
                    .order_by(audit_log.c.seq)
                    .limit(batch)
                )
            )
            yield from (_entry(r) for r in rows)
            if len(rows) < batch:
                return
            last = rows[-1].seq

    def of_state(self, state_code: str, limit: int = 1000) -> list[AuditEntry]:
        """A state's latest entries across its chains, oldest first."""
        rows = self.conn.execute(
            select(audit_log)
            .where(audit_log.c.state_code == state_code)
            .order_by(audit_log.c.at.desc(), audit_log.c.chain, audit_log.c.seq.desc())
            .limit(limit)
        )
        return list(reversed([_entry(r) for r in rows]))
