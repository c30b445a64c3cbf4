"""Ages and intervals in the calendar's terms: days, weeks, calendar months, years."""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta

from .errors import InvalidInput, Reason

_AGE = re.compile(r"^(\d+)([dwmy])$")


@dataclass(frozen=True, slots=True)
class Age:
    """An age or interval: days, weeks, calendar months or years ("6w", "9m", "16y")."""

    amount: int
    unit: str

    @classmethod
    def parse(cls, text: str) -> Age:
        match = _AGE.match(text.strip())
        if not match:
            raise InvalidInput(
                "age", reason=Reason("{text} is not an age such as 6w, 9m or 10y.", text=repr(text))
            )
        return cls(int(match.group(1)), match.group(2))

    def after(self, start: date) -> date:
        if self.unit == "d":
            return start + timedelta(days=self.amount)
        if self.unit == "w":
            return start + timedelta(weeks=self.amount)
        return _months_after(start, self.amount * (12 if self.unit == "y" else 1))

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


@functools.lru_cache(maxsize=65536)
def _months_after(start: date, months: int) -> date:
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
