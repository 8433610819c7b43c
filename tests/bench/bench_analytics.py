"""Analytics aggregation over 1,000,000 snapshots (250,000 published targets x 4 checkpoints).

Seeds a SQLite file once per run (bulk executemany, in a temp dir), then measures:
- best-time recompute of one workspace: the 168-bucket heatmap of all 4 platforms in SQL
  (24 h snapshot per target, else the latest; hour of week in the workspace's zone) plus the
  shrinkage scores and the top 3, cached;
- the dashboard's whole summary query (reach, platform totals, heatmaps, top posts);
- reference: the same work as the recompute done the plain way in Python: every snapshot
  row into Python, the 24 h snapshot per target chosen there (else the latest), the hour
  of the week by a zoneinfo conversion per row, the per-bucket statistics, then the same
  shrinkage scoring (without writing the cache).
The recompute and its reference are interleaved round by round (harness.compare).
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from app.core import besttime
from app.core.analytics import aggregates
from app.core.analytics.priors import load_priors
from app.core.analytics.scoring import score_profile
from app.core.clock import FakeClock
from app.core.db import open_database
from app.platforms.names import Platform
from tests.bench.harness import Row, compare, row, sample

TARGETS = 250_000
CHECKPOINTS = (("H1", 1), ("H6", 6), ("H24", 24), ("D7", 168))
NOW = datetime(2026, 6, 1, tzinfo=UTC)
ZONE = "Europe/London"
FMT = "%Y-%m-%d %H:%M:%S.%f"


def seed(path: Path) -> None:
    db = open_database(f"sqlite:///{path}")  # schema by the migrations
    db.dispose()
    rng = random.Random(0)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    created = NOW.strftime(FMT)
    conn.execute(
        "INSERT INTO workspaces (id, name, timezone, created_at) VALUES (1, 'Bench', ?, ?)",
        (ZONE, created),
    )
    for i, p in enumerate(Platform, start=1):
        conn.execute(
            "INSERT INTO accounts (id, workspace_id, platform, handle, external_id, status,"
            " settings, created_at) VALUES (?, 1, ?, ?, ?, 'ACTIVE', '{}', ?)",
            (i, p.value, f"bench_{i}", f"ext{i}", created),
        )
    start = NOW - timedelta(days=360)
    posts, targets, snaps = [], [], []
    for n in range(1, TARGETS + 1):
        when = start + timedelta(seconds=rng.randrange(355 * 86400))
        stamp = when.strftime(FMT)
        posts.append((n, 1, "", stamp, "UTC", "PUBLISHED", stamp, stamp))
        targets.append((n, n, 1 + n % 4, "PUBLISHED", 1, f"k{n}", f"x{n}", stamp, stamp))
        reach = rng.randint(200, 5000)
        rate = rng.uniform(0.01, 0.08)
        for name, hours in CHECKPOINTS:
            share = min(1.0, 0.4 + hours / 60)
            imp = int(reach * share)
            eng = int(imp * rate)
            fetched = (when + timedelta(hours=hours)).strftime(FMT)
            snaps.append((n, name, eng, 0, 0, imp, fetched))
    conn.executemany(
        "INSERT INTO posts (id, workspace_id, base_text, scheduled_at, scheduled_tz, status,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        posts,
    )
    conn.executemany(
        "INSERT INTO targets (id, post_id, account_id, status, attempts, idempotency_key,"
        " external_id, published_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        targets,
    )
    conn.executemany(
        "INSERT INTO analytics_snapshots (target_id, checkpoint, likes, shares, comments,"
        " impressions, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        snaps,
    )
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def plain_python_recompute(path: Path) -> dict[Platform, object]:
    """Reference: the recompute's work in plain Python over plain sqlite3 rows."""
    zone = ZoneInfo(ZONE)
    now = NOW
    lo = (now - besttime.LOOKBACK).strftime(FMT)
    hi = (now + timedelta(seconds=1)).strftime(FMT)
    conn = sqlite3.connect(path)
    targets = {
        tid: (Platform(platform), published)
        for tid, platform, published in conn.execute(
            "SELECT t.id, a.platform, t.published_at FROM targets t"
            " JOIN accounts a ON a.id = t.account_id JOIN posts p ON p.id = t.post_id"
            " WHERE a.workspace_id = 1 AND t.status = 'PUBLISHED' AND p.deleted_at IS NULL"
            " AND t.published_at >= ? AND t.published_at < ?",
            (lo, hi),
        )
    }
    day: dict[int, tuple[int, int, int]] = {}
    latest: dict[int, tuple[int, int, int]] = {}
    for sid, tid, checkpoint, eng, imp in conn.execute(
        "SELECT id, target_id, checkpoint, likes + shares + comments, impressions"
        " FROM analytics_snapshots"
    ):
        if tid not in targets:
            continue
        if sid > latest.get(tid, (0, 0, 0))[0]:
            latest[tid] = (sid, eng, imp)
        if checkpoint == "H24" and sid > day.get(tid, (0, 0, 0))[0]:
            day[tid] = (sid, eng, imp)
    conn.close()
    sums: dict[Platform, dict[str, dict[int, list[float]]]] = {
        p: {"rate": {}, "engagement": {}} for p in Platform
    }
    for tid, (platform, published) in targets.items():
        chosen = day.get(tid) or latest.get(tid)
        if chosen is None:
            continue
        _sid, eng, imp = chosen
        local = datetime.strptime(published, FMT).replace(tzinfo=UTC).astimezone(zone)
        bucket = local.weekday() * 24 + local.hour
        values = [("engagement", float(eng))]
        if imp > 0:
            values.append(("rate", eng / imp))
        for measure, value in values:
            acc = sums[platform][measure].setdefault(bucket, [0, 0.0, 0.0])
            acc[0] += 1
            acc[1] += value
            acc[2] += value * value
    priors = load_priors()
    out: dict[Platform, object] = {}
    for platform, by_measure in sums.items():
        stats = {
            m: {b: (int(n), total / n, sq) for b, (n, total, sq) in buckets.items()}
            for m, buckets in by_measure.items()
        }
        out[platform] = score_profile(
            aggregates._heatmap(platform, ZONE, stats), priors[platform], now
        )
    return out


def collect() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="herald-bench-") as tmp:
        path = Path(tmp) / "bench.db"
        seed(path)
        db = open_database(f"sqlite:///{path}")
        clock = FakeClock(NOW)
        try:
            snapshots = (
                db.engine.connect()
                .exec_driver_sql("SELECT count(*) FROM analytics_snapshots")
                .scalar()
            )
            top = besttime.recompute(db, 1, clock)[(1, Platform.TWITTER)].top(3)
            rows = [
                compare(
                    f"analytics: 168-bucket heatmaps + top 3, {snapshots / 1e6:g}M snapshots",
                    lambda: besttime.recompute(db, 1, clock),
                    "same work in plain Python (no cache write)",
                    lambda: plain_python_recompute(path),
                    repeat=3,
                    id="besttime.1m",
                    targets=TARGETS,
                    top3_twitter=[s.label for s in top],
                ),
                row(
                    f"analytics: dashboard summary, {snapshots / 1e6:g}M snapshots",
                    sample(
                        lambda: aggregates.workspace_summary(
                            db, 1, NOW - timedelta(days=365), NOW, None, NOW
                        ),
                        repeat=3,
                    ),
                    id="dashboard.1m",
                ),
                row(
                    "analytics: recommend() from the cache",
                    sample(lambda: besttime.recommend(db, 1, Platform.LINKEDIN, clock=clock), 50),
                ),
            ]
        finally:
            db.dispose()
    return rows


if __name__ == "__main__":
    for r in collect():
        print(r)
