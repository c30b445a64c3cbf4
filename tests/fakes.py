"""Test doubles for what lies outside sevasetu: the clock and the SMS gateway."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass
class FakeClock:
    current: datetime

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@dataclass
class RecordingSms:
    sent: list[tuple[str, str]] = field(default_factory=list)

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))

    def last_code(self, phone: str) -> str:
        for to, text in reversed(self.sent):
            if to == phone:
                match = re.search(r"\d{6}", text)
                if match:
                    return match.group()
        raise AssertionError(f"no code was sent to {phone}")
