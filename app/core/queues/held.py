"""Posts held while their queue was paused, put back in order into the next free slots when
it resumes; each is checked against the content rules first (one that fails stays held)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.core.constraints import effective_text, validate
from app.core.models import Post, QueuedPost
from app.core.posts import SchedulingError, facts_of
from app.core.queues import placement
from app.core.queues.lookups import account_labels, any_paused
from app.core.queues.placement import QueueError
from app.platforms.names import Platform


def place_held(s: Session, workspace_id: int, now: datetime) -> int:
    """Schedule the workspace's held posts whose queues are no longer paused; how many."""
    entries = s.scalars(
        select(QueuedPost)
        .where(QueuedPost.workspace_id == workspace_id, QueuedPost.held.is_(True))
        .order_by(QueuedPost.position)
    ).all()
    placed = 0
    last: dict[int, datetime] = {}
    zone = placement.zone_of(s, workspace_id)
    taken = placement.occupancy(s, workspace_id, now)
    for entry in entries:
        post = s.get(Post, entry.post_id, options=[selectinload(Post.targets)])
        if post is None or post.deleted_at is not None:
            continue
        ids = placement.accounts_of(post)
        if not ids or any_paused(s, ids):
            continue
        try:
            check_rules(post)
            slots = placement.common_slots(s, ids, account_labels(s, ids))
        except (QueueError, SchedulingError):
            continue  # stays held; opening it in the composer says why
        bound = max([now, *(last[a] for a in ids if a in last)])
        when = placement.first_free(slots, zone, bound, ids, taken)
        taken.take(ids, when)
        for a in ids:
            last[a] = when
        placement.schedule_at(s, post, when, now)
        placed += 1
    return placed


def check_rules(post: Post) -> None:
    """The content rules, as Schedule applies them (errors block, warnings do not)."""
    facts = [facts_of(link.media) for link in post.media_links]
    messages = []
    for t in post.targets:
        platform = Platform(t.account.platform)
        text = effective_text(post.base_text, t.content_override)
        for w in validate(platform, text, facts):
            if w.severity == "error":
                messages.append(f"{platform.label} ({t.account.handle}): {w.message}")
    if messages:
        raise SchedulingError(messages)
