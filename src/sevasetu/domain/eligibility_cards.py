"""Eligibility cards: what a signed card says about its holder, and when it is good.

A card is a JWT (RFC 7519) in compact JWS form, ES256 with the issuer's ``kid``: the registered
claims ``iss``, ``jti`` (the card id), ``sub`` (the person), ``iat``, ``nbf`` and ``exp``, and
one private claim ``card`` with the state, the scheme, the holder's name as printed and the
validity as dates. The dates are the truth a desk checks (the state's calendar); ``nbf`` and
``exp`` say the same to generic JWT tools. Signing and the JWS are in the adapters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from .errors import CardExpired, CardInvalid

CARD_TYPE = "sevasetu-eligibility-card/1"
MAX_VALID_DAYS = 366 * 5  # nobody issues a card for longer


@dataclass(frozen=True, slots=True)
class CardClaims:
    card_id: str
    issuer: str
    person_id: str
    state_code: str
    scheme_code: str
    scheme_name: str
    holder: str
    birth_year: int | None
    valid_from: date
    valid_until: date
    issued_at: int  # seconds since the epoch

    def payload(self) -> dict[str, Any]:
        """The JWT claims set, compact (the card must fit one QR code)."""
        return {
            "iss": self.issuer,
            "jti": self.card_id,
            "sub": self.person_id,
            "iat": self.issued_at,
            "nbf": _epoch(self.valid_from),
            "exp": _epoch(self.valid_until + timedelta(days=1)),
            "card": {
                "typ": CARD_TYPE,
                "state": self.state_code,
                "scheme": self.scheme_code,
                "scheme_name": self.scheme_name,
                "name": self.holder,
                **({"birth_year": self.birth_year} if self.birth_year else {}),
                "valid_from": self.valid_from.isoformat(),
                "valid_until": self.valid_until.isoformat(),
            },
        }


def _epoch(day: date) -> int:
    return int(datetime.combine(day, time(0), UTC).timestamp())


def read_claims(payload: Mapping[str, Any]) -> CardClaims:
    """The claims of a verified card's payload; anything missing or malformed is refused."""
    card = payload.get("card")
    if not isinstance(card, Mapping) or card.get("typ") != CARD_TYPE:
        raise CardInvalid("card", reason="it is not an eligibility card")
    try:
        birth_year = card.get("birth_year")
        claims = CardClaims(
            card_id=_text(payload, "jti"),
            issuer=_text(payload, "iss"),
            person_id=_text(payload, "sub"),
            state_code=_text(card, "state"),
            scheme_code=_text(card, "scheme"),
            scheme_name=str(card.get("scheme_name") or card["scheme"]),
            holder=str(card.get("name") or ""),
            birth_year=int(birth_year) if birth_year is not None else None,
            valid_from=date.fromisoformat(_text(card, "valid_from")),
            valid_until=date.fromisoformat(_text(card, "valid_until")),
            issued_at=int(payload["iat"]),
        )
    except (KeyError, ValueError, TypeError):
        raise CardInvalid("card", reason="its content cannot be read") from None
    if claims.valid_until < claims.valid_from:
        raise CardInvalid("card", reason="its content cannot be read")
    return claims


def _text(document: Mapping[str, Any], key: str) -> str:
    value = document[key]
    if not isinstance(value, str) or not value:
        raise ValueError(key)
    return value


def check_valid_on(claims: CardClaims, day: date) -> None:
    """Refuse a card outside its validity on ``day`` (the desk's today)."""
    if not claims.valid_from <= day <= claims.valid_until:
        raise CardExpired(
            "card",
            valid_from=claims.valid_from.isoformat(),
            valid_until=claims.valid_until.isoformat(),
            day=day.isoformat(),
        )


def default_validity(period: str, issued_on: date) -> date:
    """The last day of a new card: a year for yearly schemes (and the others), a month for
    monthly ones."""
    if period == "monthly":
        return issued_on + timedelta(days=30)
    try:
        return issued_on.replace(year=issued_on.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February
        return issued_on + timedelta(days=364)


def check_validity_asked(valid_from: date, valid_until: date) -> None:
    from .errors import InvalidInput

    if valid_until < valid_from:
        raise InvalidInput("valid_until", reason="A card cannot end before it starts.")
    if (valid_until - valid_from).days > MAX_VALID_DAYS:
        raise InvalidInput("valid_until", reason="A card is valid for at most five years.")
