"""Logging in: staff by password, citizens by a one-time code sent by SMS; bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..domain.access import Action, Principal, Role, require, require_area, require_rank_above
from ..domain.accounts import AccountRecord, OtpRecord, UserRecord
from ..domain.errors import (
    BadCredentials,
    InvalidInput,
    NotAuthenticated,
    OtpInvalid,
    OtpLocked,
    OtpRateLimited,
    UsernameTaken,
)
from ..domain.identifiers import normalize_phone
from .audit import record
from .ports import Context

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Session:
    token: str
    principal: Principal


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def principal_of_user(user: UserRecord) -> Principal:
    return Principal(
        "user", user.id, user.role, user.full_name, user.area_code, user.state_code, user.language
    )


def principal_of_account(account: AccountRecord) -> Principal:
    return Principal("citizen", account.id, Role.CITIZEN, account.phone, language=account.language)


def _issue(ctx: Context, uow, principal: Principal, label: str, ttl: timedelta) -> str:  # type: ignore[no-untyped-def]
    token = secrets.token_urlsafe(32)
    uow.tokens.add(
        _token_hash(token), principal.kind, principal.id, label, ctx.now(), ctx.now() + ttl
    )
    return token


def login_staff(ctx: Context, username: str, password: str) -> Session:
    """Check the password; five wrong ones lock the account for fifteen minutes. Every failure
    is audited and committed before the refusal."""
    with ctx.uow(write=True) as uow:
        user = uow.users.by_username(username.strip().lower())
        now = ctx.now()

        def refuse(reason: str, **detail: object) -> BadCredentials:
            record(
                ctx, uow, actor=f"user:{user.id}" if user else f"anonymous:{username[:40]}",
                action="login.failed", subject_type="user",
                subject_id=user.id if user else username[:36],
                state_code=user.state_code if user else None, reason=reason, **detail,
            )  # fmt: skip
            uow.commit()
            return BadCredentials("password")

        if user is None or not user.active:
            raise refuse("unknown")
        if user.locked_until and user.locked_until > now:
            raise refuse("locked")
        if not ctx.passwords.verify(user.password_hash, password):
            failures = user.failed_logins + 1
            locked = now + LOCKOUT if failures >= MAX_FAILED_LOGINS else None
            uow.users.record_login(
                user.id, failed_logins=0 if locked else failures, locked_until=locked
            )
            raise refuse("password", locked=locked is not None)
        uow.users.record_login(user.id, failed_logins=0, locked_until=None)
        principal = principal_of_user(user)
        token = _issue(ctx, uow, principal, "login", timedelta(hours=ctx.settings.token_ttl_hours))
        record(
            ctx,
            uow,
            actor=principal,
            action="login",
            subject_type="user",
            subject_id=user.id,
            state_code=user.state_code,
        )
        uow.commit()
    return Session(token, principal)


def issue_token(ctx: Context, username: str, *, label: str = "cli", days: int = 90) -> str:
    """A long-lived token for scripts and integrations (``sevasetu users token``)."""
    with ctx.uow(write=True) as uow:
        user = uow.users.by_username(username.strip().lower())
        if user is None or not user.active:
            raise InvalidInput("username", reason=f"There is no active user {username!r}.")
        principal = principal_of_user(user)
        token = _issue(ctx, uow, principal, label, timedelta(days=days))
        record(
            ctx,
            uow,
            actor="system:cli",
            action="token.issue",
            subject_type="user",
            subject_id=user.id,
            state_code=user.state_code,
            label=label,
            days=days,
        )
        uow.commit()
    return token


class PrincipalCache:
    """Who holds each token, remembered for a few seconds per process: every API call asks.

    A token revoked or a user deactivated in another process stays usable there for at most
    ``ttl``; this process forgets a token at once when it logs out. Expiry is always exact.
    """

    def __init__(self, ttl: timedelta = timedelta(seconds=30), size: int = 10_000) -> None:
        self.ttl = ttl
        self.size = size
        self._entries: dict[str, tuple[datetime, Principal]] = {}

    def get(self, token_hash: str, now: datetime) -> Principal | None:
        entry = self._entries.get(token_hash)
        if entry is None or entry[0] <= now:
            return None
        return entry[1]

    def put(self, token_hash: str, principal: Principal, until: datetime) -> None:
        if len(self._entries) >= self.size:
            self._entries.clear()
        self._entries[token_hash] = (until, principal)

    def forget(self, token_hash: str) -> None:
        self._entries.pop(token_hash, None)


def cached_principal(ctx: Context, token: str) -> Principal | None:
    """Who holds the token if this process looked it up within the cache's few seconds; no
    database, so an event loop may ask (``principal_for_token`` answers otherwise)."""
    return ctx.principals.get(_token_hash(token), ctx.now())


def principal_for_token(ctx: Context, token: str) -> Principal:
    key, now = _token_hash(token), ctx.now()
    cached = ctx.principals.get(key, now)
    if cached is not None:
        return cached
    principal = None
    with ctx.uow() as uow:
        found = uow.tokens.find(key, now)
        if found is not None:
            kind, principal_id, expires_at = found
            if kind == "user":
                user = uow.users.get(principal_id)
                if user is not None and user.active:
                    principal = principal_of_user(user)
            else:
                account = uow.accounts.get(principal_id)
                if account is not None:
                    principal = principal_of_account(account)
    if principal is None:
        raise NotAuthenticated()
    ctx.principals.put(key, principal, min(now + ctx.principals.ttl, expires_at))
    return principal


def logout(ctx: Context, token: str) -> None:
    ctx.principals.forget(_token_hash(token))
    with ctx.uow(write=True) as uow:
        uow.tokens.revoke(_token_hash(token), ctx.now())
        uow.commit()


OTP_TEXT = {
    "en": "Your sevasetu code is {code}. It is valid for {minutes} minutes. Do not share it.",
    "bn": "আপনার সেবাসেতু কোড {code}। এটি {minutes} মিনিট বৈধ। কাউকে জানাবেন না।",
    "hi": "आपका सेवासेतु कोड {code} है। यह {minutes} मिनट तक मान्य है। इसे किसी को न बताएँ।",
}


def request_otp(ctx: Context, raw_phone: str, language: str = "en") -> None:
    phone = normalize_phone(raw_phone, ctx.settings.default_country)
    settings = ctx.settings
    with ctx.uow(write=True) as uow:
        since = ctx.now() - timedelta(seconds=settings.otp_window_seconds)
        if uow.otps.count_since(phone, since) >= settings.otp_max_per_window:
            raise OtpRateLimited("phone", minutes=settings.otp_window_seconds // 60)
        code = f"{secrets.randbelow(1_000_000):06d}"
        uow.otps.add(
            OtpRecord(
                ctx.new_id(),
                phone,
                ctx.secret_hash("otp", phone + code),
                ctx.now(),
                ctx.now() + timedelta(seconds=settings.otp_ttl_seconds),
                0,
                None,
            )
        )
        uow.commit()
    text = OTP_TEXT.get(language, OTP_TEXT["en"])
    ctx.sms.send(phone, text.format(code=code, minutes=settings.otp_ttl_seconds // 60))


def verify_otp(ctx: Context, raw_phone: str, code: str, language: str = "en") -> Session:
    """The latest code for the number, if unexpired, unused and within its attempts, logs in;
    the citizen's account is made on first login."""
    phone = normalize_phone(raw_phone, ctx.settings.default_country)
    with ctx.uow(write=True) as uow:
        otp = uow.otps.latest(phone)
        now = ctx.now()
        if otp is None or otp.consumed_at is not None or otp.expires_at <= now:
            raise OtpInvalid("code")
        if otp.attempts >= ctx.settings.otp_max_attempts:
            raise OtpLocked("code")
        if not secrets.compare_digest(otp.code_hash, ctx.secret_hash("otp", phone + code.strip())):
            otp.attempts += 1
            uow.otps.save(otp)
            uow.commit()
            if otp.attempts >= ctx.settings.otp_max_attempts:
                raise OtpLocked("code")
            raise OtpInvalid("code")
        otp.consumed_at = now
        uow.otps.save(otp)
        account = uow.accounts.by_phone(phone)
        if account is None:
            account = AccountRecord(ctx.new_id(), phone, language)
            uow.accounts.add(account, now)
        principal = principal_of_account(account)
        token = _issue(ctx, uow, principal, "otp", timedelta(hours=ctx.settings.token_ttl_hours))
        uow.commit()
    return Session(token, principal)


def add_user(
    ctx: Context,
    by: Principal | None,
    *,
    username: str,
    password: str,
    role: str,
    area_code: str,
    full_name: str,
    language: str = "en",
) -> UserRecord:
    """Create a staff user. ``by`` is None for the command line run by the operator."""
    try:
        role_value = Role(role)
    except ValueError:
        raise InvalidInput(
            "role",
            reason=f"Unknown role {role!r}; use one of "
            + ", ".join(r.value for r in Role if r is not Role.CITIZEN)
            + ".",
        ) from None
    if role_value is Role.CITIZEN:
        raise InvalidInput(
            "role", reason="Citizens log in with their mobile number, not a password."
        )
    area = ctx.area_tree().get(area_code)
    if by is not None:
        require(by, Action.USER_MANAGE)
        require_rank_above(by, role_value)
        require_area(by, area)
    username = username.strip().lower()
    if not (3 <= len(username) <= 60) or not username.replace(".", "").replace("_", "").isalnum():
        raise InvalidInput(
            "username", reason="A username has 3 to 60 letters, digits, dots or underscores."
        )
    if len(password) < 10:
        raise InvalidInput("password", reason="A password has at least 10 characters.")
    if language not in ctx.settings.languages:
        raise InvalidInput(
            "language", reason=f"Choose a language among {', '.join(ctx.settings.languages)}."
        )
    user = UserRecord(
        ctx.new_id(),
        username,
        full_name.strip() or username,
        ctx.passwords.hash(password),
        role_value,
        area.code,
        area.state_code,
        language,
        True,
        0,
        None,
    )
    with ctx.uow(write=True) as uow:
        if uow.users.by_username(username) is not None:
            raise UsernameTaken("username", username=username)
        uow.users.add(user, ctx.now())
        record(
            ctx,
            uow,
            actor=by or "system:cli",
            action="user.add",
            subject_type="user",
            subject_id=user.id,
            state_code=area.state_code,
            role=role_value.value,
            username=username,
        )
        uow.commit()
    return user
