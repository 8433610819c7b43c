"""Aggregates for the dashboard, the best-time recommender and reports. GROUP BY runs in SQL.

Definitions (one place): engagement = likes + shares + comments; a post's engagement rate =
engagement / impressions when impressions > 0 (posts without impressions have no rate and
are left out of rate averages). "Posts" below are published targets: one post published on
three platforms counts once per platform.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Float, case, cast, func, select
from sqlalchemy.orm import Session, aliased

from app.core.analytics.engagement import engagement, engagement_rate
from app.core.analytics.selection import (
    ENGAGEMENT,
    RATE,
    S,
    Scope,
    chosen_snapshot_id,
    hour_of_week_of,
    local_time_key,
    measured_targets,
    target_conditions,
)
from app.core.db import Database
from app.core.models import (
    Account,
    Checkpoint,
    Post,
    Target,
    Workspace,
)
from app.core.timeutil import NonexistentTimeError, from_utc, to_utc
from app.platforms.names import Platform

BUCKETS = 168
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Heatmap:
    """Average engagement rate per hour of the week (index = weekday * 24 + hour, Monday 0),
    from each post's 24 h snapshot (or its latest when the 24 h one is missing).

    `measure` is "rate" (engagement / impressions) unless most of the platform's posts report
    no impressions at all (LinkedIn personal profiles: the API gives likes and comments
    only); then it is "engagement" (likes + shares + comments per post), so those accounts
    still get their own best times."""

    platform: Platform
    zone: str
    means: tuple[float | None, ...]
    counts: tuple[int, ...]
    stds: tuple[float | None, ...]  # sample standard deviation of the values (n >= 2)
    measure: str = "rate"

    @property
    def samples(self) -> int:
        return sum(self.counts)

    def mean(self, weekday: int, hour: int) -> float | None:
        return self.means[weekday * 24 + hour]

    def count(self, weekday: int, hour: int) -> int:
        return self.counts[weekday * 24 + hour]

    @classmethod
    def empty(cls, platform: Platform, zone: str) -> Heatmap:
        return cls(platform, zone, (None,) * BUCKETS, (0,) * BUCKETS, (None,) * BUCKETS)


@dataclass(frozen=True)
class PlatformTotals:
    platform: Platform
    posts: int  # measured posts (published, with at least one snapshot)
    impressions: int
    likes: int
    shares: int
    comments: int
    avg_rate: float | None  # mean of the posts' engagement rates
    published: int = 0  # published posts, measured or not yet
    # False when measured posts exist but the platform reported impressions for none of them
    # (it refused the metric): Analytics says "not reported by <platform>", not 0.
    impressions_reported: bool = True

    @property
    def engagement(self) -> int:
        return engagement(self.likes, self.shares, self.comments)


@dataclass(frozen=True)
class ReachComparison:
    week_start: datetime  # this week's Monday 00:00 in the workspace zone (UTC instant)
    this_week: int  # impressions of posts published this week, so far
    last_week: int  # impressions of posts published in the same span one week earlier

    @property
    def change(self) -> float | None:
        """Relative change (0.25 = +25 %), None when last week had no reach."""
        if self.last_week <= 0:
            return None
        return (self.this_week - self.last_week) / self.last_week


@dataclass(frozen=True)
class TopPost:
    post_id: int
    text: str
    first_published_at: datetime
    engagement: int
    impressions: int
    platforms: tuple[Platform, ...]


@dataclass(frozen=True)
class WorkspaceSummary:
    workspace_id: int
    zone: str
    scope: Scope
    published: int  # published targets in scope
    measured: int  # of which have at least one snapshot
    reach: ReachComparison
    platforms: list[PlatformTotals]
    best_platform: Platform | None
    heatmaps: dict[Platform, Heatmap]
    top_posts: list[TopPost]


@dataclass(frozen=True)
class SnapshotPoint:
    checkpoint: Checkpoint
    fetched_at: datetime
    likes: int
    shares: int
    comments: int
    impressions: int | None  # None: not reported by the platform

    @property
    def engagement(self) -> int:
        return engagement(self.likes, self.shares, self.comments)

    @property
    def rate(self) -> float | None:
        return engagement_rate(self.likes, self.shares, self.comments, self.impressions)


@dataclass(frozen=True)
class TargetReport:
    target_id: int
    platform: Platform
    handle: str
    published_at: datetime | None
    points: list[SnapshotPoint] = field(default_factory=list)  # in fetch order

    @property
    def latest(self) -> SnapshotPoint | None:
        return self.points[-1] if self.points else None


@dataclass(frozen=True)
class PostReport:
    post_id: int
    text: str
    targets: list[TargetReport]

    @property
    def most_engaged(self) -> Platform | None:
        """The platform whose latest numbers have the most engagement (None without data)."""
        best = max(
            (t for t in self.targets if t.latest is not None),
            key=lambda t: (t.latest.engagement if t.latest else -1, -t.target_id),
            default=None,
        )
        return best.platform if best is not None else None


# ------------------------------------------------------------------ helpers


def workspace_zone(db: Database, workspace_id: int) -> str:
    with db.session() as s:
        zone = s.scalar(select(Workspace.timezone).where(Workspace.id == workspace_id))
    if zone is None:
        raise ValueError(f"No workspace with id {workspace_id}.")
    return zone


def _bounds(s: Session, scope: Scope) -> tuple[datetime, datetime] | None:
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


def _platforms(scope: Scope) -> tuple[Platform, ...]:
    return scope.platforms or tuple(Platform)


# ------------------------------------------------------------------ aggregates


def heatmaps(db: Database, scope: Scope, zone: str | None = None) -> dict[Platform, Heatmap]:
    """One 168-bucket heatmap per platform in scope (every platform when none is chosen).

    On a SQLite file the platforms are split in two halves queried side by side (SQLite
    lets go of the GIL while it runs a query): each platform's groups are computed from the
    same rows as in one query, and the best-time recompute takes about half the time on two
    cores."""
    zone = zone or workspace_zone(db, scope.workspace_id)
    halves = _halves(db, scope)
    if halves is None:
        return _heatmaps(db, scope, zone)
    with ThreadPoolExecutor(1, thread_name_prefix="herald-analytics") as pool:
        second = pool.submit(_heatmaps, db, halves[1], zone)
        out = _heatmaps(db, halves[0], zone)
        out.update(second.result())
    return {p: out[p] for p in _platforms(scope)}


def _parallel(db: Database) -> bool:
    """Whether a second thread may read at the same time: a SQLite file (WAL) has a
    connection per reader; in-memory SQLite has one database per connection, so no."""
    url = db.engine.url
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")


def _halves(db: Database, scope: Scope) -> tuple[Scope, Scope] | None:
    platforms = _platforms(scope)
    if len(platforms) < 2 or not _parallel(db):
        return None
    middle = len(platforms) // 2
    return scope.with_platforms(platforms[:middle]), scope.with_platforms(platforms[middle:])


def _heatmaps(db: Database, scope: Scope, zone: str) -> dict[Platform, Heatmap]:
    # per platform and measure: bucket -> (n, mean, sum of squares)
    stats: dict[Platform, dict[str, dict[int, tuple[int, float, float]]]] = {
        p: {"rate": {}, "engagement": {}} for p in _platforms(scope)
    }
    with db.session() as s:
        bounds = _bounds(s, scope)
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
    return {p: _heatmap(p, zone, by_measure) for p, by_measure in stats.items()}


def _heatmap(
    platform: Platform, zone: str, by_measure: dict[str, dict[int, tuple[int, float, float]]]
) -> Heatmap:
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


def heatmap(
    db: Database,
    workspace_id: int,
    platform: Platform,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Heatmap:
    scope = Scope(workspace_id, start, end, (Platform(platform),))
    return heatmaps(db, scope)[Platform(platform)]


def platform_totals(db: Database, scope: Scope) -> list[PlatformTotals]:
    """Per platform: published and measured posts, summed latest metrics, mean rate.

    Computed by the dashboard's single pass (`_one_pass`), so the figures are the very ones
    the dashboard shows (a mean summed in another order can differ in the last digit)."""
    return _one_pass(db, scope, workspace_zone(db, scope.workspace_id), None)[0]


def best_platform(totals: Sequence[PlatformTotals]) -> Platform | None:
    """Highest mean engagement rate; ties (and rate-less data) go to total engagement."""
    candidates = [t for t in totals if t.posts > 0]
    if not candidates:
        return None
    return max(candidates, key=lambda t: (t.avg_rate or 0.0, t.engagement)).platform


def published_count(db: Database, scope: Scope) -> int:
    """Published targets in scope, measured or not."""
    q = (
        select(func.count(Target.id))
        .select_from(Target)
        .join(Account, Account.id == Target.account_id)
        .join(Post, Post.id == Target.post_id)
        .where(*target_conditions(scope))
    )
    with db.session() as s:
        return int(s.scalar(q) or 0)


def local_day_start(day: date, zone: str) -> datetime:
    """00:00 of `day` in `zone` as a UTC instant (the first valid time if clocks skip
    midnight; the first one if it happens twice)."""
    wall = datetime(day.year, day.month, day.day)
    try:
        return to_utc(wall, zone, fold=0)
    except NonexistentTimeError as gap:
        return to_utc(gap.next_valid, zone, fold=0)


def week_start(now: datetime, zone: str) -> datetime:
    """Monday 00:00 of `now`'s week in `zone`, as a UTC instant."""
    local = from_utc(now, zone)
    return local_day_start(local.date() - timedelta(days=local.weekday()), zone)


def reach_week_over_week(
    db: Database,
    workspace_id: int,
    now: datetime,
    platforms: Sequence[Platform] | None = None,
    zone: str | None = None,
) -> ReachComparison:
    """Impressions of posts published this week so far vs the same span of last week."""
    zone = zone or workspace_zone(db, workspace_id)
    start = week_start(now, zone)
    scope = Scope(workspace_id).with_platforms(platforms)

    def reach(lo: datetime, hi: datetime) -> int:
        q = measured_targets(scope.with_range(lo, hi), func.coalesce(func.sum(S.impressions), 0))
        with db.session() as s:
            return int(s.scalar(q) or 0)

    return ReachComparison(
        start, reach(start, now), reach(start - timedelta(days=7), now - timedelta(days=7))
    )


def top_posts(db: Database, scope: Scope, limit: int = 5) -> list[TopPost]:
    """Posts with the most engagement (summed over their platforms' latest snapshots)."""
    eng = func.sum(ENGAGEMENT).label("eng")
    q = (
        measured_targets(
            scope,
            Post.id,
            Post.base_text,
            func.min(Target.published_at),
            eng,
            func.sum(S.impressions),
        )
        .group_by(Post.id, Post.base_text)
        .order_by(eng.desc(), Post.id)
        .limit(limit)
    )
    with db.session() as s:
        rows = s.execute(q).all()
        ids = [r[0] for r in rows]
        platforms: dict[int, list[Platform]] = {i: [] for i in ids}
        if ids:
            for post_id, platform in s.execute(
                select(Target.post_id, Account.platform)
                .join(Account, Account.id == Target.account_id)
                .where(*target_conditions(scope), Target.post_id.in_(ids))
                .join(Post, Post.id == Target.post_id)
                .order_by(Target.post_id, Account.platform)
            ):
                if Platform(platform) not in platforms[post_id]:
                    platforms[post_id].append(Platform(platform))
    return [
        TopPost(r[0], r[1] or "", r[2], int(r[3] or 0), int(r[4] or 0), tuple(platforms[r[0]]))
        for r in rows
    ]


def workspace_summary(
    db: Database,
    workspace_id: int,
    start: datetime | None,
    end: datetime | None,
    platforms: Sequence[Platform] | None,
    now: datetime,
    top: int = 5,
) -> WorkspaceSummary:
    """Everything the dashboard shows for one workspace, range and platform filter.

    Platform totals, heatmaps and (when the range covers last week and this one) the
    week-over-week reach come from one pass over the targets (`_one_pass`): the same
    numbers as platform_totals / heatmaps / reach_week_over_week, for a third of the work."""
    zone = workspace_zone(db, workspace_id)
    scope = Scope(workspace_id, start, end).with_platforms(platforms)
    this_week = week_start(now, zone)
    reach_span = (this_week - timedelta(days=7), now)
    covers_reach = (start is None or start <= reach_span[0]) and (end is None or end >= now)
    span = reach_span if covers_reach else None
    halves = _halves(db, scope)
    if halves is None:
        totals, maps, reach = _one_pass(db, scope, zone, span)
        tops = top_posts(db, scope, top)
    else:
        # Three reads side by side on two cores: half the platforms each, then the top posts.
        with ThreadPoolExecutor(2, thread_name_prefix="herald-analytics") as pool:
            second = pool.submit(_one_pass, db, halves[1], zone, span)
            tops_future = pool.submit(top_posts, db, scope, top)
            totals, maps, reach = _one_pass(db, halves[0], zone, span)
            totals2, maps2, reach2 = second.result()
            tops = tops_future.result()
        totals += totals2
        maps.update(maps2)
        if reach is not None and reach2 is not None:
            reach = (reach[0] + reach2[0], reach[1] + reach2[1])
    return WorkspaceSummary(
        workspace_id=workspace_id,
        zone=zone,
        scope=scope,
        published=sum(t.published for t in totals),
        measured=sum(t.posts for t in totals),
        reach=ReachComparison(this_week, *reach)
        if reach is not None
        else reach_week_over_week(db, workspace_id, now, platforms, zone),
        platforms=totals,
        best_platform=best_platform(totals),
        heatmaps=maps,
        top_posts=tops,
    )


def _one_pass(
    db: Database,
    scope: Scope,
    zone: str,
    reach_span: tuple[datetime, datetime] | None,
) -> tuple[list[PlatformTotals], dict[Platform, Heatmap], tuple[int, int] | None]:
    """platform_totals + heatmaps (+ the reach of this week and last week, when `reach_span`
    = (last week's start, now) lies inside the scope) in one GROUP BY platform, hour of week.

    Each target's two representative snapshots are chosen once: the latest (totals, reach)
    and the 24 h one else the latest (heatmaps); the per-bucket sums add up to the totals."""
    platforms = _platforms(scope)
    rows: list[Any] = []
    with db.session() as s:
        bounds = _bounds(s, scope)
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
            l_rate = _rate(latest)
            d_rate = _rate(day)
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
    stats: dict[Platform, dict[str, dict[int, tuple[int, float, float]]]] = {
        p: {"rate": {}, "engagement": {}} for p in platforms
    }
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
    maps = {p: _heatmap(p, zone, by_measure) for p, by_measure in stats.items()}
    return totals, maps, (this_reach, last_reach) if reach_span is not None else None


def _rate(snapshot: Any) -> Any:
    """RATE (selection.py) for an aliased snapshot: NULL without impressions."""
    eng = cast(snapshot.likes + snapshot.shares + snapshot.comments, Float)
    return case((snapshot.impressions > 0, eng / snapshot.impressions), else_=None)


def per_post(db: Database, post_id: int) -> PostReport:
    """A post's metrics per platform, side by side, with each platform's checkpoint history."""
    with db.session() as s:
        post = s.get(Post, post_id)
        if post is None:
            raise ValueError(f"No post with id {post_id}.")
        targets = s.execute(
            select(Target.id, Account.platform, Account.handle, Target.published_at)
            .join(Account, Account.id == Target.account_id)
            .where(Target.post_id == post_id)
            .order_by(Account.platform, Target.id)
        ).all()
        points: dict[int, list[SnapshotPoint]] = {t[0]: [] for t in targets}
        if points:
            for row in s.execute(
                select(
                    S.target_id,
                    S.checkpoint,
                    S.fetched_at,
                    S.likes,
                    S.shares,
                    S.comments,
                    S.impressions,
                )
                .where(S.target_id.in_(list(points)))
                .order_by(S.fetched_at, S.id)
            ):
                points[row[0]].append(SnapshotPoint(Checkpoint(row[1]), *row[2:]))
        text = post.base_text or ""
    reports = [TargetReport(t[0], Platform(t[1]), t[2], t[3], points[t[0]]) for t in targets]
    return PostReport(post_id, text, reports)
