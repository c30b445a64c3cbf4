from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from ..tables import certificate_revocations, signing_keys
from .base import Repository

ACTIVE = "yes"


@dataclass(frozen=True, slots=True)
class StoredKey:
    kid: str
    algorithm: str
    private_pem: str
    public_jwk: dict[str, Any]
    created_at: datetime
    retired_at: datetime | None


@dataclass(frozen=True, slots=True)
class Revocation:
    state_code: str
    kid: str
    rid: str
    person_id: str
    reason: str
    revoked_at: datetime
    revoked_by: str


def _key(row: Any) -> StoredKey:
    m = row._mapping
    return StoredKey(m["kid"], m["algorithm"], m["private_pem"], dict(m["public_jwk"]),
                     m["created_at"], m["retired_at"])  # fmt: skip


class SigningKeyRepository(Repository):
    def active(self) -> StoredKey | None:
        row = self.conn.execute(
            self.for_update(select(signing_keys).where(signing_keys.c.active == ACTIVE))
        ).first()
        return _key(row) if row else None

    def all(self) -> list[StoredKey]:
        rows = self.conn.execute(select(signing_keys).order_by(signing_keys.c.created_at))
        return [_key(r) for r in rows]

    def add_active(self, key: StoredKey) -> bool:
        """Insert a new active key; False when another one became active meanwhile."""
        try:
            with self.conn.begin_nested():
                self.conn.execute(signing_keys.insert(), [{
                    "kid": key.kid, "algorithm": key.algorithm, "private_pem": key.private_pem,
                    "public_jwk": key.public_jwk, "active": ACTIVE, "created_at": key.created_at,
                    "retired_at": None}])  # fmt: skip
        except IntegrityError:
            return False
        return True

    def retire(self, kid: str, at: datetime) -> None:
        self.conn.execute(
            update(signing_keys).where(signing_keys.c.kid == kid).values(active=None, retired_at=at)
        )


class RevocationRepository(Repository):
    def revoke(self, revocation: Revocation) -> None:
        """Revoke (again, with a later time) the cards of one holder signed by one key."""
        table = certificate_revocations
        self.conn.execute(delete(table).where(
            table.c.state_code == revocation.state_code, table.c.kid == revocation.kid,
            table.c.rid == revocation.rid))  # fmt: skip
        self.conn.execute(table.insert(), [_as_row(revocation)])

    def of_key(self, kid: str) -> list[Revocation]:
        rows = self.conn.execute(
            select(certificate_revocations)
            .where(certificate_revocations.c.kid == kid)
            .order_by(certificate_revocations.c.revoked_at)
        )
        return [Revocation(**r._mapping) for r in rows]

    def find(self, kid: str, rid: str) -> Revocation | None:
        row = self.conn.execute(
            select(certificate_revocations).where(
                certificate_revocations.c.kid == kid, certificate_revocations.c.rid == rid
            )
        ).first()
        return Revocation(**row._mapping) if row else None


def _as_row(r: Revocation) -> dict[str, Any]:
    return {f: getattr(r, f) for f in ("state_code", "kid", "rid", "person_id", "reason",
                                        "revoked_at", "revoked_by")}  # fmt: skip
