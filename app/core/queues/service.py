"""QueueService: weekly slots per account, Add to queue, Share next, pause and resume.

Everything lives in the database (tables account_queues, queue_slots, queued_posts), so the
app, the CLI and headless workers see the same queues. "Per workspace" means the same slots
set on several accounts at once (`set_slots([a, b, c], ...)`).

Paused: a paused queue takes no slots. Its waiting posts are held as drafts with no time,
in their order (queued_posts.position), so no worker can publish them; posts added while it
is paused join the end of that line. Resuming puts them back, in order, into the next free
slots. Drafts are what the engine already never sends, so pausing needs nothing from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.core.clock import Clock, SystemClock
from app.core.db import Database
from app.core.events import POSTS_CHANGED, EventHub
from app.core.models import (
    Account,
    Post,
    QueuedPost,
    QueueSlot,
    TargetStatus,
)
from app.core.posts import PostService
from app.core.queues import placement
from app.core.queues.held import check_rules, place_held
from app.core.queues.lookups import (
    account_labels,
    account_queues,
    any_paused,
    last_position,
    workspace_of,
)
from app.core.queues.placement import QueueError
from app.core.queues.slots import Slot
from app.platforms.names import Platform

__all__ = ["Placement", "QueueInfo", "QueueService"]


@dataclass(frozen=True)
class QueueInfo:
    account_id: int
    slots: tuple[Slot, ...]
    paused: bool
    pull_forward: bool


@dataclass(frozen=True)
class Placement:
    """Where a post went: `when` (UTC) in the queue, or `held` while a queue is paused."""

    post_id: int
    when: datetime | None
    held: bool = False


class QueueService:
    def __init__(
        self,
        db: Database,
        clock: Clock | None = None,
        events: EventHub | None = None,
        posts: PostService | None = None,
    ) -> None:
        self.db = db
        self.clock = clock or SystemClock()
        self.events = events
        self.posts = posts or PostService(db, self.clock, events)

    # -------------------------------------------------------- slots and flags

    def queue(self, account_id: int) -> QueueInfo:
        with self.db.session() as s:
            q = placement.queues_of(s, [account_id]).get(account_id)
            if q is None:
                return QueueInfo(account_id, (), False, True)
            return QueueInfo(
                account_id,
                tuple(sorted(Slot(x.weekday, x.minute) for x in q.slots)),
                q.paused,
                q.pull_forward,
            )

    def set_slots(self, account_ids: Sequence[int], slots: Iterable[Slot]) -> None:
        """Replace the weekly slots of every account given (the same slots for each)."""
        wanted = sorted(set(slots))
        with self.db.write_session() as s:
            queues = account_queues(s, account_ids, self.clock.now())
            for q in queues:
                q.slots = []
            s.flush()  # the old rows go first: the new ones may repeat them (unique key)
            for q in queues:
                q.slots = [QueueSlot(weekday=x.weekday, minute=x.minute) for x in wanted]
                q.updated_at = self.clock.now()
            s.commit()

    def set_pull_forward(self, account_ids: Sequence[int], on: bool) -> None:
        with self.db.write_session() as s:
            workspace_id = None
            for q in account_queues(s, account_ids, self.clock.now()):
                q.pull_forward = on
                q.updated_at = self.clock.now()
                workspace_id = workspace_of(s, q.account_id)
            if on and workspace_id is not None:
                s.flush()
                placement.pull_forward(s, workspace_id, self.clock.now())
            s.commit()
        self._changed(workspace_id)

    def pause(self, account_ids: Sequence[int]) -> int:
        """Stop the queues; their waiting posts are held in order. Returns how many."""
        now = self.clock.now()
        ids = set(account_ids)
        held = 0
        with self.db.write_session() as s:
            workspaces = set()
            for q in account_queues(s, ids, self.clock.now()):
                q.paused = True
                q.updated_at = now
                workspaces.add(workspace_of(s, q.account_id))
            for workspace_id in workspaces:
                position = last_position(s, workspace_id)
                for post in placement.members(s, workspace_id, now):
                    if ids & set(placement.accounts_of(post)):
                        position += 1
                        placement.hold(s, post, position, now)
                        held += 1
            s.commit()
        for workspace_id in workspaces:
            self._changed(workspace_id)
        return held

    def resume(self, account_ids: Sequence[int]) -> int:
        """Start the queues again; held posts go, in order, into the next free slots.
        A held post that another paused queue also holds stays held. Returns how many."""
        now = self.clock.now()
        placed = 0
        with self.db.write_session() as s:
            workspaces = set()
            for q in account_queues(s, account_ids, self.clock.now()):
                q.paused = False
                q.updated_at = now
                workspaces.add(workspace_of(s, q.account_id))
            s.flush()
            for workspace_id in workspaces:
                placed += place_held(s, workspace_id, now)
            s.commit()
        for workspace_id in workspaces:
            self._changed(workspace_id)
        return placed

    def best_time_slots(
        self, workspace_id: int, account_ids: Sequence[int], count: int = 10
    ) -> list[Slot]:
        """The `count` best hours of the week for these accounts' networks (the best-time
        model's scores averaged over the networks), as slots on the hour, in week order."""
        from app.core.besttime import profiles

        with self.db.session() as s:
            platforms = sorted(
                {
                    Platform(p)
                    for p in s.scalars(select(Account.platform).where(Account.id.in_(account_ids)))
                }
            )
        if not platforms:
            raise QueueError("Choose at least one account.")
        found = profiles(self.db, workspace_id, platforms, self.clock)
        scores = [
            sum(found[p].scores[bucket] for p in platforms) / len(platforms)
            for bucket in range(7 * 24)
        ]
        best = sorted(range(7 * 24), key=lambda b: (-scores[b], b))[: max(0, count)]
        return sorted(Slot.at(b // 24, b % 24) for b in best)

    def upcoming(self, account_ids: Sequence[int], count: int = 5) -> list[datetime]:
        """The next `count` free slot instants the given accounts share."""
        now = self.clock.now()
        with self.db.session() as s:
            workspace_id = workspace_of(s, account_ids[0]) if account_ids else None
            if workspace_id is None:
                return []
            slots = placement.common_slots(s, list(account_ids), account_labels(s, account_ids))
            zone = placement.zone_of(s, workspace_id)
            taken = placement.occupancy(s, workspace_id, now)
        out: list[datetime] = []
        after = now
        while len(out) < count:
            after = placement.first_free(slots, zone, after, list(account_ids), taken)
            out.append(after)
        return out

    # -------------------------------------------------------- filling the queue

    def add(
        self,
        workspace_id: int,
        base_text: str,
        account_ids: Sequence[int],
        *,
        overrides: Mapping[int, str | None] | None = None,
        media_paths: Sequence[str | Path] = (),
        share_next: bool = False,
        media_alt_texts: Sequence[str | None] = (),
    ) -> Placement:
        """A new post into the queue of every chosen account: at their next free shared
        slot, or (`share_next`) first, the queue's other posts making room one slot later."""
        now = self.clock.now()
        ids = list(dict.fromkeys(int(a) for a in account_ids))
        with self.db.write_session() as s:
            paused = any_paused(s, ids)
            if paused:
                post = self.posts.create_in(
                    s, workspace_id, base_text, ids, overrides=overrides,
                    media_paths=media_paths, action="draft", media_alt_texts=media_alt_texts,
                )  # fmt: skip
                check_rules(post)
                placement.hold(s, post, last_position(s, workspace_id) + 1, now)
                result = Placement(post.id, None, held=True)
            else:
                when, make_room = self._slot_for(s, workspace_id, ids, now, share_next)
                post = self.posts.create_in(
                    s, workspace_id, base_text, ids, overrides=overrides,
                    media_paths=media_paths, scheduled_local=when, action="schedule",
                    media_alt_texts=media_alt_texts,
                )  # fmt: skip
                placement.schedule_at(s, post, when, now)
                post.content_version = 0  # a new post: nothing loaded an older version
                self._make_room(s, workspace_id, make_room, now, post)
                result = Placement(post.id, when)
            s.commit()
        self._changed(workspace_id)
        return result

    def queue_post(self, post_id: int, *, share_next: bool = False) -> Placement:
        """An existing post (a draft, or a scheduled post) into its accounts' queue."""
        now = self.clock.now()
        with self.db.write_session() as s:
            post = s.get(Post, post_id, options=[selectinload(Post.targets)])
            if post is None or post.deleted_at is not None:
                raise QueueError(f"No post with id {post_id}.")
            result = self.place_in(s, post, now, share_next=share_next)
            s.commit()
        self._changed(post.workspace_id)
        return result

    def place_in(
        self, s: Session, post: Post, now: datetime, *, share_next: bool = False
    ) -> Placement:
        """`queue_post` inside the caller's transaction (no commit, no event): the bulk
        actions put several posts into their queues in one transaction."""
        if any(
            TargetStatus(t.status) in (TargetStatus.PUBLISHED, TargetStatus.IN_FLIGHT)
            for t in post.targets
        ):
            raise QueueError("This post has (partly) gone out; it cannot join a queue.")
        ids = placement.accounts_of(post)
        if not ids:
            raise QueueError("Choose at least one account to publish to.")
        check_rules(post)
        workspace_id = post.workspace_id
        if any_paused(s, ids):
            placement.hold(s, post, last_position(s, workspace_id) + 1, now)
            return Placement(post.id, None, held=True)
        entry = s.get(QueuedPost, post.id)
        if entry is not None:  # already queued: it gives its own slot up first
            entry.slot_at = None
        when, make_room = self._slot_for(s, workspace_id, ids, now, share_next, post.id)
        placement.schedule_at(s, post, when, now)
        self._make_room(s, workspace_id, make_room, now, post)
        return Placement(post.id, when)

    def pull_forward(self, workspace_id: int) -> int:
        """Close gaps in the workspace's queues now (those that pull forward)."""
        with self.db.write_session() as s:
            moved = placement.pull_forward(s, workspace_id, self.clock.now())
            s.commit()
        if moved:
            self._changed(workspace_id)
        return moved

    def queued(self, workspace_id: int) -> list[tuple[int, datetime | None, bool]]:
        """(post id, slot, held) of the workspace's queued posts, in queue order."""
        with self.db.session() as s:
            rows = s.execute(
                select(QueuedPost.post_id, QueuedPost.slot_at, QueuedPost.held)
                .join(Post, Post.id == QueuedPost.post_id)
                .where(QueuedPost.workspace_id == workspace_id, Post.deleted_at.is_(None))
                .order_by(QueuedPost.held, QueuedPost.slot_at, QueuedPost.position)
            ).all()
        return [(int(p), when, bool(held)) for p, when, held in rows]

    # -------------------------------------------------------- internals

    def _slot_for(
        self,
        s: Session,
        workspace_id: int,
        ids: list[int],
        now: datetime,
        share_next: bool,
        skip: int | None = None,
    ) -> tuple[datetime, list[Post]]:
        """The slot for a post of `ids`, and the queued posts that must make room after it."""
        slots = placement.common_slots(s, ids, account_labels(s, ids))
        zone = placement.zone_of(s, workspace_id)
        make_room: list[Post] = []
        if share_next:
            make_room = [
                p
                for p in placement.members(s, workspace_id, now)
                if p.id != skip and set(placement.accounts_of(p)) & set(ids)
            ]
        skipped = [p.id for p in make_room] + ([skip] if skip is not None else [])
        taken = placement.occupancy(s, workspace_id, now, skip=skipped)
        return placement.first_free(slots, zone, now, ids, taken), make_room

    def _make_room(
        self, s: Session, workspace_id: int, posts: list[Post], now: datetime, new: Post
    ) -> None:
        if not posts:
            return
        s.flush()
        taken = placement.occupancy(s, workspace_id, now, skip=[p.id for p in posts])
        placement.repack(s, workspace_id, posts, now, taken, earlier_only=False)

    def _changed(self, workspace_id: int | None) -> None:
        if self.events is not None and workspace_id is not None:
            self.events.publish(POSTS_CHANGED, workspace_id=workspace_id)
