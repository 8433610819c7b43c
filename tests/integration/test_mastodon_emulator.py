"""Mastodon end to end over loopback: an account connected through the emulator's app
registration and OAuth (PKCE), then Herald's real engine publishes, survives a lost answer
(the retry carries the same Idempotency-Key: one status), recovers after the server's
one-hour idempotency window by looking the status up, and collects metrics."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.adapters.config import AdapterConfig
from app.adapters.oauth import loopback_browser
from app.adapters.source import EmulatorAdapters
from app.core.accounts import AccountService
from app.core.analytics.collector import MetricsCollector
from app.core.clock import FakeClock
from app.core.engine import EngineSettings, PublishingEngine
from app.core.events import EventHub
from app.core.models import AnalyticsSnapshot, Target, TargetStatus
from app.core.ports import AccountRef, TransientError
from app.core.posts import PostService
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.emulator import EmulatorServer
from app.platforms.mastodon.adapter import MastodonAdapter
from app.platforms.mastodon.connect import connect_mastodon
from app.platforms.names import Platform

MASTODON = Platform("MASTODON")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emu(fake_clock) -> Iterator[EmulatorServer]:
    with EmulatorServer(port=0, seed=0, now=fake_clock.now, mastodon_max_characters=5000) as srv:
        yield srv


@pytest.fixture
def setup(db, emu, fake_clock):
    config = AdapterConfig.for_emulator(emu.base_url)
    connected = connect_mastodon(
        "mastodon.example",  # on the emulator every account goes to the emulated instance
        config,
        open_browser=loopback_browser,
        port=free_port(),
        timeout=10,
        clock=fake_clock,
    )
    accounts = AccountService(db, Vault(db, environ={}), fake_clock)
    ws = WorkspaceService(db, fake_clock).create("Cafe", "UTC").id
    account_id = accounts.save_connected(ws, connected)
    source = EmulatorAdapters(fake_clock, emu.base_url, sleep=lambda s: None)
    engine = PublishingEngine(
        db, fake_clock, source, EventHub(), accounts, EngineSettings(owner="md"), fake_clock
    )
    yield accounts, ws, account_id, engine, source
    engine.close()
    source.close()


def statuses(emu: EmulatorServer) -> list[dict]:
    return [p for p in emu.published() if p["platform"] == "MASTODON"]


def schedule(db, fake_clock, ws, account_id, text):
    when = (fake_clock.now() + timedelta(minutes=2)).replace(tzinfo=None, second=0)
    post = PostService(db, fake_clock).create(
        ws, text, [account_id], scheduled_local=when, action="schedule"
    )
    fake_clock.advance(timedelta(minutes=3))
    return post


def target_of(db, post_id):
    with db.session() as s:
        return s.scalars(select(Target).where(Target.post_id == post_id)).one()


def test_connects_with_the_instances_limit(setup):
    accounts, _, account_id, _, _ = setup
    info = accounts.get(account_id)
    assert info.platform is MASTODON and info.handle.startswith("@herald_demo@127.0.0.1:")
    assert info.settings["text_limits"]["max_length"] == 5000
    assert info.settings["pkce"] is True
    assert accounts.credentials(account_id).extra["client_secret"]


def test_publishes_a_long_post_the_instance_allows(db, emu, fake_clock, setup):
    accounts, ws, account_id, engine, _ = setup
    text = "Long read. " * 100  # 1,100 characters: over Mastodon's default 500, under 5,000
    post = schedule(db, fake_clock, ws, account_id, text)
    assert engine.run_once().published == 1
    [status] = statuses(emu)
    assert status["text"] == text
    target = target_of(db, post.id)
    assert target.status == TargetStatus.PUBLISHED and target.external_id == status["external_id"]
    assert status["idempotency_key"] == target.idempotency_key


def test_a_lost_answer_then_a_retry_leaves_one_status(db, emu, fake_clock, setup):
    accounts, ws, account_id, engine, _ = setup
    emu.add_fault("mastodon", "publish", "lost", count=1)
    post = schedule(db, fake_clock, ws, account_id, "Fresh bread at nine")
    engine.run_once()
    assert target_of(db, post.id).status != TargetStatus.PUBLISHED
    fake_clock.advance(timedelta(minutes=2))
    engine.run_once()
    [status] = statuses(emu)
    target = target_of(db, post.id)
    assert target.status == TargetStatus.PUBLISHED and target.external_id == status["external_id"]


def test_the_same_key_resent_by_the_adapter_is_answered_with_the_same_status(
    emu, fake_clock, setup
):
    accounts, _, account_id, _, _ = setup
    ref: AccountRef = accounts.account_ref(account_id)
    adapter = MastodonAdapter(AdapterConfig.for_emulator(emu.base_url), fake_clock)
    try:
        emu.add_fault("mastodon", "publish", "lost", count=1)
        with pytest.raises(TransientError):
            adapter.publish(ref, "Same key", [], "key-1")
        again = adapter.publish(ref, "Same key", [], "key-1")
        assert [s["external_id"] for s in statuses(emu)] == [again.external_id]
        fake_clock.advance(timedelta(hours=1, seconds=1))  # the server forgets the key
        assert adapter.publish(ref, "Same key", [], "key-1").external_id != again.external_id
    finally:
        adapter.close()


def test_recovers_after_the_idempotency_window_by_looking_up(db, emu, fake_clock, setup):
    accounts, ws, account_id, engine, _ = setup
    emu.add_fault("mastodon", "publish", "lost", count=1)
    post = schedule(db, fake_clock, ws, account_id, "Closed on Monday")
    engine.run_once()
    fake_clock.advance(timedelta(hours=2))  # past the hour the server keeps keys
    engine.run_once()
    [status] = statuses(emu)
    target = target_of(db, post.id)
    assert target.status == TargetStatus.PUBLISHED and target.external_id == status["external_id"]


def test_collects_favourites_boosts_and_replies(db, emu, fake_clock, setup):
    accounts, ws, account_id, engine, source = setup
    fake_clock.set(datetime(2026, 1, 6, 14, 56, tzinfo=UTC))  # Tuesday 10:00 in New York
    schedule(db, fake_clock, ws, account_id, "Soup of the day")
    assert engine.run_once().published == 1

    def lookup(account: int):
        info = accounts.get(account)
        return source.adapter(info), accounts.account_ref(account, None)

    collector = MetricsCollector(db, fake_clock, lookup, EventHub())
    fake_clock.advance(timedelta(hours=30))
    assert collector.run_once().stored >= 1
    with db.session() as s:
        snaps = s.scalars(select(AnalyticsSnapshot)).all()
    assert snaps and all(snap.impressions is None for snap in snaps)
    assert max(snap.likes for snap in snaps) > 0


def test_scheduled_text_over_the_instance_limit_is_refused(db, fake_clock, setup):
    from app.core.posts import PostError

    _, ws, account_id, _, _ = setup
    when = datetime(2026, 1, 6, 12, 0)
    with pytest.raises(PostError, match="5,000"):
        PostService(db, fake_clock).create(
            ws, "x" * 5001, [account_id], scheduled_local=when, action="schedule"
        )


def test_the_instances_limits_are_read_again_after_a_week(db, emu, fake_clock, setup):
    from app.core.account_limits import refresh_account_limits
    from app.core.engine.maintenance import MaintenanceContext

    accounts, _, account_id, _, source = setup
    ctx = MaintenanceContext(db, fake_clock, accounts, source, EventHub())
    emu.emulator.config.update(mastodon_max_characters=11000)
    assert refresh_account_limits(ctx) == 0  # read when connected: fresh for a week
    fake_clock.advance(timedelta(days=8))
    assert refresh_account_limits(ctx) == 1
    assert accounts.get(account_id).settings["text_limits"]["max_length"] == 11000
