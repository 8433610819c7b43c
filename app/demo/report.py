"""What seeding the demo did: the report it returns, and the counts read for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from app.core.accounts import AccountInfo
from app.core.db import Database
from app.core.models import AnalyticsSnapshot, Post, Target, TargetStatus
from app.demo.posting import UPCOMING_DAYS


@dataclass
class SeedReport:
    workspace_id: int
    workspace: str
    timezone: str
    days: int
    accounts: list[AccountInfo] = field(default_factory=list)
    posts: int = 0  # history posts written
    published: int = 0  # history targets the engine published
    failed: int = 0  # history targets that did not go out
    snapshots: int = 0
    upcoming: int = 0  # scheduled after the real now
    drafts: int = 0
    recommendations: int = 0  # platforms whose best times come from data
    seconds: float = 0.0

    def summary(self) -> list[str]:
        handles = ", ".join(f"{a.platform.label} {a.handle}" for a in self.accounts)
        return [
            f"workspace: {self.workspace} ({self.timezone}), {self.days} days of history "
            f"in {self.seconds:.1f} s",
            f"accounts: {len(self.accounts)} ({handles})",
            f"published: {self.published} posts, {self.failed} failed",
            f"snapshots: {self.snapshots}",
            f"upcoming: {self.upcoming} scheduled over the next {UPCOMING_DAYS} days, "
            f"{self.drafts} drafts",
            f"recommendations: best times for {self.recommendations} platforms",
        ]


def history_counts(db: Database, workspace_id: int, before: datetime) -> tuple[int, int]:
    with db.session() as s:
        rows = s.execute(
            select(Target.status, func.count(Target.id))
            .join(Post, Post.id == Target.post_id)
            .where(Post.workspace_id == workspace_id, Post.scheduled_at < before)
            .group_by(Target.status)
        ).all()
    counts = {TargetStatus(status): int(n) for status, n in rows}
    published = counts.pop(TargetStatus.PUBLISHED, 0)
    return published, sum(counts.values())


def count_snapshots(db: Database, workspace_id: int) -> int:
    with db.session() as s:
        return int(
            s.scalar(
                select(func.count(AnalyticsSnapshot.id))
                .join(Target, Target.id == AnalyticsSnapshot.target_id)
                .join(Post, Post.id == Target.post_id)
                .where(Post.workspace_id == workspace_id)
            )
            or 0
        )
