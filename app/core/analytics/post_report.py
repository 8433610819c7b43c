"""One post's metrics per platform, side by side, with each platform's checkpoint history."""

from __future__ import annotations

from sqlalchemy import select

from app.core.analytics.reports import PostReport, SnapshotPoint, TargetReport
from app.core.analytics.selection import S
from app.core.db import Database
from app.core.models import Account, Checkpoint, Post, Target
from app.platforms.names import Platform


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
