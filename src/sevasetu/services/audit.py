"""Recording and verifying the audit trail."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from ..domain.access import Principal
from ..domain.audit import GENESIS_HASH, AuditEntry, ChainBreak, first_break
from ..domain.errors import Forbidden, OutsideArea
from .ports import Context, UnitOfWork

# Events that belong to no state (a login attempt for an unknown username) form their own chain.
SYSTEM_CHAIN = "_system"


def record(
    ctx: Context,
    uow: UnitOfWork,
    *,
    actor: Principal | str,
    action: str,
    subject_type: str,
    subject_id: str,
    state_code: str | None,
    **detail: Any,
) -> None:
    uow.audit.append(
        state_code=state_code or SYSTEM_CHAIN,
        at=ctx.now(),
        actor=actor if isinstance(actor, str) else actor.actor,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail,
    )


F = TypeVar("F", bound=Callable[..., Any])


def audit_denials(use_case: F) -> F:
    """A use case ``(ctx, principal, ...)`` whose refusals (a role without the right, a record
    outside the caller's area) are appended to the trail in a unit of their own, after the
    refused unit has rolled back, and then raised as before."""

    @functools.wraps(use_case)
    def audited(ctx: Context, principal: Principal, *args: Any, **kwargs: Any) -> Any:
        try:
            return use_case(ctx, principal, *args, **kwargs)
        except (Forbidden, OutsideArea) as refusal:
            subject_type, subject_id, state = getattr(refusal, "subject", None) or (
                "use_case",
                use_case.__name__,
                principal.state_code,
            )
            with ctx.uow(write=True) as uow:
                record(ctx, uow, actor=principal, action="access.denied",
                       subject_type=subject_type, subject_id=subject_id, state_code=state,
                       refusal=refusal.code, use_case=use_case.__name__)  # fmt: skip
                uow.commit()
            raise

    return audited  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class ChainReport:
    """One state's trail: its entries over all its chains, a digest of the chain heads (to
    keep outside the database), and the first break found, if any."""

    state_code: str
    entries: int
    head_hash: str
    problem: ChainBreak | None


def verify_audit(ctx: Context) -> list[ChainReport]:
    """Walk every chain; a chain is also broken if entries after its recorded head are gone."""
    by_state: dict[str, list[tuple[int, int, str]]] = {}
    with ctx.uow() as uow:
        for (state_code, chain), (seq, head) in uow.audit.heads().items():
            by_state.setdefault(state_code, []).append((chain, seq, head))
        reports = []
        for state_code, chains in sorted(by_state.items()):
            count, problem = 0, None
            for chain, head_seq, head_hash in sorted(chains):
                seen = _Tally(uow.audit.entries(state_code, chain))
                problem = first_break(seen, chain)
                count += seen.count
                if problem is None and (seen.count, seen.last_hash) != (head_seq, head_hash):
                    problem = ChainBreak(
                        chain, min(seen.count, head_seq) + 1, "entries at the end were removed"
                    )
                if problem is not None:
                    break
            digest = hashlib.sha256("".join(h for _, _, h in sorted(chains)).encode()).hexdigest()
            reports.append(ChainReport(state_code, count, digest, problem))
    return reports


class _Tally:
    """Passes entries through, remembering how many and the last hash (chains can be long)."""

    def __init__(self, entries: Iterator[AuditEntry]) -> None:
        self._entries = entries
        self.count = 0
        self.last_hash = GENESIS_HASH

    def __iter__(self) -> Iterator[AuditEntry]:
        for entry in self._entries:
            self.count += 1
            self.last_hash = entry.hash
            yield entry
