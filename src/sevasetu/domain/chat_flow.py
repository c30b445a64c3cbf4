"""The WhatsApp conversation as a state machine, written as data.

A conversation is at one ``Step``. Each step expects one kind of answer (``EXPECTS``): text,
a choice (a button or list row, or its number typed), or a file. The service handling the step
judges the answer and names an outcome; ``TRANSITIONS`` says which step that outcome leads to.
An answer that does not fit gets the step's hint and the step stays: never a dead end.

Some words work at every step, in any of the three languages and scripts (``keyword``):
a greeting starts or resumes, MENU goes back to the menu, HELP, LANGUAGE, STOP and START.
Pure: no clock, no I/O; ``today`` and ``now`` are passed in.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from enum import StrEnum

from .errors import InvalidInput, Reason


class Step(StrEnum):
    START = "start"  # nothing said yet: the consent notice and the language choice
    MENU = "menu"
    REG_WHO = "reg_who"  # myself, or a family member
    REG_NAME = "reg_name"
    REG_BIRTH = "reg_birth"  # age in years, or the date of birth
    REG_SEX = "reg_sex"
    REG_AREA = "reg_area"  # pincode or village / ward name
    REG_AREA_PICK = "reg_area_pick"
    REG_ID = "reg_id"  # optional Aadhaar number, or SKIP
    BOOK_PERSON = "book_person"
    BOOK_AREA = "book_area"
    BOOK_AREA_PICK = "book_area_pick"
    BOOK_CENTRE = "book_centre"
    BOOK_DAY = "book_day"
    BOOK_SLOT = "book_slot"
    PROOF_DATE = "proof_date"  # when the earlier dose was given
    PROOF_CARD = "proof_card"  # the photo or PDF of its card
    MY_BOOKINGS = "my_bookings"
    CANCEL_CONFIRM = "cancel_confirm"
    CERT_PERSON = "cert_person"


class Expect(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    FILE = "file"


EXPECTS: dict[Step, Expect] = {
    Step.START: Expect.CHOICE,
    Step.MENU: Expect.CHOICE,
    Step.REG_WHO: Expect.CHOICE,
    Step.REG_NAME: Expect.TEXT,
    Step.REG_BIRTH: Expect.TEXT,
    Step.REG_SEX: Expect.TEXT,  # buttons, or the word typed ("f", "মহিলা")
    Step.REG_AREA: Expect.TEXT,
    Step.REG_AREA_PICK: Expect.CHOICE,
    Step.REG_ID: Expect.TEXT,
    Step.BOOK_PERSON: Expect.CHOICE,
    Step.BOOK_AREA: Expect.TEXT,
    Step.BOOK_AREA_PICK: Expect.CHOICE,
    Step.BOOK_CENTRE: Expect.CHOICE,
    Step.BOOK_DAY: Expect.CHOICE,
    Step.BOOK_SLOT: Expect.CHOICE,
    Step.PROOF_DATE: Expect.TEXT,
    Step.PROOF_CARD: Expect.FILE,
    Step.MY_BOOKINGS: Expect.CHOICE,
    Step.CANCEL_CONFIRM: Expect.CHOICE,
    Step.CERT_PERSON: Expect.CHOICE,
}

# (step, outcome) -> the next step. An outcome missing here is a bug, not a user's mistake.
TRANSITIONS: dict[tuple[Step, str], Step] = {
    (Step.START, "language"): Step.MENU,
    (Step.MENU, "register"): Step.REG_WHO,
    (Step.MENU, "book"): Step.BOOK_PERSON,
    (Step.MENU, "bookings"): Step.MY_BOOKINGS,
    (Step.MENU, "certificate"): Step.CERT_PERSON,
    (Step.MENU, "done"): Step.MENU,  # due vaccines, help: answered at once
    (Step.REG_WHO, "ok"): Step.REG_NAME,
    (Step.REG_NAME, "ok"): Step.REG_BIRTH,
    (Step.REG_BIRTH, "ok"): Step.REG_SEX,
    (Step.REG_SEX, "ok"): Step.REG_AREA,
    (Step.REG_AREA, "ok"): Step.REG_ID,
    (Step.REG_AREA, "pick"): Step.REG_AREA_PICK,
    (Step.REG_AREA_PICK, "ok"): Step.REG_ID,
    (Step.REG_ID, "done"): Step.MENU,
    # The registry refused one answer: back to its question.
    (Step.REG_ID, "fix_name"): Step.REG_NAME,
    (Step.REG_ID, "fix_birth"): Step.REG_BIRTH,
    (Step.REG_ID, "fix_sex"): Step.REG_SEX,
    (Step.REG_ID, "fix_area"): Step.REG_AREA,
    (Step.BOOK_PERSON, "ok"): Step.BOOK_AREA,
    (Step.BOOK_PERSON, "none"): Step.MENU,  # nobody registered yet
    (Step.BOOK_AREA, "ok"): Step.BOOK_CENTRE,
    (Step.BOOK_AREA, "pick"): Step.BOOK_AREA_PICK,
    (Step.BOOK_AREA_PICK, "ok"): Step.BOOK_CENTRE,
    (Step.BOOK_AREA_PICK, "none"): Step.BOOK_AREA,
    (Step.BOOK_CENTRE, "ok"): Step.BOOK_DAY,
    (Step.BOOK_CENTRE, "none"): Step.BOOK_AREA,  # no sessions there: another place
    (Step.BOOK_DAY, "ok"): Step.BOOK_SLOT,
    (Step.BOOK_SLOT, "booked"): Step.MENU,
    (Step.BOOK_SLOT, "proof"): Step.PROOF_DATE,
    (Step.BOOK_SLOT, "refused"): Step.MENU,
    (Step.PROOF_DATE, "ok"): Step.PROOF_CARD,
    (Step.PROOF_CARD, "done"): Step.MENU,
    (Step.PROOF_CARD, "refused"): Step.MENU,
    (Step.MY_BOOKINGS, "ok"): Step.CANCEL_CONFIRM,
    (Step.MY_BOOKINGS, "none"): Step.MENU,
    (Step.CANCEL_CONFIRM, "done"): Step.MENU,
    (Step.CERT_PERSON, "done"): Step.MENU,
    (Step.CERT_PERSON, "none"): Step.MENU,
}

RETRY = "retry"  # the answer did not fit: the hint, and the same step again


def next_step(step: Step, outcome: str) -> Step:
    if outcome == RETRY:
        return step
    return TRANSITIONS[(step, outcome)]


# --- words that work at every step ----------------------------------------------------------


class Keyword(StrEnum):
    GREETING = "greeting"
    MENU = "menu"
    HELP = "help"
    LANGUAGE = "language"
    STOP = "stop"
    START = "start"


KEYWORDS: dict[Keyword, frozenset[str]] = {
    Keyword.GREETING: frozenset({
        "hi", "hii", "hiii", "hello", "helo", "hey", "hai", "namaste", "namaskar", "nomoskar",
        "good morning", "hello sevasetu", "hi sevasetu",
        "হাই", "হ্যালো", "হেলো", "নমস্কার", "আসসালামু আলাইকুম", "সালাম",
        "हाय", "हैलो", "हेलो", "नमस्ते", "नमस्कार", "राम राम",
        "👋", "🙏",
    }),
    Keyword.MENU: frozenset({"menu", "0", "main menu", "মেনু", "मेनू", "मेन्यू"}),
    Keyword.HELP: frozenset({"help", "?", "সাহায্য", "হেল্প", "मदद", "सहायता", "हेल्प"}),
    Keyword.LANGUAGE: frozenset({"language", "lang", "ভাষা", "भाषा", "bhasha", "bhasa"}),
    Keyword.STOP: frozenset({"stop", "unsubscribe", "বন্ধ", "স্টপ", "बंद", "रोकें", "स्टॉप"}),
    Keyword.START: frozenset({"start", "subscribe", "চালু", "স্টার্ট", "शुरू", "चालू", "स्टार्ट"}),
}  # fmt: skip

# Bengali and Devanagari digits read as 0-9.
DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯०१२३४५६७८९", "01234567890123456789")


def plain(text: str) -> str:
    """What a keyword is compared with: NFC, native digits as 0-9, lower case, no trailing
    punctuation, one space between words, skin tones and variation selectors dropped."""
    text = unicodedata.normalize("NFC", text).translate(DIGITS).casefold()
    text = re.sub("[\U0001f3fb-\U0001f3ff\ufe0f\u200d]", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" .!?।,;:~-")


def keyword(text: str) -> Keyword | None:
    """The keyword a message is, if it is one: the whole message, or a greeting followed by
    emoji or a name ("Hi 🙏", "হাই দিদি")."""
    said = plain(text)
    if not said:
        return Keyword.HELP if text.strip() == "?" else None
    for word, forms in KEYWORDS.items():
        if said in forms:
            return word
    first = said.split(" ")[0]
    if first in KEYWORDS[Keyword.GREETING] and len(said) <= 40:
        return Keyword.GREETING
    if all(unicodedata.category(c).startswith("S") or c.isspace() for c in said) and any(
        c in said for c in "👋🙏"
    ):
        return Keyword.GREETING
    return None


def chosen_number(text: str) -> int | None:
    """A typed choice: "2", "২", "२", "2." -> 2."""
    said = plain(text)
    return int(said) if said.isdigit() and len(said) <= 3 else None


# --- answers, judged ------------------------------------------------------------------------

SKIP_WORDS = frozenset({"skip", "no", "none", "-", "বাদ", "না", "नहीं", "छोड़ें"})


def birth_from_answer(text: str, today: date) -> tuple[date | None, int | None]:
    """(birth date, None) for a date (31-12-1960, 31/12/1960, 1960-12-31), or (None, age) for
    an age in whole years ("62", "৬২", "62 years"). Raises InvalidInput otherwise."""
    said = plain(text)
    found = re.fullmatch(r"(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})", said)
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", said)
    try:
        if found:
            born = date(int(found[3]), int(found[2]), int(found[1]))
        elif iso:
            born = date(int(iso[1]), int(iso[2]), int(iso[3]))
        else:
            born = None
    except ValueError:
        raise InvalidInput("birth", reason=Reason("That date does not exist.")) from None
    if born is not None:
        if born > today:
            raise InvalidInput("birth", reason=Reason("The date of birth is in the future."))
        return born, None
    years = re.fullmatch(r"(\d{1,3})(?: ?(?:y|yr|yrs|years?|বছর|वर्ष|साल))?", said)
    if years:
        return None, int(years[1])
    raise InvalidInput("birth", reason=Reason("Write the age in years or the date of birth."))


def date_from_answer(text: str, today: date) -> date:
    """A past or present day, written 15-08-2026, 15/08/2026 or 2026-08-15."""
    born, _ = birth_from_answer(text, today)
    if born is None:
        raise InvalidInput("date", reason=Reason("Write the date as day-month-year."))
    return born


SEX_WORDS = {
    "female": frozenset({"female", "f", "woman", "mahila", "মহিলা", "নারী", "স্ত্রী", "महिला",
                         "स्त्री"}),
    "male": frozenset({"male", "m", "man", "purush", "পুরুষ", "पुरुष"}),
    "other": frozenset({"other", "o", "অন্য", "अन्य"}),
}  # fmt: skip


def sex_from_answer(text: str) -> str | None:
    said = plain(text)
    return next((sex for sex, words in SEX_WORDS.items() if said in words), None)


def pincode(text: str) -> str | None:
    said = plain(text).replace(" ", "")
    return said if re.fullmatch(r"[1-9]\d{5}", said) else None


def expired(active_at: datetime | None, now: datetime, quiet: timedelta) -> bool:
    """Whether the conversation was quiet long enough that its flow starts over."""
    return active_at is not None and now - active_at > quiet
