"""Posts that fell due while Herald was closed are not sent silently once they are too late.

On start, queued targets that never had an attempt and were due more than the grace period
ago (setting "engine.grace_minutes", default 15) become MISSED; the user is shown the list
and chooses to publish now or reschedule. Later ones go out as usual.

Only when nothing was being published: when another worker on the same database has
published (or is publishing) within the grace period, the backlog is being worked through,
not missed — a worker restarting beside busy ones must not take their queue away.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select, update

from app.core.db import Database
from app.core.engine.txn import lock_posts, refresh_post_status, write_session
from app.core.models import Post, Setting, Target, TargetStatus

GRACE_SETTING = "engine.grace_minutes"
DEFAULT_GRACE = timedelta(minutes=15)


@dataclass(frozen=True)
class Missed:
    target_ids: tuple[int, ...]
    post_ids: tuple[int, ...]


def grace_period(db: Database) -> timedelta:
    with db.session() as s:
        row = s.get(Setting, GRACE_SETTING)
    try:
        minutes = float(row.value) if row is not None else None
    except (TypeError, ValueError):
        minutes = None
    if minutes is None or minutes < 0:
        return DEFAULT_GRACE
    return timedelta(minutes=minutes)


def mark_missed(db: Database, now: datetime, grace: timedelta) -> Missed:
    cutoff = now - grace
    with write_session(db) as s:
        if s.scalar(select(Target.id).where(_worked_since(cutoff)).limit(1)) is not None:
            return Missed((), ())
        rows = s.execute(
            select(Target.id, Target.post_id)
            .join(Post, Post.id == Target.post_id)
            .where(
                Target.status == TargetStatus.QUEUED,
                Target.attempts == 0,
                Target.next_attempt_at < cutoff,
                Post.deleted_at.is_(None),
            )
            .order_by(Target.id)
        ).all()
        if not rows:
            return Missed((), ())
        target_ids = [r[0] for r in rows]
        post_ids = sorted({r[1] for r in rows})
        lock_posts(s, post_ids)
        s.execute(
            update(Target)
            .where(Target.id.in_(target_ids), Target.status == TargetStatus.QUEUED)
            .values(status=TargetStatus.MISSED, updated_at=now)
        )
        refresh_post_status(s, post_ids, now)
    return Missed(tuple(target_ids), tuple(post_ids))


def _worked_since(cutoff: datetime) -> ColumnElement[bool]:
    """A worker touched a target after `cutoff`: it was running then."""
    return (
        Target.status.in_(
            (
                TargetStatus.IN_FLIGHT,
                TargetStatus.PUBLISHED,
                TargetStatus.FAILED,
                TargetStatus.NEEDS_CONFIRMATION,
            )
        )
    ) & (Target.updated_at > cutoff)
