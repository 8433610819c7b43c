"""The problems list's rows for chain parts and first comments (issue 19): FAILED parts of a
workspace's live posts beside its failed targets, and how one reads."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.chain_models import COMMENT, TargetPart
from app.core.enums import TargetStatus
from app.core.models import Account, Post, Target


def failed_part_rows(s: Session, workspace_id: int, limit: int) -> list[tuple[Any, ...]]:
    """FAILED chain parts and first comments of a workspace's live posts, and those waiting
    for a person's confirmation, newest first, as (target id, post id, account id, platform,
    handle, kind, position, error code, error message, post text, scheduled at, part id,
    status): the problems list shows them beside failed targets."""
    return [
        tuple(r)
        for r in s.execute(
            select(
                Target.id,
                Target.post_id,
                Account.id,
                Account.platform,
                Account.handle,
                TargetPart.kind,
                TargetPart.position,
                TargetPart.error_code,
                TargetPart.error_message,
                Post.base_text,
                Post.scheduled_at,
                TargetPart.id,
                TargetPart.status,
            )
            .join(Target, Target.id == TargetPart.target_id)
            .join(Post, Post.id == Target.post_id)
            .join(Account, Account.id == Target.account_id)
            .where(
                Post.workspace_id == workspace_id,
                Post.deleted_at.is_(None),
                TargetPart.status.in_([TargetStatus.FAILED, TargetStatus.NEEDS_CONFIRMATION]),
            )
            .order_by(TargetPart.updated_at.desc(), TargetPart.id.desc())
            .limit(limit)
        )
    ]


def part_label(kind: str, position: int) -> str:
    return "the first comment" if kind == COMMENT else f"part {position} of the thread"


def failure_text(
    kind: str, position: int, message: str | None, status: str = TargetStatus.FAILED
) -> str:
    """How a failed (or doubtful) part reads in the problems list."""
    if status == TargetStatus.NEEDS_CONFIRMATION:
        return f"{part_label(kind, position)}: did it go out before Herald stopped?"
    reason = message or "no reason given"
    if kind == COMMENT:
        return f"post published, comment failed — retry ({reason})"
    return f"part {position} of the thread: {reason}"
