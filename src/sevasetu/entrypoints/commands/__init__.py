"""What every command shares: the consoles, the settings, and domain errors as sentences.

Each group of commands lives in its own module here and is registered in ``cli.py``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from ...bootstrap import AppContext, bootstrap
from ...domain.errors import DomainError

out = Console()
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


def friendly(fn: F) -> F:
    """A domain error ends the command with its sentence and exit code 2, not a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            where = f" ({exc.field})" if exc.field else ""
            err.print(f"[red]error{where}:[/red] {exc.message()}")
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def context() -> AppContext:
    try:
        return bootstrap()
    except ValueError as exc:  # settings refused
        err.print(f"[red]configuration error:[/red] {exc}")
        raise typer.Exit(2) from None
