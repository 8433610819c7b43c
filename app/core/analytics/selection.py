"""The SQL building blocks every aggregate shares.

- `Scope`: which published targets count (workspace, publish-time range, platforms).
- `measured_targets(scope, prefer_24h)`: one row per published target with the snapshot that
  represents it: the 24 h checkpoint when `prefer_24h` (falling back to the latest snapshot
  when the 24 h one is missing), else the latest snapshot. `measured(scope)`: the same
  targets with their `target_measures` row (both choices' numbers, kept by the database),
  which the heavy aggregates read without touching a snapshot row.
- `hour_of_week(...)` (= `hour_of_week_of(local_time_key(...))`): the publish time's hour of
  the week (0 = Monday 00:00) in the workspace's zone, computed in SQL. PostgreSQL knows the IANA zones (`AT TIME ZONE`);
  SQLite gets the zone's UTC offsets as a CASE over the DST transitions in the range, so
  "Tuesday 09:00" means the user's Tuesday 09:00 on both sides of a DST change.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    Select,
    and_,
    case,
    cast,
    extract,
    func,
    literal,
    select,
)
from sqlalchemy.sql.elements import ColumnElement

from app.core.ideas_tables import PostLabel
from app.core.models import (
    Account,
    AnalyticsSnapshot,
    Post,
    Target,
    TargetStatus,
)
from app.core.models_measures import TargetMeasure
from app.core.timeutil import zone_info
from app.platforms.names import Platform


@dataclass(frozen=True)
class Scope:
    workspace_id: int
    start: datetime | None = None  # published_at >= start
    end: datetime | None = None  # published_at < end
    platforms: tuple[Platform, ...] | None = None
    #: only these accounts' targets / posts carrying one of these labels (issue 22)
    account_ids: tuple[int, ...] | None = None
    label_ids: tuple[int, ...] | None = None
    #: only targets with lo <= id < hi: a part of the scope, for reading it in parts side by
    #: side (aggregates.heatmaps); the parts' sums add up to the whole's
    id_range: tuple[int, int] | None = None

    def with_range(self, start: datetime | None, end: datetime | None) -> Scope:
        return replace(self, start=start, end=end)

    def with_platforms(self, platforms: Sequence[Platform] | None) -> Scope:
        chosen = tuple(Platform(p) for p in platforms) if platforms else None
        return replace(self, platforms=chosen)


def target_conditions(scope: Scope) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        # Rendered as a literal: with a bound parameter SQLite cannot use its statistics and
        # walks a one-workspace database's targets by account through the index, at twice
        # the cost of a scan (an integer, never text from a user).
        Account.workspace_id == literal(int(scope.workspace_id), literal_execute=True),
        Target.status == TargetStatus.PUBLISHED,
        Target.published_at.is_not(None),
        # The few deleted posts from their partial index, rather than each target's post read
        # to look at its deleted_at (a tenth of the heatmap's cost over 250,000 targets).
        Target.post_id.not_in(select(Post.id).where(Post.deleted_at.is_not(None))),
    ]
    if scope.start is not None:
        conditions.append(Target.published_at >= scope.start)
    if scope.end is not None:
        conditions.append(Target.published_at < scope.end)
    if scope.platforms:
        conditions.append(Account.platform.in_(list(scope.platforms)))
    if scope.account_ids:
        conditions.append(Target.account_id.in_(list(scope.account_ids)))
    if scope.label_ids:
        labelled = select(PostLabel.post_id).where(PostLabel.label_id.in_(list(scope.label_ids)))
        conditions.append(Target.post_id.in_(labelled))
    if scope.id_range is not None:
        conditions += [Target.id >= scope.id_range[0], Target.id < scope.id_range[1]]
    return conditions


def account_join(scope: Scope) -> ColumnElement[bool]:
    """Targets to their account. For a part of the scope (`id_range`) the account side is
    written `account_id + 0` so that SQLite reads the part's targets by id range instead of
    walking them account by account through ix_targets_account_id (measured 200 ms against
    140 ms for half of 250,000 targets)."""
    if scope.id_range is not None:
        return Account.id == Target.account_id + 0
    return Account.id == Target.account_id


M = TargetMeasure


def chosen_snapshot_id(prefer_24h: bool) -> ColumnElement[Any]:
    """The id of the snapshot that represents a target (with `target_measures` joined): its
    newest 24 h one (when asked and present), else its newest. "Newest" is the last stored
    (highest id): snapshots are stored as they are fetched. The database keeps both ids in
    `target_measures` as snapshots arrive (migration 0018), so choosing costs one
    primary-key look-up per target instead of two correlated index searches."""
    if not prefer_24h:
        return M.__table__.c.latest_id
    return func.coalesce(M.day_id, M.latest_id)


S = AnalyticsSnapshot
ENGAGEMENT = S.likes + S.shares + S.comments
# Per-target rate; NULL without impressions, so AVG/COUNT skip it.
RATE = case((S.impressions > 0, cast(ENGAGEMENT, Float) / S.impressions), else_=None)

# The same two, of the chosen snapshot (24 h else latest), straight from target_measures.
CHOSEN_ENGAGEMENT = cast(M.chosen_engagement, Float)
CHOSEN_RATE = case((M.chosen_impressions > 0, CHOSEN_ENGAGEMENT / M.chosen_impressions), else_=None)
# ... and of the latest snapshot.
LATEST_RATE = case(
    (M.impressions > 0, cast(M.likes + M.shares + M.comments, Float) / M.impressions),
    else_=None,
)


def measured(scope: Scope, *columns: Any, outer: bool = False) -> Select[Any]:
    """SELECT columns FROM published targets JOIN target_measures (LEFT JOIN with `outer`:
    targets without a snapshot too, with NULL measures); no snapshot row is read."""
    return (
        select(*columns)
        .select_from(Target)
        .join(Account, account_join(scope))
        .join(M, M.target_id == Target.id, isouter=outer)
        .where(and_(*target_conditions(scope)))
    )


def measured_targets(
    scope: Scope, *columns: Any, prefer_24h: bool = False, outer: bool = False
) -> Select[Any]:
    """SELECT columns FROM published targets JOIN their representative snapshot (LEFT JOIN
    with `outer`: targets without a snapshot too, with NULL metrics)."""
    return measured(scope, *columns, outer=outer).join(
        S, S.id == chosen_snapshot_id(prefer_24h), isouter=outer
    )


# ------------------------------------------------------------------ hour of week


def offset_segments(zone: str, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """[(from_utc, utc_offset_seconds), ...] covering [start, end] in `zone`; the first entry
    starts at `start`. Transitions are found day by day, then to the second by bisection."""
    tz = zone_info(zone)

    def offset(t: datetime) -> int:
        delta = t.astimezone(tz).utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0

    start, end = start.astimezone(UTC), end.astimezone(UTC)
    segments = [(start, offset(start))]
    day = timedelta(days=1)
    t = start
    while t < end:
        nxt = min(t + day, end)
        if offset(nxt) != segments[-1][1]:
            lo, hi = t, nxt  # offset(lo) == current, offset(hi) != current
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if offset(mid) == segments[-1][1]:
                    lo = mid
                else:
                    hi = mid
            segments.append((hi.replace(microsecond=0), offset(hi)))
        t = nxt
    return segments


def local_time_key(dialect: str, zone: str, start: datetime, end: datetime) -> ColumnElement[int]:
    """Per row, an integer that `hour_of_week_of` turns into the publish time's hour of the
    week in `zone`: PostgreSQL gives that hour directly (AT TIME ZONE knows the zone);
    SQLite gives the local time in seconds since 1970, the UTC time plus the zone's offset,
    taken from a CASE over the zone's DST transitions between `start` and `end` (rows
    outside get the nearest segment's offset)."""
    if dialect == "postgresql":
        local = func.timezone(zone, Target.published_at)
        return cast((extract("isodow", local) - 1) * 24 + extract("hour", local), Integer)
    segments = offset_segments(zone, start, end)
    if len(segments) == 1:
        offset: ColumnElement[Any] = literal(segments[0][1])
    else:
        whens = [
            (Target.published_at < boundary, literal(segments[i][1]))
            for i, (boundary, _off) in enumerate(segments[1:])
        ]
        offset = case(*whens, else_=literal(segments[-1][1]))
    return _unix_seconds(Target.published_at) + offset


def _unix_seconds(column: Any) -> ColumnElement[int]:
    """Seconds since 1970 of a stored UTC time on SQLite. unixepoch() (SQLite 3.38+) is about
    a fifth cheaper than strftime('%s') over a quarter of a million rows; same result."""
    if sqlite3.sqlite_version_info >= (3, 38):
        return func.unixepoch(column)
    return cast(func.strftime("%s", column), Integer)


def hour_of_week_of(dialect: str, key: ColumnElement[int]) -> ColumnElement[int]:
    """0..167 (Monday 00:00 = 0) from `local_time_key`."""
    if dialect == "postgresql":
        return key
    # 1970-01-01 was a Thursday (weekday 3 with Monday = 0). Integer division in SQLite.
    return ((key // 86400 + 3) % 7) * 24 + (key % 86400) // 3600


def hour_of_week(dialect: str, zone: str, start: datetime, end: datetime) -> ColumnElement[int]:
    """SQL for the hour of the week (0..167) of Target.published_at in `zone`."""
    return hour_of_week_of(dialect, local_time_key(dialect, zone, start, end))
