"""Changing the accounts of several posts at once: each post publishes to exactly the accounts
chosen. A per-account text of an account a post leaves is kept in the BulkChange, so undo
gives it back. A post already sent (or being sent) to an account it would leave stays as it
is; a scheduled post that breaks a new network's rules stays too (open it to see why)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import approvals, audit
from app.core.engine.handoff import announce_due
from app.core.models import Account, Post, PostStatus, Target, TargetStatus
from app.core.posts import PostError
from app.core.posts.targets import refresh_status
from app.core.queues.held import check_rules

_SENT = (TargetStatus.PUBLISHED, TargetStatus.IN_FLIGHT)


def workspace_accounts(s: Session, workspace_id: int, wanted: Sequence[int]) -> list[int]:
    """The accounts of `wanted` that belong to the workspace (in the order given)."""
    ours = set(
        s.scalars(
            select(Account.id).where(Account.workspace_id == workspace_id, Account.id.in_(wanted))
        )
    )
    return [a for a in wanted if a in ours]


def set_accounts(
    s: Session,
    post: Post,
    wanted: Sequence[int],
    overrides: Mapping[int, str | None],
    now: datetime,
) -> dict[int, str | None]:
    """Make `post` publish to exactly `wanted` (new targets get `overrides`' texts). Returns
    the per-account texts of the accounts it left. Raises PostError (nothing changed: the
    caller's savepoint is rolled back) when it can't."""
    if not wanted:
        raise PostError("Choose at least one account to publish to.")
    current = {t.account_id: t for t in post.targets}
    leaving = [t for a, t in current.items() if a not in wanted]
    if any(TargetStatus(t.status) in _SENT for t in leaving):
        raise PostError("it already went out (or is going out) on an account it would leave")
    draft = PostStatus(post.status) == PostStatus.DRAFT
    left = {t.account_id: t.content_override for t in leaving}
    for t in leaving:
        post.targets.remove(t)
    for account_id in wanted:
        if account_id in current:
            continue
        post.targets.append(
            Target(
                account_id=account_id,
                content_override=overrides.get(account_id),
                status=TargetStatus.DRAFT if draft else TargetStatus.QUEUED,
                next_attempt_at=None if draft else post.scheduled_at,
                updated_at=now,
            )
        )
    s.flush()
    if not draft:
        s.refresh(post, ["targets"])
        check_rules(post)  # SchedulingError is a PostError
    post.updated_at = now
    post.content_version += 1
    approvals.on_edit(post)
    refresh_status(post, draft=draft)
    announce_due(s)
    audit.record(s, "edit", post, now)
    return left
