"""Domain errors as sentences on a page, in the reader's language.

``problems.translate_error`` does the work; this module first puts the parameters into words a
reader knows (an identifier's label rather than its code) and gives the few reasons that are
built with numbers a template of their own, so that they are translated too.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ...adapters.i18n import gettext_for
from ...domain.errors import DomainError, DuplicateIdentifier
from ...domain.identifiers import LABELS, IdentifierKind
from ..api.problems import translate_error
from .labels import N_

# Reasons raised as f-strings: the pattern reads the numbers back, the msgid is translated.
DYNAMIC_REASONS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"it must have (?P<wanted>[0-9, or]+) digits, not (?P<count>\d+)"),
        N_("it must have {wanted} digits, not {count}"),
    ),
    (
        re.compile(r"it must have 4 to 20 letters or digits, not (?P<count>\d+)"),
        N_("it must have 4 to 20 letters or digits, not {count}"),
    ),
    (
        re.compile(r"A household has exactly one head, not (?P<count>\d+)\."),
        N_("A household has exactly one head, not {count}."),
    ),
]
ONE_OR_OTHER = N_("{first} or {last}")


def _numbers(text: str, _: Callable[[str], str]) -> str:
    """ "10, 13 or 17" in the reader's language."""
    parts = re.split(r", | or ", text)
    if len(parts) == 1:
        return text
    return _(ONE_OR_OTHER).format(first=", ".join(parts[:-1]), last=parts[-1])


def _reason(reason: str, _: Callable[[str], str]) -> str:
    for pattern, msgid in DYNAMIC_REASONS:
        match = pattern.fullmatch(reason)
        if match:
            found = match.groupdict()
            if "wanted" in found:
                found["wanted"] = _numbers(found["wanted"], _)
            return _(msgid).format(**found)
    return reason


def error_text(error: DomainError, language: str) -> str:
    _ = gettext_for(language)
    params = dict(error.params)
    if isinstance(error, DuplicateIdentifier) and params.get("kind") in set(IdentifierKind):
        # The service names the kind by its code ("aadhaar"); say it as the other errors do.
        params["kind"] = LABELS[IdentifierKind(params["kind"])].removesuffix(" number")
    if isinstance(params.get("reason"), str):
        params["reason"] = _reason(params["reason"], _)
    return translate_error(type(error)(error.field, **params), language)
