"""Heatmaps: per platform, the mean engagement rate (or engagement) of its posts per hour of
the week in the workspace's zone, grouped in SQL, with the count and spread of each bucket."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Float, cast, func, select
from sqlalchemy.orm import Session

from app.core.analytics.reports import BUCKETS, Heatmap
from app.core.analytics.selection import (
    ENGAGEMENT,
    RATE,
    Scope,
    hour_of_week_of,
    local_time_key,
    measured_targets,
    target_conditions,
)
from app.core.db import Database
from app.core.models import Account, Post, Target
from app.platforms.names import Platform

# Per platform and measure ("rate", "engagement"): bucket -> (n, mean, sum of squares).
BucketStats = dict[str, dict[int, tuple[int, float, float]]]


def scope_bounds(s: Session, scope: Scope) -> tuple[datetime, datetime] | None:
    if scope.start is not None and scope.end is not None:
        return scope.start, scope.end
    row = s.execute(
        select(func.min(Target.published_at), func.max(Target.published_at))
        .select_from(Target)
        .join(Account, Account.id == Target.account_id)
        .join(Post, Post.id == Target.post_id)
        .where(*target_conditions(scope))
    ).one()
    lo: datetime | None = row[0]
    hi: datetime | None = row[1]
    if lo is None or hi is None:
        return None
    return scope.start or lo, scope.end or hi + timedelta(seconds=1)


def scope_platforms(scope: Scope) -> tuple[Platform, ...]:
    return scope.platforms or tuple(Platform)


def grouped_heatmaps(db: Database, scope: Scope, zone: str) -> dict[Platform, Heatmap]:
    # per platform and measure: bucket -> (n, mean, sum of squares)
    stats: dict[Platform, BucketStats] = {
        p: {"rate": {}, "engagement": {}} for p in scope_platforms(scope)
    }
    with db.session() as s:
        bounds = scope_bounds(s, scope)
        if bounds is not None:
            dialect = db.engine.dialect.name
            key = local_time_key(dialect, zone, *bounds)
            rows = measured_targets(
                scope,
                Account.platform.label("platform"),
                key.label("key"),
                RATE.label("rate"),
                cast(ENGAGEMENT, Float).label("eng"),
                prefer_24h=True,
            )
            if dialect == "sqlite":
                # LIMIT -1 OFFSET 0 keeps SQLite from flattening the sub-select into the
                # GROUP BY, which would compute the time and the rate several times a row.
                rows = rows.limit(-1).offset(0)
            t = rows.subquery()
            how = hour_of_week_of(dialect, t.c.key)
            q = select(
                t.c.platform,
                how,
                func.count(t.c.rate),
                func.avg(t.c.rate),
                func.sum(t.c.rate * t.c.rate),
                func.count(),
                func.avg(t.c.eng),
                func.sum(t.c.eng * t.c.eng),
            ).group_by(t.c.platform, how)
            for platform, bucket, n, mean, sq, n_all, mean_eng, sq_eng in s.execute(q):
                by_measure = stats[Platform(platform)]
                if n:
                    by_measure["rate"][int(bucket)] = (int(n), float(mean), float(sq))
                by_measure["engagement"][int(bucket)] = (int(n_all), float(mean_eng), float(sq_eng))
    return {p: heatmap_of(p, zone, by_measure) for p, by_measure in stats.items()}


def heatmap_of(platform: Platform, zone: str, by_measure: BucketStats) -> Heatmap:
    with_rate = sum(n for n, _m, _s in by_measure["rate"].values())
    everything = sum(n for n, _m, _s in by_measure["engagement"].values())
    measure = "rate" if with_rate * 2 >= everything else "engagement"
    means: list[float | None] = [None] * BUCKETS
    counts = [0] * BUCKETS
    stds: list[float | None] = [None] * BUCKETS
    for b, (n, mean, sumsq) in by_measure[measure].items():
        counts[b], means[b] = n, mean
        if n >= 2:
            stds[b] = max((sumsq - n * mean * mean) / (n - 1), 0.0) ** 0.5
    return Heatmap(platform, zone, tuple(means), tuple(counts), tuple(stds), measure)
