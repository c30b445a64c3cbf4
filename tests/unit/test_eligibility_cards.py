"""The eligibility card's claims and validity, as rules (the signature is in the integration
tests): what a card says comes back as it was said, and its dates are judged inclusively."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sevasetu.domain.eligibility_cards import (
    CardClaims,
    check_valid_on,
    check_validity_asked,
    default_validity,
    read_claims,
)
from sevasetu.domain.errors import CardExpired, CardInvalid, InvalidInput

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40)


@st.composite
def claims(draw: st.DrawFn) -> CardClaims:
    start = draw(days)
    return CardClaims(
        card_id=draw(st.text("0123456789abcdef", min_size=16, max_size=16)),
        issuer="https://sevasetu.example",
        person_id=draw(st.uuids()).hex,
        state_code=draw(st.sampled_from(["IN-WB", "IN-CG", "BD-D"])),
        scheme_code=draw(st.sampled_from(["WB-SWASTHYA-SATHI", "WB-KRISHAK-BANDHU"])),
        scheme_name=draw(names),
        holder=draw(names),
        birth_year=draw(st.none() | st.integers(1900, 2090)),
        valid_from=start,
        valid_until=start + timedelta(days=draw(st.integers(0, 366 * 5))),
        issued_at=draw(st.integers(0, 4_000_000_000)),
    )


@given(claims())
def test_a_cards_claims_come_back_as_issued(card: CardClaims) -> None:
    assert read_claims(card.payload()) == card


@given(claims(), st.integers(-400, 400))
def test_a_card_is_good_exactly_from_its_first_to_its_last_day(card: CardClaims, shift: int):
    day = card.valid_from + timedelta(days=shift)
    if card.valid_from <= day <= card.valid_until:
        check_valid_on(card, day)
    else:
        with pytest.raises(CardExpired):
            check_valid_on(card, day)


@given(days)
def test_a_yearly_card_lasts_a_year_less_a_day(day: date) -> None:
    end = default_validity("yearly", day)
    assert 364 <= (end - day).days <= 365
    check_validity_asked(day, end)


def test_what_is_not_a_card_is_refused() -> None:
    with pytest.raises(CardInvalid, match="not an eligibility card"):
        read_claims({"iss": "x", "sub": "y"})
    card = CardClaims("c", "i", "p", "IN-WB", "S", "S", "n", None, date(2026, 1, 2),
                      date(2026, 1, 1), 0)  # fmt: skip
    with pytest.raises(CardInvalid, match="cannot be read"):
        read_claims(card.payload())
    with pytest.raises(InvalidInput, match="five years"):
        check_validity_asked(date(2026, 1, 1), date(2032, 1, 1))
