from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, select, tuple_, update

from ....domain.audit import GENESIS_HASH, AuditEntry, chain_for, seal
from ..bulk import bulk_insert
from ..tables import audit_heads, audit_log
from ..upsert import upsert
from .base import Repository


def _entry(r: Row) -> AuditEntry:  # type: ignore[type-arg]
    return AuditEntry(
        r.state_code, r.chain, r.seq, r.at, r.actor, r.action, r.subject_type, r.subject_id,
        r.detail, r.prev_hash, r.hash,
    )  # fmt: skip


# Every audited request appends one entry: its statements are built once (``base.Repository``).
_H = audit_heads.c
_HEAD = select(_H.seq, _H.hash).where(
    _H.state_code == bindparam("k_state"), _H.chain == bindparam("k_chain")
)
_HEAD_LOCKED = _HEAD.with_for_update()
_INSERT = audit_log.insert()
_MOVE_HEAD = (
    update(audit_heads)
    .where(_H.state_code == bindparam("k_state"), _H.chain == bindparam("k_chain"))
    .values(seq=bindparam("k_seq"), hash=bindparam("k_hash"))
)
# PostgreSQL: the head moves in the same statement as the entry goes in (a data-modifying WITH).
# Every placeholder is named apart from the columns, so that neither part takes the other's.
_INSERT_MOVING_HEAD = (
    audit_log.insert()
    .values({c.name: bindparam(f"e_{c.name}") for c in audit_log.c})
    .add_cte(_MOVE_HEAD.cte("moved_head"))
)


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
        row = dict(
            state_code=state_code, chain=chain, seq=entry.seq, at=at, actor=actor, action=action,
            subject_type=subject_type, subject_id=subject_id, detail=detail,
            prev_hash=entry.prev_hash, hash=entry.hash,
        )  # fmt: skip
        head = dict(k_state=state_code, k_chain=chain, k_seq=entry.seq, k_hash=entry.hash)
        if self.conn.dialect.name == "postgresql":
            entry_row = {f"e_{name}": value for name, value in row.items()}
            self.conn.execute(_INSERT_MOVING_HEAD, entry_row | head)  # one round trip for both
        else:
            self.conn.execute(_INSERT, row)
            self.conn.execute(_MOVE_HEAD, head)
        return entry

    def append_many(self, events: list[dict[str, Any]]) -> list[AuditEntry]:
        """Entries in the order given (each a dict of ``append``'s arguments), chained exactly
        as one ``append`` after another would: every head involved is locked once, in a fixed
        order, then the entries go in with one insert and each head moves once."""
        if not events:
            return []
        keys = sorted({(e["state_code"], chain_for(e["subject_id"])) for e in events})
        heads = self._lock_heads(keys)
        entries, touched = [], {}
        for e in events:
            key = (e["state_code"], chain_for(e["subject_id"]))
            seq, prev_hash = heads[key]
            entry = seal(prev_hash=prev_hash, chain=key[1], seq=seq + 1, **e)
            heads[key] = touched[key] = (entry.seq, entry.hash)
            entries.append(entry)
        bulk_insert(self.conn, audit_log, [
            dict(
                state_code=x.state_code, chain=x.chain, seq=x.seq, at=x.at, actor=x.actor,
                action=x.action, subject_type=x.subject_type, subject_id=x.subject_id,
                detail=x.detail, prev_hash=x.prev_hash, hash=x.hash,
            ) for x in entries
        ])  # fmt: skip
        self.conn.execute(
            _MOVE_HEAD,
            [dict(k_state=s, k_chain=c, k_seq=seq, k_hash=hx)
             for (s, c), (seq, hx) in sorted(touched.items())],
        )  # fmt: skip
        return entries

    def _lock_heads(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], tuple[int, str]]:
        upsert(
            self.conn, audit_heads,
            [dict(state_code=s, chain=c, seq=0, hash=GENESIS_HASH) for s, c in keys],
            ["state_code", "chain"], update=False,
        )  # fmt: skip
        h = audit_heads.c
        query = (
            select(h.state_code, h.chain, h.seq, h.hash)
            .where(tuple_(h.state_code, h.chain).in_(keys))
            .order_by(h.state_code, h.chain)
        )
        if self.conn.dialect.name != "sqlite":
            query = query.with_for_update()
        return {(r.state_code, r.chain): (r.seq, r.hash) for r in self.conn.execute(query)}

    def _lock_head(self, state_code: str, chain: int) -> tuple[int, str]:
        # FOR UPDATE on PostgreSQL whatever the unit's mode: a chain must never fork.
        query = _HEAD if self.conn.dialect.name == "sqlite" else _HEAD_LOCKED
        key = {"k_state": state_code, "k_chain": chain}
        row = self.conn.execute(query, key).first()
        if row is None:
            upsert(
                self.conn, audit_heads,
                [dict(state_code=state_code, chain=chain, seq=0, hash=GENESIS_HASH)],
                ["state_code", "chain"],
                update=False,  # another unit may have created and advanced it meanwhile
            )  # fmt: skip
            row = self.conn.execute(query, key).first()
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
