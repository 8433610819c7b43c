"""What every part of the posts service shares: the database, clock and event hub, and the
one way to load, lock and read back a post."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.core.clock import Clock
from app.core.db import Database
from app.core.events import POSTS_CHANGED, EventHub
from app.core.models import Post, PostMedia, Target
from app.core.posts.shapes import detail_of
from app.core.posts.targets import in_flight
from app.core.posts.values import PostDetail, PostError


@dataclass(frozen=True)
class PostContext:
    db: Database
    clock: Clock
    events: EventHub | None

    def changed(self, workspace_id: int) -> None:
        """Tell the views (after the commit) that a workspace's posts changed."""
        if self.events is not None:
            self.events.publish(POSTS_CHANGED, workspace_id=workspace_id)

    def lock(self, s: Session, post_id: int, busy: str, *, check_in_flight: bool = True) -> Post:
        """The post for a change a person makes, checked and written as one atomic step
        against the workers: raises PostError(`busy`) while a target is in flight.

        SQLite: the write session's BEGIN IMMEDIATE already excludes every other writer (and
        claims) until commit. PostgreSQL: the post row, then its targets, are locked until
        commit; a target another transaction holds right now (a claim taking it, a worker
        writing its outcome) counts as in flight. SKIP LOCKED rather than waiting: a claim
        holds its targets while it waits for their post's lock, so waiting could deadlock.
        A claim that read the post before this change committed still takes the target
        afterwards; the worker's pre-send check (claim.hold_lease) refuses to send it."""
        if not self.db.is_sqlite:
            s.execute(select(Post.id).where(Post.id == post_id).with_for_update())
            of_post = select(Target.id).where(Target.post_id == post_id)
            locked = set(s.scalars(of_post.with_for_update(skip_locked=True)))
            if locked != set(s.scalars(of_post)):
                raise PostError(busy)
        post = load(s, post_id)
        if check_in_flight and in_flight(post):
            raise PostError(busy)
        return post


def load(s: Session, post_id: int, *, deleted_ok: bool = False) -> Post:
    post = s.get(Post, post_id)
    if post is None or (post.deleted_at is not None and not deleted_ok):
        raise PostError(f"No post with id {post_id}.")
    return post


def read_detail(s: Session, post_id: int, *, deleted_ok: bool = True) -> PostDetail:
    """The post as it is in the database now (reloaded, not the session's cached rows)."""
    post = s.scalar(
        select(Post)
        .where(Post.id == post_id)
        .options(
            selectinload(Post.targets).selectinload(Target.account),
            selectinload(Post.media_links).selectinload(PostMedia.media),
        )
        .execution_options(populate_existing=True)
    )
    if post is None or (post.deleted_at is not None and not deleted_ok):
        raise PostError(f"No post with id {post_id}.")
    return detail_of(post)
