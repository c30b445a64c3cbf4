import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sevasetu.domain.errors import InvalidIdentifier, InvalidPhone
from sevasetu.domain.identifiers import (
    LABELS,
    SECRET_KINDS,
    IdentifierKind,
    generate_aadhaar_like,
    generate_digits,
    last4,
    mask,
    normalize_identifier,
    normalize_phone,
    verhoeff_check_digit,
    verhoeff_is_valid,
)

K = IdentifierKind
VALID_AADHAAR = "234123412346"  # 23412341234 + Verhoeff check digit 6
digits = st.text(alphabet="0123456789", min_size=11, max_size=11)


# --- Verhoeff ----------------------------------------------------------------------------


def test_verhoeff_known_vectors():
    # Textbook examples: 236 -> 2363, 12345 -> 123451.
    assert verhoeff_check_digit("236") == "3"
    assert verhoeff_check_digit("12345") == "1"
    assert verhoeff_is_valid("2363")
    assert verhoeff_is_valid("123451")
    assert not verhoeff_is_valid("2364")
    assert not verhoeff_is_valid("")
    assert not verhoeff_is_valid("২৩৬৩")


@given(digits)
def test_appending_check_digit_makes_valid(body):
    assert verhoeff_is_valid(body + verhoeff_check_digit(body))


@given(digits, st.integers(0, 11), st.integers(1, 9))
def test_any_single_digit_change_is_caught(body, pos, delta):
    number = body + verhoeff_check_digit(body)
    changed = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1 :]
    assert not verhoeff_is_valid(changed)


@given(digits, st.integers(0, 10))
def test_any_adjacent_swap_is_caught(body, pos):
    number = body + verhoeff_check_digit(body)
    if number[pos] == number[pos + 1]:
        return
    swapped = number[:pos] + number[pos + 1] + number[pos] + number[pos + 2 :]
    assert not verhoeff_is_valid(swapped)


def test_every_adjacent_swap_at_every_position_is_caught():
    # Exhaustive over digit pairs and positions: a mistyped permutation row shows up here.
    for pos in range(11):
        for a in "0123456789":
            for b in "0123456789":
                if a == b:
                    continue
                body = ("5" * pos + a + b + "7" * 10)[:11]
                number = body + verhoeff_check_digit(body)
                if number[pos] == number[pos + 1]:
                    continue  # at pos 10 the pair is a and the check digit
                swapped = number[:pos] + number[pos + 1] + number[pos] + number[pos + 2 :]
                assert not verhoeff_is_valid(swapped), (number, swapped)


@given(st.integers(0, 2**32))
def test_generated_aadhaar_is_accepted(seed):
    number = generate_aadhaar_like(random.Random(seed))
    assert normalize_identifier(K.AADHAAR, number) == number


def test_generate_digits_is_reproducible():
    assert generate_digits(random.Random(7), 9) == generate_digits(random.Random(7), 9)
    assert len(generate_digits(random.Random(7), 9)) == 9


# --- identity numbers --------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", [VALID_AADHAAR, "2341 2341 2346", "2341-2341-2346", " 2341 2341 2346 ", "২৩৪১২৩৪১২৩৪৬"]
)
def test_aadhaar_spellings(raw):
    assert normalize_identifier("aadhaar", raw) == VALID_AADHAAR


def _reason(kind, raw):
    with pytest.raises(InvalidIdentifier) as info:
        normalize_identifier(kind, raw, field="id_number")
    assert info.value.field == "id_number"
    return info.value.params["reason"]


@pytest.mark.parametrize(
    ("kind", "raw", "reason"),
    [
        (K.AADHAAR, "23412341234", "it must have 12 digits, not 11"),
        (K.AADHAAR, "2341234123467", "it must have 12 digits, not 13"),
        (K.AADHAAR, "2341234123A6", "it must contain digits only"),
        (K.AADHAAR, "134123412346", "an Aadhaar number never starts with 0 or 1"),
        (K.AADHAAR, "034123412346", "an Aadhaar number never starts with 0 or 1"),
        (K.AADHAAR, "234123412347", "the check digit is wrong"),
        (K.AADHAAR, "  ", "it is empty"),
        (K.ABHA, "91-1234-5678-901", "it must have 14 digits, not 13"),
        (K.BD_NID, "12345678901", "it must have 10, 13 or 17 digits, not 11"),
        (K.BD_NID, "12341234567890123", "a 17-digit NID must start with the year of birth"),
        (K.BD_BRN, "2001123456789012", "it must have 17 digits, not 16"),
        (K.VOTER_ID, "AB12345678", "it must be 3 letters followed by 7 digits"),
        (K.RATION_CARD, "AB1", "it must have 4 to 20 letters or digits, not 3"),
        (K.RATION_CARD, "AB/12345", "it must contain letters and digits only"),
    ],
)
def test_precise_reasons(kind, raw, reason):
    assert _reason(kind, raw) == reason


def test_message_names_the_kind():
    with pytest.raises(InvalidIdentifier) as info:
        normalize_identifier(K.ABHA, "123")
    assert str(info.value) == "The ABHA number is not valid: it must have 14 digits, not 3."
    assert info.value.field == "identifier"


def test_unknown_kind_lists_accepted_kinds():
    reason = _reason("passport", "X1234567")
    assert "aadhaar" in reason and "ration_card" in reason


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        (K.ABHA, "91-1234-5678-9012", "91123456789012"),
        (K.BD_NID, "1234567890", "1234567890"),
        (K.BD_NID, "1234567890123", "1234567890123"),
        (K.BD_NID, "19851234567890123", "19851234567890123"),
        (K.BD_BRN, "2001 1234 5678 90123", "20011234567890123"),
        (K.VOTER_ID, "abc1234567", "ABC1234567"),
        (K.RATION_CARD, "wb-12 3456", "WB123456"),
    ],
)
def test_canonical_forms(kind, raw, expected):
    assert normalize_identifier(kind, raw) == expected


def test_labels_cover_every_kind():
    assert set(LABELS) == set(IdentifierKind)
    assert {K.AADHAAR, K.BD_NID} == SECRET_KINDS


def test_masking():
    assert mask(K.AADHAAR, VALID_AADHAAR) == "xxxx-xxxx-2346"
    assert mask("bd_nid", "1234567890") == "xxxxxx7890"
    assert mask(K.VOTER_ID, "ABC1234567") == "ABC1234567"
    assert last4(VALID_AADHAAR) == "2346"


@given(st.sampled_from(sorted(SECRET_KINDS)), st.text(alphabet="0123456789", max_size=20))
def test_mask_never_reveals_more_than_last4(kind, number):
    masked = mask(kind, number)
    assert sum(ch.isdigit() for ch in masked) <= 4
    assert masked.endswith(number[-4:]) if len(number) > 4 else True


# --- phones ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "9876543210",
        "09876543210",
        "+91 98765 43210",
        "91-9876543210",
        "919876543210",
        "+91-98765-43210",
        "(+91) 98765 43210",
        "0091 98765 43210",
        "৯৮৭৬৫৪৩২১০",
    ],
)
def test_indian_spellings(raw):
    assert normalize_phone(raw) == "+919876543210"


@pytest.mark.parametrize(
    "raw", ["01712345678", "+8801712345678", "8801712345678", "+880 1712-345678", "1712345678"]
)
def test_bangladeshi_spellings(raw):
    assert normalize_phone(raw, default_country="BD") == "+8801712345678"


def test_country_code_wins_over_default():
    assert normalize_phone("+8801712345678") == "+8801712345678"
    assert normalize_phone("8801712345678", default_country="IN") == "+8801712345678"
    assert normalize_phone("+919876543210", default_country="BD") == "+919876543210"
    assert normalize_phone("09876543210", default_country="IN") == "+919876543210"


@pytest.mark.parametrize(
    ("raw", "country"),
    [
        ("02212345678", "IN"),  # Mumbai landline
        ("5876543210", "IN"),  # mobiles start 6-9
        ("987654321", "IN"),  # too short
        ("98765432101", "IN"),  # too long
        ("01712345678", "IN"),  # a Bangladeshi national number read as Indian
        ("029661234", "BD"),  # Dhaka landline
        ("01212345678", "BD"),  # no operator uses 012
        ("+4420712345678", "IN"),  # UK
        ("+91 98765 4321x", "IN"),
        ("", "IN"),
        ("phone", "BD"),
    ],
)
def test_rejected_phones(raw, country):
    with pytest.raises(InvalidPhone) as info:
        normalize_phone(raw, default_country=country, field="mobile")
    assert info.value.field == "mobile"
    assert info.value.params["phone"] == raw


def test_unknown_default_country_is_a_programming_error():
    with pytest.raises(ValueError):
        normalize_phone("9876543210", default_country="NP")
