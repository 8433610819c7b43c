"""target_measures (migration 0018) and the aggregates that read it, held to a plain-Python
reference computed from the snapshot rows themselves, on a random data set: several
accounts on one network, deleted posts, unpublished targets, snapshots stored out of
checkpoint order, repeated 24 h snapshots, impressions missing or zero, two workspaces;
and the same table filled by the migration from snapshots stored before it."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from sqlalchemy import insert, text

from app.core.analytics import aggregates as agg
from app.core.analytics.heatmap_stats import grouped_heatmaps
from app.core.analytics.one_pass import one_pass
from app.core.analytics.selection import Scope
from app.core.db import open_database
from app.core.db_schema import alembic_config
from app.core.models import AnalyticsSnapshot, Checkpoint, Target, TargetStatus
from app.platforms.names import Platform
from tests.core.analytics import helpers as h
from tests.integration.pg import pg_schema_url

NOW = datetime(2026, 4, 15, 12, tzinfo=UTC)
ZONE = "America/New_York"
START, END = NOW - timedelta(days=120), NOW


def _seed(db, rng: random.Random) -> int:
    ws = h.workspace(db, zone=ZONE)
    other = h.workspace(db, name="Other", zone="UTC")
    accounts = [h.account(db, ws, p) for p in Platform]
    accounts.append(h.account(db, ws, Platform.TWITTER, handle="second"))
    foreign = h.account(db, other, Platform.TWITTER)
    rows = []
    for i in range(220):
        when = NOW - timedelta(minutes=rng.randrange(1, 60 * 24 * 130))
        chosen = rng.sample(accounts, rng.randint(1, 3))
        if i % 17 == 0:
            chosen = [foreign]
        _post, targets = h.publish(
            db,
            ws if chosen[0] != foreign else other,
            chosen,
            when,
            text=f"post {i}",
            deleted=i % 13 == 0,
        )
        for t in targets:
            if i % 19 == 0:
                with db.session() as s:
                    s.get(Target, t).status = TargetStatus.FAILED
                    s.commit()
            kinds = rng.sample(list(Checkpoint), rng.randint(0, 4))
            if rng.random() < 0.2:
                kinds.append(Checkpoint.H24)  # a second 24 h snapshot
            for k in kinds:
                imp = rng.choice([None, 0, rng.randint(50, 5000), rng.randint(50, 5000)])
                rows.append(
                    {
                        "target_id": t,
                        "checkpoint": k,
                        "likes": rng.randint(0, 200),
                        "shares": rng.randint(0, 20),
                        "comments": rng.randint(0, 9),
                        "impressions": imp,
                        "fetched_at": when,
                    }
                )
    rng.shuffle(rows)
    half = len(rows) // 2
    with db.engine.begin() as conn:  # a bulk insert (executemany) ...
        conn.execute(insert(AnalyticsSnapshot), rows[:half])
    for r in rows[half:]:  # ... and one ORM row at a time
        h.snapshot(
            db,
            r["target_id"],
            r["checkpoint"],
            **{k: r[k] for k in ("likes", "shares", "comments", "impressions", "fetched_at")},
        )
    return ws


def _snapshots(db) -> dict[int, tuple[tuple, tuple | None]]:
    """target -> (latest snapshot, 24 h snapshot else None), each (id, likes, shares,
    comments, impressions), chosen in Python from every snapshot row."""
    latest: dict[int, tuple] = {}
    day: dict[int, tuple] = {}
    with db.engine.connect() as conn:
        for sid, tid, cp, likes, shares, comments, imp in conn.execute(
            text(
                "SELECT id, target_id, checkpoint, likes, shares, comments, impressions"
                " FROM analytics_snapshots"
            )
        ):
            row = (sid, likes, shares, comments, imp)
            if tid not in latest or sid > latest[tid][0]:
                latest[tid] = row
            if cp == "H24" and (tid not in day or sid > day[tid][0]):
                day[tid] = row
    return {t: (latest[t], day.get(t)) for t in latest}


def _measures(db) -> dict[int, tuple]:
    with db.engine.connect() as conn:
        return {
            r[0]: tuple(r[1:])
            for r in conn.execute(
                text(
                    "SELECT target_id, latest_id, likes, shares, comments, impressions, day_id,"
                    " chosen_engagement, chosen_impressions FROM target_measures"
                )
            )
        }


def _expected_measures(db) -> dict[int, tuple]:
    out = {}
    for tid, (latest, day) in _snapshots(db).items():
        chosen = day or latest
        out[tid] = (
            *latest[:5],
            day[0] if day else None,
            chosen[1] + chosen[2] + chosen[3],
            chosen[4],
        )
    return out


def _published(db, ws: int) -> list[tuple[int, int, Platform, datetime]]:
    """(target, post, platform, published_at) of the workspace's published, undeleted
    targets in [START, END)."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT t.id, t.post_id, a.platform, t.published_at FROM targets t"
                " JOIN accounts a ON a.id = t.account_id JOIN posts p ON p.id = t.post_id"
                " WHERE a.workspace_id = :ws AND t.status = 'PUBLISHED'"
                " AND p.deleted_at IS NULL"
            ),
            {"ws": ws},
        ).all()
    out = []
    for tid, pid, platform, published in rows:
        when = datetime.fromisoformat(str(published)).replace(tzinfo=UTC)
        if START <= when < END:
            out.append((tid, pid, Platform(platform), when))
    return out


def _rate(eng: int, imp: int | None) -> float | None:
    return eng / imp if imp else None


def _reference(db, ws: int):
    snaps = _snapshots(db)
    zone = ZoneInfo(ZONE)
    buckets: dict[tuple[Platform, str, int], list[float]] = {}
    totals: dict[Platform, list] = {p: [0, 0, 0, 0, 0, 0, []] for p in Platform}
    posts: dict[int, list] = {}
    for tid, pid, platform, when in _published(db, ws):
        tot = totals[platform]
        tot[0] += 1
        if tid not in snaps:
            continue
        latest, day = snaps[tid]
        chosen = day or latest
        eng = chosen[1] + chosen[2] + chosen[3]
        local = when.astimezone(zone)
        bucket = local.weekday() * 24 + local.hour
        values = [("engagement", float(eng))]
        if _rate(eng, chosen[4]) is not None:
            values.append(("rate", eng / chosen[4]))
        for measure, v in values:
            acc = buckets.setdefault((platform, measure, bucket), [0, 0.0, 0.0])
            acc[0] += 1
            acc[1] += v
            acc[2] += v * v
        tot[1] += 1
        tot[2] += latest[4] or 0
        tot[3] += latest[1]
        tot[4] += latest[2]
        tot[5] += latest[3]
        latest_rate = _rate(latest[1] + latest[2] + latest[3], latest[4])
        if latest_rate is not None:
            tot[6].append(latest_rate)
        p = posts.setdefault(pid, [when, 0, 0])
        p[0] = min(p[0], when)
        p[1] += latest[1] + latest[2] + latest[3]
        p[2] += latest[4] or 0
    return buckets, totals, posts


@pytest.fixture
def seeded(db):
    return _seed(db, random.Random(20))


def test_the_trigger_keeps_each_targets_latest_and_24h_snapshot(db, seeded) -> None:
    expected = _expected_measures(db)
    assert len(expected) > 200
    assert _measures(db) == expected


def test_heatmaps_match_the_snapshots_read_in_python(db, seeded) -> None:
    buckets, _totals, _posts = _reference(db, seeded)
    scope = Scope(seeded, START, END)
    maps = grouped_heatmaps(db, scope, ZONE)
    checked = 0
    for platform, heatmap in maps.items():
        for b in range(168):
            ref = buckets.get((platform, heatmap.measure, b))
            assert heatmap.counts[b] == (ref[0] if ref else 0), (platform, b)
            if ref:
                assert heatmap.means[b] == pytest.approx(ref[1] / ref[0]), (platform, b)
                checked += 1
    assert checked > 100


def test_dashboard_pass_and_top_posts_match_python(db, seeded) -> None:
    buckets, totals, posts = _reference(db, seeded)
    scope = Scope(seeded, START, END)
    got, maps, _reach = one_pass(db, scope, ZONE, None)
    assert maps == grouped_heatmaps(db, scope, ZONE) or all(
        maps[p].counts == m.counts and maps[p].means == pytest.approx(m.means)
        for p, m in grouped_heatmaps(db, scope, ZONE).items()
    )
    for t in got:
        published, measured, imp, likes, shares, comments, rates = totals[t.platform]
        assert (t.published, t.posts, t.impressions, t.likes, t.shares, t.comments) == (
            published,
            measured,
            imp,
            likes,
            shares,
            comments,
        )
        assert t.avg_rate == (pytest.approx(sum(rates) / len(rates)) if rates else None)
    ranked = sorted(posts.items(), key=lambda kv: (-kv[1][1], kv[0]))[:5]
    top = agg.top_posts(db, scope, 5)
    assert [(p.post_id, p.engagement, p.impressions) for p in top] == [
        (pid, eng, imp) for pid, (_when, eng, imp) in ranked
    ]
    assert all(p.text.startswith("post ") for p in top)


@pytest.fixture
def pg_url():
    yield from pg_schema_url()


@pytest.mark.postgres
def test_postgres_trigger_and_aggregates_match_python(pg_url) -> None:
    db = open_database(pg_url)
    try:
        ws = _seed(db, random.Random(21))
        assert _measures(db) == _expected_measures(db)
        buckets, totals, _posts = _reference(db, ws)
        scope = Scope(ws, START, END)
        for platform, heatmap in grouped_heatmaps(db, scope, ZONE).items():
            for b in range(168):
                ref = buckets.get((platform, heatmap.measure, b))
                assert heatmap.counts[b] == (ref[0] if ref else 0), (platform, b)
        got, _maps, _reach = one_pass(db, scope, ZONE, None)
        assert {t.platform: (t.published, t.posts, t.likes) for t in got} == {
            p: (v[0], v[1], v[3]) for p, v in totals.items()
        }
    finally:
        db.dispose()


def test_the_migration_fills_the_table_from_existing_snapshots(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    db = open_database(url)
    try:
        _seed(db, random.Random(5))
        expected = _expected_measures(db)
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM target_measures"))
        db.dispose()
        cfg = alembic_config(url)
        command.downgrade(cfg, "0012")
        command.upgrade(cfg, "head")
        assert _measures(db) == expected
    finally:
        db.dispose()
