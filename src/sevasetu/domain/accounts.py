"""Staff users, citizens' accounts and one-time login codes, as stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .access import Role


@dataclass(slots=True)
class UserRecord:
    id: str
    username: str
    full_name: str
    password_hash: str
    role: Role
    area_code: str
    state_code: str
    language: str
    active: bool
    failed_logins: int
    locked_until: datetime | None


@dataclass(slots=True)
class AccountRecord:
    id: str
    phone: str
    language: str


@dataclass(slots=True)
class OtpRecord:
    id: str
    phone: str
    code_hash: str
    created_at: datetime
    expires_at: datetime
    attempts: int
    consumed_at: datetime | None
