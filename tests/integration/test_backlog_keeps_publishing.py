"""A metrics backlog after downtime does not starve publishing (issue 24), end to end over
loopback: the real engine and collector, the real Facebook adapter, the emulator, one fake
clock for both sides.

Facebook counts every Graph call of a Page (reads and posts alike) against one hourly limit
(the emulator: `facebook_calls_per_hour`, set to the descriptor's 200). A day of posts was
published, then Herald was off for two days: at T0 their 1 h, 6 h and 24 h checkpoints are
all waiting (120 look-ups of two calls each, 240 calls). From T0 a post is due every 5 minutes. The
collector drains the backlog as fast as the read budget allows while the engine publishes;
with the publishing share kept (budget.publishing_reserve) every post goes out on time, and
without it (the control) the reads use up the Page's hour and posts wait for it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from app import bootstrap
from app.core.analytics import budget
from app.core.analytics.jobs import collector_for
from app.core.clock import FakeClock
from app.core.engine import EngineSettings
from app.core.models import MetricTask, Target, TargetStatus, TaskStatus
from app.core.posts import PostDraft, PostService
from app.core.vault import ENV_KEY, Vault
from app.core.workspaces import WorkspaceService
from app.demo.emulator import connect_emulator_accounts
from app.emulator import EmulatorServer
from app.platforms.names import Platform

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
HISTORY = 120  # posts published on the day before the downtime, 12 minutes apart
DOWN = timedelta(days=2)
DUE_EVERY = timedelta(minutes=5)
HOURS = 3


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock(T0 - DOWN - timedelta(days=1))


@pytest.fixture
def emu(fake_clock) -> Iterator[EmulatorServer]:
    with EmulatorServer(port=0, seed=0, now=fake_clock.now, facebook_calls_per_hour=200) as srv:
        yield srv


def _no_wait(_seconds: float) -> None:
    return None


def _schedule(db, clock, ws: int, account: int, times: list[datetime]) -> None:
    service = PostService(db, clock)
    drafts = [
        PostDraft(f"Fresh loaves, batch {i}", [account], scheduled_local=when, action="schedule")
        for i, when in enumerate(times)
    ]
    with db.session() as s:
        service.create_many(s, ws, drafts)
        s.commit()


def _run(db, emu, clock, keep_share: bool, monkeypatch) -> list[timedelta]:
    if not keep_share:
        monkeypatch.setattr(budget, "publishing_reserve", lambda _p, _limit: 0)
    vault = Vault(db, environ={ENV_KEY: Fernet.generate_key().decode()})
    context = bootstrap.compose(
        db,
        clock=clock,
        db_clock=clock,
        emulator_url=emu.base_url,
        demo=True,
        vault=vault,
        adapter_sleep=_no_wait,
    )
    ws = WorkspaceService(db, clock).create("Backlog Bakery", "UTC").id
    connected = connect_emulator_accounts(context.accounts, ws, emu.base_url, clock=clock)
    fb = next(a.id for a in connected if a.platform == Platform.FACEBOOK)
    engine = context.publishing_engine(EngineSettings(owner="backlog-test"))
    collector = collector_for(context.maintenance_context())
    try:
        # The day before the downtime: published on time, never measured.
        start = clock.now() + timedelta(minutes=1)
        history = [start + i * timedelta(minutes=12) for i in range(HISTORY)]
        _schedule(db, clock, ws, fb, history)
        for when in history:
            clock.set(when)
            engine.run_once()
        clock.set(T0)  # Herald is back: two days of checkpoints are due
        with db.session() as s:
            waiting = s.scalar(
                select(func.count())
                .select_from(MetricTask)
                .where(MetricTask.status == TaskStatus.QUEUED, MetricTask.due_at <= T0)
            )
        assert waiting == 3 * HISTORY  # 1 h, 6 h and 24 h of each; the 7 d ones are ahead
        due = [T0 + DUE_EVERY * (i + 1) for i in range(int(HOURS * 3600 / DUE_EVERY.seconds))]
        _schedule(db, clock, ws, fb, due)
        for minute in range(HOURS * 60 + 1):
            clock.set(T0 + timedelta(minutes=minute))
            collector.run_once(1000)
            engine.run_once()
        with db.session() as s:
            rows = s.execute(
                select(Target.published_at, Target.status).where(Target.account_id == fb)
            ).all()
            left = s.scalar(
                select(func.count())
                .select_from(MetricTask)
                .where(MetricTask.status == TaskStatus.QUEUED, MetricTask.due_at <= T0)
            )
        published = sorted(r[0] for r in rows if r[1] == TargetStatus.PUBLISHED and r[0] >= T0)
        if keep_share:
            assert left == 0  # the backlog drained within the three hours
        return [at - when for at, when in zip(published, due, strict=False)] + [
            timedelta(days=1)
        ] * (len(due) - len(published))
    finally:
        engine.close()
        context.close_adapters()


def test_publishing_stays_on_time_while_the_backlog_drains(db, emu, fake_clock, monkeypatch):
    lateness = _run(db, emu, fake_clock, True, monkeypatch)
    assert max(lateness) <= timedelta(minutes=1)  # the loop's step: not late at all


def test_without_the_publishing_share_the_backlog_makes_posts_wait(
    db, emu, fake_clock, monkeypatch
):
    lateness = _run(db, emu, fake_clock, False, monkeypatch)
    assert max(lateness) > timedelta(minutes=15)
