"""Plan the analytics fetches for a freshly published target: 1 h, 6 h, 24 h and 7 d after."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
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
    existing = set(
        session.scalars(select(MetricTask.checkpoint).where(MetricTask.target_id == target_id))
    )
    for checkpoint, delay in CHECKPOINT_DELAYS.items():
        if checkpoint in existing:
            continue
        session.add(
            MetricTask(
                target_id=target_id,
                checkpoint=checkpoint,
                due_at=published_at + delay,
                status=TaskStatus.QUEUED,
                attempts=0,
            )
        )
