"""The client report's figures (issue 23): a seeded workspace, the injectable clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.core.analytics.aggregates import best_platform, workspace_summary
from app.core.clock import FakeClock
from app.core.models import Checkpoint
from app.core.report import ReportError, gather, parse_day
from app.core.report.gather import best_platform_why
from app.platforms.names import Platform
from tests.core.analytics import helpers as h

NOW = datetime(2026, 3, 18, 15, tzinfo=UTC)  # a Wednesday
ZONE = "America/New_York"


def measured(db, ws, account, when, likes, impressions, text="Fresh bread today"):
    post, (target,) = h.publish(db, ws, account, when, text=text)
    h.snapshot(db, target, Checkpoint.H24, likes=likes, impressions=impressions,
               fetched_at=when + timedelta(hours=24))  # fmt: skip
    return post


@pytest.fixture
def seeded(db):
    """Two workspaces; the bakery posts on X (rate known) and Bluesky (no impressions)."""
    ws = h.workspace(db, name="Corner Bakery", zone=ZONE)
    other = h.workspace(db, name="Other Client", zone="UTC")
    x = h.account(db, ws, Platform.TWITTER)
    bsky = h.account(db, ws, Platform.BLUESKY)
    other_x = h.account(db, other, Platform.TWITTER)
    # 10 Mar 2026 09:00 New York (EDT, UTC-4) = 13:00 UTC
    day = datetime(2026, 3, 10, 13, tzinfo=UTC)
    ids = {
        "a": measured(db, ws, x, day, likes=50, impressions=1000, text="Sourdough is back"),
        "b": measured(db, ws, x, day + timedelta(days=1), likes=30, impressions=1000),
        "c": measured(
            db,
            ws,
            bsky,
            day + timedelta(days=2),
            likes=80,
            impressions=None,
            text="Meet Ana, our pastry chef",
        ),
        # outside the period (the day before, in New York)
        "old": measured(
            db,
            ws,
            x,
            datetime(2026, 3, 2, 3, tzinfo=UTC),
            likes=999,
            impressions=1000,
            text="Too early",
        ),
        # another workspace, same days, far more engagement: never included
        "other": measured(
            db, other, other_x, day, likes=5000, impressions=6000, text="Another client's post"
        ),
    }
    return ws, ids


def test_figures_per_network_and_in_total(db, seeded):
    ws, _ids = seeded
    r = gather(db, "corner bakery", date(2026, 3, 2), date(2026, 3, 18), FakeClock(NOW))
    assert (r.workspace, r.zone, r.generated_at) == ("Corner Bakery", ZONE, NOW)
    # the period is whole days in the workspace's zone
    assert r.start == datetime(2026, 3, 2, 5, tzinfo=UTC)  # 00:00 EST
    assert r.end == datetime(2026, 3, 19, 4, tzinfo=UTC)  # 00:00 EDT on the 19th
    by = {n.platform: n for n in r.networks}
    assert set(by) == {Platform.TWITTER, Platform.BLUESKY}
    assert (by[Platform.TWITTER].published, by[Platform.TWITTER].impressions) == (2, 2000)
    assert by[Platform.TWITTER].engagement == 80
    assert by[Platform.TWITTER].rate == pytest.approx(0.04)  # mean of 5 % and 3 %
    # Bluesky reports no impressions: "not reported" (None), never 0, and no rate
    assert by[Platform.BLUESKY].impressions is None and by[Platform.BLUESKY].rate is None
    assert (r.published, r.measured, r.engagement) == (3, 3, 160)
    assert r.impressions == 2000 and r.rate == pytest.approx(80 / 2000)
    assert not r.empty


def test_other_workspaces_and_days_never_count(db, seeded):
    ws, ids = seeded
    r = gather(db, ws, date(2026, 3, 2), date(2026, 3, 18), FakeClock(NOW))
    assert ids["other"] not in {p.post_id for p in r.top_posts}
    assert ids["old"] not in {p.post_id for p in r.top_posts}
    assert [p.post_id for p in r.top_posts] == [ids["c"], ids["a"], ids["b"]]
    assert all("Another client" not in p.excerpt for p in r.top_posts)
    top = r.top_posts[1]
    assert top.excerpt == "Sourdough is back" and top.networks == (Platform.TWITTER,)
    assert top.published_local.hour == 9 and top.published_local.day == 10  # New York time
    assert top.rate == pytest.approx(0.05)
    assert r.top_posts[0].impressions is None  # Bluesky only: not reported
    # the previous day in New York is 2 March 03:00 UTC = 1 March 22:00: outside
    r2 = gather(db, ws, date(2026, 3, 1), date(2026, 3, 1), FakeClock(NOW))
    assert [p.post_id for p in r2.top_posts] == [ids["old"]]


def test_best_platform_and_why(db, seeded):
    ws, _ids = seeded
    r = gather(db, ws, date(2026, 3, 2), date(2026, 3, 18), FakeClock(NOW))
    assert r.best is not None and r.best.platform == Platform.TWITTER
    assert "highest average engagement rate: 4.0%" in r.best.why
    assert "Bluesky reports no impressions" in r.best.why


def test_best_platform_is_the_dashboards(db, seeded):
    ws, _ids = seeded
    r = gather(db, ws, date(2026, 3, 2), date(2026, 3, 18), FakeClock(NOW))
    summary = workspace_summary(db, ws, r.start, r.end, None, NOW)
    assert r.best is not None and r.best.platform == best_platform(summary.platforms)


def test_best_times_are_the_best_times_views_scores(db, seeded):
    from app.core import besttime

    ws, _ids = seeded
    clock = FakeClock(NOW)
    r = gather(db, ws, date(2026, 3, 2), date(2026, 3, 18), clock)
    maps = {m.platform: m for m in r.best_times}
    profile = besttime.profiles(db, ws, [Platform.TWITTER], clock)[Platform.TWITTER]
    assert maps[Platform.TWITTER].scores == profile.scores
    assert maps[Platform.TWITTER].top == tuple(profile.top(3))
    x = maps[Platform.TWITTER]
    assert x.own_posts == 3 and not x.from_prior_only  # the 2 March post is in 12 months
    assert x.samples[1 * 24 + 9] == 1  # Tuesday 09:00 New York
    assert "From 3 posts of yours" in x.basis and "typical X week" in x.basis
    assert maps[Platform.BLUESKY].measure == "engagement"
    assert "Bluesky reports no impressions" in maps[Platform.BLUESKY].basis


def test_an_empty_period_says_so(db, seeded):
    ws, _ids = seeded
    r = gather(db, ws, date(2025, 1, 1), date(2025, 1, 31), FakeClock(NOW))
    assert r.empty and r.published == 0
    assert (r.networks, r.best, r.best_times, r.top_posts) == ((), None, (), ())
    assert r.empty_message == (
        "No posts were published in Corner Bakery between 01 Jan 2025 and 31 Jan 2025."
    )


def test_filters_by_platform_and_account(db, seeded):
    ws, ids = seeded
    r = gather(db, ws, date(2026, 3, 2), date(2026, 3, 18), FakeClock(NOW),
               platforms=[Platform.BLUESKY])  # fmt: skip
    assert [n.platform for n in r.networks] == [Platform.BLUESKY]
    assert [p.post_id for p in r.top_posts] == [ids["c"]]
    assert r.filters == "Bluesky only"


def test_bad_input_is_one_clear_error(db, seeded):
    with pytest.raises(ReportError, match="No workspace named 'Nobody'"):
        gather(db, "Nobody", date(2026, 3, 1), date(2026, 3, 2), FakeClock(NOW))
    with pytest.raises(ReportError, match="starts .* after it ends"):
        gather(db, "Corner Bakery", date(2026, 3, 5), date(2026, 3, 2), FakeClock(NOW))
    with pytest.raises(ReportError, match="not a date like"):
        parse_day("2026-02-30")
    with pytest.raises(ReportError, match="not a date like"):
        parse_day("March 1")
    assert parse_day(" 2026-03-01 ") == date(2026, 3, 1)


def test_why_in_words_without_rates():
    from app.core.report import NetworkFigures

    only = [NetworkFigures(Platform.BLUESKY, 2, 2, None, 10, 0, 0, None)]
    assert best_platform_why(only, Platform.BLUESKY).startswith(
        "Bluesky was the only network with measured posts in this period (2 measured posts)"
    )
    two = [*only, NetworkFigures(Platform("MASTODON"), 1, 1, None, 3, 0, 0, None)]
    why = best_platform_why(two, Platform.BLUESKY)
    assert "the most engagements (10 over 2 measured posts)" in why
    assert "no network reported impressions" in why
