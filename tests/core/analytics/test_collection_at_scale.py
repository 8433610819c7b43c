"""Analytics at scale (issue 24): the 1 h / 6 h / 24 h / 7 d collection for 100,000 posts a
day stays within every network's read budget.

Steady state at 100,000 published targets a day over 2,000 accounts in 200 workspaces (the
scale bench's population), a seventh per network: in any hour the 1 h, 6 h, 24 h and 7 d
checkpoints of an hour's worth of posts (4,166 each) fall due, 16,664 look-ups. The real
collector runs every minute of that hour on the fake clock, against fake adapters with each
network's real batch size that log every call."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app import platforms
from app.core.analytics.collector import MetricsCollector
from app.core.db import open_database
from app.core.metric_plan import CHECKPOINT_DELAYS
from app.core.models import AnalyticsSnapshot as S
from app.core.models import Target
from app.platforms.names import Platform
from tests.core.analytics.scale_world import (
    T0,
    World,
    add_account,
    seed_accounts,
    seed_published,
)
from tests.integration.pg import pg_schema_url

POSTS_A_DAY = 100_000
ACCOUNTS = 2_000
WORKSPACES = 200


def test_an_hour_of_100k_posts_a_day_is_collected_on_time_within_every_read_budget(db, clock):
    world = World()
    seed_accounts(db, world, ACCOUNTS // len(Platform), WORKSPACES)
    accounts = sorted(world.accounts)
    hourly = POSTS_A_DAY // 24
    published = []
    for k, (checkpoint, delay) in enumerate(CHECKPOINT_DELAYS.items()):
        # the posts whose `checkpoint` falls due in [T0, T0 + 1 h), evenly spread over the
        # hour and over the accounts
        for i in range(hourly):
            when = T0 - delay + timedelta(seconds=i * 3600 / hourly)
            published.append((accounts[(i + k * 577) % len(accounts)], when, [checkpoint]))
    seed_published(db, world, published)
    clock.set(T0)
    collector = MetricsCollector(db, clock, world.lookup(clock))
    stored = deferred = 0
    late = timedelta(0)
    for _minute in range(61):
        result = collector.run_until_idle(limit=500)
        stored += result.stored
        deferred += result.deferred
        clock.advance(timedelta(minutes=1))
    assert stored == len(world.due) == 4 * hourly
    assert deferred == 0  # no account had to wait for its budget
    due = {key.partition("/")[0]: at for key, at in world.due.items()}  # one checkpoint a post
    for _account, at, ids in world.log:
        late = max([late] + [at - due[ext] for ext in ids])
    assert late < timedelta(minutes=1)  # each fetched within the minute it fell due
    calls = world.calls_by_platform()
    for p in Platform:
        rb = platforms.get(p).rate_budgets
        allowed = int(rb.read.limit * rb.read_share)
        mine = [a for a, q in world.accounts.items() if q == p]
        worst = max(world.most_in_any_window(a) for a in mine)
        assert 0 < worst <= allowed, (p, worst, allowed)
        print(
            f"{p.label}: {calls[p]} calls this hour, at most {worst} per account in one "
            f"{rb.read.window_s // 60}-minute window (budget {allowed})"
        )


# ------------------------------------------------------------------ a backlog after downtime

PER_ACCOUNT_A_DAY = POSTS_A_DAY // ACCOUNTS  # 50 posts a day, as above
BUSY_X_A_DAY = 1_000  # one busy X account besides
DOWN = timedelta(days=2)


def _backlog_world(db) -> tuple[World, int]:
    """One account per network at 50 posts a day and a busy X account at 1,000 a day, all
    published over the 9 days before T0; Herald was down for the last 2: every checkpoint
    due since T0 - 2 days is waiting, the earlier ones were collected."""
    world = World()
    seed_accounts(db, world, 1, 1)
    busy = add_account(db, world, Platform.TWITTER)
    published = []
    for account_id in sorted(world.accounts):
        per_day = BUSY_X_A_DAY if account_id == busy else PER_ACCOUNT_A_DAY
        for i in range(9 * per_day):
            when = T0 - timedelta(days=9) + timedelta(seconds=i * 86400 / per_day)
            waiting = [c for c, d in CHECKPOINT_DELAYS.items() if when + d >= T0 - DOWN]
            if waiting:
                published.append((account_id, when, waiting))
    seed_published(db, world, published)
    return world, busy


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db(request, db):
    if request.param == "sqlite":
        yield db
        return
    for url in pg_schema_url():
        pg = open_database(url)
        try:
            yield pg
        finally:
            pg.dispose()


def test_a_backlog_after_two_days_offline_drains_oldest_checkpoint_first_within_budgets(
    any_db, clock
):
    db = any_db
    world, busy = _backlog_world(db)
    backlog = sum(1 for due in world.due.values() if due <= T0)
    clock.set(T0)
    collector = MetricsCollector(db, clock, world.lookup(clock))
    for _step in range(8 * 6):  # every 10 minutes for 8 hours
        collector.run_until_idle(limit=500)
        clock.advance(timedelta(minutes=10))
    with db.session() as s:
        done = s.execute(
            select(Target.account_id, Target.external_id, S.checkpoint, S.fetched_at).join(
                S, S.target_id == Target.id
            )
        ).all()
    assert len(done) >= backlog  # the backlog is gone (and the new checkpoints with it)
    # One look-up per post serves every checkpoint of it that is waiting (they share the
    # call), so the order is that of each look-up's oldest checkpoint.
    lookups: dict[tuple[int, str, datetime], datetime] = {}
    for account_id, ext, checkpoint, fetched_at in done:
        due = world.due[f"{ext}/{checkpoint.value}"]
        key = (account_id, ext, fetched_at)
        lookups[key] = min(due, lookups.get(key, due))
    by_account: dict[int, list[tuple[datetime, datetime]]] = {}
    for (account_id, _ext, fetched_at), oldest in lookups.items():
        by_account.setdefault(account_id, []).append((oldest, fetched_at))
    for account_id, pairs in by_account.items():
        fetched_in_due_order = [f for _due, f in sorted(pairs)]
        assert fetched_in_due_order == sorted(fetched_in_due_order), account_id  # oldest first
        p = world.accounts[account_id]
        rb = platforms.get(p).rate_budgets
        assert world.most_in_any_window(account_id) <= int(rb.read.limit * rb.read_share)
    # Graph's budget binds: Facebook's 400-odd waiting posts take two calls each, 150 an hour
    fb = next(a for a, p in world.accounts.items() if p == Platform.FACEBOOK)
    fb_drained = max(f for d, f in by_account[fb] if d <= T0) - T0
    assert timedelta(hours=2) < fb_drained < timedelta(hours=8)
    # X's busy account: thousands of waiting checkpoints in look-ups of 100
    busy_calls = [ids for a, _at, ids in world.log if a == busy]
    busy_times = [at for a, at, _ids in world.log if a == busy]
    busy_backlog = sum(
        1 for k, d in world.due.items() if d <= T0 and world.owner[k.partition("/")[0]] == busy
    )
    assert busy_backlog > 5_000
    first_minute = [ids for ids, at in zip(busy_calls, busy_times, strict=True) if at == T0]
    assert sum(len(ids) for ids in first_minute) >= busy_backlog * 0.9  # drained at once...
    assert len(first_minute) <= busy_backlog / 100 + 20  # ... in look-ups of up to 100 ids
