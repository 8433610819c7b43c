"""SQL aggregates: per post, per workspace, the 168-bucket heatmap (DST included)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.core.analytics import aggregates as agg
from app.core.analytics.selection import Scope, offset_segments
from app.core.models import Checkpoint
from app.core.timeutil import to_utc
from app.platforms.names import Platform
from tests.core.analytics import helpers as h


@pytest.fixture
def ws(db):
    return h.workspace(db, zone="Europe/London")


def test_per_post_side_by_side_and_most_engaged(db, ws):
    x = h.account(db, ws, Platform.TWITTER)
    li = h.account(db, ws, Platform.LINKEDIN)
    post, (tx, tl) = h.publish(db, ws, [x, li], h.T0)
    h.snapshot(db, tx, Checkpoint.H1, likes=5, shares=1, comments=0, impressions=100)
    h.snapshot(
        db,
        tx,
        Checkpoint.H24,
        likes=20,
        shares=4,
        comments=2,
        impressions=900,
        fetched_at=h.T0 + timedelta(hours=24),
    )
    h.snapshot(
        db,
        tl,
        Checkpoint.H24,
        likes=30,
        shares=2,
        comments=5,
        impressions=500,
        fetched_at=h.T0 + timedelta(hours=24),
    )
    report = agg.per_post(db, post)
    assert [t.platform for t in report.targets] == [Platform.LINKEDIN, Platform.TWITTER]
    by = {t.platform: t for t in report.targets}
    assert by[Platform.TWITTER].latest.engagement == 26
    assert by[Platform.TWITTER].latest.rate == pytest.approx(26 / 900)
    assert [p.checkpoint for p in by[Platform.TWITTER].points] == [Checkpoint.H1, Checkpoint.H24]
    assert by[Platform.LINKEDIN].latest.engagement == 37
    assert report.most_engaged == Platform.LINKEDIN


def test_per_post_without_data(db, ws):
    x = h.account(db, ws, Platform.TWITTER)
    post, _ = h.publish(db, ws, x, h.T0)
    report = agg.per_post(db, post)
    assert report.targets[0].latest is None
    assert report.most_engaged is None
    assert report.targets[0].points == []


def test_rate_is_none_without_impressions():
    point = agg.SnapshotPoint(Checkpoint.H1, h.T0, 3, 0, 0, 0)
    assert point.rate is None and point.engagement == 3


def test_heatmap_uses_24h_checkpoint_else_latest(db, ws):
    x = h.account(db, ws, Platform.TWITTER)
    tue9 = to_utc(datetime(2026, 1, 6, 9), "Europe/London")
    _p, (t1,) = h.publish(db, ws, x, tue9)
    h.snapshot(db, t1, Checkpoint.H1, likes=1, impressions=100)
    h.snapshot(db, t1, Checkpoint.H24, likes=4, impressions=100, fetched_at=tue9 + timedelta(1))
    h.snapshot(db, t1, Checkpoint.D7, likes=50, impressions=100, fetched_at=tue9 + timedelta(7))
    _p, (t2,) = h.publish(db, ws, x, tue9 + timedelta(days=7))
    h.snapshot(db, t2, Checkpoint.H1, likes=1, impressions=100)
    h.snapshot(
        db, t2, Checkpoint.H6, likes=2, impressions=100, fetched_at=h.T0 + timedelta(hours=6)
    )
    # no impressions: no rate, not a sample
    _p, (t3,) = h.publish(db, ws, x, tue9)
    h.snapshot(db, t3, Checkpoint.H24, likes=9, impressions=0)
    hm = agg.heatmap(db, ws, Platform.TWITTER)
    bucket = 1 * 24 + 9
    assert hm.counts[bucket] == 2
    assert hm.means[bucket] == pytest.approx((0.04 + 0.02) / 2)
    assert hm.stds[bucket] == pytest.approx(((0.01**2 * 2) / 1) ** 0.5)
    assert sum(hm.counts) == 2
    assert hm.mean(1, 9) == hm.means[bucket] and hm.count(1, 9) == 2


def test_heatmap_buckets_in_the_workspace_zone_across_dst(db):
    ws = h.workspace(db, zone="America/New_York")
    x = h.account(db, ws, Platform.TWITTER)
    # Tuesday 09:00 New York, weekly across the March 8 2026 spring-forward and the
    # November 1 fall-back: UTC 14:00 in winter, 13:00 in summer.
    rows = []
    day = datetime(2026, 2, 3, 9)
    while day < datetime(2026, 11, 20):
        rows.append((to_utc(day, "America/New_York"), 0.05))
        day += timedelta(days=7)
    h.bulk_measured(db, ws, x, rows)
    utc_hours = {r[0].hour for r in rows}
    assert utc_hours == {13, 14}
    hm = agg.heatmap(db, ws, Platform.TWITTER)
    assert hm.counts[1 * 24 + 9] == len(rows)
    assert sum(hm.counts) == len(rows)


def test_heatmap_with_a_range_that_crosses_a_transition(db):
    ws = h.workspace(db, zone="Europe/London")
    x = h.account(db, ws, Platform.TWITTER)
    # Sunday 29 March 2026, 01:00 UTC is when London goes to BST: 00:30 UTC is Sun 00:30 GMT,
    # 01:30 UTC is Sun 02:30 BST.
    h.bulk_measured(
        db,
        ws,
        x,
        [
            (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), 0.1),
            (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), 0.2),
        ],
    )
    start = datetime(2026, 3, 1, tzinfo=UTC)
    hm = agg.heatmap(db, ws, Platform.TWITTER, start, start + timedelta(days=60))
    assert hm.counts[6 * 24 + 0] == 1 and hm.means[6 * 24 + 0] == pytest.approx(0.1)
    assert hm.counts[6 * 24 + 2] == 1 and hm.means[6 * 24 + 2] == pytest.approx(0.2)


def test_offset_segments_find_transitions_to_the_second():
    segs = offset_segments(
        "Europe/London", datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC)
    )
    assert [(s[0], s[1]) for s in segs] == [
        (datetime(2026, 1, 1, tzinfo=UTC), 0),
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), 3600),
        (datetime(2026, 10, 25, 1, 0, tzinfo=UTC), 0),
    ]
    assert len(offset_segments("Asia/Kolkata", segs[0][0], segs[-1][0])) == 1


def test_deleted_and_unpublished_posts_do_not_count(db, ws):
    x = h.account(db, ws, Platform.TWITTER)
    h.measured_post(db, ws, x, h.T0, 0.05)
    _p, (gone,) = h.publish(db, ws, x, h.T0, deleted=True)
    h.snapshot(db, gone, Checkpoint.H24, likes=100, impressions=100)
    hm = agg.heatmap(db, ws, Platform.TWITTER)
    assert sum(hm.counts) == 1
    assert agg.published_count(db, Scope(ws)) == 1
    (x_totals,) = [t for t in agg.platform_totals(db, Scope(ws)) if t.platform == Platform.TWITTER]
    assert (x_totals.published, x_totals.posts) == (1, 1)


def test_other_workspaces_do_not_leak(db, ws):
    other = h.workspace(db, name="Agency")
    x = h.account(db, ws, Platform.TWITTER)
    y = h.account(db, other, Platform.TWITTER, handle="agency")
    h.measured_post(db, ws, x, h.T0, 0.05)
    h.measured_post(db, other, y, h.T0, 0.5)
    totals = {t.platform: t for t in agg.platform_totals(db, Scope(ws))}
    assert totals[Platform.TWITTER].posts == 1
    assert totals[Platform.TWITTER].avg_rate == pytest.approx(0.05)


def test_workspace_summary(db, ws, clock):
    x = h.account(db, ws, Platform.TWITTER)
    ig = h.account(db, ws, Platform.INSTAGRAM)
    now = datetime(2026, 1, 14, 12, tzinfo=UTC)  # Wednesday of the week starting Jan 12
    # this week: Monday and Tuesday; last week: Monday (same span) and Friday (after it)
    this_mon = h.measured_post(db, ws, x, datetime(2026, 1, 12, 10, tzinfo=UTC), 0.02, 1000)
    h.measured_post(db, ws, ig, datetime(2026, 1, 13, 10, tzinfo=UTC), 0.10, 500)
    h.measured_post(db, ws, x, datetime(2026, 1, 5, 10, tzinfo=UTC), 0.04, 1200)
    h.measured_post(db, ws, x, datetime(2026, 1, 9, 10, tzinfo=UTC), 0.04, 5000)
    summary = agg.workspace_summary(db, ws, None, None, None, now)
    assert summary.published == 4 and summary.measured == 4
    assert summary.reach.week_start == datetime(2026, 1, 12, tzinfo=UTC)
    assert summary.reach.this_week == 1500
    assert summary.reach.last_week == 1200
    assert summary.reach.change == pytest.approx(0.25)
    totals = {t.platform: t for t in summary.platforms}
    assert totals[Platform.TWITTER].posts == 3
    assert totals[Platform.TWITTER].impressions == 7200
    assert totals[Platform.INSTAGRAM].engagement == 50
    assert totals[Platform.LINKEDIN].posts == 0 and totals[Platform.LINKEDIN].avg_rate is None
    assert summary.best_platform == Platform.INSTAGRAM
    assert [p.engagement for p in summary.top_posts] == [200, 50, 48, 20]
    assert summary.top_posts[0].platforms == (Platform.TWITTER,)
    assert set(summary.heatmaps) == set(Platform)
    assert summary.heatmaps[Platform.TWITTER].samples == 3
    # platform filter and date range
    only_ig = agg.workspace_summary(db, ws, None, None, [Platform.INSTAGRAM], now)
    assert [t.platform for t in only_ig.platforms] == [Platform.INSTAGRAM]
    assert only_ig.reach.this_week == 500
    ranged = agg.workspace_summary(
        db, ws, datetime(2026, 1, 12, tzinfo=UTC), datetime(2026, 1, 13, tzinfo=UTC), None, now
    )
    assert ranged.published == 1
    assert ranged.top_posts[0].engagement == 20
    assert this_mon


def test_empty_workspace_summary(db, ws):
    summary = agg.workspace_summary(db, ws, None, None, None, h.T0)
    assert summary.published == 0
    assert summary.best_platform is None
    assert summary.top_posts == []
    assert summary.reach.change is None
    assert all(hm.samples == 0 for hm in summary.heatmaps.values())


def test_week_start_in_the_zone():
    assert agg.week_start(datetime(2026, 1, 11, 23, 30, tzinfo=UTC), "Asia/Tokyo") == datetime(
        2026, 1, 11, 15, tzinfo=UTC
    )


def test_local_day_start_when_midnight_is_skipped():
    from datetime import date

    # Santiago skipped 00:00-00:59 on 7 September 2025 (clocks went to 01:00)
    assert agg.local_day_start(date(2025, 9, 7), "America/Santiago") == datetime(
        2025, 9, 7, 4, tzinfo=UTC
    )
    assert agg.local_day_start(date(2026, 1, 5), "Europe/London") == datetime(
        2026, 1, 5, tzinfo=UTC
    )


def test_platforms_without_impressions_are_mapped_by_engagement(db, ws):
    li = h.account(db, ws, Platform.LINKEDIN)
    tue9 = to_utc(datetime(2026, 1, 6, 9), "Europe/London")
    for week, likes in enumerate((10, 14)):
        _p, (t,) = h.publish(db, ws, li, tue9 + timedelta(days=7 * week))
        # LinkedIn member posts: likes and comments, no impressions
        h.snapshot(db, t, Checkpoint.H24, likes=likes, comments=2, impressions=0)
    hm = agg.heatmap(db, ws, Platform.LINKEDIN)
    assert hm.measure == "engagement"
    assert hm.counts[33] == 2 and hm.means[33] == pytest.approx(14.0)
    # once most posts report impressions, the rate is used (posts without are left out)
    for week in (2, 3, 4):
        _p, (t,) = h.publish(db, ws, li, tue9 + timedelta(days=7 * week))
        h.snapshot(db, t, Checkpoint.H24, likes=10, impressions=200)
    hm = agg.heatmap(db, ws, Platform.LINKEDIN)
    assert hm.measure == "rate"
    assert hm.counts[33] == 3 and hm.means[33] == pytest.approx(0.05)
