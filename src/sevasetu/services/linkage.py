"""Linking a legacy source's records to the registry: ``link_legacy_records``.

Both sides are read in one pass each, the model is trained and scores the blocked pairs
(``adapters.linkage``), each record gets one decision (``domain.linkage.decide``), and the
run, its candidates and the decisions are written in one transaction, together with the
merging (or removal) of the doses of records whose link changed. Clerks' decisions survive
every new run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..adapters.linkage.splink_model import LinkageFailed, ModelOptions, link_records
from ..domain.errors import InvalidInput, NotFound, Reason
from ..domain.linkage import (
    MIN_RECORDS_TO_TRAIN,
    Candidate,
    Decision,
    ModelNotTrainable,
    Thresholds,
    TooFewRecords,
    birth_range,
    birth_year,
    decide,
    district_of,
    keeps,
)
from .audit import record
from .ports import Context

BACKENDS = ("duckdb", "spark")
LINKER = "system:linkage"
Step = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class LinkSummary:
    state_code: str
    run_id: str
    records: int
    pairs_scored: int
    auto: int
    review: int
    new: int
    kept: int  # clerks' decisions left as they were
    doses_merged: int
    doses_removed: int


def thresholds(ctx: Context, auto: float | None = None, review: float | None = None) -> Thresholds:
    s = ctx.settings
    return Thresholds(
        auto=s.linkage_auto_weight if auto is None else auto,
        review=s.linkage_review_weight if review is None else review,
        margin=s.linkage_margin,
    )


def link_legacy_records(
    ctx: Context,
    source: str,
    *,
    backend: str = "duckdb",
    auto: float | None = None,
    review: float | None = None,
    actor: str = LINKER,
    step: Step = lambda _: None,
) -> list[LinkSummary]:
    """Link every record of ``source`` (per state it was imported into) to the registry."""
    if backend not in BACKENDS:
        raise InvalidInput("backend", reason=Reason("the backend must be duckdb or spark"))
    limits = thresholds(ctx, auto, review)
    with ctx.uow() as uow:
        states = uow.linkage.source_states(source)
    if not states:
        raise NotFound("source", what="legacy source", id=source)
    return [_link_state(ctx, state, source, backend, limits, actor, step) for state in states]


def _sides(ctx: Context, state: str, source: str, step: Step) -> tuple[list[Any], list[Any]]:
    tree = ctx.area_tree()
    districts: dict[str | None, str | None] = {}

    def district(code: str | None) -> str | None:
        if code not in districts:
            districts[code] = district_of(tree, code)
        return districts[code]

    def iso(day: date | None) -> str | None:
        return day.isoformat() if day is not None else None

    with ctx.uow() as uow:
        step("reading the legacy records")
        legacy = []
        for rid, key, sex, born, age, as_of, area, phone, id_hash in uow.linkage.legacy_side(
            state, source
        ):
            span = birth_range(born, age, as_of)
            earliest, latest = span if span is not None else (None, None)
            legacy.append(
                (
                    rid,
                    key,
                    sex,
                    iso(born),
                    birth_year(born, age, as_of),
                    iso(earliest),
                    iso(latest),
                    area,
                    district(area),
                    phone,
                    id_hash,
                )
            )
        kind = uow.linkage.identifier_kind(state, source)
        step("reading the registry")
        registry = [
            (
                pid,
                key,
                sex,
                (b := born.isoformat()),
                born.year,
                b,
                b,
                area,
                district(area),
                phone,
                id_hash,
            )
            for pid, key, sex, born, area, phone, id_hash in uow.linkage.registry_side(state, kind)
        ]
    return legacy, registry


def _link_state(
    ctx: Context, state: str, source: str, backend: str, limits: Thresholds, actor: str, step: Step
) -> LinkSummary:
    legacy, registry = _sides(ctx, state, source, step)
    if len(legacy) < MIN_RECORDS_TO_TRAIN:
        raise TooFewRecords(
            "source", source=source, records=len(legacy), needed=MIN_RECORDS_TO_TRAIN
        )
    if len(registry) < MIN_RECORDS_TO_TRAIN:
        raise ModelNotTrainable(
            "source",
            source=source,
            why=Reason(
                "the registry of {state} has only {people} people",
                state=state,
                people=len(registry),
            ),
        )
    s = ctx.settings
    options = ModelOptions(
        backend=backend,
        memory_limit=s.linkage_memory_limit,
        threads=s.linkage_threads,
        floor_weight=min(0.0, limits.review),
    )
    try:
        result = link_records(legacy, registry, options, step)
    except LinkageFailed as exc:
        raise ModelNotTrainable("source", source=source, why=str(exc)) from None
    step("writing candidates and decisions")
    by_record: dict[str, list[Candidate]] = {}
    for c in result.candidates:
        by_record.setdefault(c.record_id, []).append(Candidate(c.person_id, c.match_weight))
    run_id, now = ctx.new_id(), ctx.now()
    with ctx.uow(write=True) as uow:
        repo = uow.linkage
        repo.add_run(
            dict(
                state_code=state,
                id=run_id,
                source=source,
                backend=backend,
                thresholds={"auto": limits.auto, "review": limits.review, "margin": limits.margin},
                model=result.model,
                records=len(legacy),
                pairs_scored=result.pairs_scored,
                started_by=actor,
                started_at=now,
            )
        )
        repo.replace_candidates(
            state,
            source,
            [
                dict(
                    state_code=state,
                    record_id=c.record_id,
                    person_id=c.person_id,
                    run_id=run_id,
                    match_weight=c.match_weight,
                    match_probability=c.match_probability,
                    contributions=c.contributions,
                )
                for c in result.candidates
            ],
        )
        before = repo.decisions(state, source)
        rows, unlink, linked_people = [], [], set()
        counts = {d: 0 for d in Decision}
        for rid, *_ in legacy:
            old = before.get(rid)
            if old is not None and keeps(Decision(old[0])):
                counts[Decision(old[0])] += 1
                continue
            outcome = decide(by_record.get(rid, []), limits)
            counts[outcome.decision] += 1
            linked_before = old is not None and Decision(old[0]).links
            links_now = outcome.decision.links
            if linked_before and (not links_now or old[1] != outcome.person_id):  # type: ignore[index]
                unlink.append(rid)
            if links_now and not (linked_before and old[1] == outcome.person_id):  # type: ignore[index]
                linked_people.add(outcome.person_id)
            rows.append(
                dict(
                    state_code=state,
                    record_id=rid,
                    person_id=outcome.person_id,
                    match_weight=outcome.match_weight,
                    decision=outcome.decision.value,
                    run_id=run_id,
                    decided_by=actor,
                    decided_at=now,
                )
            )
        removed = repo.unmerge_doses(state, unlink)
        repo.replace_decisions(state, source, rows)
        merged = repo.merge_source_doses(state, source, linked_people, actor=actor, now=now)
        kept = counts[Decision.LINKED] + counts[Decision.NOT_MATCH]
        summary = LinkSummary(
            state,
            run_id,
            len(legacy),
            result.pairs_scored,
            counts[Decision.AUTO],
            counts[Decision.REVIEW],
            counts[Decision.NEW],
            kept,
            merged,
            removed,
        )
        repo.finish_run(
            state,
            run_id,
            auto_links=summary.auto,
            reviews=summary.review,
            new_people=summary.new,
            finished_at=ctx.now(),
        )
        record(
            ctx,
            uow,
            actor=actor,
            action="legacy.link",
            subject_type="legacy_source",
            subject_id=source,
            state_code=state,
            run_id=run_id,
            backend=backend,
            records=summary.records,
            auto=summary.auto,
            review=summary.review,
            new=summary.new,
            kept=kept,
            doses_merged=merged,
            doses_removed=removed,
            thresholds={"auto": limits.auto, "review": limits.review},
        )
        uow.commit()
    return summary


LinkRow = tuple[str, str | None, float | None, str, str]


def link_rows(ctx: Context, source: str) -> Iterator[LinkRow]:
    """(record id, person id, match weight, decision, source row id) for every record of the
    source that has a decision; refuses an unknown source before yielding anything."""
    with ctx.uow() as uow:
        states = uow.linkage.source_states(source)
    if not states:
        raise NotFound("source", what="legacy source", id=source)
    return _link_rows(ctx, source, states)


def _link_rows(ctx: Context, source: str, states: list[str]) -> Iterator[LinkRow]:
    for state in states:
        with ctx.uow() as uow:
            for r in uow.linkage.links_of_source(state, source):
                yield (r.id, r.person_id, r.match_weight, r.decision, r.source_row_id)
