"""The dashboard's single pass (and its two halves side by side on a SQLite file) gives the
numbers the separate aggregates give: totals, heatmaps, reach, top posts."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.core.analytics import aggregates as agg
from app.core.analytics.selection import Scope
from app.core.db import open_database
from app.core.models import Checkpoint, Post, Target
from app.platforms.names import Platform
from tests.core.analytics import helpers as h
from tests.integration.pg import pg_schema_url

NOW = datetime(2026, 3, 18, 12, tzinfo=UTC)  # a Wednesday


def _seed(db) -> int:
    ws = h.workspace(db, zone="Europe/London")
    rng = random.Random(3)
    accounts = [h.account(db, ws, p) for p in Platform]
    for i in range(60):
        when = NOW - timedelta(hours=rng.randrange(1, 24 * 40))
        _post, targets = h.publish(db, ws, rng.sample(accounts, rng.randint(1, 3)), when)
        for t in targets:
            if i % 7 == 0:
                continue  # published, never measured
            kinds = [Checkpoint.H1, Checkpoint.H24] if i % 3 else [Checkpoint.H1, Checkpoint.H6]
            for k in kinds:
                imp = 0 if i % 11 == 0 else rng.randint(100, 3000)
                h.snapshot(
                    db,
                    t,
                    k,
                    likes=rng.randint(0, 90),
                    shares=rng.randint(0, 9),
                    comments=3,
                    impressions=imp,
                )
    return ws


def _separately(db, ws: int, platforms):
    zone = agg.workspace_zone(db, ws)
    scope = Scope(ws, NOW - timedelta(days=60), NOW).with_platforms(platforms)
    return (
        agg._one_pass(db, scope, zone, None)[0],
        agg._heatmaps(db, scope, zone),
        agg.reach_week_over_week(db, ws, NOW, platforms, zone),
        agg.top_posts(db, scope, 5),
    )


def _same_totals(got, expected) -> None:
    """Equal, but for the mean rate's last digits (the halves add their sums in another
    order than one pass)."""
    assert [replace(t, avg_rate=None) for t in got] == [replace(t, avg_rate=None) for t in expected]
    assert [t.avg_rate for t in got] == pytest.approx([t.avg_rate for t in expected])


@pytest.mark.parametrize("platforms", [None, [Platform.INSTAGRAM, Platform.LINKEDIN]])
def test_summary_matches_the_separate_aggregates(db, platforms, monkeypatch) -> None:
    ws = _seed(db)
    monkeypatch.setattr(agg, "PARALLEL_MIN_TARGETS", 0)  # halves even for a small database
    assert agg._parallel(db)  # a SQLite file: the halves run side by side
    assert agg._halves(db, Scope(ws)) is not None
    summary = agg.workspace_summary(db, ws, NOW - timedelta(days=60), NOW, platforms, NOW)
    totals, maps, reach, tops = _separately(db, ws, platforms)
    _same_totals(summary.platforms, totals)
    assert summary.published == sum(t.published for t in totals) > 0
    assert summary.measured < summary.published  # some targets were never measured
    for p, expected in maps.items():
        got = summary.heatmaps[p]
        assert got.counts == expected.counts and got.measure == expected.measure
        assert got.means == pytest.approx(expected.means)
        assert got.stds == pytest.approx(expected.stds)
    assert summary.reach == reach and reach.this_week > 0
    assert summary.top_posts == tops


def test_summary_is_the_same_with_and_without_the_second_thread(db, monkeypatch) -> None:
    ws = _seed(db)
    monkeypatch.setattr(agg, "PARALLEL_MIN_TARGETS", 0)
    halves = agg._halves(db, Scope(ws))
    assert halves is not None
    # two id ranges that meet: every target in exactly one half
    assert halves[0].id_range[1] == halves[1].id_range[0]
    both = agg.workspace_summary(db, ws, None, None, None, NOW)
    monkeypatch.setattr(agg, "_parallel", lambda _db: False)
    one = agg.workspace_summary(db, ws, None, None, None, NOW)
    _same_totals(both.platforms, one.platforms)
    assert both.reach == one.reach and both.top_posts == one.top_posts
    for p in Platform:
        assert both.heatmaps[p].counts == one.heatmaps[p].counts
        assert both.heatmaps[p].means == pytest.approx(one.heatmaps[p].means)


def test_heatmaps_by_halves_are_the_whole_and_skip_deleted_posts(db, monkeypatch) -> None:
    ws = _seed(db)
    x = h.account(db, ws, Platform.TWITTER, handle="other")
    target = h.measured_post(db, ws, x, NOW - timedelta(days=2), 0.5, 1000)
    scope = Scope(ws, NOW - timedelta(days=60), NOW)
    before = sum(agg.heatmaps(db, scope)[Platform.TWITTER].counts)
    with db.session() as s:
        s.get(Post, s.get(Target, target).post_id).deleted_at = NOW
        s.commit()
    monkeypatch.setattr(agg, "PARALLEL_MIN_TARGETS", 0)
    halves = agg.heatmaps(db, scope)
    monkeypatch.setattr(agg, "_parallel", lambda _db: False)
    whole = agg.heatmaps(db, scope)
    for p in Platform:
        assert halves[p].counts == whole[p].counts
        assert halves[p].means == pytest.approx(whole[p].means)
        assert halves[p].stds == pytest.approx(whole[p].stds)
    assert sum(whole[Platform.TWITTER].counts) == before - 1  # the deleted post left out


def test_in_memory_sqlite_stays_on_one_connection() -> None:
    db = open_database("sqlite://")
    try:
        assert not agg._parallel(db)  # each connection would be another, empty database
        ws = h.workspace(db)
        x = h.account(db, ws, Platform.TWITTER)
        h.measured_post(db, ws, x, NOW - timedelta(days=1), 0.05, 1000)
        summary = agg.workspace_summary(db, ws, None, None, None, NOW)
        assert summary.measured == 1
    finally:
        db.dispose()


@pytest.fixture
def pg_url():
    yield from pg_schema_url()


@pytest.mark.postgres
def test_summary_matches_the_separate_aggregates_postgres(pg_url) -> None:
    db = open_database(pg_url)
    try:
        ws = _seed(db)
        summary = agg.workspace_summary(db, ws, NOW - timedelta(days=60), NOW, None, NOW)
        totals, maps, reach, tops = _separately(db, ws, None)
        assert summary.platforms == totals and summary.published > summary.measured > 0
        assert summary.reach == reach and summary.top_posts == tops
        for p, expected in maps.items():
            assert summary.heatmaps[p].counts == expected.counts
            assert summary.heatmaps[p].means == pytest.approx(expected.means)
    finally:
        db.dispose()
