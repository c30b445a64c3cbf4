"""Search before register: is a newly typed person probably someone already registered?

Exact identifiers are checked elsewhere (a database constraint); this module judges the soft
evidence a health worker sees: a similar name, the same birth year (give or take one), the
same village.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from .people import Person

NEAR_MATCH_THRESHOLD = 0.88
WINKLER_BOOST_THRESHOLD = 0.7
BIRTH_YEAR_TOLERANCE = 1


def jaro_winkler(a: str, b: str, prefix_scale: float = 0.1) -> float:
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    a_hits = [False] * len(a)
    b_hits = [False] * len(b)
    matches = 0
    for i, ch in enumerate(a):
        lo, hi = max(0, i - window), min(len(b), i + window + 1)
        for j in range(lo, hi):
            if not b_hits[j] and b[j] == ch:
                a_hits[i] = b_hits[j] = True
                matches += 1
                break
    if matches == 0:
        return 0.0
    a_seq = [ch for ch, hit in zip(a, a_hits, strict=True) if hit]
    b_seq = [ch for ch, hit in zip(b, b_hits, strict=True) if hit]
    transpositions = sum(x != y for x, y in zip(a_seq, b_seq, strict=True)) / 2
    jaro = (matches / len(a) + matches / len(b) + (matches - transpositions) / matches) / 3
    if jaro <= WINKLER_BOOST_THRESHOLD:  # Winkler's rule: only likely matches get the bonus
        return jaro
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * prefix_scale * (1 - jaro)


def name_similarity(key_a: str, key_b: str) -> float:
    """Jaro-Winkler on the whole key, forgiving swapped word order ("das amit" / "amit das")."""
    straight = jaro_winkler(key_a, key_b)
    if straight >= NEAR_MATCH_THRESHOLD:
        return straight
    swapped = jaro_winkler(" ".join(sorted(key_a.split())), " ".join(sorted(key_b.split())))
    return max(straight, swapped)


@dataclass(frozen=True, slots=True)
class Blocking:
    """The blocking rule of search-before-register, which keeps the comparisons few in a big
    village: a registered name is compared with the new one only if its first word starts
    with the initial of a word of the new name and, when both names have several words,
    another of its words does too. After folding to the canonical key, names rarely differ at
    their first letters (Ekramul / Ikramul is the kind of pair it gives up)."""

    initials: frozenset[str]
    single_word: bool

    @classmethod
    def of(cls, name_key: str) -> Blocking:
        words = name_key.split()
        return cls(frozenset(w[0] for w in words), len(words) <= 1)

    def admits(self, candidate_key: str) -> bool:
        words = candidate_key.split()
        if not words or words[0][0] not in self.initials:
            return False
        return self.single_word or len(words) == 1 or any(w[0] in self.initials for w in words[1:])


class Candidate(Protocol):
    """What the comparison reads of someone registered: a Person, or just these columns."""

    @property
    def id(self) -> str: ...
    @property
    def name_key(self) -> str: ...
    @property
    def birth_date(self) -> date: ...
    @property
    def area_code(self) -> str: ...


@dataclass(frozen=True, slots=True)
class CandidateRow:
    id: str
    name_key: str
    birth_date: date
    area_code: str


@dataclass(frozen=True, slots=True)
class NearMatch:
    person: Person | Candidate
    score: float


def near_matches(
    name_key: str, birth_year: int, area_code: str, candidates: Sequence[Candidate], limit: int = 5
) -> list[NearMatch]:
    found = [
        NearMatch(p, round(score, 3))
        for p in candidates
        if p.area_code == area_code
        and abs(p.birth_date.year - birth_year) <= BIRTH_YEAR_TOLERANCE
        and (score := name_similarity(name_key, p.name_key)) >= NEAR_MATCH_THRESHOLD
    ]
    return sorted(found, key=lambda m: -m.score)[:limit]
