"""Analytics at scale (issue 24): the 1 h / 6 h / 24 h / 7 d collection for 100,000 posts a
day stays within every network's read budget.

Steady state at 100,000 published targets a day over 2,000 accounts in 200 workspaces (the
scale bench's population), a seventh per network: in any hour the 1 h, 6 h, 24 h and 7 d
checkpoints of an hour's worth of posts (4,166 each) fall due, 16,664 look-ups. The real
collector runs every minute of that hour on the fake clock, against fake adapters with each
network's real batch size that log every call."""

from __future__ import annotations

from datetime import timedelta

from app import platforms
from app.core.analytics.collector import MetricsCollector
from app.core.metric_plan import CHECKPOINT_DELAYS
from app.platforms.names import Platform
from tests.core.analytics.scale_world import T0, World, seed_accounts, seed_published

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
