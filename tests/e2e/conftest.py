"""What the end-to-end tests share: a test client on the test's context, and Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, sync_playwright

from sevasetu.bootstrap import AppContext
from sevasetu.entrypoints.api.app import create_app


@pytest.fixture
def client(ctx: AppContext) -> Iterator[TestClient]:
    with TestClient(create_app(ctx=ctx)) as c:
        yield c


@pytest.fixture
def cli_env(database_url: str, settings, monkeypatch: pytest.MonkeyPatch) -> str:
    """The command line pointed at the test's database, with the test context's secrets (they
    unlock the stored keys and identifiers); returns the database URL."""
    for name, value in (
        ("DATABASE_URL", database_url),
        ("ENVIRONMENT", "development"),
        ("SECRET_KEY", settings.secret_key),
        ("IDENTIFIER_KEY", settings.identifier_key),
    ):
        monkeypatch.setenv(f"SEVASETU_{name}", value)
    return database_url


CHROMIUM = Path("/usr/bin/chromium")  # Debian's, installed by ``make browser``


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()
