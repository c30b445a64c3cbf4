"""Translations: gettext catalogues (``locales/<lang>/LC_MESSAGES/messages.po``) read at start.

The .po files are compiled in memory, so a fresh checkout needs no build step.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = Path(__file__).resolve().parent.parent / "locales"
LANGUAGE_NAMES = {"en": "English", "bn": "বাংলা", "hi": "हिन्दी"}


@cache
def translations(language: str) -> gettext.NullTranslations:
    po = LOCALES / language / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def gettext_for(language: str):  # type: ignore[no-untyped-def]
    return translations(language).gettext


def negotiate(accept_language: str | None, supported: list[str], default: str = "en") -> str:
    """Pick the best supported language from an Accept-Language header."""
    if not accept_language:
        return default
    ranked = []
    for part in accept_language.split(","):
        piece = part.strip().split(";")
        lang = piece[0].split("-")[0].lower()
        quality = 1.0
        for param in piece[1:]:
            if param.strip().startswith("q="):
                try:
                    quality = float(param.strip()[2:])
                except ValueError:
                    quality = 0.0
        ranked.append((quality, lang))
    for _, lang in sorted(ranked, key=lambda x: -x[0]):
        if lang in supported:
            return lang
    return default
