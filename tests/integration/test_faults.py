"""Faults injected by the emulator, driven through the real adapters, with a fake clock: the
engine's schedule and waits are checked exactly, without sleeping."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.commands.worker import API_BASE, EMULATOR_APP, PlatformAdapters
from app.core.accounts import AccountService
from app.core.clock import FakeClock
from app.core.engine import EngineSettings, Outcome, PublishingEngine
from app.core.events import EventHub
from app.core.models import Account, AccountStatus, TargetStatus
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from tests.core.engine.fakes import add_post, target


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def clock():
    from datetime import UTC, datetime

    return FakeClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def emu(clock):
    from app.emulator import EmulatorServer

    srv = EmulatorServer(port=_free_port(), now=clock.now, container_polls=0).start()
    yield srv
    srv.stop()


@pytest.fixture
def world(db, clock, emu):
    """The emulator's four accounts connected through the real OAuth flow, and an engine."""
    from app.adapters.config import AdapterConfig
    from app.adapters.oauth import connect, loopback_browser

    hub = EventHub()
    accounts = AccountService(db, Vault(db, environ={}), clock)
    ws = WorkspaceService(db, clock).create("Faults", "UTC").id
    ids: dict[Platform, int] = {}
    config = AdapterConfig.for_emulator(emu.base_url)

    def reconnect(platform: Platform) -> int:
        (found, *_) = connect(
            platform, EMULATOR_APP, config, open_browser=loopback_browser, port=0, clock=clock
        )
        settings = {**dict(found.settings), API_BASE: emu.base_url}
        from dataclasses import replace

        return accounts.save_connected(ws, replace(found, settings=settings))

    for p in (Platform.TWITTER, Platform.LINKEDIN, Platform.FACEBOOK):
        ids[p] = reconnect(p)
    adapters = PlatformAdapters(clock)
    engine = PublishingEngine(
        db, clock, adapters, hub, accounts, EngineSettings(owner="faults", grace=timedelta(days=1))
    )
    yield ws, ids, engine, accounts, reconnect
    engine.close()
    adapters.close()


def test_5xx_follows_the_1_5_15_minute_schedule_then_fails_with_the_platforms_words(
    db, clock, emu, world
):
    ws, ids, engine, *_ = world
    _, (t,) = add_post(db, ws, [ids[Platform.TWITTER]], clock.now(), "flaky X")
    emu.add_fault("twitter", "publish", "503")
    start = clock.now()
    for n, offset in enumerate((1, 6, 21), start=1):
        assert engine.run_once().count(Outcome.RETRY) == 1
        row = target(db, t)
        assert (row.status, row.attempts) == (TargetStatus.QUEUED, n)
        assert row.next_attempt_at == start + timedelta(minutes=offset)
        clock.set(row.next_attempt_at - timedelta(seconds=1))
        assert not engine.run_once().busy
        clock.set(row.next_attempt_at)
    assert engine.run_once().failed == 1
    row = target(db, t)
    assert row.status == TargetStatus.FAILED and row.attempts == 4
    assert row.error_message  # the platform's own message, stored for the person
    assert emu.published() == []


def test_timeouts_and_malformed_bodies_are_retried_and_published_once(db, clock, emu, world):
    ws, ids, engine, *_ = world
    _, (tx, tf) = add_post(
        db, ws, [ids[Platform.TWITTER], ids[Platform.FACEBOOK]], clock.now(), "bumpy"
    )
    emu.add_fault("twitter", "publish", "malformed", count=1)
    emu.add_fault("facebook", "publish", "truncated", count=1, process=1)
    assert engine.run_once().count(Outcome.RETRY) == 2
    clock.advance(timedelta(minutes=1))
    assert engine.run_once().published == 2
    texts = sorted((str(p["platform"]).upper(), p["text"]) for p in emu.published())
    assert texts == [("FACEBOOK", "bumpy"), ("TWITTER", "bumpy")]  # once each
    assert target(db, tx).status == target(db, tf).status == TargetStatus.PUBLISHED


def test_429_waits_for_the_reset_without_using_an_attempt(db, clock, emu, world):
    ws, ids, engine, *_ = world
    _, (t,) = add_post(db, ws, [ids[Platform.TWITTER]], clock.now(), "throttled")
    emu.add_fault("twitter", "publish", "429", count=1, reset_in=300)
    assert engine.run_once().count(Outcome.WAITING) == 1
    row = target(db, t)
    assert (row.status, row.attempts) == (TargetStatus.QUEUED, 0)
    assert abs((row.next_attempt_at - (clock.now() + timedelta(seconds=300))).total_seconds()) <= 1
    clock.set(row.next_attempt_at - timedelta(seconds=2))
    assert not engine.run_once().busy
    clock.set(row.next_attempt_at + timedelta(seconds=1))
    assert engine.run_once().published == 1
    assert target(db, t).attempts == 0


def test_revoked_tokens_need_reauth_and_posts_publish_after_reconnect(db, clock, emu, world):
    ws, ids, engine, accounts, reconnect = world
    post_target = add_post(db, ws, [ids[Platform.LINKEDIN]], clock.now(), "after reconnect")
    t = post_target[1][0]
    emu.revoke_tokens("linkedin")
    engine.run_once()
    assert accounts.get(ids[Platform.LINKEDIN]).status == AccountStatus.REQUIRES_REAUTH
    row = target(db, t)
    assert (row.status, row.attempts) == (TargetStatus.QUEUED, 0)
    clock.advance(timedelta(hours=1))
    assert not engine.run_once().busy
    reconnect(Platform.LINKEDIN)
    assert engine.run_once().published == 1
    assert [p["text"] for p in emu.published()] == ["after reconnect"]


def test_connectivity_loss_uses_no_attempts_and_publishes_when_back(db, clock, emu, world):
    ws, ids, engine, *_ = world
    _, (t,) = add_post(db, ws, [ids[Platform.FACEBOOK]], clock.now(), "offline")
    emu.stop()
    engine.run_once()
    assert not engine.network.online
    for _ in range(5):
        clock.advance(timedelta(minutes=5))
        engine.run_once()
    row = target(db, t)
    assert (row.status, row.attempts) == (TargetStatus.QUEUED, 0)
    emu.start()
    clock.advance(timedelta(minutes=1))
    engine.run_until_idle()
    assert engine.network.online
    assert target(db, t).status == TargetStatus.PUBLISHED
    assert [p["text"] for p in emu.published()] == ["offline"]
    with db.session() as s:
        assert s.scalar(select(Account.status).where(Account.id == ids[Platform.FACEBOOK])) == (
            AccountStatus.ACTIVE
        )
