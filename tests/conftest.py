"""Every test gets a fresh data folder, a fresh SQLite database, an in-memory keyring and a
fake clock; a test that leaves a thread running fails."""

from __future__ import annotations

import os
import threading
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
import pytest

from app.core.clock import FakeClock
from app.core.db import Database, open_database
from app.core.keyring_memory import MemoryKeyring


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("HERALD_DATA_DIR", str(tmp_path / "herald-data"))
    monkeypatch.delenv("HERALD_DB_URL", raising=False)
    monkeypatch.delenv("HERALD_VAULT_KEY", raising=False)
    yield


@pytest.fixture(autouse=True)
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def _no_leaked_threads():
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 3.0
    while True:
        leaked = [
            t
            for t in threading.enumerate()
            if t not in before and t.is_alive() and not t.name.startswith(("pydevd", "asyncio_"))
        ]
        if not leaked or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    if leaked:
        pytest.fail(f"test left threads running: {[t.name for t in leaked]}")


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'herald.db'}"


@pytest.fixture
def db(db_url) -> Database:
    database = open_database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`make test` runs `-n 2 --dist loadfile --no-loadscope-reorder`), the
    files holding a slow or real-window (e2e) test go first, in their usual order: the runs of a
    minute or two (worker processes, the emulator history, the bundle, screenshots) then start
    early on both processes and the many short files fill the gaps, instead of one long run
    finishing alone at the end. A run without xdist keeps the plain collection order."""
    del config
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    long_files = {
        item.path
        for item in items
        if item.get_closest_marker("slow") is not None or item.get_closest_marker("e2e")
    }
    items.sort(key=lambda item: item.path not in long_files)  # stable: order kept in a file
