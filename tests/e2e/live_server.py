"""A real server on a free loopback port, for the browser tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from sevasetu.adapters.db.migrate import upgrade
from sevasetu.adapters.passwords import Argon2Passwords
from sevasetu.bootstrap import AppContext
from sevasetu.config import Settings
from sevasetu.entrypoints.api.app import create_app
from sevasetu.services.areas import load_geography


def site_context(database: Path, **services: Any) -> AppContext:
    """A fresh SQLite deployment with the areas loaded, for a page served to a browser;
    ``services`` go to the context (``sms``, ``clock``)."""
    settings = Settings(
        database_url=f"sqlite:///{database}", environment="test",
        secret_key="browser-test-secret-0123", identifier_key="browser-test-ids-0123",
    )  # fmt: skip
    ctx = AppContext(settings, passwords=Argon2Passwords(time_cost=1, memory_cost=1024), **services)
    upgrade(ctx.engine)
    load_geography(ctx)
    return ctx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(ctx: AppContext, port: int | None = None) -> Iterator[str]:
    """The app on ``ctx`` served by uvicorn in a thread (on ``port``, so that the same origin
    can go away and come back, else a free one); yields its base URL, stops after."""
    port = free_port() if port is None else port
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(ctx=ctx), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the web server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
