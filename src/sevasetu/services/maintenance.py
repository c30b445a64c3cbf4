"""Maintenance mode per state: ``on`` freezes the state's writes until ``off``.

The freeze itself is enforced where every write passes (``adapters.tenant.freeze``); this
module sets and lifts windows, lists them, and words them for pages and the chat bot.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..adapters.i18n import gettext_for
from ..adapters.tenant import freeze, windows
from ..domain.areas import TENANT_LEVELS
from ..domain.errors import DomainError, UnknownArea
from ..domain.maintenance import (
    Freeze,
    MaintenanceWindow,
    StateInMaintenance,
    StateMovedAway,
    validate_window,
)
from .audit import record
from .ports import Context


def _state(ctx: Context, state_code: str) -> str:
    code = state_code.strip().upper()
    tree = ctx.area_tree()
    if code not in tree or tree.get(code).level not in TENANT_LEVELS:
        raise UnknownArea("state", area_code=code)
    return code


def start_maintenance(
    ctx: Context, state_code: str, until: datetime, reason: str, actor: str = "cli"
) -> MaintenanceWindow:
    """Freeze the state's writes from now until ``off`` (``until`` is the announced end)."""
    now = ctx.now()
    validate_window(state_code, until, reason, now)
    code = _state(ctx, state_code)
    window = MaintenanceWindow(code, now, until, reason.strip(), actor)
    with ctx.uow(write=True) as uow:
        windows.put_window(uow.conn, window)  # type: ignore[attr-defined]
        # In the deployment's own chain: the state's chain moves with its records.
        record(ctx, uow, actor=actor, action="maintenance.on", subject_type="state",
               subject_id=code, state_code=None, until=until.isoformat(),
               reason=window.reason)  # fmt: skip
        uow.commit()
    forget_freezes(ctx)
    return window


def stop_maintenance(ctx: Context, state_code: str, actor: str = "cli") -> bool:
    """Lift the state's window; False when there was none."""
    code = state_code.strip().upper()
    with ctx.uow(write=True) as uow:
        lifted = windows.drop_window(uow.conn, code)  # type: ignore[attr-defined]
        if lifted:
            record(ctx, uow, actor=actor, action="maintenance.off", subject_type="state",
                   subject_id=code, state_code=None)  # fmt: skip
        uow.commit()
    forget_freezes(ctx)
    return lifted


def maintenance_status(ctx: Context) -> tuple[list[MaintenanceWindow], list[windows.Authority]]:
    with ctx.uow() as uow:
        conn = uow.conn  # type: ignore[attr-defined]
        return windows.windows(conn), windows.authorities(conn)


def current_freezes(ctx: Context) -> dict[str, Freeze]:
    """The frozen states as this process last read them (at most ``freeze.TTL`` s old)."""
    engine = getattr(ctx, "engine", None)
    guard = freeze.guard_of(engine) if engine is not None else None
    if guard is None:
        return {}
    return guard.current(engine)  # type: ignore[arg-type]


def forget_freezes(ctx: Context) -> None:
    """This process reads the frozen states again at its next write."""
    engine = getattr(ctx, "engine", None)
    guard = freeze.guard_of(engine) if engine is not None else None
    if guard is not None:
        guard.forget()


# --- words for the edges -----------------------------------------------------------------
# Extracted for translation from entrypoints/web/maintenance_words.py (services hold no
# gettext markers the extractor reads; a unit test keeps the two lists the same).
BANNER_WINDOW = (
    "Planned maintenance for {state} until {until} (UTC): {reason}. You can look records up, "
    "but changes are not accepted until then."
)
BANNER_MOVED = (
    "Records of {state} are now kept by another deployment ({deployment}); this copy can be "
    "read but not changed."
)
CHAT_WINDOW = (
    "Service for {state} is paused for planned maintenance. It resumes at {until} (UTC); "
    "please send your request again then."
)
CHAT_MOVED = "Service for {state} has moved; please send your request again in a little while."
WORDS = (BANNER_WINDOW, BANNER_MOVED, CHAT_WINDOW, CHAT_MOVED)


def banner_lines(ctx: Context, state_code: str | None, language: str) -> list[str]:
    """Sentences for the page banner: the caller's state, or every frozen state when the
    caller belongs to none (a citizen, a visitor)."""
    frozen = current_freezes(ctx)
    if state_code is None:
        chosen = list(frozen.values())
    else:
        chosen = [frozen[state_code]] if state_code in frozen else []
    _ = gettext_for(language)
    lines = []
    for item in sorted(chosen, key=lambda f: f.state_code):
        if item.window is not None and item.moved_to is None:
            until = item.window.until.strftime("%Y-%m-%d %H:%M")
            lines.append(
                _(BANNER_WINDOW).format(
                    state=item.state_code, until=until, reason=item.window.reason
                )
            )
        else:
            lines.append(_(BANNER_MOVED).format(state=item.state_code, deployment=item.moved_to))
    return lines


def chat_reply(error: DomainError, language: str) -> str | None:
    """What the WhatsApp bot says when a citizen's request meets a freeze: when service
    resumes. None for any other error (the flow words those itself)."""
    _ = gettext_for(language)
    if isinstance(error, StateInMaintenance):
        return _(CHAT_WINDOW).format(state=error.window.state_code, until=error.params["until"])
    if isinstance(error, StateMovedAway):
        return _(CHAT_MOVED).format(state=error.params["state"])
    return None


def retry_after(error: Any) -> int | None:
    """The Retry-After seconds of a freeze refusal, else None."""
    if isinstance(error, StateInMaintenance | StateMovedAway):
        return int(error.retry_after)
    return None
