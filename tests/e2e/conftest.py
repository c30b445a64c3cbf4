"""What the API tests share: a test client on the test's context."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sevasetu.bootstrap import AppContext
from sevasetu.entrypoints.api.app import create_app


@pytest.fixture
def client(ctx: AppContext) -> Iterator[TestClient]:
    with TestClient(create_app(ctx=ctx)) as c:
        yield c
