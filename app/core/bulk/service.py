"""BulkService: one transaction per bulk action, and its inverse for undo.

An action returns a BulkResult; `revert(result)` undoes it (one transaction again) and returns
the result of the undo, whose own `revert` is the redo. Posts another process changed in the
meantime (their content_version moved on, or they were deleted) are listed in `conflicts`
and left exactly as that process left them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import approvals, audit
from app.core.bulk.accounts import set_accounts, workspace_accounts
from app.core.bulk.values import BulkChange, BulkItem, BulkResult
from app.core.clock import Clock, SystemClock
from app.core.db import Database
from app.core.engine.handoff import announce_due
from app.core.events import EventHub
from app.core.models import Post, PostStatus, QueuedPost, TargetStatus
from app.core.posts import PostError, PostService
from app.core.posts.moving import copy_post
from app.core.posts.store import PostContext
from app.core.posts.targets import in_flight, queue, queue_removed, queue_restored, refresh_status
from app.core.queues import QueueService

PUBLISHED = "already published"
BUSY = "being published right now"
NO_TIME = "a draft with no time"


def _stays(post: Post) -> str:
    status = PostStatus(post.status)
    if status in (PostStatus.PUBLISHED, PostStatus.PUBLISHING):
        return PUBLISHED
    if in_flight(post):
        return BUSY
    return ""


class BulkService:
    def __init__(
        self, db: Database, clock: Clock | None = None, events: EventHub | None = None
    ) -> None:
        self._ctx = PostContext(db, clock or SystemClock(), events)
        self.posts = PostService(db, self._ctx.clock, events)

    # -------------------------------------------------------- reading

    def snapshot(self, post_ids: Iterable[int]) -> list[BulkItem]:
        """The posts (not deleted) as they are now, in the order given: what the person
        selected, with the versions a bulk action will expect."""
        wanted = list(dict.fromkeys(int(i) for i in post_ids))
        with self._ctx.db.session() as s:
            rows = {
                p.id: p
                for p in s.scalars(
                    select(Post).where(Post.id.in_(wanted), Post.deleted_at.is_(None))
                )
            }
            return [
                BulkItem(p.id, p.content_version, p.scheduled_at, PostStatus(p.status), _stays(p))
                for p in (rows[i] for i in wanted if i in rows)
            ]

    # -------------------------------------------------------- actions

    def move(self, items: Sequence[BulkItem], delta: timedelta) -> BulkResult:
        """Every post by `delta` (drafts keep being drafts); published posts and drafts with
        no time stay."""
        result = BulkResult(kind="times")
        with self._write() as (s, now):
            for item in items:
                post = self._take(s, item, result)
                if post is None:
                    continue
                if post.scheduled_at is None:
                    result.stayed.append((post.id, NO_TIME))
                    continue
                before = post.scheduled_at
                draft = PostStatus(post.status) == PostStatus.DRAFT
                self._set_time(s, post, before + delta, draft, now)
                result.changed.append(
                    BulkChange(
                        post.id, before, post.scheduled_at, post.content_version, draft, draft
                    )
                )
        return result

    def queue(self, items: Sequence[BulkItem]) -> BulkResult:
        """Every post into the queue of its accounts (next free slots, earliest post first)."""
        queues = QueueService(self._ctx.db, self._ctx.clock, None, self.posts)
        result = BulkResult(kind="times")
        ordered = sorted(items, key=lambda i: (i.scheduled_at is None, i.scheduled_at, i.post_id))
        with self._write() as (s, now):
            for item in ordered:
                post = self._take(s, item, result)
                if post is None:
                    continue
                before = post.scheduled_at
                was_draft = PostStatus(post.status) == PostStatus.DRAFT
                try:  # refusals come before any change to the post
                    placed = queues.place_in(s, post, now)
                except (PostError, ValueError) as exc:
                    result.stayed.append((post.id, str(exc)))
                    continue
                result.changed.append(
                    BulkChange(
                        post.id,
                        before,
                        placed.when,
                        post.content_version,
                        was_draft,
                        PostStatus(post.status) == PostStatus.DRAFT,
                    )
                )
        return result

    def duplicate(self, items: Sequence[BulkItem]) -> BulkResult:
        """A draft copy of every post (same text, accounts, media and time)."""
        result = BulkResult(kind="restore")
        with self._write() as (s, now):
            for item in items:
                post = self._take(s, item, result, allow_published=True)
                if post is None:
                    continue
                copy = copy_post(s, post, now)
                result.changed.append(
                    BulkChange(copy.id, copy.scheduled_at, copy.scheduled_at, 0, True, True)
                )
                result.created.append(copy.id)
        return result

    def delete(self, items: Sequence[BulkItem]) -> BulkResult:
        """Every post to the bin (soft delete: undo brings them back)."""
        result = BulkResult(kind="delete")
        with self._write() as (s, now):
            for item in items:
                post = self._take(s, item, result, allow_published=True)
                if post is None:
                    continue
                post.deleted_at = now
                post.updated_at = now
                queue_removed(s, post, now)
                audit.record(s, "delete", post, now)
                result.changed.append(
                    BulkChange(post.id, post.scheduled_at, post.scheduled_at, post.content_version)
                )
        return result

    def change_accounts(self, items: Sequence[BulkItem], account_ids: Sequence[int]) -> BulkResult:
        """Every post publishes to exactly `account_ids` (accounts of its workspace)."""
        result = BulkResult(kind="accounts")
        with self._write() as (s, now):
            for item in items:
                post = self._take(s, item, result)
                if post is not None:
                    wanted = workspace_accounts(s, post.workspace_id, list(account_ids))
                    self._accounts(s, post, wanted, {}, now, result)
        return result

    def _accounts(
        self,
        s: Session,
        post: Post,
        wanted: list[int],
        texts: dict[int, str | None],
        now: datetime,
        result: BulkResult,
    ) -> None:
        before = tuple(t.account_id for t in post.targets)
        try:
            with s.begin_nested():
                left = set_accounts(s, post, wanted, texts, now)
        except PostError as exc:
            s.refresh(post)
            result.stayed.append((post.id, str(exc)))
            return
        change = BulkChange(
            post.id, post.scheduled_at, post.scheduled_at, post.content_version,
            accounts_before=before, accounts_after=tuple(wanted),
            texts_left=tuple(left.items()),
        )  # fmt: skip
        result.changed.append(change)

    def revert(self, result: BulkResult) -> BulkResult:
        """Undo `result` in one transaction; the returned result reverts the undo (redo)."""
        opposite = {"delete": "restore", "restore": "delete"}
        inverse = BulkResult(kind=opposite.get(result.kind, result.kind))
        with self._write() as (s, now):
            for change in result.changed:
                post = s.get(Post, change.post_id)
                if post is None or post.content_version != change.version:
                    inverse.conflicts.append(change.post_id)
                    continue
                if result.kind == "accounts":
                    seen = BulkItem(post.id, change.version, None, PostStatus(post.status))
                    if self._take(s, seen, inverse) is not None:
                        before, texts = list(change.accounts_before), dict(change.texts_left)
                        self._accounts(s, post, before, texts, now, inverse)
                    continue
                if result.kind == "times":
                    if post.deleted_at is not None or post.scheduled_at != change.after:
                        inverse.conflicts.append(change.post_id)
                        continue
                    if _stays(post):
                        inverse.stayed.append((post.id, _stays(post)))
                        continue
                    try:
                        self._ctx.lock(s, post.id, BUSY)
                    except PostError:
                        inverse.stayed.append((post.id, BUSY))
                        continue
                    self._set_time(s, post, change.before, change.was_draft, now)
                    inverse.changed.append(
                        BulkChange(
                            post.id,
                            change.after,
                            change.before,
                            post.content_version,
                            change.is_draft,
                            change.was_draft,
                        )
                    )
                    continue
                deleted = result.kind == "delete"  # undoing a delete: the post is in the bin
                if (post.deleted_at is not None) != deleted or (not deleted and _stays(post)):
                    inverse.conflicts.append(change.post_id)
                    continue
                post.deleted_at = None if deleted else now
                post.updated_at = now
                if deleted:
                    announce_due(s)
                    queue_restored(s, post, now)
                else:
                    queue_removed(s, post, now)
                    audit.record(s, "delete", post, now)
                inverse.changed.append(change)
        return inverse

    # -------------------------------------------------------- internals

    def _write(self) -> _Writing:
        return _Writing(self._ctx)

    def _take(
        self, s: Session, item: BulkItem, result: BulkResult, *, allow_published: bool = False
    ) -> Post | None:
        """The post if it is still as the person saw it and may change; else noted."""
        post = s.get(Post, item.post_id)
        if post is None or post.deleted_at is not None or post.content_version != item.version:
            result.conflicts.append(item.post_id)
            return None
        try:
            self._ctx.lock(s, post.id, BUSY)
        except PostError:
            result.stayed.append((post.id, BUSY))
            return None
        why = _stays(post)
        if why and not (allow_published and why == PUBLISHED):
            result.stayed.append((post.id, why))
            return None
        return post

    def _set_time(
        self, s: Session, post: Post, when: datetime | None, draft: bool, now: datetime
    ) -> None:
        """The post at `when` (a draft, or waiting to be sent), as PostService.reschedule
        does it; a draft with no time when `when` is None."""
        post.scheduled_at = when
        post.updated_at = now
        post.content_version += 1
        approvals.on_edit(post)
        for t in post.targets:
            status = TargetStatus(t.status)
            if draft and status == TargetStatus.QUEUED:
                t.status = TargetStatus.DRAFT
                t.next_attempt_at = None
                t.updated_at = now
            elif not draft and when is not None and status in _WAITING:
                queue(t, when, now)
        if draft or when is None:
            entry = s.get(QueuedPost, post.id)
            if entry is not None:
                s.delete(entry)
        refresh_status(post, draft=draft or when is None)
        announce_due(s)
        audit.record(s, "reschedule", post, now)


_WAITING = (TargetStatus.QUEUED, TargetStatus.MISSED, TargetStatus.DRAFT)


class _Writing:
    """`with service._write() as (session, now)`: one write transaction, committed at the end
    (rolled back on an error), then one POSTS_CHANGED per workspace touched."""

    def __init__(self, ctx: PostContext) -> None:
        self.ctx = ctx
        self.session: Session | None = None

    def __enter__(self) -> tuple[Session, datetime]:
        self.session = self.ctx.db.write_session()
        return self.session, self.ctx.clock.now()

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        s = self.session
        assert s is not None
        workspaces: set[int] = set()
        try:
            if kind is None:
                workspaces = {
                    p.workspace_id for p in s.identity_map.values() if isinstance(p, Post)
                }
                s.commit()
            else:
                s.rollback()
        finally:
            s.close()
        for workspace_id in sorted(workspaces):
            self.ctx.changed(workspace_id)
