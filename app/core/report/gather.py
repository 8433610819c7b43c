"""Gather a client report's figures through the analytics services the dashboard uses.

The period is whole days in the workspace's zone, both included; the summary and the top
posts count the posts published in it, the best-time maps are the Best times view's scores
(the last 12 months of the workspace's posts, shrunk toward the network's typical week).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from app.core import besttime
from app.core.analytics import aggregates
from app.core.analytics.reports import PlatformTotals, TopPost
from app.core.analytics.scoring import Profile
from app.core.clock import Clock, SystemClock
from app.core.db import Database
from app.core.report.model import (
    BestPlatform,
    BestTimesMap,
    ClientReport,
    NetworkFigures,
    TopPostRow,
)
from app.core.timeutil import from_utc
from app.core.workspaces import WorkspaceError, WorkspaceService
from app.platforms.names import Platform

TOP_POSTS = 10
EXCERPT = 160
#: progress callback: (percent 0-100, what is being done)
Progress = Callable[[int, str], None]


class ReportError(ValueError):
    """Bad input for a report (a date, an unknown workspace): one line for a person."""


def _quiet(_percent: int, _what: str) -> None:
    pass


def parse_day(text: str, what: str = "date") -> date:
    """YYYY-MM-DD -> date; ReportError naming the bad text otherwise."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ReportError(f"The {what} {text!r} is not a date like 2026-03-01.") from None


def pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _figures(t: PlatformTotals) -> NetworkFigures:
    return NetworkFigures(
        t.platform,
        t.published,
        t.posts,
        t.impressions if t.impressions_reported else None,
        t.likes,
        t.shares,
        t.comments,
        t.avg_rate if t.impressions_reported else None,
    )


def best_platform_why(networks: Sequence[NetworkFigures], best: Platform | None) -> str:
    """Why `best` (aggregates.best_platform's choice) is the best, in words."""
    measured = [n for n in networks if n.measured > 0]
    chosen = next((n for n in measured if n.platform == best), None)
    if chosen is None:
        return ""
    posts = _plural(chosen.measured, "measured post")
    rated = sorted((n for n in measured if n.rate is not None), key=lambda n: -(n.rate or 0.0))
    if len(measured) == 1:
        why = f"{chosen.label} was the only network with measured posts in this period ({posts}"
        why += f", {pct(chosen.rate)} average engagement rate)." if chosen.rate else ")."
    elif chosen.rate is not None:
        why = (
            f"{chosen.label} had the highest average engagement rate: {pct(chosen.rate)} "
            f"over {posts}"
        )
        runner = next((n for n in rated if n.platform != chosen.platform), None)
        why += f" (next: {runner.label}, {pct(runner.rate)})." if runner is not None else "."
    else:
        why = (
            f"{chosen.label} had the most engagements ({chosen.engagement:,} over {posts}); "
            "no network reported impressions, so engagements are compared instead."
        )
    unrated = [n.label for n in measured if n.rate is None and n.platform != chosen.platform]
    if unrated and chosen.rate is not None:
        names = ", ".join(unrated)
        verb = "reports" if len(unrated) == 1 else "report"
        why += f" {names} {verb} no impressions, so {'it is' if len(unrated) == 1 else 'they are'}"
        why += " not ranked by rate."
    return why


def _basis(profile: Profile, until: date) -> str:
    name = profile.platform.label
    if profile.posts == 0:
        return (
            f"No posts of yours on {name} in the 12 months to {until:%d %b %Y}: these are the "
            f"hours of the typical {name} week (low confidence)."
        )
    measure = (
        f" Scores are engagements per post: {name} reports no impressions."
        if profile.measure == "engagement"
        else ""
    )
    return (
        f"From {_plural(profile.posts, 'post')} of yours (12 months to {until:%d %b %Y}); "
        f"hours with few or none of them lean on the typical {name} week.{measure}"
    )


def _best_times(profile: Profile, until: date) -> BestTimesMap:
    return BestTimesMap(
        profile.platform,
        profile.measure,
        tuple(profile.scores),
        tuple(profile.samples),
        profile.posts,
        tuple(profile.top(3)),
        _basis(profile, until),
    )


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1].rstrip() + "…"


def _top_row(post: TopPost, zone: str, unreported: set[Platform]) -> TopPostRow:
    none_report = bool(post.platforms) and all(p in unreported for p in post.platforms)
    some_missing = any(p in unreported for p in post.platforms)
    impressions = None if none_report else post.impressions
    rate = post.engagement / post.impressions if post.impressions and not some_missing else None
    return TopPostRow(
        post.post_id,
        _excerpt(post.text),
        post.platforms,
        from_utc(post.first_published_at, zone),
        post.engagement,
        impressions,
        rate,
    )


def _filters_text(
    platforms: Sequence[Platform] | None, accounts: Sequence[int], labels: Sequence[int]
) -> str:
    parts = []
    if platforms:
        parts.append(", ".join(Platform(p).label for p in platforms) + " only")
    if accounts:
        parts.append(_plural(len(accounts), "chosen account"))
    if labels:
        parts.append("posts with " + _plural(len(labels), "chosen label"))
    return "; ".join(parts)


def gather(
    db: Database,
    workspace: int | str,
    first: date,
    last: date,
    clock: Clock | None = None,
    *,
    platforms: Sequence[Platform] | None = None,
    accounts: Sequence[int] = (),
    labels: Sequence[int] = (),
    top: int = TOP_POSTS,
    progress: Progress = _quiet,
) -> ClientReport:
    """The report of `workspace` (id or name) for the days `first`..`last` in its zone."""
    if first > last:
        raise ReportError(f"The period starts ({first}) after it ends ({last}).")
    service = WorkspaceService(db)
    try:
        info = service.by_name(workspace) if isinstance(workspace, str) else service.get(workspace)
    except WorkspaceError as exc:
        raise ReportError(str(exc)) from None
    now = (clock or SystemClock()).now()
    zone = info.timezone
    start = aggregates.local_day_start(first, zone)
    end = aggregates.local_day_start(last + timedelta(days=1), zone)
    progress(5, "Reading the period's posts…")
    summary = aggregates.workspace_summary(
        db, info.id, start, end, platforms, now, top=top, accounts=accounts, labels=labels
    )
    networks = tuple(_figures(t) for t in summary.platforms if t.published > 0)
    progress(45, "Scoring the best times…")
    shown = [n.platform for n in networks]
    profiles = besttime.profiles(db, info.id, shown, clock) if shown else {}
    today = from_utc(now, zone).date()
    maps = tuple(_best_times(profiles[p], today) for p in shown)
    progress(70, "Ranking the top posts…")
    unreported = {n.platform for n in networks if n.measured and n.impressions is None}
    reporting = [n for n in networks if n.impressions is not None and n.measured]
    impressions = sum(n.impressions or 0 for n in reporting) if reporting else None
    rated_eng = sum(n.engagement for n in reporting)
    best = aggregates.best_platform(summary.platforms)
    return ClientReport(
        workspace_id=info.id,
        workspace=info.name,
        zone=zone,
        first=first,
        last=last,
        start=start,
        end=end,
        generated_at=now,
        filters=_filters_text(platforms, accounts, labels),
        published=summary.published,
        measured=summary.measured,
        impressions=impressions,
        engagement=sum(n.engagement for n in networks),
        rate=rated_eng / impressions if impressions else None,
        networks=networks,
        best=BestPlatform(best, best_platform_why(networks, best)) if best else None,
        best_times=maps,
        top_posts=tuple(_top_row(p, zone, unreported) for p in summary.top_posts),
    )


def default_period(now: datetime, zone: str, days: int) -> tuple[date, date]:
    """The last `days` days to today (in `zone`), both included."""
    today = from_utc(now, zone).date()
    return today - timedelta(days=days - 1), today
