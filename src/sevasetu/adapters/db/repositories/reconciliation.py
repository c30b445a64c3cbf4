"""Reads behind the reconciliation report, and the village attestations it compares."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import and_, select

from ....domain.attestations import Attestation
from ....domain.reconciliation import DoseFact, LegacyEvidence, PendingCandidate, Place
from ..tables import (
    attestations,
    facilities,
    legacy_candidates,
    legacy_doses,
    legacy_links,
    legacy_records,
    people,
    vaccinations,
)
from .base import Repository

# Decisions that leave a legacy record waiting for a clerk ("review"), or not yet decided.
PENDING = ("review",)
PlaceOf = Callable[[str | None], tuple[str | None, str | None]]  # area -> (district, state)


class ReconciliationRepository(Repository):
    def series_doses(
        self, schedule: str, codes: Iterable[str], scope: Iterable[str], place_of: PlaceOf
    ) -> list[DoseFact]:
        """The doses ``codes`` (a series' steps) of every person who has one of them placed
        inside ``scope`` (area codes), wherever their other doses were given. A dose is placed
        at its facility's area, else the area the legacy export named, else where the person
        lives.

        Small queries, each a plain join the planner cannot get wrong however stale its
        statistics: who has a dose placed in scope (three ways), then those people's doses,
        then the legacy evidence of the merged ones."""
        v, f, p, ld = vaccinations.c, facilities.c, people.c, legacy_doses.c
        areas = sorted(set(scope))
        of_step = (v.schedule == schedule, v.dose_code.in_(sorted(set(codes))))
        at_facility = (
            select(v.state_code, v.person_id)
            .join(facilities, f.code == v.facility_code)
            .where(*of_step, self.among(f.area_code, areas))
        )
        at_home = (
            select(v.state_code, v.person_id)
            .join(people, and_(p.state_code == v.state_code, p.id == v.person_id))
            .where(*of_step, v.facility_code.is_(None), self.among(p.area_code, areas))
        )
        legacy_there = (
            select(v.state_code, v.person_id)
            .join(legacy_doses, ld.vaccination_id == v.id)
            .where(*of_step, v.facility_code.is_(None), self.among(ld.area_code, areas))
        )
        wanted = {(r.state_code, r.person_id) for q in (at_facility, at_home, legacy_there)
                  for r in self.conn.execute(q)}  # fmt: skip
        if not wanted:
            return []
        query = (
            select(
                v.state_code,
                v.id,
                v.person_id,
                v.dose_code,
                v.given_on,
                v.facility_code,
                v.source,
                f.area_code.label("facility_area"),
                f.name.label("facility_name"),
                p.area_code.label("home_area"),
                p.name.label("person_name"),
            )  # fmt: skip
            .select_from(
                vaccinations.outerjoin(facilities, f.code == v.facility_code).join(
                    people, and_(p.state_code == v.state_code, p.id == v.person_id)
                )
            )
            .where(
                *of_step,
                self.among(v.state_code, sorted({s for s, _ in wanted})),
                self.among(v.person_id, sorted({i for _, i in wanted})),
            )
        )
        rows = [r for r in self.conn.execute(query) if (r.state_code, r.person_id) in wanted]
        evidence = self._legacy_evidence([r.id for r in rows if r.source == "legacy"])
        return [_fact(r, evidence.get(r.id), place_of) for r in rows]

    def _legacy_evidence(self, vaccination_ids: list[str]) -> dict[str, Any]:
        """The staged legacy dose and record behind each merged vaccination."""
        if not vaccination_ids:
            return {}
        ld, lr = legacy_doses.c, legacy_records.c
        query = (
            select(
                ld.vaccination_id,
                ld.area_code,
                ld.facility_text,
                ld.record_id,
                lr.source,
                lr.source_row_id,
                lr.name,
            )  # fmt: skip
            .join(legacy_records, and_(lr.state_code == ld.state_code, lr.id == ld.record_id))
            .where(self.among(ld.vaccination_id, vaccination_ids))
        )
        return {r.vaccination_id: r for r in self.conn.execute(query)}

    def pending_candidates(
        self, schedule: str, dose_code: str, person_ids: Iterable[str]
    ) -> dict[str, PendingCandidate]:
        """For each person, the best-weighted legacy record holding ``dose_code`` that waits for
        a clerk: a ``review`` link to them, or a scored candidate whose record is undecided or
        in review. (Single-table lookups first, then the records by key: no join order for a
        planner to get wrong.)"""
        ids = sorted(set(person_ids))
        if not ids:
            return {}
        c, lk, ld, lr = legacy_candidates.c, legacy_links.c, legacy_doses.c, legacy_records.c
        weights: dict[tuple[str, str, str], float | None] = {}
        scored = select(c.state_code, c.record_id, c.person_id, c.match_weight).where(
            self.among(c.person_id, ids)
        )
        linked = select(lk.state_code, lk.record_id, lk.person_id, lk.match_weight).where(
            self.among(lk.person_id, ids), lk.decision.in_(PENDING)
        )
        for query in (scored, linked):
            for r in self.conn.execute(query):
                weights[(r.state_code, r.record_id, r.person_id)] = r.match_weight
        if not weights:
            return {}
        records = (
            select(lr.state_code, lr.id, lr.source, lr.source_row_id, ld.given_on, lk.decision)
            .join(
                legacy_doses,
                and_(
                    ld.state_code == lr.state_code,
                    ld.record_id == lr.id,
                    ld.schedule == schedule,
                    ld.dose_code == dose_code,
                ),
            )
            .outerjoin(legacy_links, and_(lk.state_code == lr.state_code, lk.record_id == lr.id))
            .where(self.among(lr.id, sorted({record for _, record, _ in weights})))
        )
        waiting = {
            (r.state_code, r.id): r
            for r in self.conn.execute(records)
            if r.decision is None or r.decision in PENDING
        }
        best: dict[str, PendingCandidate] = {}
        for (state, record, person), weight in sorted(weights.items()):
            found = waiting.get((state, record))
            if found is None:
                continue
            candidate = PendingCandidate(
                person, record, found.source, found.source_row_id, weight, found.given_on
            )
            held = best.get(person)
            if held is None or (weight or 0.0) > (held.match_weight or 0.0):
                best[person] = candidate
        return best


def _fact(r: Any, staged: Any, place_of: PlaceOf) -> DoseFact:
    if r.facility_code is not None:
        area = r.facility_area
    elif staged is not None and staged.area_code is not None:
        area = staged.area_code
    else:
        area = r.home_area
    district, state = place_of(area)
    legacy = None
    if r.source == "legacy":  # merged from a legacy record (its staging row, if still there)
        legacy = (
            LegacyEvidence(
                staged.record_id,
                staged.source,
                staged.source_row_id,
                staged.name or "",
                staged.facility_text or "",
            )  # fmt: skip
            if staged is not None
            else LegacyEvidence("", "", "")
        )
    place = Place(district, state, r.facility_code, r.facility_name or "")
    return DoseFact(r.id, r.person_id, r.dose_code, r.given_on, place, legacy, r.person_name)


class AttestationRepository(Repository):
    def add(self, attestation: Attestation, document: bytes | None) -> None:
        self.conn.execute(attestations.insert(), [{**asdict(attestation), "document": document}])

    def in_areas(self, area_codes: Iterable[str]) -> list[Attestation]:
        a = attestations.c
        columns = [col for col in attestations.columns if col.name != "document"]
        query = (
            select(*columns)
            .where(self.among(a.area_code, sorted(set(area_codes))))
            .order_by(a.area_code, a.signed_on, a.recorded_at)
        )
        return [Attestation(**r._mapping) for r in self.conn.execute(query)]

    def document(self, state_code: str, attestation_id: str) -> tuple[bytes, str] | None:
        a = attestations.c
        row = self.conn.execute(
            select(a.document, a.document_media_type).where(
                a.state_code == state_code, a.id == attestation_id, a.document.is_not(None)
            )
        ).first()
        return (bytes(row.document), row.document_media_type) if row else None

    def residents_with_dose(
        self, state_code: str, area_code: str, schedule: str, dose_code: str
    ) -> list[tuple[date, date | None]]:
        """(birth date, day the dose was given or None) for everyone living in the area."""
        p, v = people.c, vaccinations.c
        query = (
            select(p.birth_date, v.given_on)
            .select_from(
                people.outerjoin(
                    vaccinations,
                    and_(
                        v.state_code == p.state_code,
                        v.person_id == p.id,
                        v.schedule == schedule,
                        v.dose_code == dose_code,
                    ),
                )  # fmt: skip
            )
            .where(p.state_code == state_code, p.area_code == area_code)
        )
        return [(r.birth_date, r.given_on) for r in self.conn.execute(query)]
