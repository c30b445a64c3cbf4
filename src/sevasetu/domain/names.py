"""People's names: cleaning, transliteration to Latin and a cross-script comparison key.

The same person is registered by one worker in Bengali, by another in Devanagari and by a
third in English. Duplicate detection therefore compares ``name_key`` values, never the
names as typed.
"""

from __future__ import annotations

import re
import unicodedata

from sevasetu.domain.errors import InvalidName

MAX_NAME_LENGTH = 200


def _table(pairs: str) -> dict[str, str]:
    return {k: v for k, _, v in (p.partition(":") for p in pairs.split())}


# Consonants carry an inherent "a"; Bengali ব is always b and ফ usually written f in names.
_CONSONANTS = _table(
    "ক:k খ:kh গ:g ঘ:gh ঙ:ng চ:ch ছ:chh জ:j ঝ:jh ঞ:n ট:t ঠ:th ড:d ঢ:dh ণ:n ত:t থ:th দ:d "
    "ধ:dh ন:n প:p ফ:f ব:b ভ:bh ম:m য:j র:r ল:l শ:sh ষ:sh স:s হ:h ড়:r ঢ়:rh য়:y ৎ:t ৰ:r ৱ:w "
    "क:k ख:kh ग:g घ:gh ङ:ng च:ch छ:chh ज:j झ:jh ञ:n ट:t ठ:th ड:d ढ:dh ण:n त:t थ:th द:d "
    "ध:dh न:n ऩ:n प:p फ:ph ब:b भ:bh म:m य:y र:r ऱ:r ल:l ळ:l ऴ:l व:v श:sh ष:sh स:s ह:h "
    "क़:q ख़:kh ग़:g ज़:z ड़:r ढ़:rh फ़:f य़:y"
)
_VOWELS = _table(
    "অ:a আ:a ই:i ঈ:i উ:u ঊ:u ঋ:ri ৠ:ri ঌ:li এ:e ঐ:oi ও:o ঔ:ou "
    "अ:a आ:a इ:i ई:i उ:u ऊ:u ऋ:ri ॠ:ri ऌ:li ए:e ऐ:ai ओ:o औ:au ऍ:e ऎ:e ऑ:o ऒ:o ॲ:e ॐ:om"
)
_SIGNS = _table(
    "া:a ি:i ী:i ু:u ূ:u ৃ:ri ৄ:ri ে:e ৈ:oi ো:o ৌ:ou ৗ:ou "
    "ा:a ि:i ी:i ु:u ू:u ृ:ri ॄ:ri ॢ:li े:e ै:ai ो:o ौ:au ॅ:e ॆ:e ॉ:o ॊ:o"
)
# NFC splits precomposed nukta letters (ড় = ড + ়), so the nukta must re-map its base.
_NUKTA_OF = _table("ড:r ঢ:rh য:y क:q ख:kh ग:g ज:z ड:r ढ:rh फ:f य:y")
_VIRAMA = frozenset("্्")
_NUKTA = frozenset("়़")
_ANUSVARA = frozenset("ংं")
_CHANDRABINDU = frozenset("ঁँ")
_VISARGA = frozenset("ঃः")
_DANDA = frozenset("।॥")
_JOINERS = frozenset("\u200c\u200d")  # ZWNJ/ZWJ only choose a glyph shape
_DIGITS = {chr(0x09E6 + i): str(i) for i in range(10)} | {
    chr(0x0966 + i): str(i) for i in range(10)
}
_VELARS = frozenset("কখগঘकखगघ")
_LABIALS = frozenset("पफबभम")
_NASALS = frozenset("ङञणनम")
_INDIC_RUN = re.compile("[\u0900-\u09ff\u200c\u200d]+")


def _is_bengali(ch: str) -> bool:
    return "\u0980" <= ch <= "\u09ff"


class _Word:
    """Output of one run of Indic text, with the state an abugida needs."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.pending = False  # last consonant still owes its inherent "a"
        self.joined = False  # a virama just followed a consonant: the next one is a conjunct
        self.cluster = False  # the last consonant is the tail of a conjunct
        self.prev: str | None = None  # last consonant letter
        self.before: str | None = None  # the consonant before it inside the conjunct

    def flush(self) -> None:
        if self.pending:
            self.out.append("a")
        self.pending = self.joined = False

    def end(self) -> None:
        # The final inherent vowel is silent ("ram", "rahim") except after a conjunct
        # ("chandra", "krishna", "surya"); Hindi also drops it after nasal + stop ("anand").
        if self.pending and self.cluster:
            hindi_nasal = self.prev is not None and not _is_bengali(self.prev)
            if not (hindi_nasal and self.before in _NASALS):
                self.out.append("a")
        self.pending = self.joined = self.cluster = False
        self.prev = self.before = None


def _next_letter(text: str, i: int) -> str:
    while i < len(text) and text[i] in _JOINERS:
        i += 1
    return text[i] if i < len(text) else ""


def _consonant(w: _Word, text: str, i: int) -> int:
    ch = text[i]
    latin = _CONSONANTS[ch]
    step = 1
    after = _next_letter(text, i + 1)
    if ch in "জज" and after in _VIRAMA and _next_letter(text, i + 2) in "ঞञ":
        latin, step = "gy", 3  # jña is spoken "gya": gyan, pragya
    elif ch in "ঙङ" and after in _VIRAMA and _next_letter(text, i + 2) in _VELARS:
        latin = "n"  # "ganga", not "gangga"
    if w.joined:
        w.cluster, w.before = True, w.prev
        if ch == "য":
            latin = "y"  # ya-phala
        elif ch == "ব" and w.prev not in ("ব", "ম"):
            # Bengali ba-phala: "swapan", "biswas", with sh+w written "sw" as people do.
            latin = "w"
            if w.prev == "শ" and w.out and w.out[-1] == "sh":
                w.out[-1] = "s"
    else:
        w.flush()
        w.cluster, w.before = False, None
    w.out.append(latin)
    w.pending = ch != "ৎ"  # khanda ta is a dead t
    w.joined = False
    w.prev = ch
    return step


def _anusvara(w: _Word, ch: str, after: str) -> None:
    w.flush()
    if _is_bengali(ch):
        w.out.append("n" if after in _VELARS else "ng")  # "bangla", "singh", "shankar"
    elif after in _LABIALS:
        w.out.append("m")  # "champa", "ambar"
    else:
        w.out.append("ng" if after == "ह" else "n")  # "singh", "hindi", "sanjay"
    w.prev = None


def _transliterate_run(text: str) -> str:
    w = _Word()
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _CONSONANTS:
            i += _consonant(w, text, i)
            continue
        if ch in _NUKTA:
            if w.prev in _NUKTA_OF and w.out:
                w.out[-1] = _NUKTA_OF[w.prev]
        elif ch in _VIRAMA:
            w.joined = w.pending
            w.pending = False
        elif ch in _SIGNS:
            w.out.append(_SIGNS[ch])
            w.pending = w.joined = False
        elif ch in _VOWELS:
            w.flush()
            w.out.append(_VOWELS[ch])
            w.prev = None
        elif ch in _ANUSVARA:
            _anusvara(w, ch, _next_letter(text, i + 1))
        elif ch in _CHANDRABINDU:
            w.flush()  # nasalisation is not written in Latin names
        elif ch in _VISARGA:
            w.flush()
            w.out.append("h")
        elif ch in _DIGITS or ch in _DANDA:
            w.end()
            w.out.append(_DIGITS.get(ch, "."))
        # Joiners, avagraha, accents and unassigned code points add nothing.
        i += 1
    w.end()
    return "".join(w.out)


def _title_run(match: re.Match[str]) -> str:
    latin = _transliterate_run(match.group())
    start = match.start()
    starts_word = start == 0 or not match.string[start - 1].isalnum()
    # Capitalise each word the run produced; a run glued to Latin letters continues a word.
    return re.sub(
        r"(?<![a-z0-9])[a-z]",
        lambda m: m.group().upper() if m.start() or starts_word else m.group(),
        latin,
    )


def to_latin(text: str) -> str:
    """Readable Latin for Bengali and Devanagari text, in Title Case; Latin is left alone.

    >>> to_latin("রবীন্দ্রনাথ ঠাকুর")
    'Rabindranath Thakur'
    >>> to_latin("राम कुमार")
    'Ram Kumar'
    """
    return _INDIC_RUN.sub(_title_run, unicodedata.normalize("NFC", text))


# --- comparison key ----------------------------------------------------------------------

# Letters that NFKD does not split into a base letter plus marks.
_EXTRA_FOLDS = str.maketrans({"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ł": "l"})
_APOSTROPHES = re.compile("['\u2019\u02bc`]")
_FOLDS = (
    (re.compile("sh"), "s"),
    (re.compile("ph"), "f"),
    (re.compile("[vw]"), "b"),  # Bengali has no v/w: ব is b; Hindi व is v or w
    (re.compile("z"), "j"),  # Bengali জ/য cover Arabic z: "Jahid"/"Zahid"
    (re.compile("ee"), "i"),
    (re.compile("oo"), "u"),
    (re.compile(r"([a-z])\1+"), r"\1"),  # gemination is often not written: "Mohammed"
    (re.compile("y(?![aeiou])"), "i"),  # y that is not a glide is a vowel: "Roy" = "Roi"
)


def _fold(text: str) -> str:
    # Folds can feed each other ("shh" -> "sh" -> "s"), so repeat until nothing changes;
    # that fixpoint is what makes name_key idempotent.
    while True:
        folded = text
        for pattern, repl in _FOLDS:
            folded = pattern.sub(repl, folded)
        if folded == text:
            return text
        text = folded


def name_key(text: str) -> str:
    """A lowercase ASCII key (only ``[a-z ]``) that is equal or close for one name in any script.

    Folds away the spelling choices that differ between scripts and writers: long/short
    vowels (ee/i, oo/u, aa/a), sh/s, ph/f, v/w/b, z/j, doubled letters. So
    "Sunita Devi" == "सुनीता देवी", "Amit Das" == "অমিত দাস" and
    "Biswas" == "Bishwas" == "বিশ্বাস".

    What stays different, and is left to fuzzy matching:
    - vowel qualities: Bengali "মোহাম্মদ" gives "mohamad" but "Mohammed" "mohamed";
      "Fatima"/"Fatema", "Sanjay"/"Sanjoy" (the Bengali inherent vowel is spoken "o");
    - names with different English forms: "Tagore" vs "ঠাকুর" ("thakur");
    - aspiration written or not: "Siddhartha" vs "Sidarth", "th" vs "t";
    - Hindi schwa deletion inside a word: "राजकुमार" gives "rajakumar", not "rajkumar".
    """
    latin = unicodedata.normalize("NFKD", to_latin(text)).lower().translate(_EXTRA_FOLDS)
    latin = "".join(ch for ch in latin if not unicodedata.combining(ch))
    latin = _APOSTROPHES.sub("", latin)
    latin = re.sub("[^a-z]+", " ", latin)
    return " ".join(_fold(word) for word in latin.split())


def clean_name(text: str, field: str = "name") -> str:
    """The name as it will be stored: NFC, single spaces, with at least one letter."""
    name = " ".join(unicodedata.normalize("NFC", text or "").split())
    if (
        not name
        or len(name) > MAX_NAME_LENGTH
        or any(unicodedata.category(ch) in ("Cc", "Cs") for ch in name)
        or not any(unicodedata.category(ch).startswith("L") for ch in name)
    ):
        raise InvalidName(field, limit=MAX_NAME_LENGTH)
    return name
