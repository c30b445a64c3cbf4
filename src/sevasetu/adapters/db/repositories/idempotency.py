from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from ..tables import idempotency_keys
from .base import Repository


@dataclass(slots=True)
class StoredResponse:
    request_hash: str
    status_code: int | None  # None while the first request is still running
    body: str | None
    content_type: str | None


class IdempotencyRepository(Repository):
    def claim(
        self, state_code: str, principal: str, key: str, request_hash: str, now: datetime
    ) -> StoredResponse | None:
        """Claim the key for this request; if someone holds it already, what they stored."""
        try:
            with self.conn.begin_nested():
                self.conn.execute(
                    idempotency_keys.insert(),
                    [
                        dict(
                            state_code=state_code,
                            principal=principal,
                            key=key,
                            request_hash=request_hash,
                            created_at=now,
                        )
                    ],
                )
            return None
        except IntegrityError:
            row = self.conn.execute(
                select(idempotency_keys).where(
                    idempotency_keys.c.state_code == state_code,
                    idempotency_keys.c.principal == principal,
                    idempotency_keys.c.key == key,
                )
            ).one()
            return StoredResponse(
                row.request_hash, row.status_code, row.response_body, row.content_type
            )

    def complete(
        self,
        state_code: str,
        principal: str,
        key: str,
        status_code: int,
        body: str,
        content_type: str,
        now: datetime,
    ) -> None:
        self.conn.execute(
            update(idempotency_keys)
            .where(
                idempotency_keys.c.state_code == state_code,
                idempotency_keys.c.principal == principal,
                idempotency_keys.c.key == key,
            )
            .values(
                status_code=status_code,
                response_body=body,
                content_type=content_type,
                completed_at=now,
            )
        )

    def release(self, state_code: str, principal: str, key: str) -> None:
        self.conn.execute(
            delete(idempotency_keys).where(
                idempotency_keys.c.state_code == state_code,
                idempotency_keys.c.principal == principal,
                idempotency_keys.c.key == key,
            )
        )
