"""Analytics aggregation over 1,000,000 snapshots (250,000 published targets x 4 checkpoints).

Seeds a SQLite file once per run (bulk executemany, in a temp dir), then measures:
- best-time recompute of one workspace: the 168-bucket heatmap of all 4 platforms in SQL
  (24 h snapshot per target, else the latest; hour of week in the workspace's zone) plus the
  shrinkage scores and the top 3, cached;
- the dashboard's whole summary query (reach, platform totals, heatmaps, top posts);
- reference: the same heatmap done the naive way, every chosen row into Python with a
  zoneinfo conversion per row.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from app.constants import Platform
from app.core import besttime
from app.core.analytics import aggregates
from app.core.clock import FakeClock
from app.core.db import open_database
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


def naive_heatmap(path: Path) -> list[int]:
    """Reference: every target's chosen snapshot into Python, bucketed with zoneinfo."""
    zone = ZoneInfo(ZONE)
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT t.published_at, s.likes + s.shares + s.comments, s.impressions, t.account_id"
        " FROM targets t JOIN analytics_snapshots s ON s.target_id = t.id"
        " WHERE s.checkpoint = 'H24'"
    ).fetchall()
    conn.close()
    counts = [0] * (168 * 4)
    for published, _eng, imp, account in rows:
        if imp <= 0:
            continue
        local = datetime.strptime(published, FMT).replace(tzinfo=UTC).astimezone(zone)
        counts[(account - 1) * 168 + local.weekday() * 24 + local.hour] += 1
    return counts


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
                    "naive Python bucketing",
                    lambda: naive_heatmap(path),
                    repeat=3,
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
