"""Metric collection with a FakeClock and a fake adapter: timing, batching, failures."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.analytics.collector import MetricsCollector
from app.core.db import Database
from app.core.events import METRICS_UPDATED, NEEDS_REAUTH, EventHub
from app.core.models import (
    Account,
    AccountStatus,
    AnalyticsSnapshot,
    Checkpoint,
    MetricTask,
    Post,
    RateLimitBudget,
    Target,
    TaskStatus,
)
from app.core.ports import (
    AuthError,
    Metrics,
    PermanentError,
    RateLimitedError,
    TransientError,
)
from app.platforms.names import Platform
from tests.core.analytics import helpers as h


@pytest.fixture
def world(db: Database, clock):
    ws = h.workspace(db)
    acc = h.account(db, ws, Platform.TWITTER)
    adapter = h.FakeAdapter()
    events = EventHub()
    collector = MetricsCollector(
        db, clock, lambda _account_id: (adapter, h.ref(Platform.TWITTER)), events
    )
    return ws, acc, adapter, collector, events


def snapshots(db: Database) -> list[AnalyticsSnapshot]:
    with db.session() as s:
        return list(s.scalars(select(AnalyticsSnapshot).order_by(AnalyticsSnapshot.id)))


def tasks(db: Database) -> list[MetricTask]:
    with db.session() as s:
        return list(s.scalars(select(MetricTask).order_by(MetricTask.id)))


def test_checkpoints_are_fetched_at_1h_6h_24h_7d(db, clock, world):
    ws, acc, adapter, collector, _ = world
    published = clock.now()
    _post, (target,) = h.publish(db, ws, acc, published, plan=True)

    fetched = []
    for step in [
        timedelta(minutes=59),
        timedelta(minutes=1),  # 1 h
        timedelta(hours=4, minutes=59),
        timedelta(minutes=1),  # 6 h
        timedelta(hours=18),  # 24 h
        timedelta(days=5, hours=23, minutes=59),
        timedelta(minutes=1),  # 7 d
        timedelta(days=30),
    ]:
        clock.advance(step)
        result = collector.run_once()
        fetched.append(result.stored)
    assert fetched == [0, 1, 0, 1, 1, 0, 1, 0]
    snaps = snapshots(db)
    assert [s.checkpoint for s in snaps] == [
        Checkpoint.H1,
        Checkpoint.H6,
        Checkpoint.H24,
        Checkpoint.D7,
    ]
    assert [s.fetched_at - published for s in snaps] == [
        timedelta(hours=1),
        timedelta(hours=6),
        timedelta(hours=24),
        timedelta(days=7),
    ]
    assert all(s.target_id == target for s in snaps)
    assert all(t.status == TaskStatus.DONE for t in tasks(db))
    assert collector.next_due_at() is None


def test_batches_respect_the_100_id_limit(db, clock, world):
    ws, acc, adapter, collector, _ = world
    for _ in range(250):
        h.publish(db, ws, acc, clock.now(), plan=True)
    clock.advance(timedelta(hours=1))
    result = collector.run_until_idle(limit=1000)
    assert result.stored == 250
    assert [len(c) for c in adapter.calls] == [100, 100, 50]
    assert len(set(adapter.fetched)) == 250


def test_batch_size_follows_the_adapter(db, clock, world):
    ws, acc, adapter, collector, _ = world
    adapter.metrics_batch_size = 1  # Instagram/Facebook: one insights call per post
    for _ in range(5):
        h.publish(db, ws, acc, clock.now(), plan=True)
    clock.advance(timedelta(hours=1))
    assert collector.run_once().stored == 5
    assert [len(c) for c in adapter.calls] == [1] * 5


def test_missed_checkpoints_are_caught_up_with_the_real_fetch_time(db, clock, world):
    ws, acc, adapter, collector, _ = world
    published = clock.now()
    h.publish(db, ws, acc, published, plan=True)
    # Herald was closed for three days.
    clock.advance(timedelta(days=3))
    result = collector.run_once()
    assert result.stored == 3
    assert len(adapter.calls) == 1  # one look-up serves every checkpoint of the post
    snaps = snapshots(db)
    assert {s.checkpoint for s in snaps} == {Checkpoint.H1, Checkpoint.H6, Checkpoint.H24}
    assert {s.fetched_at for s in snaps} == {published + timedelta(days=3)}
    remaining = [t for t in tasks(db) if t.status == TaskStatus.QUEUED]
    assert [t.checkpoint for t in remaining] == [Checkpoint.D7]


def test_nothing_is_fetched_for_deleted_posts(db, clock, world):
    ws, acc, adapter, collector, _ = world
    post_id, _ = h.publish(db, ws, acc, clock.now(), plan=True)
    h.publish(db, ws, acc, clock.now(), plan=True, deleted=True)
    clock.advance(timedelta(hours=1))
    collector.run_once()
    assert adapter.fetched == [f"p{post_id}-a{acc}"]
    by_status = {}
    for t in tasks(db):
        by_status.setdefault(t.status, 0)
        by_status[t.status] += 1
    # the deleted post's due 1 h task is cancelled; its later ones wait (a restore may come)
    assert by_status[TaskStatus.CANCELLED] == 1
    # deleting after planning: the next checkpoint is not fetched either
    with db.session() as s:
        s.get(Post, post_id).deleted_at = clock.now()
        s.commit()
    clock.advance(timedelta(days=8))
    assert collector.run_until_idle().stored == 0
    assert len(adapter.calls) == 1


def test_transient_errors_retry_after_1_5_15_minutes_then_fail(db, clock, world):
    ws, acc, adapter, collector, _ = world
    h.publish(db, ws, acc, clock.now())
    # only a 1 h task, to follow one task
    with db.session() as s:
        s.add(
            MetricTask(
                target_id=1,
                checkpoint=Checkpoint.H1,
                due_at=clock.now(),
                status=TaskStatus.QUEUED,
                attempts=0,
            )
        )
        s.commit()
    adapter.errors = [TransientError("503 Service Unavailable", status=503) for _ in range(4)]
    dues = []
    for _ in range(3):
        assert collector.run_once().retried == 1
        (task,) = tasks(db)
        dues.append(task.due_at - clock.now())
        clock.set(task.due_at)
    assert dues == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15)]
    result = collector.run_once()
    assert result.failed == 1
    (task,) = tasks(db)
    assert task.status == TaskStatus.FAILED
    assert task.attempts == 4
    assert "503 Service Unavailable" in task.last_error
    assert snapshots(db) == []


def test_rate_limit_waits_for_the_reset_without_burning_an_attempt(db, clock, world):
    ws, acc, adapter, collector, _ = world
    h.publish(db, ws, acc, clock.now(), plan=True)
    clock.advance(timedelta(hours=1))
    reset = clock.now() + timedelta(minutes=12)
    adapter.errors = [RateLimitedError("Too Many Requests", reset_at=reset, status=429)]
    result = collector.run_once()
    assert result.deferred == 1 and result.stored == 0
    (task, *_) = tasks(db)
    assert task.status == TaskStatus.QUEUED
    assert task.attempts == 0
    assert task.due_at == reset
    clock.advance(timedelta(minutes=11))
    assert collector.run_once().claimed == 0
    clock.set(reset)
    assert collector.run_once().stored == 1


def test_the_read_budget_is_respected_and_survives_restarts(db, clock, world):
    ws, acc, adapter, collector, _ = world
    adapter.metrics_batch_size = 1
    with db.session() as s:
        s.add(
            RateLimitBudget(
                account_id=acc,
                scope="read",
                limit=3,
                remaining=3,
                window_s=900,
                reset_at=clock.now() + timedelta(hours=2),
                updated_at=clock.now(),
            )
        )
        s.commit()
    for _ in range(5):
        h.publish(db, ws, acc, clock.now(), plan=True)
    clock.advance(timedelta(hours=1))
    result = collector.run_once()
    assert len(adapter.calls) == 3
    assert result.stored == 3 and result.deferred == 2
    # a new collector (Herald restarted) sees the spent budget
    again = MetricsCollector(db, clock, lambda _a: (adapter, h.ref(Platform.TWITTER)))
    assert again.run_once().claimed == 0
    assert again.next_due_at() == clock.now() + timedelta(hours=1)
    # the two that waited are due at the reset, a microsecond apart, in their old order
    clock.advance(timedelta(hours=1, seconds=1))
    assert again.run_once().stored == 2
    assert len(adapter.calls) == 5


def test_auth_error_pauses_the_account_until_reconnected(db, clock, world):
    ws, acc, adapter, collector, events = world
    heard = []
    events.subscribe(heard.append, NEEDS_REAUTH)
    h.publish(db, ws, acc, clock.now(), plan=True)
    clock.advance(timedelta(hours=1))
    adapter.errors = [AuthError("Unauthorized", status=401)]
    result = collector.run_once()
    assert result.deferred == 1
    with db.session() as s:
        assert s.get(Account, acc).status == AccountStatus.REQUIRES_REAUTH
    assert heard and heard[0].data["account_id"] == acc
    (task, *_) = tasks(db)
    assert task.status == TaskStatus.QUEUED and task.attempts == 0
    clock.advance(timedelta(hours=5))
    assert collector.run_once().claimed == 0  # waits while the account needs reauth
    with db.session() as s:
        s.get(Account, acc).status = AccountStatus.ACTIVE
        s.commit()
    assert collector.run_once().stored == 2  # 1 h and 6 h, caught up


def test_auth_handler_refresh_retries_once(db, clock, world):
    ws, acc, adapter, _collector, _ = world
    refreshed = []
    collector = MetricsCollector(
        db,
        clock,
        lambda _a: (adapter, h.ref(Platform.TWITTER)),
        auth_handler=lambda account_id, exc: refreshed.append(account_id) or True,
    )
    h.publish(db, ws, acc, clock.now(), plan=True)
    clock.advance(timedelta(hours=1))
    adapter.errors = [AuthError("token expired", status=401)]
    assert collector.run_once().stored == 1
    assert refreshed == [acc]


def test_permanent_error_and_vanished_posts_fail_their_tasks(db, clock, world):
    ws, acc, adapter, collector, _ = world
    _p, (gone_target,) = h.publish(db, ws, acc, clock.now(), plan=True)
    h.publish(db, ws, acc, clock.now(), plan=True)
    adapter.gone = {f"p1-a{acc}"}
    clock.advance(timedelta(hours=1))
    result = collector.run_once()
    assert result.stored == 1 and result.failed == 1
    failed = [t for t in tasks(db) if t.status == TaskStatus.FAILED]
    assert [t.target_id for t in failed] == [gone_target]
    assert "no longer" in failed[0].last_error
    adapter.errors = [PermanentError("(#100) invalid metric", code="100")]
    clock.advance(timedelta(hours=5))
    assert collector.run_once().failed == 2


def test_metrics_updated_event_names_the_targets(db, clock, world):
    ws, acc, adapter, collector, events = world
    heard = []
    events.subscribe(heard.append, METRICS_UPDATED)
    _p, targets = h.publish(db, ws, acc, clock.now(), plan=True)
    clock.advance(timedelta(hours=1))
    collector.run_once()
    assert heard[0].data == {"target_ids": targets}


def test_two_collectors_never_fetch_the_same_task_twice(db, clock, world):
    ws, acc, adapter, _collector, _ = world
    for _ in range(300):
        h.publish(db, ws, acc, clock.now(), plan=True)
    clock.advance(timedelta(hours=1))
    lock = threading.Lock()
    seen: list[str] = []

    class Recording(h.FakeAdapter):
        def fetch_metrics(self, account, external_ids):
            with lock:
                seen.extend(external_ids)
            return super().fetch_metrics(account, external_ids)

    shared = Recording()
    workers = [
        MetricsCollector(db, clock, lambda _a: (shared, h.ref(Platform.TWITTER))) for _ in range(2)
    ]
    threads = [threading.Thread(target=w.run_until_idle, kwargs={"limit": 40}) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(seen) == 300 and len(set(seen)) == 300
    assert len(snapshots(db)) == 300


def test_expired_lease_is_claimed_again(db, clock, world):
    ws, acc, adapter, collector, _ = world
    h.publish(db, ws, acc, clock.now(), plan=True)
    clock.advance(timedelta(hours=1))
    from app.core.analytics.claims import claim_due

    assert claim_due(db, clock.now(), "crashed-worker", 10) == [1]
    assert collector.run_once().claimed == 0  # leased by the crashed worker
    clock.advance(timedelta(minutes=6))
    assert collector.run_once().stored == 1


def test_refresh_now_reports_progress_and_stores_manual_snapshots(db, clock, world):
    ws, acc, adapter, collector, _ = world
    adapter.metrics_batch_size = 2
    targets = [h.publish(db, ws, acc, clock.now())[1][0] for _ in range(5)]
    progress = []
    result = collector.refresh_now(targets, lambda d, t: progress.append((d, t)))
    assert progress == [(0, 5), (2, 5), (4, 5), (5, 5)]
    assert result.stored == 5 and not result.cancelled and result.errors == []
    assert {s.checkpoint for s in snapshots(db)} == {Checkpoint.MANUAL}
    assert {s.fetched_at for s in snapshots(db)} == {clock.now()}


def test_refresh_now_can_be_cancelled(db, clock, world):
    ws, acc, adapter, collector, _ = world
    adapter.metrics_batch_size = 1
    targets = [h.publish(db, ws, acc, clock.now())[1][0] for _ in range(5)]
    cancel = threading.Event()

    def progress(done, total):
        if done == 2:
            cancel.set()

    result = collector.refresh_now(targets, progress, cancel)
    assert result.cancelled
    assert result.stored == 2
    assert len(adapter.calls) == 2


def test_refresh_now_skips_deleted_and_reports_errors(db, clock, world):
    ws, acc, adapter, collector, _ = world
    _p, (ok,) = h.publish(db, ws, acc, clock.now())
    _p, (deleted,) = h.publish(db, ws, acc, clock.now(), deleted=True)
    adapter.errors = [TransientError("timed out")]
    result = collector.refresh_now([ok, deleted])
    assert result.total == 1 and result.skipped == 1
    assert result.stored == 0
    assert result.errors == ["X @shop: timed out"]


def test_lookup_failures_follow_the_policy(db, clock, world):
    from app.core.ports import NetworkUnavailableError

    ws, acc, adapter, _collector, _ = world
    h.publish(db, ws, acc, clock.now(), plan=True)
    clock.advance(timedelta(hours=1))
    failures = [NetworkUnavailableError("no route to host"), AuthError("refresh token revoked")]

    def lookup(_account_id):
        raise failures.pop(0)

    collector = MetricsCollector(db, clock, lookup)
    first = collector.run_once()
    assert first.offline and first.deferred == 1
    (task, *_) = tasks(db)
    assert task.status == TaskStatus.QUEUED and task.attempts == 0
    clock.advance(timedelta(minutes=1))
    assert collector.run_once().deferred == 1
    with db.session() as s:
        account = s.get(Account, acc)
        assert account.status == AccountStatus.REQUIRES_REAUTH
        assert account.status_reason == "refresh token revoked"
    assert tasks(db)[0].attempts == 0


def test_one_run_stores_every_accounts_answers_by_its_own_ids(db, clock):
    """A run stores all accounts' answers together: two networks may use the same post id,
    and each target still gets its own network's numbers."""
    ws = h.workspace(db)
    x_acc = h.account(db, ws, Platform.TWITTER)
    li_acc = h.account(db, ws, Platform.LINKEDIN)
    _post, (x_target, li_target) = h.publish(db, ws, [x_acc, li_acc], clock.now(), plan=True)
    with db.session() as s:  # the same id on both networks
        for target in s.scalars(select(Target).where(Target.id.in_([x_target, li_target]))):
            target.external_id = "42"
        s.commit()
    likes = {x_acc: 7, li_acc: 9}
    adapters = {
        acc: h.FakeAdapter(value=lambda _i, _n, n=n: Metrics(n, 0, 0, 0))
        for acc, n in likes.items()
    }
    refs = {x_acc: h.ref(Platform.TWITTER), li_acc: h.ref(Platform.LINKEDIN)}
    collector = MetricsCollector(db, clock, lambda a: (adapters[a], refs[a]))
    clock.advance(timedelta(hours=1))

    result = collector.run_once()

    assert (result.claimed, result.stored, result.calls) == (2, 2, 2)
    by_target = {s.target_id: s.likes for s in snapshots(db)}
    assert by_target == {x_target: 7, li_target: 9}
    assert {s.fetched_at for s in snapshots(db)} == {clock.now()}
    h1 = [t for t in tasks(db) if t.checkpoint == Checkpoint.H1]
    assert [t.status for t in h1] == [TaskStatus.DONE, TaskStatus.DONE]
