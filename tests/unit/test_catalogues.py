"""The translation catalogues: complete, current, and safe to format."""

from __future__ import annotations

import importlib.util
import string
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from sevasetu.adapters.i18n import LOCALES, gettext_for
from sevasetu.domain.errors import DomainError

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["bn", "hi"]


def load(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def messages(catalog: Catalog) -> dict[str, str]:
    return {str(m.id): str(m.string) for m in catalog if m.id}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def extractor() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "i18n_extract", ROOT / "scripts" / "i18n_extract.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def all_errors() -> list[type[DomainError]]:
    found, todo = [], [DomainError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


TEMPLATE = messages(load(LOCALES / "messages.pot"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    catalog = load(LOCALES / language / "LC_MESSAGES" / "messages.po", language)
    translated = messages(catalog)
    missing = [msgid for msgid in TEMPLATE if not translated.get(msgid, "").strip()]
    assert not missing, f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"
    fuzzy = [str(m.id) for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"{language}: fuzzy entries are not used at run time: {fuzzy[:5]}"
    stale = sorted(set(translated) - set(TEMPLATE))
    assert not stale, f"{language}: messages no longer in messages.pot: {stale[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_their_msgid(language: str) -> None:
    translated = messages(load(LOCALES / language / "LC_MESSAGES" / "messages.po", language))
    wrong = {
        msgid: text
        for msgid, text in translated.items()
        if placeholders(msgid) != placeholders(text)
    }
    assert not wrong, wrong


def test_every_domain_error_template_is_in_the_catalogue() -> None:
    missing = [cls.__name__ for cls in all_errors() if cls.template not in TEMPLATE]
    assert not missing


def test_messages_pot_is_current_with_the_code_and_templates() -> None:
    built = {str(m.id) for m in extractor().build_template() if m.id}
    assert built - set(TEMPLATE) == set(), "run: .venv/bin/python scripts/i18n_extract.py"
    assert set(TEMPLATE) - built == set(), "run: .venv/bin/python scripts/i18n_extract.py"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("bn", "ইউজারনেম বা পাসওয়ার্ড ভুল।"),
        ("hi", "यूज़रनेम या पासवर्ड गलत है।"),
    ],
)
def test_the_catalogues_are_used_at_run_time(language: str, expected: str) -> None:
    assert gettext_for(language)("The username or password is wrong.") == expected
