"""What the dashboard shows, loaded in one go off the UI thread (no Qt here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.core import besttime, platform_access
from app.core.analytics import aggregates
from app.core.analytics.aggregates import PostReport, WorkspaceSummary
from app.core.analytics.scoring import Profile
from app.core.analytics.selection import Scope
from app.core.clock import Clock
from app.core.db import Database
from app.platforms.names import Platform

TOP_POSTS = 10


@dataclass(frozen=True)
class Dashboard:
    summary: WorkspaceSummary
    profiles: dict[Platform, Profile]  # best-time scores (last 12 months) per platform shown
    ever_published: int  # in the workspace, any date, any platform
    reports: dict[int, PostReport]  # the top posts, with every snapshot (growth)
    #: accounts whose platform will not give Herald their numbers, and why
    notices: tuple[str, ...] = ()

    @property
    def shown_platforms(self) -> list[Platform]:
        return [t.platform for t in self.summary.platforms]


def load_dashboard(
    db: Database,
    clock: Clock,
    workspace_id: int,
    start: datetime,
    end: datetime,
    platforms: Sequence[Platform] | None,
    *,
    accounts: Sequence[int] = (),
    labels: Sequence[int] = (),
) -> Dashboard:
    """`accounts` / `labels`: only those accounts' posts / posts with one of those labels."""
    now = clock.now()
    summary = aggregates.workspace_summary(
        db, workspace_id, start, end, platforms, now, top=TOP_POSTS,
        accounts=accounts, labels=labels,
    )  # fmt: skip
    ever = aggregates.published_count(db, Scope(workspace_id))
    shown = [t.platform for t in summary.platforms]
    profiles = besttime.profiles(db, workspace_id, shown, clock)
    reports = {p.post_id: aggregates.per_post(db, p.post_id) for p in summary.top_posts}
    notices = tuple(platform_access.analytics_notices(db, workspace_id))
    return Dashboard(summary, profiles, ever, reports, notices)
