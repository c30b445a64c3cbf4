"""Area statistics (S3: "area-level statistics"): what is counted and how (docs/area-statistics.md).

The database counts, in a few set-based queries; this module says what the counts mean: the
five-year age bands of the population pyramid and the birth dates that bound them, the doses of
the core antigens and what "fully immunised" is, and shares.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from .people import age_in_years

BAND_YEARS = 5
LAST_BAND = 80  # "80 and over"
BANDS: tuple[tuple[int, int | None], ...] = tuple(
    (lo, lo + BAND_YEARS - 1 if lo < LAST_BAND else None) for lo in range(0, LAST_BAND + 1, 5)
)


def band_label(lo: int, hi: int | None) -> str:
    return f"{lo}-{hi}" if hi is not None else f"{lo}+"


def born_by(day: date, years: int) -> date:
    """The latest birth date of someone ``years`` old or more on ``day`` (the registry's count
    of whole years, ``people.age_in_years``)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def band_bounds(day: date) -> list[date]:
    """For each band after the first, the latest birth date of its youngest member: a person is
    in band k when born on or before bounds[k-1] and after bounds[k] (the last band is open)."""
    return [born_by(day, lo) for lo, _ in BANDS[1:]]


def band_of(birth: date, day: date) -> int:
    age = age_in_years(birth, day)
    return min(max(age, 0) // BAND_YEARS, len(BANDS) - 1)


# --- immunisation ------------------------------------------------------------------------

# The core antigens' doses, each a group of codes that count as that dose (a child who got
# DPT under catch-up instead of the pentavalent vaccine has had the DTP dose all the same).
# The same codes serve India's UIP and Bangladesh's EPI schedule files.
CORE_DOSES: dict[str, tuple[str, ...]] = {
    "BCG": ("BCG",),
    "DTP1": ("PENTA1", "DPT1"),
    "DTP3": ("PENTA3", "DPT3"),
    "OPV3": ("OPV3",),
    "MR1": ("MR1",),
}
# WHO's "fully immunised child" at 12-23 months: BCG, three doses of DTP and of polio, and the
# first measles-containing dose.
FULLY_IMMUNISED: tuple[str, ...] = ("BCG", "DTP3", "OPV3", "MR1")
CHILD_MONTHS = (12, 23)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day when it is short)."""
    year, month = divmod(day.month - 1 - months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def child_birth_window(day: date) -> tuple[date, date]:
    """Birth dates (exclusive start, inclusive end) of children aged 12 to 23 completed months
    on ``day``: born after the day 24 months before and on or before the day 12 months before."""
    return months_before(day, CHILD_MONTHS[1] + 1), months_before(day, CHILD_MONTHS[0])


@dataclass(frozen=True, slots=True)
class Share:
    count: int
    of: int

    @property
    def percent(self) -> float | None:
        return round(100.0 * self.count / self.of, 1) if self.of else None
