"""End-to-end fixtures: the real app over HTTP (TestClient) on a migrated SQLite file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from junkan.app import create_app
from junkan.config import Settings


@pytest.fixture
def app_client(sqlite_engine: Engine) -> Iterator[TestClient]:
    # Tests that change principals through services (not over HTTP) must not meet a cached principal.
    settings = Settings(
        database_url=str(sqlite_engine.url),
        secret_key="test-secret-key-0123456789-0123456789",
        principal_cache_seconds=0,
    )
    with TestClient(create_app(settings, engine=sqlite_engine)) as c:
        yield c
