"""Builders for test data: staff users with tokens, people to register, vaccine stock."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sevasetu.bootstrap import AppContext
from sevasetu.domain.access import Principal, Role
from sevasetu.domain.identifiers import verhoeff_check_digit
from sevasetu.domain.lots import VaccineLot
from sevasetu.services.auth import add_user, issue_token
from sevasetu.services.lots import LotInput, add_lot

PASSWORD = "correct horse battery"
NADIA_VILLAGE = "IN-WB-NAD-KN1-DOG"
NADIA_BLOCK = "IN-WB-NAD-KN1"
NADIA = "IN-WB-NAD"
RAIGARH_VILLAGE_PARENT = "IN-CG-RGH"


def aadhaar(prefix11: str) -> str:
    return prefix11 + verhoeff_check_digit(prefix11)


def staff(ctx: AppContext, username: str, role: str, area: str, language: str = "en") -> str:
    """Create a user and return a bearer token for them."""
    add_user(
        ctx,
        None,
        username=username,
        password=PASSWORD,
        role=role,
        area_code=area,
        full_name=username.title(),
        language=language,
    )
    return issue_token(ctx, username)


def stock(
    ctx: AppContext,
    facility: str,
    dose_codes: Iterable[str],
    *,
    doses: int = 1000,
    expiry: date = date(2027, 12, 31),
    lot: str = "STOCK-1",
) -> VaccineLot:
    """Give a facility a lot serving these doses, with ``doses`` received: a session can only
    offer a vaccine the facility has in stock."""
    with ctx.uow() as uow:
        (found,) = uow.areas.facilities_by_code([facility])
    area = ctx.area_tree().get(found.area_code)
    keeper = Principal(kind="system", id="tests", role=Role.STATE_ADMIN, name="tests",
                       area_code=area.path[0], state_code=area.state_code)  # fmt: skip
    data = LotInput(product=f"Test vaccine {lot}", lot=lot, expiry=expiry,
                    dose_codes=list(dose_codes), doses_received=doses)  # fmt: skip
    return add_lot(ctx, keeper, facility, data)


def auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def person_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "অমিত দাস",
        "sex": "male",
        "birth_date": "1990-04-12",
        "phone": "9876543210",
        "area_code": NADIA_VILLAGE,
        "identifiers": {"aadhaar": aadhaar("23456789012")},
    }
    body.update(overrides)
    return body
