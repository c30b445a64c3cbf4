"""How names get damaged on their way into a legacy export, for synthetic exports with truth.

Each function takes the random source, so a seed gives the same damage. The spelling
variants are the choices different clerks make when writing one Bengali or Hindi name in
Latin letters; some of them the cross-script name key folds away (ee/i, sh/s, w/b, doubled
letters), others it does not (a/o, th/t, a final a) and are left to fuzzy matching, as in
the field.
"""

from __future__ import annotations

import random
import re

# (pattern, replacement) pairs a clerk may apply to a word written in Latin.
_VARIANTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        ("i", "ee"), ("ee", "i"), ("u", "oo"), ("oo", "u"), ("sh", "s"), ("s(?!h)", "sh"),
        ("v", "w"), ("w", "v"), ("b", "v"), ("ph", "f"), ("f", "ph"), ("j", "z"),
        ("th", "t"), ("dh", "d"), ("bh", "b"), ("kh", "k"), ("a(?=[^aeiou]$)", "o"),
        ("([^aeiou])a$", r"\1"), ("([^aeiouy])$", r"\1a"), ("y", "i"), ("i$", "y"),
        ("(?<=[aeiou])([kmnprst])(?=[aeiou])", r"\1\1"), ("ks", "x"), ("ch", "chh"), ("chh", "ch"),
        ("au", "ou"), ("ai", "oi"), ("ri", "ree"), ("q", "k"), ("ng$", "n"),
    )
)  # fmt: skip
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def spelling_variant(rng: random.Random, latin: str, changes: int = 1) -> str:
    """Another way to write the same name in Latin: ``changes`` spelling choices made
    differently, in random words; Title Case kept."""
    words = latin.split()
    if not words:
        return latin
    for _ in range(changes):
        i = rng.randrange(len(words))
        word = words[i].lower()
        options = [(p, r) for p, r in _VARIANTS if p.search(word)]
        if not options:
            continue
        pattern, repl = options[rng.randrange(len(options))]
        matches = list(pattern.finditer(word))
        m = matches[rng.randrange(len(matches))]
        new = repl.replace("\\1", m.group(1)) if "\\" in repl else repl
        changed = word[: m.start()] + new + word[m.end() :]
        words[i] = changed.capitalize() if changed else words[i]
    return " ".join(words)


def typo(rng: random.Random, text: str) -> str:
    """One keying mistake: a letter dropped, doubled, swapped with the next or replaced."""
    positions = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(positions) < 3:
        return text
    i = positions[rng.randrange(1, len(positions))]  # the first letter is rarely mistyped
    kind = rng.randrange(4)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    if kind == 2 and i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    letter = _LETTERS[rng.randrange(26)]
    if text[i].isupper():
        letter = letter.upper()
    return text[:i] + letter + text[i + 1 :]


def swap_first_last(name: str) -> str:
    """ "Ram Kumar Sahu" -> "Sahu Ram Kumar": the family name written first."""
    words = name.split()
    if len(words) < 2:
        return name
    return " ".join([words[-1], *words[:-1]])
