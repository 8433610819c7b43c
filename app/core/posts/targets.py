"""A post's targets changing state inside a write: queued for a time, the post's status
derived again, its place in a posting queue given up or taken back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.core.chains import chain_statuses_of
from app.core.models import Post, Target, TargetStatus
from app.core.poststatus import derive_post_status


def refresh_status(post: Post, *, draft: bool = False) -> None:
    statuses = [TargetStatus(t.status) for t in post.targets]
    statuses += chain_statuses_of(post)  # a chain's parts count (issue 19)
    draft = draft and not any(s == TargetStatus.PUBLISHED for s in statuses)
    post.status = derive_post_status(statuses, is_draft=draft)


def in_flight(post: Post) -> bool:
    return any(TargetStatus(t.status) == TargetStatus.IN_FLIGHT for t in post.targets)


def queue(target: Target, when: datetime, now: datetime) -> None:
    """Due at `when`, as if never tried: attempts, lease and error cleared."""
    target.status = TargetStatus.QUEUED
    target.next_attempt_at = when
    target.attempts = 0
    target.lease_until = None
    target.lease_owner = None
    target.error_code = None
    target.error_message = None
    target.updated_at = now


def queue_removed(s: Session, post: Post, now: datetime) -> None:
    # A queued post left its slot: the later ones of its queues move up (issue 22).
    from app.core.queues.placement import after_removal

    after_removal(s, post, now)


def queue_restored(s: Session, post: Post, now: datetime) -> None:
    # A deleted queued post came back (Ctrl+Z): the posts pulled into its slot move back.
    from app.core.queues.placement import after_restore

    after_restore(s, post, now)
