"""The maintenance and tenancy words marked for translation are the ones the code uses."""

from __future__ import annotations

from sevasetu.domain import maintenance, tenancy
from sevasetu.domain.errors import DomainError
from sevasetu.entrypoints.web.maintenance_words import ERROR_TEMPLATES, SENTENCES
from sevasetu.services.maintenance import WORDS


def test_the_marked_sentences_are_the_services_own():
    assert SENTENCES == WORDS


def test_every_maintenance_and_tenancy_error_template_is_marked():
    classes = [
        value for module in (maintenance, tenancy) for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, DomainError)
        and value.__module__ == module.__name__
    ]  # fmt: skip
    assert sorted(c.template for c in classes) == sorted(ERROR_TEMPLATES)
