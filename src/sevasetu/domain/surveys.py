"""Household surveys: a volunteer lists a household's members, a verifier approves the survey
or returns it with comments, and every year (the January update) each household is surveyed
again. The rules here are pure: who is listed twice, where the household is, which review
follows which, what changed in a year."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from .errors import DuplicateMember, InvalidInput, Reason, SurveyStateConflict
from .identifiers import IdentifierKind, error_label
from .people import age_in_years


class SurveyStatus(StrEnum):
    OPEN = "open"  # a re-verification task the volunteer has not done yet
    SUBMITTED = "submitted"  # waiting for a verifier
    RETURNED = "returned"  # sent back to the volunteer with the verifier's comments
    APPROVED = "approved"


class SurveyKind(StrEnum):
    NEW = "new"  # a household surveyed for the first time
    REVERIFICATION = "reverification"  # the yearly update of a household on file


class MemberStatus(StrEnum):
    """What became of someone the household had at its last survey."""

    PRESENT = "present"
    DIED = "died"
    MOVED_OUT = "moved_out"


class Arrival(StrEnum):
    """How someone new to a household on file came to it."""

    BORN = "born"
    MOVED_IN = "moved_in"  # by marriage, migration or otherwise


class ChangeKind(StrEnum):
    """The year's changes the change report counts."""

    BIRTH = "birth"
    DEATH = "death"
    MARRIAGE = "marriage"
    MOVE_IN = "move_in"
    MOVE_OUT = "move_out"
    NEW_BENEFIT = "new_benefit"
    STOPPED_BENEFIT = "stopped_benefit"


@dataclass(slots=True)
class Survey:
    id: str
    state_code: str
    household_id: str
    area_code: str
    kind: SurveyKind
    status: SurveyStatus
    created_at: datetime
    campaign_year: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    place: str | None = None
    surveyed_by: str | None = None
    surveyed_at: datetime | None = None
    verified_by: str | None = None
    verified_at: datetime | None = None
    comment: str | None = None
    submissions: int = 0


# --- members listed twice ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """What tells one member of a roster from another: identifiers as (kind, lookup hash), the
    name key, sex, and the birth date or the declared age."""

    name_key: str
    sex: str
    birth_date: date | None = None
    age_years: int | None = None
    identifiers: tuple[tuple[str, str], ...] = ()


def _age(entry: RosterEntry, today: date) -> int | None:
    if entry.age_years is not None:
        return entry.age_years
    return age_in_years(entry.birth_date, today) if entry.birth_date is not None else None


def same_person(a: RosterEntry, b: RosterEntry, today: date) -> Reason | None:
    """Why two roster entries are one person, or None: the same identifier, or the same name
    key and sex with the same birth date (or, where an age was declared, the same age)."""
    shared = sorted(set(a.identifiers) & set(b.identifiers))
    if shared:
        kind = shared[0][0]
        known = kind in IdentifierKind.__members__.values()
        return Reason("the same {kind} number",
                      kind=error_label(IdentifierKind(kind)) if known else kind)  # fmt: skip
    if not a.name_key or a.name_key != b.name_key or a.sex != b.sex:
        return None
    if a.birth_date is not None and b.birth_date is not None:
        if a.birth_date == b.birth_date:
            return Reason("the same name, sex and date of birth")
        return None
    age_a, age_b = _age(a, today), _age(b, today)
    if age_a is not None and age_a == age_b:
        return Reason("the same name, sex and age")
    return None


def check_no_member_twice(entries: Sequence[RosterEntry], today: date) -> None:
    """Refuse a roster that lists one person twice, naming both members (1-based) and why.
    The field is the second member's, so that a form marks the row to remove."""
    for j, later in enumerate(entries):
        for i in range(j):
            why = same_person(entries[i], later, today)
            if why is not None:
                raise DuplicateMember(f"members[{j}]", first=i + 1, second=j + 1, why=why)


# --- where the household is ----------------------------------------------------------------


def check_location(
    latitude: float | None, longitude: float | None, place: str | None
) -> tuple[float | None, float | None, str | None]:
    """Both coordinates or neither, within the globe; a place is free text (a para, a
    landmark) kept to 200 characters."""
    if (latitude is None) != (longitude is None):
        raise InvalidInput(
            "latitude" if latitude is None else "longitude",
            reason=Reason("Give both the latitude and the longitude, or neither."),
        )
    if latitude is not None and not -90 <= latitude <= 90:
        raise InvalidInput(
            "latitude", reason=Reason("The latitude must be between -90 and 90 degrees.")
        )
    if longitude is not None and not -180 <= longitude <= 180:
        raise InvalidInput(
            "longitude", reason=Reason("The longitude must be between -180 and 180 degrees.")
        )
    cleaned = " ".join((place or "").split())[:200] or None
    return latitude, longitude, cleaned


# --- the survey's course -------------------------------------------------------------------


def check_can_submit(survey: Survey) -> None:
    """A volunteer fills in a task (open) or corrects a returned survey; nothing else."""
    if survey.status not in (SurveyStatus.OPEN, SurveyStatus.RETURNED):
        raise SurveyStateConflict("id", status=survey.status.value, wanted="submitted")


def submitted(survey: Survey, *, by: str, at: datetime) -> Survey:
    return replace(
        survey,
        status=SurveyStatus.SUBMITTED,
        surveyed_by=by,
        surveyed_at=at,
        submissions=survey.submissions + 1,
    )


def reviewed(survey: Survey, *, approve: bool, comment: str, by: str, at: datetime) -> Survey:
    """A verifier approves a submitted survey, or returns it with a comment saying what to
    correct. Whoever surveyed a household does not verify it."""
    wanted = SurveyStatus.APPROVED if approve else SurveyStatus.RETURNED
    if survey.status is not SurveyStatus.SUBMITTED:
        raise SurveyStateConflict("id", status=survey.status.value, wanted=wanted.value)
    if survey.surveyed_by == by:
        raise InvalidInput(
            "id", reason=Reason("Someone other than the volunteer who surveyed it must verify it.")
        )
    comment = " ".join(comment.split())[:500]
    if not approve and not comment:
        raise InvalidInput(
            "comment", reason=Reason("Say what the volunteer must correct before returning it.")
        )
    return replace(survey, status=wanted, verified_by=by, verified_at=at, comment=comment or None)


# --- the year's benefits -------------------------------------------------------------------


def benefit_changes(
    this_year: Iterable[tuple[str, str]], last_year: Iterable[tuple[str, str]]
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(new, stopped) (person, scheme) pairs: paid this year and not last, or last and not
    this."""
    now, before = set(this_year), set(last_year)
    return now - before, before - now
