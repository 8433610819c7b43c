"""Moving, deleting, restoring (undo) and copying posts."""

from __future__ import annotations

from datetime import datetime

from app.core import approvals, audit
from app.core.engine.handoff import announce_due
from app.core.models import Post, PostMedia, PostStatus, Target, TargetStatus
from app.core.posts.store import PostContext, load, read_detail
from app.core.posts.targets import in_flight, queue, queue_removed, queue_restored, refresh_status
from app.core.posts.values import PostDetail, PostError
from app.core.timeutil import ensure_utc


class PostMover:
    def __init__(self, ctx: PostContext) -> None:
        self.ctx = ctx

    def reschedule(
        self, post_id: int, new_utc: datetime, *, allow_past: bool = False
    ) -> datetime | None:
        """Move a post; returns the time it had (for undo). Published targets stay untouched;
        a post that is publishing or fully published cannot move."""
        new_utc = ensure_utc(new_utc)
        now = self.ctx.clock.now()
        with self.ctx.db.write_session() as s:
            busy = "This post is being published right now; it can't move."
            post = self.ctx.lock(s, post_id, busy, check_in_flight=False)
            status = PostStatus(post.status)
            if status in (PostStatus.PUBLISHED, PostStatus.PUBLISHING):
                raise PostError("This post has already gone out (or is going out); it can't move.")
            if in_flight(post):
                raise PostError(busy)
            if status != PostStatus.DRAFT and not allow_past and new_utc < now:
                raise PostError("That time has already passed; choose a later time.")
            old = post.scheduled_at
            post.scheduled_at = new_utc
            post.updated_at = now
            post.content_version += 1
            approvals.on_edit(post)
            for t in post.targets:
                if TargetStatus(t.status) in (TargetStatus.QUEUED, TargetStatus.MISSED):
                    queue(t, new_utc, now)
            refresh_status(post, draft=status == PostStatus.DRAFT)
            workspace_id = post.workspace_id
            announce_due(s)  # wakes workers elsewhere at commit
            audit.record(s, "reschedule", post, now)
            s.commit()
        self.ctx.changed(workspace_id)
        return old

    def delete(self, post_id: int) -> None:
        """Soft delete (Ctrl+Z restores it); refused while the post is being published."""
        clock = self.ctx.clock
        with self.ctx.db.write_session() as s:
            post = self.ctx.lock(
                s, post_id, "This post is being published right now; it can't be deleted."
            )
            post.deleted_at = clock.now()
            post.updated_at = clock.now()
            workspace_id = post.workspace_id
            queue_removed(s, post, clock.now())
            audit.record(s, "delete", post, clock.now())
            s.commit()
        self.ctx.changed(workspace_id)

    def restore(self, post_id: int) -> None:
        clock = self.ctx.clock
        with self.ctx.db.write_session() as s:
            post = load(s, post_id, deleted_ok=True)
            post.deleted_at = None
            post.updated_at = clock.now()
            workspace_id = post.workspace_id
            announce_due(s)  # wakes workers elsewhere at commit
            queue_restored(s, post, clock.now())
            s.commit()
        self.ctx.changed(workspace_id)

    def duplicate(self, post_id: int) -> PostDetail:
        """A draft copy: same text, per-account edits, media and time."""
        now = self.ctx.clock.now()
        with self.ctx.db.write_session() as s:
            src = load(s, post_id)
            copy = Post(
                workspace_id=src.workspace_id,
                base_text=src.base_text,
                scheduled_at=src.scheduled_at,
                scheduled_tz=src.scheduled_tz,
                status=PostStatus.DRAFT,
                approval=approvals.initial_state(approvals.required_in(s, src.workspace_id)),
                created_at=now,
                updated_at=now,
            )
            for t in src.targets:
                copy.targets.append(
                    Target(
                        account_id=t.account_id,
                        content_override=t.content_override,
                        status=TargetStatus.DRAFT,
                        updated_at=now,
                    )
                )
            copy.media_links = [
                PostMedia(media_id=link.media_id, position=link.position, alt_text=link.alt_text)
                for link in src.media_links
            ]
            s.add(copy)
            s.commit()
            detail = read_detail(s, copy.id)
        self.ctx.changed(detail.workspace_id)
        return detail
