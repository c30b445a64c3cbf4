"""Uploaded documents and the proofs of earlier doses that point to them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from ....domain.proofs import ClaimedDose, Document, DoseProof, ProofStatus
from ..tables import bookings, documents, dose_proofs, people, vaccination_sessions
from .base import Repository

_D, _P = documents.c, dose_proofs.c
_META = [c for c in documents.c if c.name != "content"]


def _document(row: Any) -> Document:
    m = row._mapping
    return Document(**{c.name: m[c.name] for c in _META})


def _proof(row: Any) -> DoseProof:
    m = row._mapping
    return DoseProof(
        state_code=m["state_code"], id=m["id"], booking_id=m["booking_id"],
        document_id=m["document_id"],
        claim=ClaimedDose(m["claimed_dose_code"], m["claimed_given_on"], m["claimed_place"],
                          m["identifier_kind"], m["identifier_last"]),
        created_at=m["created_at"], status=ProofStatus(m["status"]),
        decided_by=m["decided_by"], decided_at=m["decided_at"], reason=m["reason"],
    )  # fmt: skip


class ProofRepository(Repository):
    def add_document(self, document: Document, content: bytes) -> None:
        row = {c.name: getattr(document, c.name) for c in _META}
        self.conn.execute(documents.insert(), [{**row, "content": content}])

    def document(self, state_code: str, document_id: str) -> Document | None:
        row = self.conn.execute(
            select(*_META).where(_D.state_code == state_code, _D.id == document_id)
        ).first()
        return _document(row) if row else None

    def content(self, state_code: str, document_id: str) -> bytes:
        return bytes(
            self.conn.execute(
                select(_D.content).where(_D.state_code == state_code, _D.id == document_id)
            ).scalar_one()
        )

    def add(self, proof: DoseProof) -> None:
        c = proof.claim
        self.conn.execute(dose_proofs.insert(), [{
            "state_code": proof.state_code, "id": proof.id, "booking_id": proof.booking_id,
            "document_id": proof.document_id, "claimed_dose_code": c.dose_code,
            "claimed_given_on": c.given_on, "claimed_place": c.place,
            "identifier_kind": c.identifier_kind, "identifier_last": c.identifier_last,
            "status": proof.status.value, "decided_by": None, "decided_at": None,
            "reason": "", "created_at": proof.created_at,
        }])  # fmt: skip

    def get(self, proof_id: str) -> DoseProof | None:
        query = select(dose_proofs).where(_P.id == proof_id)
        row = self.conn.execute(self.for_update(query)).first()
        return _proof(row) if row else None

    def save(self, proof: DoseProof) -> None:
        self.conn.execute(
            update(dose_proofs)
            .where(_P.state_code == proof.state_code, _P.id == proof.id)
            .values(status=proof.status.value, decided_by=proof.decided_by,
                    decided_at=proof.decided_at, reason=proof.reason)
        )  # fmt: skip

    def queue(
        self, area_codes: list[str], status: ProofStatus, limit: int = 200
    ) -> list[tuple[DoseProof, dict[str, Any]]]:
        """Proofs in ``status`` for bookings at sessions in these areas, oldest first, each
        with what the list shows: the person's name, the booked dose, the session's day."""
        b, s, p = bookings.c, vaccination_sessions.c, people.c
        rows = self.conn.execute(
            select(dose_proofs, p.name, p.name_latin, b.dose_code, b.status.label("booking_status"),
                   s.day, s.area_code, s.facility_code)
            .join(bookings, (b.state_code == _P.state_code) & (b.id == _P.booking_id))
            .join(vaccination_sessions,
                  (s.state_code == b.session_state) & (s.id == b.session_id))
            .join(people, (p.state_code == b.state_code) & (p.id == b.person_id))
            .where(_P.status == status.value, s.area_code.in_(area_codes))
            .order_by(_P.created_at, _P.id)
            .limit(limit)
        )  # fmt: skip
        names = ("name", "name_latin", "dose_code", "booking_status", "day", "area_code",
                 "facility_code")  # fmt: skip
        return [(_proof(r), {k: r._mapping[k] for k in names}) for r in rows]
