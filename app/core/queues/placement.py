"""Where queued posts go, inside the caller's session (no commit, no events).

A slot is free for an account when no scheduled post of that account (not a draft, not
deleted) has that instant as its time. A post for several accounts goes to the first slot
that all of them have and that is free for all of them: a post has one time.

The queue's own posts are the `queued_posts` rows that are not held, whose post still sits
at the instant the queue gave it (`slot_at`), lies in the future, is not deleted, and has
every target still waiting (QUEUED): those the queue may move. Anything else, including a
queued post a person moved by hand, just occupies its time like any scheduled post.

Moving a post bumps its content_version, so a worker that claimed it a moment before the move
refuses to send the old time (the claim's pre-send check); queue moves only touch posts in the
future, which the engine does not claim yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.core.models import (
    AccountQueue,
    Post,
    PostStatus,
    QueuedPost,
    Target,
    TargetStatus,
    Workspace,
)
from app.core.poststatus import derive_post_status
from app.core.queues.slots import Slot, instants

#: How far ahead a free slot is looked for before the queue counts as full.
HORIZON = timedelta(days=366)


class QueueError(ValueError):
    """A queue request that cannot be met; the message is meant for a person."""


@dataclass
class Occupancy:
    """Which instants are taken, per account."""

    taken: dict[int, set[datetime]]

    def free(self, accounts: Iterable[int], when: datetime) -> bool:
        return all(when not in self.taken.get(a, ()) for a in accounts)

    def take(self, accounts: Iterable[int], when: datetime) -> None:
        for a in accounts:
            self.taken.setdefault(a, set()).add(when)


def queues_of(s: Session, account_ids: Iterable[int]) -> dict[int, AccountQueue]:
    ids = list(dict.fromkeys(account_ids))
    rows = s.scalars(
        select(AccountQueue)
        .where(AccountQueue.account_id.in_(ids))
        .options(selectinload(AccountQueue.slots))
    )
    return {q.account_id: q for q in rows}


def common_slots(s: Session, account_ids: Sequence[int], labels: dict[int, str]) -> set[Slot]:
    """The weekly slots every one of the accounts has; QueueError when there are none."""
    queues = queues_of(s, account_ids)
    common: set[Slot] | None = None
    for account_id in account_ids:
        queue = queues.get(account_id)
        own = {Slot(q.weekday, q.minute) for q in queue.slots} if queue else set()
        if not own:
            raise QueueError(
                f"{labels.get(account_id, f'Account {account_id}')} has no queue slots yet; "
                "set them in Queue slots first."
            )
        common = own if common is None else common & own
    if not common:
        raise QueueError(
            "These accounts share no queue slot; give them the same slots, "
            "or add the post to each account's queue on its own."
        )
    return common


def occupancy(
    s: Session, workspace_id: int, after: datetime, skip: Iterable[int] = ()
) -> Occupancy:
    """Every account's taken instants after `after`, leaving out the posts in `skip`."""
    skipped = set(skip)
    rows = s.execute(
        select(Target.account_id, Post.id, Post.scheduled_at)
        .join(Post, Target.post_id == Post.id)
        .where(
            Post.workspace_id == workspace_id,
            Post.deleted_at.is_(None),
            Post.status != PostStatus.DRAFT,
            Post.scheduled_at > after,
        )
    ).all()
    taken: dict[int, set[datetime]] = {}
    for account_id, post_id, when in rows:
        if post_id not in skipped and when is not None:
            taken.setdefault(account_id, set()).add(when)
    return Occupancy(taken)


def first_free(
    slots: set[Slot], zone: str, after: datetime, accounts: Sequence[int], taken: Occupancy
) -> datetime:
    """The first slot instant strictly after `after` that is free for every account."""
    for when in instants(slots, zone, after):
        if when - after > HORIZON:
            break
        if taken.free(accounts, when):
            return when
    raise QueueError("The queue has no free slot in the coming year; add slots or remove posts.")


def members(s: Session, workspace_id: int, now: datetime) -> list[Post]:
    """The queue's own, movable posts of a workspace, in queue order (time, then id)."""
    posts = s.scalars(
        select(Post)
        .join(QueuedPost, QueuedPost.post_id == Post.id)
        .where(
            QueuedPost.workspace_id == workspace_id,
            QueuedPost.held.is_(False),
            QueuedPost.slot_at == Post.scheduled_at,
            Post.deleted_at.is_(None),
            Post.scheduled_at > now,
        )
        .options(selectinload(Post.targets))
        .order_by(Post.scheduled_at, Post.id)
    ).all()
    return [
        p for p in posts if all(TargetStatus(t.status) == TargetStatus.QUEUED for t in p.targets)
    ]


def accounts_of(post: Post) -> list[int]:
    return [t.account_id for t in post.targets]


def schedule_at(s: Session, post: Post, when: datetime, now: datetime) -> None:
    """Give a post a new time (its waiting targets too) and remember it as its queue slot."""
    post.scheduled_at = when
    post.updated_at = now
    post.content_version += 1
    for t in post.targets:
        if TargetStatus(t.status) in (TargetStatus.QUEUED, TargetStatus.DRAFT):
            t.status = TargetStatus.QUEUED
            t.next_attempt_at = when
            t.attempts = 0
            t.lease_until = None
            t.lease_owner = None
            t.error_code = None
            t.error_message = None
            t.updated_at = now
    post.status = derive_post_status([TargetStatus(t.status) for t in post.targets])
    entry = s.get(QueuedPost, post.id)
    if entry is None:
        s.add(
            QueuedPost(
                post_id=post.id,
                workspace_id=post.workspace_id,
                slot_at=when,
                position=0,
                held=False,
                added_at=now,
            )
        )
    else:
        entry.slot_at = when
        entry.held = False


def hold(s: Session, post: Post, position: int, now: datetime) -> None:
    """Keep a post in its paused queue: a draft with no time, remembered at `position`."""
    post.scheduled_at = None
    post.updated_at = now
    post.content_version += 1
    for t in post.targets:
        if TargetStatus(t.status) == TargetStatus.QUEUED:
            t.status = TargetStatus.DRAFT
            t.next_attempt_at = None
            t.updated_at = now
    post.status = PostStatus.DRAFT
    entry = s.get(QueuedPost, post.id)
    if entry is None:
        s.add(
            QueuedPost(
                post_id=post.id,
                workspace_id=post.workspace_id,
                slot_at=None,
                position=position,
                held=True,
                added_at=now,
            )
        )
    else:
        entry.slot_at = None
        entry.position = position
        entry.held = True


def repack(
    s: Session,
    workspace_id: int,
    posts: Sequence[Post],
    now: datetime,
    taken: Occupancy,
    *,
    earlier_only: bool,
) -> int:
    """Put `posts` (in queue order) into slots one by one: each into the first free slot of
    its accounts after the previous post of the same accounts, so the order holds.
    `earlier_only`: a post never moves later (pulling forward); otherwise never earlier
    (making room, as Share next does). `taken` must not contain `posts`. Returns moves."""
    zone = zone_of(s, workspace_id)
    last: dict[int, datetime] = {}
    moved = 0
    for post in posts:
        accounts = accounts_of(post)
        old = post.scheduled_at
        assert old is not None
        bound = max([now, *(last[a] for a in accounts if a in last)])
        if not earlier_only:
            bound = max(bound, old - timedelta(microseconds=1))
        try:
            slots = common_slots(s, accounts, {})
            new = first_free(slots, zone, bound, accounts, taken)
        except QueueError:
            new = old  # its accounts lost their common slots: it stays where it is
        if earlier_only and new > old:
            new = old
        taken.take(accounts, new)
        for a in accounts:
            last[a] = new
        if new != old:
            schedule_at(s, post, new, now)
            moved += 1
    return moved


def pull_forward(s: Session, workspace_id: int, now: datetime) -> int:
    """Close the gaps in the queues that pull forward and are not paused; returns moves."""
    queue = members(s, workspace_id, now)
    flags = queues_of(s, {a for p in queue for a in accounts_of(p)})
    movable = [
        p
        for p in queue
        if all(a in flags and flags[a].pull_forward and not flags[a].paused for a in accounts_of(p))
    ]
    if not movable:
        return 0
    taken = occupancy(s, workspace_id, now, skip=[p.id for p in movable])
    return repack(s, workspace_id, movable, now, taken, earlier_only=True)


def after_removal(s: Session, post: Post, now: datetime) -> None:
    """Hook for PostService: a queued post was deleted or published early; the later ones
    of its queues move up (when those queues pull forward). Does nothing for other posts."""
    entry = s.get(QueuedPost, post.id)
    if entry is None or entry.held:
        return
    s.flush()
    pull_forward(s, post.workspace_id, now)


def after_restore(s: Session, post: Post, now: datetime) -> None:
    """Hook for PostService.restore (Ctrl+Z of a delete): a queued post comes back to its
    slot, and the posts that were pulled forward into it move back one slot each."""
    entry = s.get(QueuedPost, post.id)
    if entry is None or entry.held or entry.slot_at != post.scheduled_at:
        return
    s.flush()
    queue = members(s, post.workspace_id, now)
    if post not in queue:
        return
    # The restored post first at its time: the one that moved into its slot makes room.
    queue.sort(key=lambda p: (p.scheduled_at, p is not post, p.id))
    taken = occupancy(s, post.workspace_id, now, skip=[p.id for p in queue])
    repack(s, post.workspace_id, queue, now, taken, earlier_only=False)


def zone_of(s: Session, workspace_id: int) -> str:
    workspace = s.get(Workspace, workspace_id)
    if workspace is None:
        raise QueueError(f"No workspace with id {workspace_id}.")
    return workspace.timezone
