"""End-to-end fixtures: the real app over HTTP (TestClient) on a migrated SQLite file; a real server on the
demo world and real Chromium (one Playwright for the whole session: use these fixtures, never start another).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from junkan.app import create_app
from junkan.config import Settings
from junkan.demo import build
from junkan.store.engine import make_engine
from junkan.store.migrate import upgrade
from tests.e2e.browser import CHROMIUM, LAUNCH_ARGS


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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The whole demo world served by uvicorn in a thread; yields the base URL."""
    path = tmp_path_factory.mktemp("browser") / "demo.db"
    settings = Settings(database_url=f"sqlite:///{path}")
    engine = make_engine(settings.database_url)
    upgrade(engine)
    build(engine, settings=settings)
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, engine=engine), host="127.0.0.1", port=free_port(), log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{server.config.port}"
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()
