"""The conversation's state machine and the words it reads, as pure rules."""

from __future__ import annotations

import contextlib
import string
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sevasetu.domain.chat_flow import (
    EXPECTS,
    RETRY,
    TRANSITIONS,
    Keyword,
    Step,
    birth_from_answer,
    chosen_number,
    expired,
    keyword,
    next_step,
    pincode,
    sex_from_answer,
)
from sevasetu.domain.chat_messages import BUTTON_TITLE_MAX, ROW_TITLE_MAX
from sevasetu.domain.chat_texts import LANGUAGES, TEXTS, say
from sevasetu.domain.errors import InvalidInput

TODAY = date(2026, 11, 20)


def test_every_step_is_reachable_and_expects_something():
    assert set(EXPECTS) == set(Step)
    reached = {Step.START} | set(TRANSITIONS.values())
    assert reached == set(Step), "no step is left unreachable"
    for (step, _), target in TRANSITIONS.items():
        assert step in EXPECTS and target in EXPECTS


def test_an_answer_that_does_not_fit_keeps_the_step():
    assert next_step(Step.REG_NAME, RETRY) is Step.REG_NAME
    assert next_step(Step.REG_NAME, "ok") is Step.REG_BIRTH
    with pytest.raises(KeyError):
        next_step(Step.REG_NAME, "made-up outcome")


@pytest.mark.parametrize("said", ["Hi", "hi!!", "HELLO", "হাই", "নমস্কার 🙏", "नमस्ते", "👋",
                                  "🙏🏽", "Hi 🙏🏽", "হাই দিদি", "namaste ji"])  # fmt: skip
def test_greetings_in_every_script(said):
    assert keyword(said) is Keyword.GREETING


@pytest.mark.parametrize(("said", "word"), [
    ("STOP", Keyword.STOP), ("বন্ধ", Keyword.STOP), ("बंद", Keyword.STOP),
    ("start", Keyword.START), ("চালু", Keyword.START), ("शुरू", Keyword.START),
    ("menu", Keyword.MENU), ("মেনু", Keyword.MENU), ("0", Keyword.MENU),
    ("help?", Keyword.HELP), ("মদদ", None), ("मदद", Keyword.HELP),
    ("ভাষা", Keyword.LANGUAGE), ("book my slot", None), ("Minati Das", None), ("", None),
])  # fmt: skip
def test_keywords(said, word):
    assert keyword(said) is word


def test_numbers_in_three_scripts():
    assert chosen_number("2") == chosen_number("২") == chosen_number("२") == 2
    assert chosen_number("2.") == 2 and chosen_number("two") is None


def test_birth_as_a_date_or_an_age():
    assert birth_from_answer("14-08-1962", TODAY) == (date(1962, 8, 14), None)
    assert birth_from_answer("১৪/০৮/১৯৬২", TODAY) == (date(1962, 8, 14), None)
    assert birth_from_answer("1962-08-14", TODAY) == (date(1962, 8, 14), None)
    assert birth_from_answer("62", TODAY) == (None, 62)
    assert birth_from_answer("৬২ বছর", TODAY) == (None, 62)
    for bad in ("31-02-1962", "01-01-2030", "sixty", ""):
        with pytest.raises(InvalidInput):
            birth_from_answer(bad, TODAY)


@given(st.text(max_size=30))
def test_reading_an_answer_never_fails_other_than_by_a_domain_error(text):
    with contextlib.suppress(InvalidInput):
        birth_from_answer(text, TODAY)
    keyword(text)
    chosen_number(text)
    sex_from_answer(text)
    pincode(text)


def test_sex_and_pincode():
    assert sex_from_answer("মহিলা") == sex_from_answer("F") == "female"
    assert sex_from_answer("पुरुष") == "male" and sex_from_answer("maybe") is None
    assert pincode("741 101") == "741101" and pincode("৭৪১১০১") == "741101"
    assert pincode("041101") is None and pincode("74110") is None


def test_a_quiet_conversation_expires():
    now = datetime(2026, 11, 20, 12, 0)
    quiet = timedelta(minutes=30)
    assert not expired(None, now, quiet)
    assert not expired(now - timedelta(minutes=30), now, quiet)
    assert expired(now - timedelta(minutes=31), now, quiet)


def test_every_text_in_three_languages_with_the_same_placeholders():
    for key, words in TEXTS.items():
        assert set(words) == set(LANGUAGES), key
        fields = {lang: {f for _, f, _, _ in string.Formatter().parse(text) if f}
                  for lang, text in words.items()}  # fmt: skip
        assert fields["bn"] == fields["en"] == fields["hi"], key
    for key in (
        "sex.female",
        "sex.male",
        "sex.other",
        "reg.self",
        "reg.family",
        "skip",
        "yes.cancel",
        "no.keep",
        "book.home",
        "menu.button",
        "list.button",
    ):
        assert all(len(t) <= BUTTON_TITLE_MAX for t in TEXTS[key].values()), key
    for key in [k for k in TEXTS if k.startswith("menu.")]:
        assert all(len(t) <= ROW_TITLE_MAX for t in TEXTS[key].values()), key
    assert say("book.free", "xx", n=3) == "3 places free", "an unknown language: English"
