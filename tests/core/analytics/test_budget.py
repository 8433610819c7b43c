"""The metric-read budget starts from each network's descriptor (app/platforms), counts calls
the way the platform does, and never spends the share kept for publishing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app import platforms
from app.core.analytics import budget
from app.platforms.names import Platform

from .helpers import account, workspace

NOW = datetime(2026, 3, 4, 15, 30, tzinfo=UTC)


def _reserve(db, acc, platform, costs, now=NOW):
    with db.write_session() as s:
        out = budget.reserve(s.connection(), acc, platform, now, costs)
        s.commit()
    return out


@pytest.mark.parametrize("platform", list(Platform))
def test_first_reservation_spends_the_descriptors_read_budget(db, platform):
    acc = account(db, workspace(db), platform)
    rb = platforms.get(platform).rate_budgets
    granted, reset_at = _reserve(db, acc, platform, [1] * (rb.read.limit + 5))
    assert granted == int(rb.read.limit * rb.read_share)
    if rb.read.utc_day:  # LinkedIn: the window ends at the next midnight UTC, not 24 h from now
        assert reset_at.replace(tzinfo=UTC) == datetime(2026, 3, 5, tzinfo=UTC)
    else:
        assert (reset_at.replace(tzinfo=UTC) - NOW).total_seconds() == rb.read.window_s


@pytest.mark.parametrize("platform", [Platform.INSTAGRAM, Platform.FACEBOOK, Platform.THREADS])
def test_graph_reads_leave_the_publishing_share_even_after_the_window_resets(db, platform):
    acc = account(db, workspace(db), platform)
    read = platforms.get(platform).rate_budgets.read
    reserve = budget.publishing_reserve(platform, read.limit)
    assert reserve == 50  # a quarter of Graph's 200 calls an hour
    assert _reserve(db, acc, platform, [1] * 500)[0] == read.limit - reserve
    assert _reserve(db, acc, platform, [1])[0] == 0  # nothing more in this window
    later = NOW + timedelta(seconds=read.window_s + 1)
    assert _reserve(db, acc, platform, [1] * 500, later)[0] == read.limit - reserve


def test_a_batch_costs_what_the_platform_counts(db):
    # X counts a look-up of 100 ids as one call; Graph counts each post (Facebook: two calls,
    # insights and engagement); Bluesky's getPosts of 25 is one call.
    assert budget.call_cost(Platform.TWITTER, 100) == 1
    assert budget.call_cost(Platform.BLUESKY, 25) == 1
    assert budget.call_cost(Platform.INSTAGRAM, 50) == 50
    assert budget.call_cost(Platform.FACEBOOK, 25) == 50
    acc = account(db, workspace(db), Platform.FACEBOOK)
    # 150 calls may go to reads: three batches of 25 posts (50 calls each), not a fourth
    granted, _reset = _reserve(db, acc, Platform.FACEBOOK, [50, 50, 50, 50])
    assert granted == 3
