"""The audit trail is a set of hash chains per state: each entry's hash covers its content and
the previous entry's hash, so changing or deleting any entry breaks every hash after it.

A state has ``CHAINS_PER_STATE`` chains and an entry goes to the chain of its subject (so one
person's trail is one chain): appending to a chain serialises on its head, and many chains let
thousands of audited reads a second append side by side.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64
CHAINS_PER_STATE = 16


def chain_for(subject_id: str) -> int:
    return int(hashlib.sha256(subject_id.encode()).hexdigest()[:8], 16) % CHAINS_PER_STATE


@dataclass(frozen=True, slots=True)
class AuditEntry:
    state_code: str
    chain: int
    seq: int
    at: datetime
    actor: str
    action: str
    subject_type: str
    subject_id: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str


def entry_hash(
    *,
    prev_hash: str,
    state_code: str,
    chain: int,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str,
    detail: dict[str, Any],
) -> str:
    canonical = json.dumps(
        [prev_hash, state_code, chain, seq, at.isoformat(), actor, action, subject_type,
         subject_id, detail],
        ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str,
    )  # fmt: skip
    return hashlib.sha256(canonical.encode()).hexdigest()


def seal(
    *,
    prev_hash: str,
    state_code: str,
    chain: int,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str,
    detail: dict[str, Any],
) -> AuditEntry:
    fields: dict[str, Any] = dict(
        state_code=state_code, chain=chain, seq=seq, at=at, actor=actor, action=action,
        subject_type=subject_type, subject_id=subject_id, detail=detail,
    )  # fmt: skip
    return AuditEntry(**fields, prev_hash=prev_hash, hash=entry_hash(prev_hash=prev_hash, **fields))


@dataclass(frozen=True, slots=True)
class ChainBreak:
    chain: int
    seq: int
    reason: str


def first_break(entries: Iterable[AuditEntry], chain: int = 0) -> ChainBreak | None:
    """Entries of one chain in sequence order; the first one that does not chain, if any."""
    expected_prev, expected_seq = GENESIS_HASH, 1
    for e in entries:
        if e.seq != expected_seq:
            return ChainBreak(chain, expected_seq, f"entry {expected_seq} is missing")
        if e.prev_hash != expected_prev:
            return ChainBreak(chain, e.seq, "it does not point at the entry before it")
        recomputed = entry_hash(
            prev_hash=e.prev_hash, state_code=e.state_code, chain=e.chain, seq=e.seq, at=e.at,
            actor=e.actor, action=e.action, subject_type=e.subject_type,
            subject_id=e.subject_id, detail=e.detail,
        )  # fmt: skip
        if recomputed != e.hash:
            return ChainBreak(chain, e.seq, "its content was changed after it was written")
        expected_prev, expected_seq = e.hash, e.seq + 1
    return None
