"""A phone number typed without its country code is read as the person's country's."""

from __future__ import annotations

from datetime import date

import pytest

from sevasetu.domain.errors import DomainError
from sevasetu.services.people import PersonInput, register_person

from ..builders import state_admin
from ..ledger_builders import TALA_W1, bd_admin

NADIA_VILLAGE_ADMIN = state_admin("IN-WB", "wb-admin")


def _register(ctx, admin, area: str, phone: str):  # type: ignore[no-untyped-def]
    data = PersonInput(name="Test Person", sex="female", area_code=area,
                       birth_date=date(1990, 1, 1), phone=phone)  # fmt: skip
    return register_person(ctx, admin, data, confirm_new=True)


def test_a_bangladeshi_local_number_is_read_as_bangladeshi_on_any_deployment(ctx) -> None:
    assert ctx.settings.default_country == "IN"
    person = _register(ctx, bd_admin(), TALA_W1, "01711-223344")
    assert person.phone == "+8801711223344"


def test_an_indian_local_number_is_still_indian_and_a_foreign_one_refused(ctx) -> None:
    village = next(a.code for a in ctx.area_tree().by_code.values()
                   if a.state_code == "IN-WB" and a.level.value == "village")  # fmt: skip
    person = _register(ctx, NADIA_VILLAGE_ADMIN, village, "98300 12345")
    assert person.phone == "+919830012345"
    with pytest.raises(DomainError):  # a Bangladeshi mobile's local form is not Indian
        _register(ctx, NADIA_VILLAGE_ADMIN, village, "01711223344")
