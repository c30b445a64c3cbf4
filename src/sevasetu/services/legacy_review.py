"""Clerical review of legacy records the model was not sure of: the queue, one record beside
its candidates, and a clerk's decision (link, not a match, undecided), audited and reversible.
Linking merges the record's doses into the person's history; any other decision removes
exactly the doses the link had merged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..domain.access import Action, Principal, require, require_area
from ..domain.errors import InvalidInput, NotFound, OutsideArea, Reason
from ..domain.linkage import CLERK_CHOICES, Decision
from .audit import audit_denials, record
from .ports import Context, UnitOfWork

MAX_PAGE = 200


@dataclass(frozen=True, slots=True)
class QueueItem:
    record_id: str
    source: str
    source_row_id: str
    name: str
    area_code: str | None
    area_text: str
    person_id: str | None
    match_weight: float | None


@dataclass(frozen=True, slots=True)
class CandidateView:
    person_id: str
    match_weight: float
    match_probability: float
    contributions: dict[str, float]
    name: str
    name_latin: str
    sex: str
    birth_date: date
    phone: str | None
    area_code: str


@dataclass(frozen=True, slots=True)
class ReviewItem:
    record: dict[str, Any]  # the legacy record as staged
    decision: str | None
    person_id: str | None
    match_weight: float | None
    decided_by: str | None
    candidates: list[CandidateView]


def _areas_of(ctx: Context, principal: Principal, area_code: str | None) -> list[str] | None:
    """The residence codes a queue may list: the caller's area, or a part of it."""
    tree = ctx.area_tree()
    scope = area_code or principal.area_code
    if scope is None:
        raise OutsideArea("area_code")
    require_area(principal, tree.get(scope))
    return [a.code for a in tree.within(scope)]


@audit_denials
def review_queue(
    ctx: Context,
    principal: Principal,
    *,
    source: str | None = None,
    area_code: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[QueueItem]:
    require(principal, Action.LEGACY_REVIEW)
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise InvalidInput(
            "limit",
            reason=Reason("limit must be between 1 and {most}, offset at least 0", most=MAX_PAGE),
        )
    areas = _areas_of(ctx, principal, area_code)
    assert principal.state_code is not None
    with ctx.uow() as uow:
        rows = uow.linkage.review_queue(principal.state_code, source, areas, limit, offset)
    return [QueueItem(*r) for r in rows]


def _load(ctx: Context, uow: UnitOfWork, principal: Principal, record_id: str) -> Any:
    row = uow.linkage.link_of(record_id)
    if row is None or row.state_code != principal.state_code:
        raise NotFound("record_id", what="legacy record", id=record_id)
    tree = ctx.area_tree()
    if row.area_code is not None and row.area_code in tree:
        require_area(principal, tree.get(row.area_code))
    elif principal.area_code != principal.state_code:
        # A record with no known village is for the state's officers only.
        raise OutsideArea("area_code")
    return row


@audit_denials
def review_item(ctx: Context, principal: Principal, record_id: str) -> ReviewItem:
    require(principal, Action.LEGACY_REVIEW)
    with ctx.uow() as uow:
        row = _load(ctx, uow, principal, record_id)
        candidates = [CandidateView(*c) for c in uow.linkage.candidates_of(row.state_code, row.id)]
    # Not ``raw``: the row as read may hold a whole Aadhaar or voter ID number.
    fields = (
        "id",
        "source",
        "source_row_id",
        "name",
        "name_latin",
        "sex",
        "birth_date",
        "age_years",
        "age_as_of",
        "phone",
        "area_code",
        "area_text",
        "id_kind",
        "id_last4",
    )
    return ReviewItem(
        {f: getattr(row, f) for f in fields},
        row.decision,
        row.person_id,
        row.match_weight,
        row.decided_by,
        candidates,
    )


@audit_denials
def decide_record(
    ctx: Context, principal: Principal, record_id: str, choice: str, person_id: str | None = None
) -> ReviewItem:
    """A clerk's decision. ``link`` ties the record to ``person_id`` (by default the best
    candidate), which must be one of its candidates; ``undecided`` puts it back in review."""
    require(principal, Action.LEGACY_REVIEW)
    if choice not in CLERK_CHOICES:
        raise InvalidInput(
            "decision", reason=Reason("the decision must be link, not_match or undecided")
        )
    decision = CLERK_CHOICES[choice]
    with ctx.uow(write=True) as uow:
        row = _load(ctx, uow, principal, record_id)
        if row.decision is None:
            raise InvalidInput(
                "record_id", reason=Reason("the record has not been through a linkage run yet")
            )
        candidates = {c.person_id: c for c in uow.linkage.candidates_of(row.state_code, row.id)}
        target = person_id or row.person_id
        if decision is Decision.LINKED and target not in candidates:
            raise InvalidInput(
                "person_id", reason=Reason("a record can only be linked to one of its candidates")
            )
        if decision is Decision.REVIEW and target not in candidates:
            target = None
        if decision is Decision.NOT_MATCH:
            target = None
        weight = candidates[target].match_weight if target in candidates else row.match_weight
        was_linked = Decision(row.decision).links
        removed = merged = 0
        if was_linked and (not decision.links or row.person_id != target):
            removed = uow.linkage.unmerge_doses(row.state_code, [row.id])
        uow.linkage.set_decision(
            dict(
                state_code=row.state_code,
                record_id=row.id,
                person_id=target,
                match_weight=weight,
                decision=decision.value,
                run_id=row.run_id,
                decided_by=principal.actor,
                decided_at=ctx.now(),
            )
        )
        if decision.links:
            merged = uow.linkage.merge_doses(
                row.state_code, [row.id], actor=principal.actor, now=ctx.now()
            )
        record(
            ctx,
            uow,
            actor=principal,
            action="legacy.decision",
            subject_type="legacy_record",
            subject_id=row.id,
            state_code=row.state_code,
            source=row.source,
            before={"decision": row.decision, "person_id": row.person_id},
            after={"decision": decision.value, "person_id": target},
            doses_merged=merged,
            doses_removed=removed,
        )
        uow.commit()
    return review_item(ctx, principal, record_id)
