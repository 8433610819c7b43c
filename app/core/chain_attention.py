"""A person settles a chain part or first comment the engine could not (issue 19), from the
problems panel: a part waiting for confirmation (its lease ran out and the network could not
say whether it went out) did go out, or did not and is sent once more now.

A part confirmed as published has no platform id Herald knows, and a reply needs one: the
parts after it on that account cannot be sent as replies, so they fail with that reason
(shown in the problems panel) instead of waiting for ever.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.chain_models import PART, TargetPart
from app.core.chain_problems import part_label
from app.core.engine.handoff import announce_due
from app.core.engine.txn import lock_posts, refresh_post_status
from app.core.enums import TargetStatus
from app.core.models import Post, Target

NO_PARENT_ID = "parent_id_unknown"


class PartResolveError(ValueError):
    """The part cannot be settled (gone, or not waiting for a confirmation)."""


def resolve_part(s: Session, part_id: int, published: bool, now: datetime) -> int:
    """Settle a part waiting for confirmation, in a caller's session; returns the workspace id
    (for the views' refresh). The caller commits."""
    part = s.get(TargetPart, part_id)
    if part is None:
        raise PartResolveError(f"No part of a thread with id {part_id}.")
    if TargetStatus(part.status) != TargetStatus.NEEDS_CONFIRMATION:
        raise PartResolveError(f"{part_label(part.kind, part.position)} is not waiting for you.")
    part.lease_until = None
    part.lease_owner = None
    part.updated_at = now
    if published:
        part.status = TargetStatus.PUBLISHED
        if part.kind == PART:
            _fail_the_rest(s, part, now)
    else:
        part.status = TargetStatus.QUEUED
        part.next_attempt_at = now
        part.maybe_sent_since = None  # the person looked: send without asking again
        part.error_code = None
        part.error_message = None
    target = s.get(Target, part.target_id)
    assert target is not None
    lock_posts(s, [target.post_id])
    refresh_post_status(s, [target.post_id], now)
    announce_due(s)
    workspace_id = s.scalar(select(Post.workspace_id).where(Post.id == target.post_id))
    return int(workspace_id or 0)


def _fail_the_rest(s: Session, part: TargetPart, now: datetime) -> None:
    later = s.scalars(
        select(TargetPart).where(
            TargetPart.target_id == part.target_id,
            TargetPart.kind == PART,
            TargetPart.status == TargetStatus.QUEUED,
            TargetPart.position > part.position,
        )
    )
    for p in later:  # (a first comment answers the post itself, whose id is known)
        p.status = TargetStatus.FAILED
        p.error_code = NO_PARENT_ID
        p.error_message = (
            f"part {part.position} went out, but Herald does not know its id, so this part "
            "cannot reply to it; post the rest of the thread by hand"
        )
        p.updated_at = now
