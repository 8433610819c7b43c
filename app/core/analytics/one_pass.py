"""The dashboard's single pass: platform totals, heatmaps and the week-over-week reach from
one GROUP BY account and hour of week (the same numbers as the separate aggregates)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, literal, select

from app.core.analytics.heatmap_stats import (
    BucketStats,
    account_platforms,
    add_sums,
    heatmap_of,
    scope_bounds,
    scope_platforms,
)
from app.core.analytics.reports import BUCKETS, Heatmap, PlatformTotals
from app.core.analytics.selection import (
    CHOSEN_ENGAGEMENT,
    CHOSEN_RATE,
    LATEST_RATE,
    M,
    Scope,
    hour_of_week_of,
    local_time_key,
    measured,
)
from app.core.db import Database
from app.core.models import Target
from app.platforms.names import Platform


@dataclass
class PassSums:
    """What one pass adds up: per platform [published, measured, impressions, likes, shares,
    comments, rated, sum of rates, measured with impressions]; per (platform, bucket) the
    heatmaps' sums; this week's and last week's reach. Two parts of a scope add up."""

    per: dict[Platform, list[float]] = field(default_factory=dict)
    buckets: dict[tuple[Platform, int], list[float]] = field(default_factory=dict)
    reach: list[int] = field(default_factory=lambda: [0, 0])

    def add(self, other: PassSums) -> PassSums:
        per = {(p, 0): v for p, v in self.per.items()}
        other_per = {(p, 0): v for p, v in other.per.items()}
        return PassSums(
            {p: v for (p, _), v in add_sums(per, other_per).items()},
            add_sums(self.buckets, other.buckets),
            [self.reach[0] + other.reach[0], self.reach[1] + other.reach[1]],
        )


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
    return finish(scope, zone, pass_sums(db, scope, zone, reach_span), reach_span)


def pass_sums(
    db: Database,
    scope: Scope,
    zone: str,
    reach_span: tuple[datetime, datetime] | None,
) -> PassSums:
    """The single GROUP BY of `one_pass`, as sums (see PassSums)."""
    platforms = scope_platforms(scope)
    rows: list[Any] = []
    with db.session() as s:
        bounds = scope_bounds(s, scope)
        if bounds is not None:
            platform_of = account_platforms(s, scope)
            dialect = db.engine.dialect.name
            # 1 = published this week (up to now), 2 = last week up to the same moment: a
            # small integer for the GROUP BY's sort rather than each row's time as text.
            week: Any = None
            if reach_span is not None:
                last_start, now = reach_span
                this_start = last_start + timedelta(days=7)
                published = Target.published_at
                week = case(
                    ((published >= this_start) & (published < now), 1),
                    ((published >= last_start) & (published < now - timedelta(days=7)), 2),
                    else_=None,
                )
            inner = measured(
                scope,
                Target.account_id.label("a"),
                local_time_key(dialect, zone, *bounds).label("k"),  # once a row (heatmaps)
                (week if week is not None else literal(None)).label("week"),
                M.target_id.label("measured"),
                M.impressions.label("impressions"),
                M.likes.label("likes"),
                M.shares.label("shares"),
                M.comments.label("comments"),
                LATEST_RATE.label("l_rate"),
                CHOSEN_RATE.label("d_rate"),
                CHOSEN_ENGAGEMENT.label("d_eng"),
                outer=True,
            )
            if dialect == "sqlite":
                inner = inner.limit(-1).offset(0)  # see heatmaps(): not flattened
            t = inner.subquery()
            g = (t.c.a * BUCKETS + hour_of_week_of(dialect, t.c.k)).label("g")
            week_cols: list[Any] = []
            if reach_span is not None:
                week_cols = [
                    func.coalesce(func.sum(case((t.c.week == n, t.c.impressions))), 0)
                    for n in (1, 2)
                ]
            q = select(
                g,
                func.count(),  # published
                func.count(t.c.measured),  # measured
                func.coalesce(func.sum(t.c.impressions), 0),
                func.coalesce(func.sum(t.c.likes), 0),
                func.coalesce(func.sum(t.c.shares), 0),
                func.coalesce(func.sum(t.c.comments), 0),
                func.count(t.c.l_rate),
                func.sum(t.c.l_rate),
                func.count(t.c.d_rate),
                func.sum(t.c.d_rate),
                func.sum(t.c.d_rate * t.c.d_rate),
                func.count(t.c.d_eng),
                func.sum(t.c.d_eng),
                func.sum(t.c.d_eng * t.c.d_eng),
                func.count(t.c.impressions),  # measured with impressions reported
                *week_cols,
            ).group_by(g)
            rows = list(s.execute(q))
    per: dict[Platform, list[float]] = {p: [0, 0, 0, 0, 0, 0, 0, 0.0, 0] for p in platforms}
    buckets: dict[tuple[Platform, int], list[float]] = {}
    this_reach = last_reach = 0
    for r in rows:
        account, bucket = divmod(int(r[0]), BUCKETS)
        platform = platform_of[account]
        acc = per[platform]
        for i in range(6):
            acc[i] += int(r[1 + i])
        acc[6] += int(r[7])
        acc[7] += float(r[8] or 0.0)
        sums = buckets.setdefault((platform, bucket), [0.0] * 6)
        for i in range(6):
            sums[i] += r[9 + i] or 0
        acc[8] += int(r[15])
        if reach_span is not None:
            this_reach += int(r[16])
            last_reach += int(r[17])
    return PassSums(per, buckets, [this_reach, last_reach])


def finish(
    scope: Scope, zone: str, sums: PassSums, reach_span: tuple[datetime, datetime] | None
) -> tuple[list[PlatformTotals], dict[Platform, Heatmap], tuple[int, int] | None]:
    """`one_pass`'s figures from its sums."""
    platforms = scope_platforms(scope)
    per = {p: sums.per.get(p, [0, 0, 0, 0, 0, 0, 0, 0.0, 0]) for p in platforms}
    buckets = sums.buckets
    stats: dict[Platform, BucketStats] = {p: {"rate": {}, "engagement": {}} for p in platforms}
    for (platform, bucket), (n, total, sq, n_eng, total_eng, sq_eng) in buckets.items():
        if n:
            stats[platform]["rate"][bucket] = (int(n), total / n, sq)
        if n_eng:
            stats[platform]["engagement"][bucket] = (int(n_eng), total_eng / n_eng, sq_eng)
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
    return totals, maps, (sums.reach[0], sums.reach[1]) if reach_span is not None else None
