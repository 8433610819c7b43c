from __future__ import annotations

import pytest

from app.core.accounts import AccountService
from app.core.engine import EngineSettings, PublishingEngine
from app.core.events import EventHub
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from tests.core.engine.fakes import FakeAdapter, FakeSource
from tests.integration.pg import pg_schema_url


@pytest.fixture
def accounts(db, clock) -> AccountService:
    return AccountService(db, Vault(db, environ={}), clock)


@pytest.fixture
def ws(db, clock) -> int:
    return WorkspaceService(db, clock).create("Acme", "Europe/Berlin").id


@pytest.fixture
def fakes(clock) -> dict[Platform, FakeAdapter]:
    return {p: FakeAdapter(p, clock) for p in Platform}


@pytest.fixture
def hub() -> EventHub:
    return EventHub()


@pytest.fixture
def recorded(hub) -> list:
    seen: list = []
    hub.subscribe(seen.append)
    return seen


@pytest.fixture
def make_engine(db, clock, fakes, hub, accounts):
    made: list[PublishingEngine] = []

    def make(**settings) -> PublishingEngine:
        # The fake clock is the database's clock too (PostgreSQL's own would be real time).
        engine = PublishingEngine(
            db, clock, FakeSource(fakes), hub, accounts, EngineSettings(**settings), clock
        )
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.close()


@pytest.fixture
def engine(make_engine) -> PublishingEngine:
    return make_engine(owner="test-engine")


@pytest.fixture
def pg_url():
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    yield from pg_schema_url()
