"""Reading the register forms into the services' inputs.

Input names are the services' field names ("phone", "identifiers.aadhaar",
"members[2].age_years"), so an error's ``field`` says directly which input to mark.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ...domain.errors import DomainError, InvalidInput, InvalidRelation
from ...domain.households import MAX_MEMBERS
from ...domain.people import person_details
from ...services.households import MemberInput
from ...services.people import PersonInput
from .labels import N_

NATIVE_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯०१२३४५६७८९", "01234567890123456789")
MEMBER_FIELD = re.compile(r"members\[(\d+)\]\.")
ROSTER_ROWS = 4
PERSON_FIELDS = ("name", "sex", "birth_date", "age_years", "phone")


def text(form: Mapping[str, Any], name: str, limit: int = 200) -> str:
    return str(form.get(name, "") or "").strip()[:limit]


def values_of(form: Mapping[str, Any]) -> dict[str, str]:
    """What was typed, to fill the form again; the CSRF token is not echoed as a value."""
    return {k: str(v)[:300] for k, v in form.items() if k != "csrf" and isinstance(v, str)}


def read_date(raw: str, field_name: str) -> date | None:
    raw = raw.translate(NATIVE_DIGITS).strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            field_name, reason=N_("Write the date as year-month-day, for example 1990-04-12.")
        ) from None


def read_age(raw: str, field_name: str) -> int | None:
    raw = raw.translate(NATIVE_DIGITS).strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 3:
        raise InvalidInput(field_name, reason=N_("The age must be a whole number of years."))
    return int(raw)


def person_input(
    form: Mapping[str, Any], kinds: list[str], area_code: str, prefix: str = ""
) -> PersonInput:
    identifiers = {
        kind: value for kind in kinds if (value := text(form, f"{prefix}identifiers.{kind}", 40))
    }
    return PersonInput(
        name=text(form, f"{prefix}name"),
        sex=text(form, f"{prefix}sex", 20),
        area_code=area_code,
        birth_date=read_date(text(form, f"{prefix}birth_date", 20), f"{prefix}birth_date"),
        age_years=read_age(text(form, f"{prefix}age_years", 10), f"{prefix}age_years"),
        phone=text(form, f"{prefix}phone", 30) or None,
        identifiers=identifiers,
    )


def confirmed(form: Mapping[str, Any]) -> bool:
    return text(form, "confirm_new", 5) in ("1", "on", "true")


@dataclass
class Roster:
    """The filled rows of the household form; ``rows[k]`` is the form row of member ``k``."""

    members: list[MemberInput] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    shown: int = ROSTER_ROWS

    def form_field(self, service_field: str | None) -> str | None:
        """The service counts the members it was given; the form counts its rows."""
        if service_field is None:
            return None

        def to_row(match: re.Match[str]) -> str:
            index = int(match.group(1))
            row = self.rows[index] if index < len(self.rows) else index
            return f"members[{row}]."

        return MEMBER_FIELD.sub(to_row, service_field)


def row_indexes(form: Mapping[str, Any]) -> list[int]:
    found = {int(m.group(1)) for key in form for m in [MEMBER_FIELD.match(key)] if m}
    return sorted(i for i in found if i < MAX_MEMBERS)


def read_roster(form: Mapping[str, Any], kind: str, today: date) -> Roster:
    """The rows someone typed into, checked one by one so that an error names its row.

    Raises the first DomainError with the row's field name ("members[2].name").
    """
    roster = Roster()
    indexes = row_indexes(form)
    roster.shown = max([ROSTER_ROWS, *(i + 1 for i in indexes)])
    for row in indexes:
        prefix = f"members[{row}]."
        typed = [text(form, prefix + name) for name in ("name", "birth_date", "age_years", "phone")]
        if not any(typed) and not text(form, f"{prefix}identifiers.{kind}"):
            continue
        person = person_input(form, [kind], "", prefix)
        try:
            person_details(
                name=person.name,
                sex=person.sex,
                birth_date=person.birth_date,
                age_years=person.age_years,
                phone=None,
                today=today,
            )
        except DomainError as error:
            # The domain names the field without the row ("sex"); put the row back in.
            raise type(error)(prefix + (error.field or "name"), **error.params) from None
        relation = text(form, prefix + "relation", 30)
        if not relation:
            raise InvalidRelation(
                prefix + "relation", reason=N_("Choose how this person is related to the head.")
            )
        roster.members.append(MemberInput(relation=relation, person=person))
        roster.rows.append(row)
    return roster
