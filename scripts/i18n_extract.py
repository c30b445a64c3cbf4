"""Regenerate ``locales/messages.pot`` and bring the language catalogues up to date.

    .venv/bin/python scripts/i18n_extract.py           # write messages.pot, update bn/hi .po
    .venv/bin/python scripts/i18n_extract.py --check   # exit 1 if messages.pot is out of date

Where the msgids come from:
- the page templates (``_("...")`` in Jinja2, read by Jinja2's Babel extractor);
- ``_()`` and ``N_()`` calls in ``entrypoints/web/*.py`` (labels, form messages);
- the ``template`` of every ``DomainError`` subclass, found by introspection;
- the constant words and sentences passed to those errors anywhere in the package
  (``reason="..."``, ``what="person"``, ...), found by reading the source; an f-string whose
  parts are all module constants (``f"... older than {MAX_AGE_YEARS}"``) counts as constant;
- the names of identifier kinds, area levels and actions, which errors carry as parameters.

Existing translations are kept; msgids that disappeared are dropped; new ones arrive empty,
to be translated by hand (``tests/unit/test_catalogues.py`` fails until they are).
"""

from __future__ import annotations

import argparse
import ast
import importlib
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import read_po, write_po
from jinja2.ext import babel_extract

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "sevasetu"
WEB = PACKAGE / "entrypoints" / "web"
LOCALES = PACKAGE / "locales"
POT = LOCALES / "messages.pot"
LANGUAGES = ("bn", "hi")
KEYWORDS = {"_": None, "N_": None, "gettext": None}
COMMENT_TAGS = ("Translators:",)
WIDTH = 100

sys.path.insert(0, str(ROOT / "src"))

Found = tuple[str, str, int, list[str]]  # msgid, file, line, comments


def _where(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def from_templates() -> Iterator[Found]:
    for path in sorted((WEB / "templates").glob("*.html")):
        with path.open("rb") as handle:
            for line, _func, message, comments in babel_extract(
                handle, list(KEYWORDS), list(COMMENT_TAGS), {"trim_blocks": "true"}
            ):
                if isinstance(message, str) and message:
                    yield message, _where(path), line, list(comments)


def from_web_python() -> Iterator[Found]:
    for path in sorted(WEB.glob("*.py")):
        with path.open("rb") as handle:
            for line, message, comments, _context in extract(
                "python", handle, keywords=KEYWORDS, comment_tags=COMMENT_TAGS
            ):
                if isinstance(message, str) and message:
                    yield message, _where(path), line, list(comments)


def error_classes() -> list[type]:
    errors = importlib.import_module("sevasetu.domain.errors")
    found, todo = [], [errors.DomainError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


def from_error_templates() -> Iterator[Found]:
    for cls in error_classes():
        module = importlib.import_module(cls.__module__)
        path = Path(module.__file__ or "")
        line = ast.parse(path.read_text()).body
        lineno = next(
            (n.lineno for n in line if isinstance(n, ast.ClassDef) and n.name == cls.__name__), 0
        )
        yield cls.template, _where(path), lineno, [f"{cls.__name__} ({cls.code})"]


def _constant(node: ast.expr, module_globals: dict[str, object]) -> str | None:
    """The string a node always evaluates to, or None when it depends on the call."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif (
                isinstance(value, ast.FormattedValue)
                and isinstance(value.value, ast.Name)
                and value.conversion == -1
                and value.format_spec is None
                and isinstance(module_globals.get(value.value.id), int | str)
            ):
                parts.append(str(module_globals[value.value.id]))
            else:
                return None
        return "".join(parts)
    return None


def _globals_of(path: Path) -> dict[str, object]:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    name = ".".join(("sevasetu", *(parts[:-1] if parts[-1] == "__init__" else parts)))
    try:
        return vars(importlib.import_module(name))
    except Exception as exc:  # a module that does not import leaves its f-strings dynamic
        print(f"warning: cannot import {name}: {exc}", file=sys.stderr)
        return {}


def from_error_arguments() -> Iterator[Found]:
    """Fixed strings passed to error constructors, and the templates of ``Reason(...)`` and
    ``one_of(...)`` sentences (domain.errors), which edges translate by their template."""
    names = {cls.__name__ for cls in error_classes()}
    yield "{first} or {last}", "sevasetu/domain/errors.py", 0, ["one_of: the last joiner"]
    for path in sorted(PACKAGE.rglob("*.py")):
        if WEB in path.parents or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        module_globals: dict[str, object] | None = None
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id == "Reason" and node.args:
                template = _constant(node.args[0], {})
                if template:
                    yield template, _where(path), node.lineno, ["Reason"]
                continue
            if node.func.id not in names:
                continue
            for keyword in node.keywords:
                if isinstance(keyword.value, ast.JoinedStr) and module_globals is None:
                    module_globals = _globals_of(path)
                text = _constant(keyword.value, module_globals or {}) if keyword.arg else None
                if text:
                    yield text, _where(path), node.lineno, [f"{node.func.id}: {keyword.arg}"]


def from_codes() -> Iterator[Found]:
    """Words that errors carry as parameters; translate_error translates every string one."""
    identifiers = importlib.import_module("sevasetu.domain.identifiers")
    areas = importlib.import_module("sevasetu.domain.areas")
    access = importlib.import_module("sevasetu.domain.access")
    where = _where(Path(identifiers.__file__ or ""))
    for kind, label in identifiers.LABELS.items():
        yield label, where, 0, ["identifier kind, as error sentences name it"]
        yield label.removesuffix(" number"), where, 0, ["identifier kind before the word 'number'"]
        yield kind.value, where, 0, ["identifier kind code, as the API's errors give it"]
    for level in areas.AreaLevel:
        yield level.value, _where(Path(areas.__file__ or "")), 0, ["area level"]
    for action in access.Action:
        yield (
            action.value,
            _where(Path(access.__file__ or "")),
            0,
            ["completes: 'You are not allowed to ...'"],
        )


def build_template() -> Catalog:
    catalog = Catalog(
        project="sevasetu",
        version="0.1.0",
        charset="utf-8",
        fuzzy=False,
        copyright_holder="sevasetu",
        msgid_bugs_address="",
    )
    sources = (
        from_error_templates(),
        from_error_arguments(),
        from_codes(),
        from_web_python(),
        from_templates(),
    )
    for source in sources:
        for message, path, line, comments in source:
            existing = catalog.get(message)
            location = (path, line) if line else (path, None)
            if existing is None:
                catalog.add(message, locations=[location], auto_comments=comments)
            else:
                if location not in existing.locations:
                    existing.locations.append(location)
                for comment in comments:
                    if comment not in existing.auto_comments:
                        existing.auto_comments.append(comment)
    return catalog


def _without_dates(text: bytes) -> list[bytes]:
    return [
        line
        for line in text.splitlines()
        if not line.startswith((b'"POT-Creation-Date:', b'"PO-Revision-Date:'))
    ]


def _write(path: Path, catalog: Catalog, **options: object) -> None:
    """Write the catalogue unless only its dates would change (keeps diffs quiet)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, omit_header=False, **options)  # type: ignore[arg-type]
    if path.exists() and _without_dates(path.read_bytes()) == _without_dates(buffer.getvalue()):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def msgids(catalog: Catalog) -> set[str]:
    return {str(m.id) for m in catalog if m.id}


def update(template: Catalog) -> None:
    _write(POT, template, no_location=False)
    for language in LANGUAGES:
        path = LOCALES / language / "LC_MESSAGES" / "messages.po"
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
        else:
            catalog = Catalog(locale=language, project="sevasetu", version="0.1.0", fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.fuzzy = False
        _write(path, catalog, ignore_obsolete=True)
        missing = [m.id for m in catalog if m.id and not m.string]
        print(f"{language}: {len(catalog)} messages, {len(missing)} to translate")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only check messages.pot is current")
    args = parser.parse_args()
    template = build_template()
    if args.check:
        with POT.open("rb") as handle:
            current = read_po(handle)
        stale = msgids(template) ^ msgids(current)
        for message in sorted(stale):
            print(f"out of date: {message!r}")
        return 1 if stale else 0
    update(template)
    print(f"messages.pot: {len(template)} messages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
