from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ....domain.schedule import DoseStatus
from ....services import due_lists as svc
from ....services import lookup as lookup_svc
from ..deps import CtxDep, CurrentPrincipal

router = APIRouter(tags=["due lists"])


class DueDosePublic(BaseModel):
    code: str
    status: str
    due_date: date | None
    last_date: date | None


class DueChildPublic(BaseModel):
    person_id: str
    name: str
    name_latin: str
    birth_date: date
    sex: str
    village_code: str
    village: str
    household_id: str | None
    address: str | None
    phone: str | None  # the person's own
    mother_name: str | None
    mother_phone: str | None
    # "head": no mother in the roster; "self": an adult on a campaign's list
    contact: Literal["mother", "head", "self"] | None
    ashas: list[str]
    doses: list[DueDosePublic]


class DueListPublic(BaseModel):
    area: str
    schedule: str
    start: date
    end: date
    defaulters: bool
    count: int
    items: list[DueChildPublic]


@router.get("/due-list", response_model=DueListPublic,
            summary="Children of an area with doses due or overdue in a window")  # fmt: skip
def due_list(
    ctx: CtxDep,
    principal: CurrentPrincipal,
    area: Annotated[str | None, Query(max_length=40, description="default: your area")] = None,
    start: Annotated[date | None, Query(alias="from", description="default: today")] = None,
    end: Annotated[date | None, Query(alias="to", description="default: the from day")] = None,
    defaulters: Annotated[bool, Query(description="only doses overdue beyond grace")] = False,
    schedule: Annotated[
        str | None,
        Query(max_length=40, description="a campaign (covid19-india): who has a dose due"),
    ] = None,
    dose: Annotated[str | None, Query(max_length=12, description="with a campaign: COVID2")] = None,
) -> DueListPublic:
    # The collector is held off from the first row read to the last byte encoded: the list's
    # tens of thousands of objects would otherwise set off full collections over them.
    with svc.no_gc_pauses():
        if schedule is not None:
            found = svc.campaign_due_list(ctx, principal, area, schedule, start=start, end=end,
                                          dose=dose, defaulters=defaulters)  # fmt: skip
        else:
            found = svc.due_list(ctx, principal, area, start=start, end=end,
                                 defaulters=defaulters)  # fmt: skip
        # Plain dicts, the shape of DueListPublic: thousands of children need no model each,
        # and orjson writes the megabytes of a large area in milliseconds (json: ten times
        # longer).
        response = OrjsonResponse({
            "area": found.area.code, "schedule": found.schedule,
            "start": found.start.isoformat(), "end": found.end.isoformat(),
            "defaulters": found.defaulters, "count": len(found.items),
            "items": [_item(i) for i in found.items],
        })  # fmt: skip
        del found  # freed while the collector is off: it never walks the list's objects
    return response  # type: ignore[return-value]


class OrjsonResponse(JSONResponse):
    def render(self, content: object) -> bytes:
        return orjson.dumps(content)


def _item(item: svc.DueItem) -> dict[str, object]:
    """One row of the list in the shape of ``DueChildPublic``, for orjson, which writes dates
    (ISO 8601) and statuses (their values) itself: no text is made here for them."""
    entry, village = item.entry, item.village
    child = entry.child
    return {
        "person_id": child.id, "name": child.name, "name_latin": child.name_latin,
        "birth_date": child.birth_date, "sex": child.sex,
        "village_code": village.code, "village": village.name,
        "household_id": child.household_id, "address": child.address, "phone": child.phone,
        **item.contact_fields(), "ashas": list(item.ashas), "doses": _doses(entry.doses),
    }  # fmt: skip


def _doses(doses: tuple[DoseStatus, ...]) -> orjson.Fragment:
    """The ``doses`` of a row, encoded once per distinct list of statuses and remembered by
    it (exact: equal statuses encode alike): a child listed from a stored summary has the same
    statuses in every list of the day, and children born days apart often share them."""
    found = _ENCODED_DOSES.get(doses)
    if found is None:
        if len(_ENCODED_DOSES) >= _ENCODED_KEPT:
            _ENCODED_DOSES.clear()
        found = _ENCODED_DOSES[doses] = orjson.Fragment(orjson.dumps([
            {"code": d.code, "status": d.status, "due_date": d.due_date,
             "last_date": d.last_date} for d in doses
        ]))  # fmt: skip
    return found


_ENCODED_DOSES: dict[tuple[DoseStatus, ...], orjson.Fragment] = {}
_ENCODED_KEPT = 50_000  # distinct lists of statuses, a few hundred bytes each


class LookupHitPublic(BaseModel):
    id: str
    name: str
    name_latin: str
    birth_date: date
    sex: str
    identifier: str
    area_code: str
    reach: str


@router.get("/people/lookup", response_model=list[LookupHitPublic],
            summary="Find a person anywhere by an exact identifier, to vaccinate them")  # fmt: skip
def lookup(
    ctx: CtxDep,
    principal: CurrentPrincipal,
    kind: Annotated[str, Query(max_length=16, description="aadhaar, abha, ..., or phone")],
    value: Annotated[str, Query(max_length=40)],
) -> list[LookupHitPublic]:
    return [
        LookupHitPublic(id=h.id, name=h.name, name_latin=h.name_latin, birth_date=h.birth_date,
                        sex=h.sex, identifier=h.identifier, area_code=h.area_code,
                        reach=h.reach.value)
        for h in lookup_svc.lookup_person(ctx, principal, kind, value)
    ]  # fmt: skip
