"""People and the rules for registering and correcting them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from .errors import ImpossibleDate, InvalidInput
from .identifiers import SECRET_KINDS, IdentifierKind, mask
from .names import clean_name, name_key, to_latin

MAX_AGE_YEARS = 120


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Identifier:
    """One identifier of a person. Secret kinds keep no readable value, only the last 4."""

    kind: IdentifierKind
    lookup_hash: str
    last4: str
    value: str | None = None  # None for Aadhaar and NID

    @property
    def display(self) -> str:
        if self.value is not None:
            return self.value
        return mask(self.kind, "0" * 8 + self.last4)


@dataclass(slots=True)
class Person:
    id: str
    state_code: str
    area_code: str
    name: str  # as written, in any script
    name_latin: str
    name_key: str
    sex: Sex
    birth_date: date
    birth_date_estimated: bool = False
    phone: str | None = None
    household_id: str | None = None
    relation_to_head: str | None = None
    identifiers: list[Identifier] = field(default_factory=list)
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def age_on(self, day: date) -> int:
        return age_in_years(self.birth_date, day)

    def identifier(self, kind: IdentifierKind) -> Identifier | None:
        return next((i for i in self.identifiers if i.kind == kind), None)


def age_in_years(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def check_birth_date(birth: date, today: date, field_name: str = "birth_date") -> date:
    if birth > today:
        raise ImpossibleDate(field_name, value=birth.isoformat(), reason="it is in the future")
    if age_in_years(birth, today) > MAX_AGE_YEARS:
        raise ImpossibleDate(
            field_name,
            value=birth.isoformat(),
            reason=f"the person would be older than {MAX_AGE_YEARS}",
        )
    return birth


def birth_date_from_age(age_years: int, today: date, field_name: str = "age_years") -> date:
    """A declared age becomes an estimated birth date half a year before the birthday it implies."""
    if not 0 <= age_years <= MAX_AGE_YEARS:
        raise InvalidInput(
            field_name, reason=f"The age must be between 0 and {MAX_AGE_YEARS} years."
        )
    try:
        anniversary = today.replace(year=today.year - age_years)
    except ValueError:  # 29 February
        anniversary = today.replace(year=today.year - age_years, day=28)
    return anniversary - timedelta(days=182)


@dataclass(frozen=True, slots=True)
class PersonDetails:
    """What a worker or citizen types in; checked by ``person_details``."""

    name: str
    sex: Sex
    birth_date: date
    birth_date_estimated: bool
    phone: str | None


def person_details(
    *,
    name: str,
    sex: str,
    birth_date: date | None,
    age_years: int | None,
    phone: str | None,
    today: date,
) -> PersonDetails:
    clean = clean_name(name)
    try:
        sex_value = Sex(sex)
    except ValueError:
        raise InvalidInput("sex", reason="The sex must be female, male or other.") from None
    if birth_date is not None and age_years is not None:
        raise InvalidInput(
            "age_years", reason="Give either the date of birth or the age, not both."
        )
    if birth_date is not None:
        return PersonDetails(clean, sex_value, check_birth_date(birth_date, today), False, phone)
    if age_years is None:
        raise InvalidInput("birth_date", reason="The date of birth or the age is needed.")
    return PersonDetails(clean, sex_value, birth_date_from_age(age_years, today), True, phone)


def new_person(
    *,
    person_id: str,
    area_code: str,
    state_code: str,
    details: PersonDetails,
    identifiers: list[Identifier],
    now: datetime,
) -> Person:
    kinds = [i.kind for i in identifiers]
    if len(kinds) != len(set(kinds)):
        raise InvalidInput("identifiers", reason="Each kind of identifier can be given only once.")
    return Person(
        id=person_id,
        state_code=state_code,
        area_code=area_code,
        name=details.name,
        name_latin=to_latin(details.name),
        name_key=name_key(details.name),
        sex=details.sex,
        birth_date=details.birth_date,
        birth_date_estimated=details.birth_date_estimated,
        phone=details.phone,
        identifiers=identifiers,
        created_at=now,
        updated_at=now,
    )


def corrected(person: Person, changes: dict[str, Any], now: datetime) -> Person:
    """A new version of the person; the caller keeps the old one in the history."""
    if "name" in changes:
        name = clean_name(str(changes["name"]))
        changes = {
            **changes,
            "name": name,
            "name_latin": to_latin(name),
            "name_key": name_key(name),
        }
    return replace(person, **changes, version=person.version + 1, updated_at=now)


def is_secret(kind: IdentifierKind) -> bool:
    return kind in SECRET_KINDS
