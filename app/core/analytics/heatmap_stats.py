"""Heatmaps: per platform, the mean engagement rate (or engagement) of its posts per hour of
the week in the workspace's zone, grouped in SQL, with the count and spread of each bucket."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.analytics.reports import BUCKETS, Heatmap
from app.core.analytics.selection import (
    CHOSEN_ENGAGEMENT,
    CHOSEN_RATE,
    Scope,
    account_join,
    hour_of_week_of,
    local_time_key,
    measured,
    target_conditions,
)
from app.core.db import Database
from app.core.models import Account, Target
from app.platforms.names import Platform

# Per platform and measure ("rate", "engagement"): bucket -> (n, mean, sum of squares).
BucketStats = dict[str, dict[int, tuple[int, float, float]]]


def scope_bounds(s: Session, scope: Scope) -> tuple[datetime, datetime] | None:
    if scope.start is not None and scope.end is not None:
        return scope.start, scope.end
    row = s.execute(
        select(func.min(Target.published_at), func.max(Target.published_at))
        .select_from(Target)
        .join(Account, account_join(scope))
        .where(*target_conditions(scope))
    ).one()
    lo: datetime | None = row[0]
    hi: datetime | None = row[1]
    if lo is None or hi is None:
        return None
    return scope.start or lo, scope.end or hi + timedelta(seconds=1)


def scope_platforms(scope: Scope) -> tuple[Platform, ...]:
    return scope.platforms or tuple(Platform)


# Per (platform, hour of week): count, sum and sum of squares of the rate, then of the
# engagement. Sums, so the sums of two parts of a scope add up to the whole's.
BucketSums = dict[tuple[Platform, int], list[float]]


def grouped_heatmaps(db: Database, scope: Scope, zone: str) -> dict[Platform, Heatmap]:
    """Per platform and hour of the week: count, mean and sum of squares of the rate and of
    the engagement of the chosen snapshots (24 h else latest), read from target_measures."""
    return heatmaps_of(scope, zone, grouped_sums(db, scope, zone))


def add_sums(first: BucketSums, second: BucketSums) -> BucketSums:
    out = {key: list(values) for key, values in first.items()}
    for key, values in second.items():
        acc = out.setdefault(key, [0.0] * len(values))
        for i, v in enumerate(values):
            acc[i] += v
    return out


def heatmaps_of(scope: Scope, zone: str, sums: BucketSums) -> dict[Platform, Heatmap]:
    stats: dict[Platform, BucketStats] = {
        p: {"rate": {}, "engagement": {}} for p in scope_platforms(scope)
    }
    for (platform, bucket), (n, total, sq, n_all, total_eng, sq_eng) in sums.items():
        by_measure = stats[platform]
        if n:
            by_measure["rate"][bucket] = (int(n), total / n, sq)
        by_measure["engagement"][bucket] = (int(n_all), total_eng / n_all, sq_eng)
    return {p: heatmap_of(p, zone, by_measure) for p, by_measure in stats.items()}


def grouped_sums(db: Database, scope: Scope, zone: str) -> BucketSums:
    """The GROUP BY behind the heatmaps. Grouped by one integer, account * 168 + hour of
    week (SQLite sorts a single integer key much faster than a (platform text, hour) pair);
    the few accounts' groups are then added up per platform here."""
    sums: BucketSums = {}
    with db.session() as s:
        bounds = scope_bounds(s, scope)
        if bounds is not None:
            platform_of = account_platforms(s, scope)
            dialect = db.engine.dialect.name
            # The account and the local time per row in the sub-select, the hour of the week
            # from them outside it: the time is parsed and shifted once a row, not twice.
            rows = measured(
                scope,
                Target.account_id.label("a"),
                local_time_key(dialect, zone, *bounds).label("k"),
                CHOSEN_RATE.label("rate"),
                CHOSEN_ENGAGEMENT.label("eng"),
            )
            if dialect == "sqlite":
                # LIMIT -1 OFFSET 0 keeps SQLite from flattening the sub-select into the
                # GROUP BY, which would compute the time and the rate several times a row.
                rows = rows.limit(-1).offset(0)
            t = rows.subquery()
            g = (t.c.a * BUCKETS + hour_of_week_of(dialect, t.c.k)).label("g")
            q = select(
                g,
                func.count(t.c.rate),
                func.sum(t.c.rate),
                func.sum(t.c.rate * t.c.rate),
                func.count(),
                func.sum(t.c.eng),
                func.sum(t.c.eng * t.c.eng),
            ).group_by(g)
            for g_value, *values in s.execute(q):
                account, bucket = divmod(int(g_value), BUCKETS)
                acc = sums.setdefault((platform_of[account], bucket), [0.0] * 6)
                for i, v in enumerate(values):
                    acc[i] += v or 0
    return sums


def account_platforms(s: Session, scope: Scope) -> dict[int, Platform]:
    q = select(Account.id, Account.platform).where(Account.workspace_id == scope.workspace_id)
    return {int(i): Platform(p) for i, p in s.execute(q)}


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
