"""The audit trail is a hash chain per state: each entry's hash covers its content and the
previous entry's hash, so changing or deleting any entry breaks every hash after it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEntry:
    state_code: str
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
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str,
    detail: dict[str, Any],
) -> str:
    canonical = json.dumps(
        [
            prev_hash,
            state_code,
            seq,
            at.isoformat(),
            actor,
            action,
            subject_type,
            subject_id,
            detail,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def seal(
    *,
    prev_hash: str,
    state_code: str,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str,
    detail: dict[str, Any],
) -> AuditEntry:
    fields: dict[str, Any] = dict(
        state_code=state_code,
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail,
    )
    return AuditEntry(**fields, prev_hash=prev_hash, hash=entry_hash(prev_hash=prev_hash, **fields))


@dataclass(frozen=True, slots=True)
class ChainBreak:
    seq: int
    reason: str


def first_break(entries: Iterable[AuditEntry]) -> ChainBreak | None:
    """Entries of one state in sequence order; the first one that does not chain, if any."""
    expected_prev, expected_seq = GENESIS_HASH, 1
    for e in entries:
        if e.seq != expected_seq:
            return ChainBreak(expected_seq, f"entry {expected_seq} is missing")
        if e.prev_hash != expected_prev:
            return ChainBreak(e.seq, "it does not point at the entry before it")
        recomputed = entry_hash(
            prev_hash=e.prev_hash,
            state_code=e.state_code,
            seq=e.seq,
            at=e.at,
            actor=e.actor,
            action=e.action,
            subject_type=e.subject_type,
            subject_id=e.subject_id,
            detail=e.detail,
        )
        if recomputed != e.hash:
            return ChainBreak(e.seq, "its content was changed after it was written")
        expected_prev, expected_seq = e.hash, e.seq + 1
    return None
