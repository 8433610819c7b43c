"""Fixtures: an in-process emulator on a free port with a frozen base clock, an httpx client,
and a guard that fails any test leaving threads behind."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from app.emulator import EmulatorServer
from tests.emulator.helpers import MediaServer

# Monday 2026-01-05 09:00 in New York (the default audience zone)
START = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)
# httpx builds a TLS context per client (~50 ms) even for http://; share one instead
TLS = ssl.create_default_context()


@pytest.fixture(autouse=True)
def no_thread_leak() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 2.0
    while True:
        extra = [t for t in threading.enumerate() if t not in before and t.is_alive()]
        if not extra or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    assert not extra, f"threads left running: {extra}"


@pytest.fixture
def emu() -> Iterator[EmulatorServer]:
    # the base clock is frozen at START; tests move time with srv.advance / set_clock only
    with EmulatorServer(port=0, seed=0, now=lambda: START) as srv:
        yield srv


@pytest.fixture
def client(emu: EmulatorServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emu.base_url, timeout=5.0, verify=TLS) as c:
        yield c


@pytest.fixture
def media() -> Iterator[MediaServer]:
    with MediaServer() as server:
        yield server
