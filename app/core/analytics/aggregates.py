"""Aggregates for the dashboard, the best-time recommender and reports. GROUP BY runs in SQL.

Definitions (one place): engagement = likes + shares + comments; a post's engagement rate =
engagement / impressions when impressions > 0 (posts without impressions have no rate and
are left out of rate averages). "Posts" below are published targets: one post published on
three platforms counts once per platform.

The parts: reports (the values), heatmap_stats (per hour of week), one_pass (the dashboard's
single GROUP BY), post_report (one post). Everything is importable from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from app.core.analytics.heatmap_stats import (
    add_sums,
    grouped_heatmaps,
    grouped_sums,
    heatmap_of,
    heatmaps_of,
)
from app.core.analytics.one_pass import finish, one_pass, pass_sums
from app.core.analytics.post_report import per_post
from app.core.analytics.reports import (
    BUCKETS,
    WEEKDAYS,
    Heatmap,
    PlatformTotals,
    PostReport,
    ReachComparison,
    SnapshotPoint,
    TargetReport,
    TopPost,
    WorkspaceSummary,
)
from app.core.analytics.selection import (
    M,
    S,
    Scope,
    measured,
    measured_targets,
    target_conditions,
)
from app.core.db import Database
from app.core.models import Account, Post, Target, Workspace
from app.core.timeutil import NonexistentTimeError, from_utc, to_utc
from app.platforms.names import Platform

__all__ = [
    "BUCKETS",
    "WEEKDAYS",
    "Heatmap",
    "PlatformTotals",
    "PostReport",
    "ReachComparison",
    "Scope",
    "SnapshotPoint",
    "TargetReport",
    "TopPost",
    "WorkspaceSummary",
    "best_platform",
    "heatmap",
    "heatmaps",
    "local_day_start",
    "per_post",
    "platform_totals",
    "published_count",
    "reach_week_over_week",
    "top_posts",
    "week_start",
    "workspace_summary",
    "workspace_zone",
]

# The parts under their former names (the consistency tests and the bench call them).
_heatmap = heatmap_of
_heatmaps = grouped_heatmaps
_one_pass = one_pass

# ------------------------------------------------------------------ helpers


def workspace_zone(db: Database, workspace_id: int) -> str:
    with db.session() as s:
        zone = s.scalar(select(Workspace.timezone).where(Workspace.id == workspace_id))
    if zone is None:
        raise ValueError(f"No workspace with id {workspace_id}.")
    return zone


# ------------------------------------------------------------------ aggregates


def heatmaps(db: Database, scope: Scope, zone: str | None = None) -> dict[Platform, Heatmap]:
    """One 168-bucket heatmap per platform in scope (every platform when none is chosen).

    On a SQLite file the targets are split in two halves by id, queried side by side
    (SQLite lets go of the GIL while it runs a query) and their sums added: the best-time
    recompute takes about half the time on two cores, whatever the platforms' shares."""
    zone = zone or workspace_zone(db, scope.workspace_id)
    halves = _halves(db, scope)
    if halves is None:
        return grouped_heatmaps(db, scope, zone)
    with ThreadPoolExecutor(1, thread_name_prefix="herald-analytics") as pool:
        second = pool.submit(grouped_sums, db, halves[1], zone)
        first = grouped_sums(db, halves[0], zone)
        both = add_sums(first, second.result())
    return heatmaps_of(scope, zone, both)


def _parallel(db: Database) -> bool:
    """Whether a second thread may read at the same time: a SQLite file (WAL) has a
    connection per reader; in-memory SQLite has one database per connection, so no."""
    url = db.engine.url
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")


#: Below this many targets a second thread costs more than it saves.
PARALLEL_MIN_TARGETS = 20_000


def _halves(db: Database, scope: Scope) -> tuple[Scope, Scope] | None:
    """The scope's targets in two halves by id (for SQLite, the table's own order: each half
    is a range read), or None where a second reader does not pay."""
    if not _parallel(db):
        return None
    with db.session() as s:
        lo, hi = s.execute(select(func.min(Target.id), func.max(Target.id))).one()
    if lo is None or hi - lo < PARALLEL_MIN_TARGETS:
        return None
    middle = (lo + hi + 1) // 2
    return replace(scope, id_range=(lo, middle)), replace(scope, id_range=(middle, hi + 1))


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

    Computed by the dashboard's single pass (`one_pass`), so the figures are the very ones
    the dashboard shows (a mean summed in another order can differ in the last digit)."""
    return one_pass(db, scope, workspace_zone(db, scope.workspace_id), None)[0]


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
    wall = datetime(day.year, day.month, day.day)  # noqa: DTZ001 a wall time in the zone, made aware by to_utc
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
    """Posts with the most engagement (summed over their platforms' latest snapshots).

    Grouped by the targets' post id alone, from target_measures (no snapshot row and no post
    text in the sort); the few winners' texts and platforms are read afterwards."""
    eng = func.sum(M.likes + M.shares + M.comments).label("eng")
    q = (
        measured(
            scope,
            Target.post_id,
            func.min(Target.published_at),
            eng,
            func.sum(M.impressions),
        )
        .group_by(Target.post_id)
        .order_by(eng.desc(), Target.post_id)
        .limit(limit)
    )
    with db.session() as s:
        rows = s.execute(q).all()
        ids = [r[0] for r in rows]
        platforms: dict[int, list[Platform]] = {i: [] for i in ids}
        texts: dict[int, str | None] = {}
        if ids:
            text_q = select(Post.id, Post.base_text).where(Post.id.in_(ids))
            texts = {int(i): text for i, text in s.execute(text_q)}
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
        TopPost(
            r[0],
            texts.get(r[0]) or "",
            r[1],
            int(r[2] or 0),
            int(r[3] or 0),
            tuple(platforms[r[0]]),
        )
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
    *,
    accounts: Sequence[int] | None = None,
    labels: Sequence[int] | None = None,
) -> WorkspaceSummary:
    """Everything the dashboard shows for one workspace, range and platform filter.

    Platform totals, heatmaps and (when the range covers last week and this one) the
    week-over-week reach come from one pass over the targets (`one_pass`): the same
    numbers as platform_totals / heatmaps / reach_week_over_week, for a third of the work."""
    zone = workspace_zone(db, workspace_id)
    scope = Scope(
        workspace_id, start, end, None, tuple(accounts or ()) or None, tuple(labels or ()) or None
    ).with_platforms(platforms)
    this_week = week_start(now, zone)
    reach_span = (this_week - timedelta(days=7), now)
    covers_reach = (start is None or start <= reach_span[0]) and (end is None or end >= now)
    span = reach_span if covers_reach else None
    halves = _halves(db, scope)
    if halves is None:
        totals, maps, reach = one_pass(db, scope, zone, span)
        tops = top_posts(db, scope, top)
    else:
        # Three reads side by side on two cores: half the targets each, then the top posts.
        with ThreadPoolExecutor(2, thread_name_prefix="herald-analytics") as pool:
            second = pool.submit(pass_sums, db, halves[1], zone, span)
            tops_future = pool.submit(top_posts, db, scope, top)
            first = pass_sums(db, halves[0], zone, span)
            totals, maps, reach = finish(scope, zone, first.add(second.result()), span)
            tops = tops_future.result()
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
