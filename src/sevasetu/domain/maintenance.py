"""Maintenance windows per state: while a state's data moves (S4), its writes wait.

A window freezes every write for one state until ``until``; reads, certificate verification
and eligibility checks go on, and other states are untouched. A state whose records now live
at another deployment is frozen here for good (``moved_to``): the copy left behind is the
backup, never written again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from .errors import DomainError, InvalidInput

OVERRUN_RETRY = 60


@dataclass(frozen=True, slots=True)
class MaintenanceWindow:
    state_code: str
    since: datetime
    until: datetime
    reason: str
    set_by: str

    def retry_after(self, now: datetime) -> int:
        """Whole seconds until the window is planned to end. The freeze lasts until it is
        lifted (``maintenance off``), so past its planned end a client is asked to wait a
        minute more."""
        seconds = math.ceil((self.until - now).total_seconds())
        return seconds if seconds > 0 else OVERRUN_RETRY


@dataclass(frozen=True, slots=True)
class Freeze:
    """Why one state's writes are refused right now: a window, or its records moved away."""

    state_code: str
    window: MaintenanceWindow | None = None
    moved_to: str | None = None


class StateInMaintenance(DomainError):
    code = "state-in-maintenance"
    kind = "unavailable"
    template = (
        "Records of {state} cannot be changed until {until} (UTC) because of planned "
        "maintenance: {reason}. Reading records and verifying certificates still work."
    )

    def __init__(self, window: MaintenanceWindow, now: datetime) -> None:
        self.window = window
        self.retry_after = window.retry_after(now)
        super().__init__(
            None,
            state=window.state_code,
            until=window.until.strftime("%Y-%m-%d %H:%M"),
            reason=window.reason,
        )


class StateMovedAway(DomainError):
    code = "state-moved"
    kind = "unavailable"
    template = (
        "Records of {state} are now kept by another deployment ({deployment}); this copy is "
        "a backup and cannot be changed."
    )

    retry_after = 86_400


def refusal(freeze: Freeze, now: datetime) -> DomainError:
    if freeze.window is not None and freeze.moved_to is None:
        return StateInMaintenance(freeze.window, now)
    return StateMovedAway(None, state=freeze.state_code, deployment=freeze.moved_to or "?")


def validate_window(state_code: str, until: datetime, reason: str, now: datetime) -> None:
    """A window names a state, ends in the future and says why."""
    if not state_code.strip():
        raise InvalidInput("state", reason="Name the state, for example IN-WB.")
    if until.tzinfo is None:
        raise InvalidInput("until", reason="Give the end of the window with its time zone.")
    if until <= now:
        raise InvalidInput("until", reason="The end of the window must be in the future.")
    if not reason.strip():
        raise InvalidInput("reason", reason="Say why the state is in maintenance.")
    if len(reason) > 300:
        raise InvalidInput("reason", reason="The reason must be at most 300 characters.")
