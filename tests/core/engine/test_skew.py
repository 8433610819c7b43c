"""Workers whose clocks disagree (issue 16.1): leases, due times and look-up windows follow the
database's clock, so a worker whose clock runs ahead never takes over a lease that is still
running elsewhere; a worker more than the tolerance off refuses to claim, says so once, and
resumes when the clocks agree.

The database's clock is the test's FakeClock; each engine runs on its own OffsetClock over it.
Every scenario runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from app.core.clock import OffsetClock
from app.core.db import Database
from app.core.dbclock import CLOCK_TOLERANCE, ServerClock, database_clock
from app.core.engine import EngineSettings, PublishingEngine, claim
from app.core.engine.reconcile import LOOKUP_MARGIN
from app.core.models import TargetStatus
from app.core.ports import TransientError
from app.platforms.names import Platform
from tests.core.engine.fakes import FakeSource, add_post, connect, target
from tests.integration.pg import SQLITE_AND_POSTGRES, sqlite_or_postgres

LEASE = timedelta(seconds=60)
#: how long the stalled publish takes on the database's clock: half the lease
PUBLISH_TAKES = timedelta(seconds=30)
WITHIN = [-300, -120, -1, 0, 1, 120, 300]


@pytest.fixture(params=SQLITE_AND_POSTGRES)
def db(request, db_url) -> Iterator[Database]:
    """Each test on SQLite and on PostgreSQL (a fresh schema)."""
    yield from sqlite_or_postgres(request.param, db_url)


@pytest.fixture
def workers(db, clock, fakes, hub, accounts):
    """`workers(skew_s, name)`: an engine whose own clock is `skew_s` off the database's."""
    made: list[PublishingEngine] = []

    def make(skew_s: float, name: str) -> PublishingEngine:
        engine = PublishingEngine(
            db,
            OffsetClock(clock, skew_s),
            FakeSource(fakes),
            hub,
            accounts,
            EngineSettings(owner=name, lease=LEASE),
            db_clock=clock,
        )
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.close()


def _stalled_publish(fake):
    """The first publish blocks until released (Instagram's container takes its time)."""
    inside, release = threading.Event(), threading.Event()

    def slow(_account, _text, _key):
        if not inside.is_set():
            inside.set()
            assert release.wait(10)

    fake.on_publish = slow
    return inside, release


@pytest.mark.parametrize("skew_a", [-300, 0, 300])
@pytest.mark.parametrize("skew_b", WITHIN)
def test_no_takeover_of_a_running_lease_within_tolerance(
    db, clock, ws, accounts, fakes, workers, skew_a, skew_b
):
    """A publishes slowly; meanwhile B, on another clock, looks for work again and again.
    Before the fix B (+120 s) saw A's lease as expired, found nothing at the platform yet,
    requeued and sent it a second time; A (-120 s) wrote leases others saw as expired."""
    account = connect(accounts, ws, Platform.INSTAGRAM, clock)
    _, (tid,) = add_post(db, ws, [account], clock.now(), "slow photo")
    a, b = workers(skew_a, "a"), workers(skew_b, "b")
    inside, release = _stalled_publish(fakes[Platform.INSTAGRAM])
    runner = threading.Thread(target=a.run_once)
    runner.start()
    try:
        assert inside.wait(10)
        assert target(db, tid).lease_until == clock.now() + LEASE  # the database's clock
        clock.advance(PUBLISH_TAKES)
        b_claimed = [b.run_once().busy for _ in range(3)]
    finally:
        release.set()
        runner.join(10)
    assert b_claimed == [False, False, False]
    assert fakes[Platform.INSTAGRAM].sent_keys() == [target(db, tid).idempotency_key]
    assert target(db, tid).status == TargetStatus.PUBLISHED


def test_an_expired_lease_is_taken_over_on_the_database_clock(
    db, clock, ws, accounts, fakes, workers
):
    """A worker that died: its lease runs out by the database's clock, whatever B's says."""
    account = connect(accounts, ws, Platform.TWITTER, clock)
    due = clock.now()
    _, (tid,) = add_post(db, ws, [account], due)
    # A worker claimed it and died before sending (nothing more is ever recorded).
    assert claim.claim_due(db, "dead", clock.now(), 1, LEASE) == [tid]
    b = workers(-300, "b")
    clock.advance(LEASE - timedelta(seconds=1))
    assert not b.run_once().busy  # B's clock says 5 min earlier still: the database decides
    clock.advance(timedelta(seconds=2))
    b.run_once()  # reconciles: looks at the platform from the due time to the database's now
    assert fakes[Platform.TWITTER].lookups_since == [due - LOOKUP_MARGIN]
    assert fakes[Platform.TWITTER].lookups_until == [clock.now() + LOOKUP_MARGIN]
    b.run_until_idle()
    assert len(fakes[Platform.TWITTER].posts) == 1
    assert target(db, tid).status == TargetStatus.PUBLISHED


def test_back_off_is_on_the_database_clock(db, clock, ws, accounts, fakes, workers):
    account = connect(accounts, ws, Platform.LINKEDIN, clock)
    _, (tid,) = add_post(db, ws, [account], clock.now())
    fakes[Platform.LINKEDIN].publish_errors = [TransientError("502 from the platform")]
    workers(240, "ahead").run_once()
    t = target(db, tid)
    assert t.status == TargetStatus.QUEUED
    assert t.next_attempt_at == clock.now() + timedelta(minutes=1)  # not 4 min later


@pytest.mark.parametrize("skew_s", [-3600, -301, 301, 600])
def test_a_worker_too_far_off_refuses_then_resumes(
    db, clock, ws, accounts, fakes, workers, caplog, skew_s
):
    account = connect(accounts, ws, Platform.FACEBOOK, clock)
    _, (tid,) = add_post(db, ws, [account], clock.now())
    off = workers(skew_s, "off")
    own = off.clock
    assert isinstance(own, OffsetClock)
    with caplog.at_level(logging.INFO, logger="app.core.dbclock"):
        assert [off.run_once().busy for _ in range(3)] == [False, False, False]
        assert target(db, tid).status == TargetStatus.QUEUED and not fakes[Platform.FACEBOOK].posts
        said = [r for r in caplog.records if r.name == "app.core.dbclock"]
        refusals = [r for r in said if r.levelno == logging.WARNING]
        assert len(refusals) == 1, "said once, not every cycle"
        side = "ahead of" if skew_s > 0 else "behind"
        assert f"{abs(skew_s)} s {side} the database's" in refusals[0].getMessage()
        assert off.skew.refusing
        own.offset = timedelta(seconds=30)  # NTP set this machine's time
        assert off.run_once().published == 1
    assert not off.skew.refusing
    # Only this module's lines: other loggers may be more talkative when the whole suite
    # has configured logging before this test.
    said = [r for r in caplog.records if r.name == "app.core.dbclock"]
    assert [r.levelno for r in said] == [logging.WARNING, logging.INFO]
    assert "agrees with the database's again" in said[-1].getMessage()


def test_tolerance_is_a_setting(db, clock, ws, accounts, fakes, hub):
    account = connect(accounts, ws, Platform.FACEBOOK, clock)
    add_post(db, ws, [account], clock.now())
    strict = PublishingEngine(
        db,
        OffsetClock(clock, 5),
        FakeSource(fakes),
        hub,
        accounts,
        EngineSettings(owner="strict", clock_tolerance=timedelta(seconds=2)),
        db_clock=clock,
    )
    try:
        assert not strict.run_once().busy
    finally:
        strict.close()
    assert EngineSettings().clock_tolerance == CLOCK_TOLERANCE == timedelta(minutes=5)


def test_database_clock_is_the_servers_on_postgresql_and_the_callers_on_sqlite(db, clock):
    chosen = database_clock(db, clock)
    if db.is_sqlite:
        assert chosen is clock
        return
    assert isinstance(chosen, ServerClock)
    first = chosen.now()
    # The server runs on this machine here: its clock is the system's.
    assert abs(first - datetime.now(UTC)) < timedelta(seconds=5)
    assert chosen.now() >= first  # carried forward between reads, never backwards


def test_server_clock_reads_the_server_only_every_resync(db, monkeypatch):
    if db.is_sqlite:
        pytest.skip("PostgreSQL only: SQLite has no server clock")
    server = ServerClock(db, resync_s=3600)
    reads = []
    real = server._read
    monkeypatch.setattr(server, "_read", lambda: reads.append(1) or real())
    for _ in range(5):
        server.now()
    assert len(reads) == 1
