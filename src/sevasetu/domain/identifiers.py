"""Identity numbers and mobile numbers: validation, canonical form and masking.

Everything here is pure: the keyed hashing of secret numbers happens in an adapter, and
the random source for synthetic numbers is passed in so demo data stays reproducible.
"""

from __future__ import annotations

import enum
import random
import re

from sevasetu.domain.errors import InvalidIdentifier, InvalidPhone, Reason, one_of


class IdentifierKind(enum.StrEnum):
    AADHAAR = "aadhaar"
    ABHA = "abha"
    BD_NID = "bd_nid"
    BD_BRN = "bd_brn"
    VOTER_ID = "voter_id"
    RATION_CARD = "ration_card"


# The Aadhaar Act (s.29) forbids displaying full Aadhaar numbers; NIDs get the same care.
SECRET_KINDS: frozenset[IdentifierKind] = frozenset({IdentifierKind.AADHAAR, IdentifierKind.BD_NID})

LABELS: dict[IdentifierKind, str] = {
    IdentifierKind.AADHAAR: "Aadhaar",
    IdentifierKind.ABHA: "ABHA number",
    IdentifierKind.BD_NID: "Bangladesh NID",
    IdentifierKind.BD_BRN: "birth registration number",
    IdentifierKind.VOTER_ID: "voter ID (EPIC)",
    IdentifierKind.RATION_CARD: "ration card",
}

# --- Verhoeff (the Aadhaar check digit) -------------------------------------------------
# Verhoeff rather than Luhn because it catches every single-digit error and every swap of
# two adjacent digits, the two mistakes people make when copying a number off a card.

_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
# Position i uses the i-th power of one permutation; derive the powers so no row can be mistyped.
_PERM = (1, 5, 7, 6, 2, 8, 3, 0, 9, 4)
_P = [tuple(range(10))]
for _ in range(7):
    _P.append(tuple(_PERM[x] for x in _P[-1]))
_INV = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def _ascii_digits(text: str) -> bool:
    # str.isdigit() also accepts Bengali digits and superscripts, which the tables can't index.
    return bool(text) and text.isascii() and text.isdigit()


def verhoeff_check_digit(digits: str) -> str:
    """The digit to append to ``digits`` so that the whole number passes Verhoeff."""
    if not _ascii_digits(digits):
        raise ValueError("Verhoeff needs ASCII digits")
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _D[c][_P[(i + 1) % 8][int(ch)]]
    return str(_INV[c])


def verhoeff_is_valid(number: str) -> bool:
    if not _ascii_digits(number):
        return False
    c = 0
    for i, ch in enumerate(reversed(number)):
        c = _D[c][_P[i % 8][int(ch)]]
    return c == 0


# --- identity numbers --------------------------------------------------------------------

# Field workers type what the person dictates, often in their own script's digits.
_NATIVE_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯०१२३४५६७८९", "01234567890123456789")
_SEPARATORS = re.compile(r"[\s\-]+")
_EPIC = re.compile(r"[A-Z]{3}[0-9]{7}")
_ALNUM = re.compile(r"[A-Z0-9]+")


def error_label(kind: IdentifierKind) -> str:
    # The message template already says "number"; avoid "The ABHA number number ...".
    return LABELS[kind].removesuffix(" number")


def _digits_of(kind: IdentifierKind, value: str, field: str, lengths: tuple[int, ...]) -> str:
    if not _ascii_digits(value):
        raise InvalidIdentifier(field, kind=error_label(kind), reason="it must contain digits only")
    if len(value) not in lengths:
        raise InvalidIdentifier(
            field,
            kind=error_label(kind),
            reason=Reason(
                "it must have {wanted} digits, not {count}",
                wanted=one_of(list(lengths)),
                count=len(value),
            ),
        )
    return value


def normalize_identifier(kind: IdentifierKind | str, raw: str, field: str = "identifier") -> str:
    """Validate ``raw`` as a ``kind`` number and return its canonical form.

    Spaces and hyphens are dropped and Bengali/Devanagari digits read as ASCII digits, so
    "2345 6789 0124" and "২৩৪৫-৬৭৮৯-০১২৪" give the same canonical number.
    """
    try:
        kind = IdentifierKind(kind)
    except ValueError:
        accepted = ", ".join(k.value for k in IdentifierKind)
        raise InvalidIdentifier(
            field, kind=str(kind), reason=f"the kind must be one of {accepted}"
        ) from None
    label = error_label(kind)
    value = _SEPARATORS.sub("", raw or "").translate(_NATIVE_DIGITS)
    if not value:
        raise InvalidIdentifier(field, kind=label, reason="it is empty")

    if kind is IdentifierKind.AADHAAR:
        _digits_of(kind, value, field, (12,))
        if value[0] in "01":
            raise InvalidIdentifier(
                field, kind=label, reason="an Aadhaar number never starts with 0 or 1"
            )
        if not verhoeff_is_valid(value):
            raise InvalidIdentifier(field, kind=label, reason="the check digit is wrong")
        return value
    if kind is IdentifierKind.ABHA:
        return _digits_of(kind, value, field, (14,))
    if kind is IdentifierKind.BD_NID:
        _digits_of(kind, value, field, (10, 13, 17))
        # The 17-digit form is the old 13 digits prefixed with the holder's birth year.
        if len(value) == 17 and value[:2] not in ("19", "20"):
            raise InvalidIdentifier(
                field, kind=label, reason="a 17-digit NID must start with the year of birth"
            )
        return value
    if kind is IdentifierKind.BD_BRN:
        return _digits_of(kind, value, field, (17,))
    value = value.upper()
    if kind is IdentifierKind.VOTER_ID:
        if not _EPIC.fullmatch(value):
            raise InvalidIdentifier(
                field, kind=label, reason="it must be 3 letters followed by 7 digits"
            )
        return value
    # Ration card: every state has its own format, so only the common shape is checked.
    if not (value.isascii() and _ALNUM.fullmatch(value)):
        raise InvalidIdentifier(field, kind=label, reason="it must contain letters and digits only")
    if not 4 <= len(value) <= 20:
        raise InvalidIdentifier(
            field,
            kind=label,
            reason=Reason("it must have 4 to 20 letters or digits, not {count}", count=len(value)),
        )
    return value


def last4(normalized: str) -> str:
    return normalized[-4:]


def mask(kind: IdentifierKind | str, normalized: str) -> str:
    """What may be shown on screen or paper: secret kinds reveal the last 4 digits at most."""
    kind = IdentifierKind(kind)
    if kind not in SECRET_KINDS:
        return normalized
    if kind is IdentifierKind.AADHAAR and len(normalized) == 12:
        return "xxxx-xxxx-" + normalized[-4:]
    shown = normalized[-4:] if len(normalized) > 4 else ""
    return "x" * (len(normalized) - len(shown)) + shown


# --- mobile numbers ----------------------------------------------------------------------

_PHONE_NOISE = re.compile(r"[\s\-().]+")
_IN_MOBILE = re.compile(r"[6-9][0-9]{9}")
_BD_MOBILE = re.compile(r"1[3-9][0-9]{8}")


def _national(country: str, number: str) -> str | None:
    """E.164 for a national significant number of ``country``, or None if it is not a mobile."""
    if country == "IN" and _IN_MOBILE.fullmatch(number):
        return "+91" + number
    if country == "BD" and _BD_MOBILE.fullmatch(number):
        return "+880" + number
    return None


def _read_phone(digits: str, international: bool, default_country: str) -> str | None:
    if international:
        if digits.startswith("91"):
            return _national("IN", digits[2:])
        if digits.startswith("880"):
            return _national("BD", digits[3:])
        return None
    # A country code written without "+" is unambiguous by length: an Indian mobile is 10
    # digits (11 with the trunk 0) and a Bangladeshi one 10 (11 with the 0), so 12 digits
    # starting 91 and 13 starting 880 cannot be national numbers.
    if len(digits) == 12 and digits.startswith("91"):
        return _national("IN", digits[2:])
    if len(digits) == 13 and digits.startswith("880"):
        return _national("BD", digits[3:])
    if digits.startswith("0"):
        digits = digits[1:]  # trunk prefix, used in both countries
    return _national(default_country, digits)


def normalize_phone(raw: str, default_country: str = "IN", field: str = "phone") -> str:
    """An Indian or Bangladeshi mobile number in E.164 form, e.g. "+919876543210".

    ``default_country`` ("IN" or "BD") says how to read a number written without a country
    code. Landlines are refused: the number is used for SMS and OTP.
    """
    if default_country not in ("IN", "BD"):
        raise ValueError(f"default_country must be 'IN' or 'BD', not {default_country!r}")
    text = _PHONE_NOISE.sub("", (raw or "").translate(_NATIVE_DIGITS))
    international = text.startswith("+") or text.startswith("00")
    digits = text[1:] if text.startswith("+") else text[2:] if international else text
    result = _read_phone(digits, international, default_country) if _ascii_digits(digits) else None
    if result is None:
        raise InvalidPhone(field, phone=raw)
    return result


# --- synthetic data ----------------------------------------------------------------------


def generate_digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(n))


def generate_aadhaar_like(rng: random.Random) -> str:
    """A 12-digit number that passes every Aadhaar check, for demo and test data only."""
    body = str(rng.randrange(2, 10)) + generate_digits(rng, 10)
    return body + verhoeff_check_digit(body)
