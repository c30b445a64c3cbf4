from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from ....domain.access import Role
from ....domain.accounts import AccountRecord, OtpRecord, UserRecord
from ..tables import account_people, api_tokens, citizen_accounts, otp_challenges, users
from .base import Repository


class UserRepository(Repository):
    def add(self, user: UserRecord, created_at: datetime) -> None:
        row = {k: getattr(user, k) for k in UserRecord.__slots__}  # type: ignore[attr-defined]
        row["role"] = user.role.value
        self.conn.execute(users.insert(), [{**row, "created_at": created_at}])

    def _one(self, where) -> UserRecord | None:  # type: ignore[no-untyped-def]
        row = self.conn.execute(self.for_update(select(users).where(where))).first()
        if row is None:
            return None
        values = {k: getattr(row, k) for k in UserRecord.__slots__}  # type: ignore[attr-defined]
        values["role"] = Role(values["role"])
        return UserRecord(**values)

    def by_username(self, username: str) -> UserRecord | None:
        return self._one(users.c.username == username)

    def get(self, user_id: str) -> UserRecord | None:
        return self._one(users.c.id == user_id)

    def record_login(
        self, user_id: str, *, failed_logins: int, locked_until: datetime | None
    ) -> None:
        self.conn.execute(
            update(users)
            .where(users.c.id == user_id)
            .values(failed_logins=failed_logins, locked_until=locked_until)
        )


class AccountRepository(Repository):
    def by_phone(self, phone: str) -> AccountRecord | None:
        row = self.conn.execute(
            select(citizen_accounts).where(citizen_accounts.c.phone == phone)
        ).first()
        return AccountRecord(row.id, row.phone, row.language) if row else None

    def get(self, account_id: str) -> AccountRecord | None:
        row = self.conn.execute(
            self.for_update(select(citizen_accounts).where(citizen_accounts.c.id == account_id))
        ).first()
        return AccountRecord(row.id, row.phone, row.language) if row else None

    def add(self, account: AccountRecord, created_at: datetime) -> None:
        self.conn.execute(
            citizen_accounts.insert(),
            [
                dict(
                    id=account.id,
                    phone=account.phone,
                    language=account.language,
                    created_at=created_at,
                )
            ],
        )

    def set_language(self, account_id: str, language: str) -> None:
        """The language the citizen chose (on WhatsApp): their notifications follow it."""
        self.conn.execute(
            update(citizen_accounts)
            .where(citizen_accounts.c.id == account_id)
            .values(language=language)
        )

    def people_of(self, account_id: str) -> list[tuple[str, str]]:
        """(state code, person id) of everyone this account manages."""
        query = (
            select(account_people.c.state_code, account_people.c.person_id)
            .where(account_people.c.account_id == account_id)
            .order_by(account_people.c.added_at)
        )
        return [(r.state_code, r.person_id) for r in self.conn.execute(query)]

    def add_person(self, account_id: str, state_code: str, person_id: str, at: datetime) -> None:
        self.conn.execute(
            account_people.insert(),
            [dict(account_id=account_id, state_code=state_code, person_id=person_id, added_at=at)],
        )


class TokenRepository(Repository):
    def add(
        self,
        token_hash: str,
        kind: str,
        principal_id: str,
        label: str,
        created_at: datetime,
        expires_at: datetime,
    ) -> None:
        self.conn.execute(
            api_tokens.insert(),
            [
                dict(
                    token_hash=token_hash,
                    principal_kind=kind,
                    principal_id=principal_id,
                    label=label,
                    created_at=created_at,
                    expires_at=expires_at,
                )
            ],
        )

    def find(self, token_hash: str, now: datetime) -> tuple[str, str, datetime] | None:
        """(principal kind, principal id, expiry) of a live token."""
        row = self.conn.execute(
            select(
                api_tokens.c.principal_kind, api_tokens.c.principal_id, api_tokens.c.expires_at
            ).where(
                api_tokens.c.token_hash == token_hash,
                api_tokens.c.expires_at > now,
                api_tokens.c.revoked_at.is_(None),
            )
        ).first()
        return (row.principal_kind, row.principal_id, row.expires_at) if row else None

    def revoke(self, token_hash: str, now: datetime) -> None:
        self.conn.execute(
            update(api_tokens).where(api_tokens.c.token_hash == token_hash).values(revoked_at=now)
        )


class OtpRepository(Repository):
    def add(self, otp: OtpRecord) -> None:
        self.conn.execute(
            otp_challenges.insert(),
            [
                {k: getattr(otp, k) for k in OtpRecord.__slots__}  # type: ignore[attr-defined]
            ],
        )

    def latest(self, phone: str) -> OtpRecord | None:
        row = self.conn.execute(
            self.for_update(
                select(otp_challenges)
                .where(otp_challenges.c.phone == phone)
                .order_by(otp_challenges.c.created_at.desc())
                .limit(1)
            )
        ).first()
        if row is None:
            return None
        return OtpRecord(**{k: getattr(row, k) for k in OtpRecord.__slots__})  # type: ignore[attr-defined]

    def count_since(self, phone: str, since: datetime) -> int:
        return self.conn.execute(
            select(func.count())
            .select_from(otp_challenges)
            .where(otp_challenges.c.phone == phone, otp_challenges.c.created_at >= since)
        ).scalar_one()

    def save(self, otp: OtpRecord) -> None:
        self.conn.execute(
            update(otp_challenges)
            .where(otp_challenges.c.id == otp.id)
            .values(attempts=otp.attempts, consumed_at=otp.consumed_at)
        )
