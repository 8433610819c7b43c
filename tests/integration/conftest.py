from __future__ import annotations

import pytest

from app.core.clock import SystemClock
from tests.integration.helpers import NO_EMULATOR_LIMITS
from tests.integration.pg import pg_schema_url


@pytest.fixture
def emulator():
    from app.emulator import EmulatorServer

    srv = EmulatorServer(port=0, seed=0, now=SystemClock().now, **NO_EMULATOR_LIMITS).start()
    yield srv
    srv.stop()


@pytest.fixture
def pg_url():
    yield from pg_schema_url()
