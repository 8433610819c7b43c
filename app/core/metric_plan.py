"""Plan the analytics fetches for a freshly published target: 1 h, 6 h, 24 h and 7 d after."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.core.models import Checkpoint, MetricTask, TaskStatus

CHECKPOINT_DELAYS: dict[Checkpoint, timedelta] = {
    Checkpoint.H1: timedelta(hours=1),
    Checkpoint.H6: timedelta(hours=6),
    Checkpoint.H24: timedelta(hours=24),
    Checkpoint.D7: timedelta(days=7),
}


def plan_checkpoints(session: Session, target_id: int, published_at: datetime) -> None:
    """Insert the four MetricTask rows in the caller's transaction (idempotent)."""
    plan_checkpoints_many(session, {target_id: published_at})


def plan_checkpoints_many(session: Session, published: Mapping[int, datetime]) -> None:
    """`plan_checkpoints` for many targets (target id -> published at): one read of what is
    planned already and one executemany insert, not an ORM flush per target."""
    if not published:
        return
    existing = {
        (target_id, checkpoint)
        for target_id, checkpoint in session.execute(
            select(MetricTask.target_id, MetricTask.checkpoint).where(
                MetricTask.target_id.in_(sorted(published))
            )
        )
    }
    rows = [
        {
            "target_id": target_id,
            "checkpoint": checkpoint,
            "due_at": at + delay,
            "status": TaskStatus.QUEUED,
            "attempts": 0,
        }
        for target_id, at in sorted(published.items())
        for checkpoint, delay in CHECKPOINT_DELAYS.items()
        if (target_id, checkpoint) not in existing
    ]
    if rows:
        session.execute(insert(MetricTask), rows)
