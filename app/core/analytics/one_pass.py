"""The dashboard's single pass: platform totals, heatmaps and the week-over-week reach from
one GROUP BY platform, hour of week (the same numbers as the separate aggregates)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Float, case, cast, func, select
from sqlalchemy.orm import aliased

from app.core.analytics.heatmap_stats import (
    BucketStats,
    heatmap_of,
    scope_bounds,
    scope_platforms,
)
from app.core.analytics.reports import Heatmap, PlatformTotals
from app.core.analytics.selection import (
    S,
    Scope,
    chosen_snapshot_id,
    hour_of_week_of,
    local_time_key,
    target_conditions,
)
from app.core.db import Database
from app.core.models import Account, Post, Target
from app.platforms.names import Platform


def one_pass(
    db: Database,
    scope: Scope,
    zone: str,
    reach_span: tuple[datetime, datetime] | None,
) -> tuple[list[PlatformTotals], dict[Platform, Heatmap], tuple[int, int] | None]:
    """platform_totals + heatmaps (+ the reach of this week and last week, when `reach_span`
    = (last week's start, now) lies inside the scope) in one GROUP BY platform, hour of week.

    Each target's two representative snapshots are chosen once: the latest (totals, reach)
    and the 24 h one else the latest (heatmaps); the per-bucket sums add up to the totals."""
    platforms = scope_platforms(scope)
    rows: list[Any] = []
    with db.session() as s:
        bounds = scope_bounds(s, scope)
        if bounds is not None:
            dialect = db.engine.dialect.name
            key = local_time_key(dialect, zone, *bounds)
            inner = (
                select(
                    Account.platform.label("platform"),
                    key.label("key"),
                    Target.published_at.label("published_at"),
                    chosen_snapshot_id(prefer_24h=False).label("latest_id"),
                    chosen_snapshot_id(prefer_24h=True).label("day_id"),
                )
                .select_from(Target)
                .join(Account, Account.id == Target.account_id)
                .join(Post, Post.id == Target.post_id)
                .where(*target_conditions(scope))
            )
            if dialect == "sqlite":
                inner = inner.limit(-1).offset(0)  # see heatmaps(): not flattened
            t = inner.subquery()
            latest = aliased(S)
            day = aliased(S)
            how = hour_of_week_of(dialect, t.c.key)
            l_rate = snapshot_rate(latest)
            d_rate = snapshot_rate(day)
            d_eng = cast(day.likes + day.shares + day.comments, Float)
            week_cols: list[Any] = []
            if reach_span is not None:
                last_start, now = reach_span
                this_start = last_start + timedelta(days=7)

                def reach(lo: datetime, hi: datetime) -> Any:
                    inside = (t.c.published_at >= lo) & (t.c.published_at < hi)
                    return func.coalesce(func.sum(case((inside, latest.impressions))), 0)

                week_cols = [
                    reach(this_start, now),
                    reach(last_start, now - timedelta(days=7)),
                ]
            q = (
                select(
                    t.c.platform,
                    how,
                    func.count(),  # published
                    func.count(latest.id),  # measured
                    func.coalesce(func.sum(latest.impressions), 0),
                    func.coalesce(func.sum(latest.likes), 0),
                    func.coalesce(func.sum(latest.shares), 0),
                    func.coalesce(func.sum(latest.comments), 0),
                    func.count(l_rate),
                    func.sum(l_rate),
                    func.count(d_rate),
                    func.sum(d_rate),
                    func.sum(d_rate * d_rate),
                    func.count(day.id),
                    func.sum(d_eng),
                    func.sum(d_eng * d_eng),
                    func.count(latest.impressions),  # measured with impressions reported
                    *week_cols,
                )
                .select_from(t)
                .join(latest, latest.id == t.c.latest_id, isouter=True)
                .join(day, day.id == t.c.day_id, isouter=True)
                .group_by(t.c.platform, how)
            )
            rows = list(s.execute(q))
    per: dict[Platform, list[float]] = {p: [0, 0, 0, 0, 0, 0, 0, 0.0, 0] for p in platforms}
    stats: dict[Platform, BucketStats] = {p: {"rate": {}, "engagement": {}} for p in platforms}
    this_reach = last_reach = 0
    for r in rows:
        platform, bucket = Platform(r[0]), int(r[1])
        acc = per[platform]
        for i in range(6):
            acc[i] += int(r[2 + i])
        acc[6] += int(r[8])
        acc[7] += float(r[9] or 0.0)
        if r[10]:
            n = int(r[10])
            stats[platform]["rate"][bucket] = (n, float(r[11]) / n, float(r[12]))
        if r[13]:
            n = int(r[13])
            stats[platform]["engagement"][bucket] = (n, float(r[14]) / n, float(r[15]))
        acc[8] += int(r[16])
        if reach_span is not None:
            this_reach += int(r[17])
            last_reach += int(r[18])
    totals = [
        PlatformTotals(
            p,
            int(a[1]),
            int(a[2]),
            int(a[3]),
            int(a[4]),
            int(a[5]),
            a[7] / a[6] if a[6] else None,
            int(a[0]),
            # False when measured posts exist but the platform reported no impressions for
            # any of them (it refused the metric): Analytics says "not reported", not 0.
            impressions_reported=a[1] == 0 or a[8] > 0,
        )
        for p, a in per.items()
    ]
    maps = {p: heatmap_of(p, zone, by_measure) for p, by_measure in stats.items()}
    return totals, maps, (this_reach, last_reach) if reach_span is not None else None


def snapshot_rate(snapshot: Any) -> Any:
    """RATE (selection.py) for an aliased snapshot: NULL without impressions."""
    eng = cast(snapshot.likes + snapshot.shares + snapshot.comments, Float)
    return case((snapshot.impressions > 0, eng / snapshot.impressions), else_=None)
