"""Builders for test data: staff users with tokens, and people to register."""

from __future__ import annotations

from typing import Any

from sevasetu.bootstrap import AppContext
from sevasetu.domain.identifiers import verhoeff_check_digit
from sevasetu.services.auth import add_user, issue_token

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
