"""Households: who lives together and how each member is related to the head."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from .errors import InvalidRelation, Reason


class Relation(StrEnum):
    HEAD = "head"
    SPOUSE = "spouse"
    SON = "son"
    DAUGHTER = "daughter"
    FATHER = "father"
    MOTHER = "mother"
    BROTHER = "brother"
    SISTER = "sister"
    GRANDSON = "grandson"
    GRANDDAUGHTER = "granddaughter"
    SON_IN_LAW = "son_in_law"
    DAUGHTER_IN_LAW = "daughter_in_law"
    FATHER_IN_LAW = "father_in_law"
    MOTHER_IN_LAW = "mother_in_law"
    OTHER_RELATIVE = "other_relative"
    NOT_RELATED = "not_related"


MAX_MEMBERS = 60


@dataclass(slots=True)
class Household:
    id: str
    state_code: str
    area_code: str
    address: str
    head_person_id: str | None = None
    member_ids: list[str] = field(default_factory=list)
    created_at: datetime | None = None


def check_roster(relations: list[str]) -> list[Relation]:
    """A roster has exactly one head and only known relations."""
    if not relations:
        raise InvalidRelation("members", reason="A household needs at least one member.")
    if len(relations) > MAX_MEMBERS:
        raise InvalidRelation(
            "members", reason=f"A household can have at most {MAX_MEMBERS} members."
        )
    parsed = []
    for index, value in enumerate(relations):
        try:
            parsed.append(Relation(value))
        except ValueError:
            raise InvalidRelation(
                f"members[{index}].relation",
                reason=Reason(
                    "Unknown relation {value}; use one of {choices}.",
                    value=repr(value),
                    choices=", ".join(r.value for r in Relation),
                ),
            ) from None
    heads = parsed.count(Relation.HEAD)
    if heads != 1:
        raise InvalidRelation(
            "members", reason=Reason("A household has exactly one head, not {count}.", count=heads)
        )
    return parsed
