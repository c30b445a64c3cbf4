"""A deterministic synthetic population: households, people and their identifiers.

Same seed, same arguments (``now`` included): the same rows, ids included; the ids are
time-ordered UUIDs (version 7) so that a big load writes the id indexes in order. Built for
speed (a million people in about 25 s on one core): the name pools and their Latin forms are
built once, every random draw comes from one ``random.Random`` and rows are plain dicts keyed
by the columns of ``households``, ``people`` and ``person_identifiers``.

Identity numbers come from a per-kind counter run through a bijection (an affine map modulo
the size of the number space), so they are unique without keeping a set, also across loads
that append (give each load a ``serial_start`` past the numbers the earlier ones used).
"""

from __future__ import annotations

import random
import unicodedata
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate

from ...domain.areas import RESIDENCE_LEVELS, Area
from ...domain.households import Relation
from ...domain.identifiers import SECRET_KINDS, IdentifierKind, last4, verhoeff_check_digit
from ...domain.names import name_key, to_latin
from ...domain.people import birth_date_from_age

CREATED_BY = "system:demo"
YEAR = 365.2425

IdentifierHash = Callable[[IdentifierKind, str], str]


@dataclass(slots=True)
class DemoBatch:
    households: list[dict] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)
    identifiers: list[dict] = field(default_factory=list)


# --- names ---------------------------------------------------------------------------------
# Our own lists of common names, in the script people write them in. Faker's bn_BD and hi_IN
# providers add variety; Faker's Bengali lists mix Hindu and Muslim names, so its names are
# sorted with the sets of Muslim names below (anything else counts as Hindu).

BN_HINDU_MALE = (
    "রাম শ্যামল সুব্রত প্রদীপ তাপস বিশ্বজিৎ সঞ্জয় অমিত গোপাল নির্মল দিলীপ স্বপন অসীম তপন "
    "গৌতম রতন সুশান্ত বিকাশ উত্তম কার্তিক নিতাই হারাধন শঙ্কর মানস পার্থ দেবাশিস সুজিত অরূপ "
    "বাবলু রঞ্জিত মৃণাল সুকুমার জয়দেব প্রবীর সমীর শিবু কৃষ্ণ বিমল"
)
BN_HINDU_FEMALE = (
    "সীমা রীতা মিতা পূর্ণিমা লক্ষ্মী সরস্বতী কল্পনা মমতা সুমিত্রা অঞ্জলি শম্পা টুম্পা রুমা "
    "মৌসুমী সুচিত্রা বাসন্তী কাকলি পিঙ্কি রূপা সোমা দীপালি অর্চনা সবিতা মালতী পারুল গীতা শিখা "
    "তনুশ্রী মিঠু সঙ্গীতা প্রতিমা আরতি"
)
BN_HINDU_SURNAMES = (
    "দাস ঘোষ মণ্ডল বিশ্বাস সরকার পাল রায় সাহা মজুমদার চক্রবর্তী ভট্টাচার্য প্রামানিক হালদার "
    "বাগ দে দত্ত সেন কর্মকার মাহাতো প্রধান শিকদার ঘোষাল মাঝি হাজরা নন্দী কুণ্ডু"
)
BN_MUSLIM_MALE = (
    "রহিম করিম আব্দুল জাহিদ শফিকুল রফিকুল মিজানুর আনোয়ার সাইফুল হাবিবুর নজরুল কামাল জামাল "
    "আলমগীর মনিরুল আশরাফুল ইমরান রাশেদ তানভীর আরিফ সোহেল মাসুদ রুবেল হাসান জাহাঙ্গীর মোস্তফা "
    "আমিনুল শহিদুল আজিজুল সিরাজুল ফারুক আকবর ইসমাইল"
)
BN_MUSLIM_FEMALE = (
    "ফাতেমা আয়েশা রহিমা সালমা নাসরিন শাহনাজ রোকসানা মর্জিনা আমেনা খাদিজা রাবেয়া তাসলিমা "
    "নাজমা শিরিন রুমানা জেসমিন মাহফুজা সাবিনা হালিমা মরিয়ম জরিনা সখিনা রেহানা কুলসুম"
)
BN_MUSLIM_SURNAMES = "শেখ মণ্ডল খান বিশ্বাস সরদার গাজী মোল্লা হোসেন ইসলাম রহমান আলী উদ্দিন মিয়া শাহ সানা মোড়ল ঢালী"
# Women are often known by these instead of the family's name.
BN_MUSLIM_WOMEN_SECOND = "খাতুন বেগম আক্তার সুলতানা ইয়াসমিন নেছা"
BN_MUSLIM_MALE_PREFIX = "মোঃ"
BN_MUSLIM_FEMALE_PREFIX = "মোছাঃ"

HI_MALE = (
    "रामकुमार संतोष राजेश दिनेश मनोज सुरेश रमेश महेश अशोक विनोद लक्ष्मण भरत शिवकुमार गोपाल "
    "हेमंत तुलसीराम बुधराम समारू मंगलू सुखनंदन जयराम धनीराम देवेंद्र नरेंद्र प्रदीप अजय विजय "
    "राहुल सूरज"
)
HI_FEMALE = (
    "सुनीता गीता सविता कुंती ललिता मीना रेखा अनीता पूजा प्रियंका संगीता सरिता शांति कमला "
    "उर्मिला रामबाई फूलबाई सुमित्रा जानकी लक्ष्मी दुर्गा पार्वती नीलम किरण ममता भारती रूपा "
    "चंद्रिका दीपिका अंजलि"
)
HI_SURNAMES = (
    "साहू यादव पटेल वर्मा निषाद कंवर राठिया सिदार चौहान गुप्ता अग्रवाल मांझी उरांव भगत पैंकरा "
    "नायक प्रधान डनसेना मिश्रा सिंह ठाकुर देवांगन केंवट"
)


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


FAKER_MUSLIM_MALE = _set(
    "আবু আতাহার আজাদ আসাদ আনিস আজম আব্বাস ইকবাল ইউসুফ ইশতিয়াক ইমতিয়াজ ইজাজ এনামুল একরামুল "
    "কাফি করিম তামিম নাদিম নাইম বাকের বাসির মুনতাসির মুনতাকিম মোস্তাফিজ মুশফিক রায়হান রহিম "
    "রাশেদ রাসেল রাশেদুল শাহাবাজ শাহজাহান শহিদুল সাবের সাব্বির ইমন"
)
FAKER_MUSLIM_FEMALE = _set(
    "আক্তারা আফিয়া আসিফা আফিফা আফসানা আয়েশা জোবায়দা তাসফিয়া তাসনিম তামান্না নুসরাত ফৌজিয়া "
    "ফারিহা মেহজাবিন মোনালিসা মালিহা রাজিয়া রোজিনা শারমিন সানজিদা সুমাইয়া আলিয়া"
)
FAKER_MUSLIM_SURNAMES = _set(
    "আলি আক্তার আওয়াল আলম আবদুল্লাহ ইসলাম উদ্দিন কাদের খান জামান মিঞা হোসাইন হক হুরাইরা হাকিম রহমান"
)
FAKER_MUSLIM_WOMEN_SECOND = _set("আরা খানম খাতুন জাহান তাবাসসুম বেগম সুলতানা")
FAKER_SHARED_SURNAMES = _set("চৌধুরী তালুকদার বিশ্বাস মৃধা মজুমদার মোড়ল মন্ডল সরকার প্রামানিক")
# Faker's hi_IN list has titles and words that are not names in Raigarh.
FAKER_SKIP = _set("महात्मा कुमारी")

Part = tuple[str, str, str]  # native, Latin, key


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _in_script(text: str, low: str, high: str) -> bool:
    return bool(text) and all(low <= ch <= high for ch in text if not ch.isspace())


def _bengali(text: str) -> bool:
    return _in_script(text, "\u0980", "\u09ff")


def _devanagari(text: str) -> bool:
    return _in_script(text, "\u0900", "\u097f")


class _PartCache:
    """to_latin and name_key once per distinct word: both work word by word, so a full
    name's forms are its words' forms joined by spaces."""

    def __init__(self) -> None:
        self._parts: dict[str, Part] = {}

    def part(self, word: str) -> Part:
        word = _nfc(word)
        found = self._parts.get(word)
        if found is None:
            found = self._parts[word] = (word, to_latin(word), name_key(word))
        return found

    def pool(self, own: str, extra: Sequence[str], own_weight: int = 2) -> list[Part]:
        """Our own words ``own_weight`` times each, then Faker's other distinct words once."""
        own_parts = [self.part(w) for w in own.split()]
        known = {p[0] for p in own_parts}
        extra_parts: list[Part] = []
        for word in extra:
            part = self.part(word)
            if part[2] and part[0] not in known:
                known.add(part[0])
                extra_parts.append(part)
        return own_parts * own_weight + extra_parts


@dataclass(slots=True)
class _Culture:
    male: list[Part]
    female: list[Part]
    surnames: list[Part]
    women_second: list[Part] = field(default_factory=list)  # Muslim Bengali women
    male_prefix: Part | None = None
    female_prefix: Part | None = None


def _faker_names(locale: str, seed: int, draws: int = 400) -> tuple[list[str], ...]:
    """Names drawn from a seeded Faker, in native script only, first seen first."""
    from faker import Faker  # imported here: the pools are built once per run

    fake = Faker(locale)
    fake.seed_instance(seed)
    native = _bengali if locale.startswith("bn") else _devanagari
    drawn = (
        [fake.first_name_male() for _ in range(draws)],
        [fake.first_name_female() for _ in range(draws)],
        [fake.last_name() for _ in range(draws)],
    )
    return tuple(
        list(dict.fromkeys(n for n in map(_nfc, names) if native(n) and n not in FAKER_SKIP))
        for names in drawn
    )


def _cultures(seed: int) -> dict[str, _Culture]:
    cache = _PartCache()
    bn_male, bn_female, bn_last = _faker_names("bn_BD", seed)
    hi_male, hi_female, hi_last = _faker_names("hi_IN", seed)

    def muslim(names: list[str], markers: frozenset[str]) -> list[str]:
        return [n for n in names if n in markers]

    def hindu(names: list[str], *markers: frozenset[str]) -> list[str]:
        return [n for n in names if not any(n in m for m in markers)]

    return {
        "bn_hindu": _Culture(
            male=cache.pool(BN_HINDU_MALE, hindu(bn_male, FAKER_MUSLIM_MALE)),
            female=cache.pool(BN_HINDU_FEMALE, hindu(bn_female, FAKER_MUSLIM_FEMALE)),
            surnames=cache.pool(
                BN_HINDU_SURNAMES, hindu(bn_last, FAKER_MUSLIM_SURNAMES, FAKER_MUSLIM_WOMEN_SECOND)
            ),
        ),
        "bn_muslim": _Culture(
            male=cache.pool(BN_MUSLIM_MALE, muslim(bn_male, FAKER_MUSLIM_MALE)),
            female=cache.pool(BN_MUSLIM_FEMALE, muslim(bn_female, FAKER_MUSLIM_FEMALE)),
            surnames=cache.pool(
                BN_MUSLIM_SURNAMES, muslim(bn_last, FAKER_MUSLIM_SURNAMES | FAKER_SHARED_SURNAMES)
            ),
            women_second=cache.pool(
                BN_MUSLIM_WOMEN_SECOND, muslim(bn_last, FAKER_MUSLIM_WOMEN_SECOND)
            ),
            male_prefix=cache.part(BN_MUSLIM_MALE_PREFIX),
            female_prefix=cache.part(BN_MUSLIM_FEMALE_PREFIX),
        ),
        "hi": _Culture(
            male=cache.pool(HI_MALE, hi_male),
            female=cache.pool(HI_FEMALE, hi_female),
            # Raigarh's industry draws migrant workers from all over India: some outside names.
            surnames=cache.pool(HI_SURNAMES, [n for n in hi_last if " " not in n], own_weight=4),
        ),
    }


# Share of Muslim households by state (Census 2011: West Bengal 27 %; Khulna division ~88 %).
MUSLIM_SHARE = {"IN-WB": 0.27, "BD-D": 0.88}


# --- identity numbers ----------------------------------------------------------------------


class _Numbers:
    """Unique numbers per kind: serial s -> (a * s + b) mod m, a bijection as gcd(a, m) = 1."""

    # Multipliers are primes that divide none of the moduli (which are 2^i 5^j 13^k 3^l).
    _A = 6_700_417
    _B = 982_451_653

    def __init__(self, start: int) -> None:
        self.next = {kind: start for kind in IdentifierKind}

    def draw(self, kind: IdentifierKind, modulus: int, salt: int) -> int:
        serial = self.next[kind]
        self.next[kind] = serial + 1
        if serial >= modulus:
            raise OverflowError(f"the {kind} number space is used up")
        return (self._A * serial + self._B * salt) % modulus

    def aadhaar(self) -> str:
        body = str(20_000_000_000 + self.draw(IdentifierKind.AADHAAR, 80_000_000_000, 1))
        return body + verhoeff_check_digit(body)

    def abha(self) -> str:
        return f"91{self.draw(IdentifierKind.ABHA, 10**12, 2):012d}"

    def voter_id(self) -> str:
        n = self.draw(IdentifierKind.VOTER_ID, 26**3 * 10**7, 3)
        letters, digits = divmod(n, 10**7)
        a, rest = divmod(letters, 26 * 26)
        b, c = divmod(rest, 26)
        return f"{chr(65 + a)}{chr(65 + b)}{chr(65 + c)}{digits:07d}"

    def ration_card(self, state_code: str) -> str:
        prefix = state_code.rsplit("-", 1)[-1][:2].upper()
        return f"{prefix}{self.draw(IdentifierKind.RATION_CARD, 10**10, 4):010d}"

    def bd_nid(self, birth_year: int, long_form: bool) -> str:
        if long_form:  # the old 13 digits with the year of birth in front
            return f"{birth_year}{self.draw(IdentifierKind.BD_NID, 10**13, 5):013d}"
        return str(1_000_000_000 + self.draw(IdentifierKind.BD_NID, 9 * 10**9, 5))

    def bd_brn(self, birth_year: int) -> str:
        return f"{birth_year}{self.draw(IdentifierKind.BD_BRN, 10**13, 6):013d}"


# --- households ----------------------------------------------------------------------------

# Household sizes 1-9 (NFHS-5 / HIES-like; mean about 4.5).
SIZE_WEIGHTS = (5, 10, 16, 22, 18, 12, 8, 5, 4)
SIZES = tuple(range(1, 10))
SIZE_CUM = tuple(accumulate(SIZE_WEIGHTS))

Y = YEAR
ADULT = int(18 * Y)
MIN_GAP = int(19 * Y)  # parent - child, a year inside 18-40: estimated birth dates move
MAX_GAP = int(39 * Y)  # by up to half a year each

MALE, FEMALE = "male", "female"


class _Ids:
    """Time-ordered UUIDs (version 7, RFC 9562): the load's time in ms, a 30-bit counter and
    44 random bits from the seeded generator. A big load then appends at the right edge of
    each id index (and of the foreign-key lookups) instead of writing all over them; same
    seed and same ``now``, same ids."""

    __slots__ = ("stamp", "count", "getrandbits")

    def __init__(self, now: datetime, getrandbits: Callable[[int], int]) -> None:
        self.stamp = (int(now.timestamp() * 1000) & 0xFFFF_FFFF_FFFF) << 80 | 0x7 << 76 | 0b10 << 62
        self.count = 0
        self.getrandbits = getrandbits

    def __call__(self) -> str:
        count = self.count
        if count >= 1 << 30:
            raise OverflowError("more than 2^30 ids in one load")
        self.count = count + 1
        n = self.stamp | (count >> 18) << 64 | (count & 0x3FFFF) << 44 | self.getrandbits(44)
        h = f"{n:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class _Roster:
    """Members of one household as (relation, sex, age in days), head first."""

    __slots__ = ("members", "size", "rnd", "rr")

    def __init__(self, rng: random.Random, size: int) -> None:
        self.members: list[tuple[Relation, str, int]] = []
        self.size = size
        self.rnd = rng.random
        self.rr = rng.randrange

    def free(self) -> int:
        return self.size - len(self.members)

    def add(self, relation: Relation, sex: str, days: int) -> None:
        self.members.append((relation, sex, days))

    def children(
        self, older: int, younger: int, boy: Relation, girl: Relation, leave: bool
    ) -> list[int]:
        """Children of a couple (or a widow) aged ``older`` and ``younger`` days; returns
        the sons that stay, for the next generation. ``leave``: grown children move out."""
        rnd, rr = self.rnd, self.rr
        high = younger - MIN_GAP  # the eldest at most this old
        low = max(older - MAX_GAP, 0)
        if high < low:
            return []
        # Births backwards from the last, when the mother was 21-35, every 1.4-3.5 years.
        age = min(max(younger - int((21 + 14 * rnd()) * Y), low), high)
        births: list[int] = []
        while age <= high and len(births) < 5:
            births.append(age)
            age += rr(int(1.4 * Y), int(3.5 * Y))
        stay: list[tuple[int, str]] = []
        for age in births:  # the youngest first: they are the ones still at home
            if len(stay) >= self.free():
                break
            sex = MALE if rnd() < 0.515 else FEMALE
            if leave and age > 20 * Y and rnd() >= (0.65 if sex == MALE else 0.12):
                continue  # grown up and moved out (daughters marry into other households)
            stay.append((age, sex))
        sons: list[int] = []
        for age, sex in reversed(stay):  # eldest first in the roster
            self.add(boy if sex == MALE else girl, sex, age)
            if sex == MALE and age > 21 * Y:
                sons.append(age)
        return sons

    def fill(self, head_days: int) -> None:
        rnd, rr = self.rnd, self.rr
        while self.free() > 0:
            if rnd() < 0.6:
                days = max(head_days + rr(-int(12 * Y), int(8 * Y)), int(12 * Y))
                sex = MALE if rnd() < 0.5 else FEMALE
                self.add(Relation.BROTHER if sex == MALE else Relation.SISTER, sex, days)
            else:
                sex = MALE if rnd() < 0.5 else FEMALE
                self.add(Relation.OTHER_RELATIVE, sex, rr(int(8 * Y), int(45 * Y)))


def _roster(rng: random.Random, size: int) -> list[tuple[Relation, str, int]]:
    roster = _Roster(rng, size)
    rnd, rr = roster.rnd, roster.rr
    if size == 1:
        r = rnd()
        if r < 0.5:
            roster.add(Relation.HEAD, FEMALE, rr(int(58 * Y), int(86 * Y)))  # a widow
        elif r < 0.8:
            roster.add(Relation.HEAD, MALE, rr(int(58 * Y), int(86 * Y)))
        else:
            roster.add(Relation.HEAD, MALE, rr(int(19 * Y), int(36 * Y)))  # a migrant worker
        return roster.members
    widow = rnd() < 0.08
    if widow:
        head = rr(int(38 * Y), int(75 * Y))
        roster.add(Relation.HEAD, FEMALE, head)
        older = younger = head
    else:
        head = int(rng.triangular(24, 72, 36) * Y)
        roster.add(Relation.HEAD, MALE, head)
        wife = max(head - rr(int(2 * Y), int(10 * Y)), ADULT + rr(0, int(Y)))
        roster.add(Relation.SPOUSE, FEMALE, wife)
        older, younger = head, wife
    # The head's old parents live with a younger head.
    if not widow and head < 52 * Y and roster.free() >= 3 and rnd() < 0.4:
        mother = head + rr(MIN_GAP, int(35 * Y))
        if mother < 88 * Y:
            roster.add(Relation.MOTHER, FEMALE, mother)
            if rnd() < 0.45:
                father = min(mother + rr(int(2 * Y), int(9 * Y)), head + MAX_GAP)
                if father >= mother and father < 92 * Y:
                    roster.add(Relation.FATHER, MALE, father)
    sons = roster.children(older, younger, Relation.SON, Relation.DAUGHTER, leave=True)
    # An adult son brings his wife and their children.
    for son in sons:
        if roster.free() <= 0 or rnd() > 0.7:
            continue
        wife = max(son - rr(int(2 * Y), int(8 * Y)), ADULT + rr(0, int(Y)))
        if son - wife < 0:
            continue
        roster.add(Relation.DAUGHTER_IN_LAW, FEMALE, wife)
        roster.children(son, wife, Relation.GRANDSON, Relation.GRANDDAUGHTER, leave=False)
    roster.fill(head)
    return roster.members


# --- the generator -------------------------------------------------------------------------


def generate(
    *,
    seed: int,
    people: int,
    residences: list[Area],
    today: date,
    now: datetime,
    identifier_hash: IdentifierHash,
    batch_size: int = 10_000,
    weights: Sequence[float] | None = None,
    serial_start: int = 0,
) -> Iterator[DemoBatch]:
    """Yield batches of about ``batch_size`` people (whole households) until ``people``.

    ``residences`` are villages or wards; ``weights`` (one per residence, default equal) say
    how the households spread over them. ``serial_start`` offsets the identity-number
    counters: a second load into the same database passes a number past the first load's.
    """
    if people < 0:
        raise ValueError("people must not be negative")
    if not residences:
        raise ValueError("no residences to put people in")
    for area in residences:
        if area.level not in RESIDENCE_LEVELS:
            raise ValueError(f"{area.code} is a {area.level}, not a village or ward")
    if weights is None:
        weights = [1.0] * len(residences)
    if len(weights) != len(residences):
        raise ValueError("one weight per residence")
    cum_weights = list(accumulate(weights))
    total_weight = cum_weights[-1]

    rng = random.Random(seed)
    random_ = rng.random
    randrange = rng.randrange
    new_id = _Ids(now, rng.getrandbits)
    cultures = _cultures(seed)
    numbers = _Numbers(serial_start)
    Aadhaar, Abha, Voter, Ration = (
        IdentifierKind.AADHAAR,
        IdentifierKind.ABHA,
        IdentifierKind.VOTER_ID,
        IdentifierKind.RATION_CARD,
    )
    Nid, Brn = IdentifierKind.BD_NID, IdentifierKind.BD_BRN
    secret = SECRET_KINDS

    # A date for every age in days, and the estimated date for every declared age in years.
    max_days = int(121 * Y)
    birth_of = [today - timedelta(days=d) for d in range(max_days)]
    estimated_of = [birth_date_from_age(a, today) for a in range(120)]
    adult_year = int(18 * Y)

    batch = DemoBatch()
    made = 0
    while made < people:
        size = min(SIZES[bisect(SIZE_CUM, random_() * SIZE_CUM[-1])], people - made)
        area = residences[min(bisect(cum_weights, random_() * total_weight), len(residences) - 1)]
        state = area.state_code
        country = area.path[0] if area.path else state[:2]
        if country == "BD":
            culture_name = "bn_muslim" if random_() < MUSLIM_SHARE.get(state, 0.88) else "bn_hindu"
        elif state == "IN-WB":
            culture_name = "bn_muslim" if random_() < MUSLIM_SHARE[state] else "bn_hindu"
        else:
            culture_name = "hi"
        culture = cultures[culture_name]
        is_muslim = culture_name == "bn_muslim"
        surnames = culture.surnames
        family = surnames[int(random_() * len(surnames))]
        household_id = new_id()
        members = _roster(rng, size)
        head_phone: str | None = None
        head_id = ""
        for index, (relation, sex, days) in enumerate(members):
            person_id = new_id()
            male = sex == MALE
            firsts = culture.male if male else culture.female
            first = firsts[int(random_() * len(firsts))]
            # Wives keep the family's name; Muslim Bengali women are often "X Khatun".
            if is_muslim:
                if male:
                    last = family if random_() < 0.7 else surnames[int(random_() * len(surnames))]
                    prefix = culture.male_prefix if days > adult_year and random_() < 0.35 else None
                else:
                    second = culture.women_second
                    last = second[int(random_() * len(second))] if random_() < 0.65 else family
                    prefix = (
                        culture.female_prefix if days > adult_year and random_() < 0.15 else None
                    )
            else:
                last, prefix = family, None
            if prefix is not None:
                name = f"{prefix[0]} {first[0]} {last[0]}"
                latin = f"{prefix[1]} {first[1]} {last[1]}"
                key = f"{prefix[2]} {first[2]} {last[2]}"
            else:
                name = f"{first[0]} {last[0]}"
                latin = f"{first[1]} {last[1]}"
                key = f"{first[2]} {last[2]}"

            years = int(days / Y)
            estimated = years >= 45 and random_() < (0.8 if years >= 65 else 0.45)
            birth = estimated_of[years] if estimated else birth_of[days]
            adult = days >= adult_year
            phone = None
            if adult and random_() < 0.65:
                if head_phone is not None and index and random_() < 0.3:
                    phone = head_phone  # the family's one phone
                elif country == "BD":
                    phone = f"+8801{randrange(300_000_000, 1_000_000_000)}"
                else:
                    phone = f"+91{randrange(6_000_000_000, 10_000_000_000)}"
            if index == 0:
                head_phone, head_id = phone, person_id
            batch.people.append(
                {
                    "state_code": state,
                    "id": person_id,
                    "area_code": area.code,
                    "name": name,
                    "name_latin": latin,
                    "name_key": key,
                    "sex": sex,
                    "birth_date": birth,
                    "birth_date_estimated": estimated,
                    "phone": phone,
                    "household_id": household_id,
                    "relation_to_head": relation.value,
                    "version": 1,
                    "created_by": CREATED_BY,
                    "created_at": now,
                    "updated_at": now,
                }
            )

            # Identity documents.
            numbers_of: list[tuple[IdentifierKind, str]] = []
            if country == "BD":
                birth_year = birth.year
                if adult:
                    if random_() < 0.92:
                        numbers_of.append(
                            (Nid, numbers.bd_nid(birth_year, years >= 35 and random_() < 0.6))
                        )
                elif random_() < 0.85:
                    numbers_of.append((Brn, numbers.bd_brn(birth_year)))
            else:
                if random_() < (0.9 if adult else 0.45 if years >= 5 else 0.0):
                    numbers_of.append((Aadhaar, numbers.aadhaar()))
                if adult and random_() < 0.6:
                    numbers_of.append((Voter, numbers.voter_id()))
                if index == 0 and random_() < 0.7:
                    numbers_of.append((Ration, numbers.ration_card(state)))
                if random_() < (0.3 if adult else 0.15):
                    numbers_of.append((Abha, numbers.abha()))
            for kind, number in numbers_of:
                batch.identifiers.append(
                    {
                        "state_code": state,
                        "person_id": person_id,
                        "kind": kind.value,
                        "lookup_hash": identifier_hash(kind, number),
                        "last4": last4(number),
                        "value": None if kind in secret else number,
                    }
                )

        batch.households.append(
            {
                "state_code": state,
                "id": household_id,
                "area_code": area.code,
                "address": f"House {randrange(1, 500)}, {area.name}",
                "head_person_id": head_id,
                "created_by": CREATED_BY,
                "created_at": now,
            }
        )
        made += len(members)
        if len(batch.people) >= batch_size:
            yield batch
            batch = DemoBatch()
    if batch.people:
        yield batch
