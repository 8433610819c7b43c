from __future__ import annotations

from datetime import timedelta

import pytest

from app.core import events as ev
from app.core.accounts import AccountService
from app.core.engine import EngineSettings, PublishingEngine
from app.core.engine.maintenance import Maintenance, MaintenanceContext
from app.core.events import EventHub
from app.core.ports import NetworkUnavailableError, PermanentError
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from app.ui.scheduler_thread import SchedulerThread
from tests.core.engine.fakes import FakeAdapter, FakeSource, add_post, connect


@pytest.fixture
def setup(db, clock):
    hub = EventHub()
    accounts = AccountService(db, Vault(db, environ={}), clock)
    ws = WorkspaceService(db, clock).create("Acme", "UTC").id
    fakes = {p: FakeAdapter(p, clock) for p in Platform}
    engine = PublishingEngine(
        db, clock, FakeSource(fakes), hub, accounts, EngineSettings(owner="ui-test")
    )
    return hub, accounts, ws, fakes, engine


@pytest.fixture
def thread(setup, qtbot):
    made: list[SchedulerThread] = []

    def make(**kw) -> SchedulerThread:
        t = SchedulerThread(setup[4], **kw)
        made.append(t)
        return t

    yield make
    for t in made:
        assert t.stop(10_000)
        assert t.isFinished() or not t.isRunning()


def test_published_and_failed_targets_arrive_as_signals(setup, thread, qtbot, db, clock):
    hub, accounts, ws, fakes, _engine = setup
    x = connect(accounts, ws, Platform.TWITTER, clock)
    li = connect(accounts, ws, Platform.LINKEDIN, clock)
    fakes[Platform.LINKEDIN].publish_errors = [PermanentError("Not enough permissions")]
    t = thread()
    published, failed = [], []
    t.targetPublished.connect(lambda tid, pid: published.append((tid, pid)))
    t.targetFailed.connect(lambda tid, pid, reason: failed.append((tid, pid, reason)))
    t.start()
    post_id, (tx, tli) = add_post(db, ws, [x, li], clock.now())
    hub.publish(ev.POSTS_CHANGED, workspace_id=ws)
    qtbot.waitUntil(lambda: bool(published and failed), timeout=10_000)
    assert published == [(tx, post_id)]
    assert failed == [(tli, post_id, "Not enough permissions")]


def test_network_state_and_missed_posts_arrive_as_signals(setup, thread, qtbot, db, clock):
    hub, accounts, ws, fakes, _engine = setup
    x = connect(accounts, ws, Platform.TWITTER, clock)
    missed_post, _ = add_post(db, ws, [x], clock.now() - timedelta(hours=2))
    fakes[Platform.TWITTER].publish_errors = [NetworkUnavailableError("Connection refused")]
    t = thread()
    # every change, in order: the offline one may come before a wait for it would begin
    states: list[tuple[bool, str]] = []
    t.networkStateChanged.connect(lambda up, why: states.append((up, why)))
    with qtbot.waitSignal(t.missedPosts, timeout=10_000) as missed:
        t.start()
    assert missed.args == [[missed_post]]
    add_post(db, ws, [x], clock.now())
    t.wake()
    qtbot.waitUntil(lambda: bool(states), timeout=10_000)
    assert states[0] == (False, "Connection refused")
    clock.advance(timedelta(seconds=30))  # the next network probe succeeds
    qtbot.waitUntil(lambda: len(states) >= 2, timeout=10_000)
    qtbot.wait(50)  # nothing more follows
    assert states == [(False, "Connection refused"), (True, "")]


def test_needs_reauth_and_confirmation_are_relayed(setup, thread, qtbot):
    hub, *_ = setup
    t = thread()  # not started: relaying does not need the loop
    with qtbot.waitSignal(t.needsReauth) as reauth:
        hub.publish(ev.NEEDS_REAUTH, account_id=3, handle="@a", platform="X", reason="revoked")
    assert reauth.args == [3, "revoked"]
    with qtbot.waitSignal(t.needsConfirmation) as confirm:
        hub.publish(ev.NEEDS_CONFIRMATION, target_id=9, post_id=4)
    assert confirm.args == [9]
    with qtbot.waitSignal(t.storageStateChanged) as storage:
        hub.publish(ev.STORAGE_STATE, ok=False, reason="disk full")
    assert storage.args == [False, "disk full"]


def test_stop_is_bounded_and_shuts_maintenance_down(setup, qtbot, db, clock):
    hub, accounts, _ws, fakes, engine = setup
    upkeep = Maintenance(MaintenanceContext(db, clock, accounts, FakeSource(fakes), hub))
    t = SchedulerThread(engine, maintenance=upkeep)
    t.start()
    qtbot.waitUntil(lambda: upkeep.running, timeout=5_000)
    assert t.stop(10_000)
    assert not t.isRunning() and not upkeep.running
