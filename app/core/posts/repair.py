"""Publishing now and repairing what went wrong: failed targets again, a crash's unknowns
confirmed by a person, posts missed while Herald was closed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from app.core import audit
from app.core.chain_attention import PartResolveError, resolve_part
from app.core.chains import COMMENT, retry_failed_parts
from app.core.engine.handoff import announce_due
from app.core.engine.policy import MAX_ATTEMPTS
from app.core.models import Target, TargetStatus
from app.core.posts.compose import check_rules
from app.core.posts.store import PostContext, load, read_detail
from app.core.posts.targets import queue, queue_removed, refresh_status
from app.core.posts.values import PostDetail, PostError
from app.core.timeutil import ensure_utc


class PostRepair:
    def __init__(self, ctx: PostContext) -> None:
        self.ctx = ctx

    def publish_now(self, post_id: int) -> PostDetail:
        """Queue every target that has not gone out for right now (rules checked first)."""
        now = self.ctx.clock.now()
        with self.ctx.db.write_session() as s:
            post = self.ctx.lock(s, post_id, "This post is being published right now.")
            pending = [t for t in post.targets if TargetStatus(t.status) != TargetStatus.PUBLISHED]
            if not pending:
                raise PostError("Every account has already published this post.")
            overrides = {t.account_id: t.content_override for t in pending}
            media = [link.media for link in post.media_links]
            check_rules(post.base_text, [t.account for t in pending], overrides, media, now, now)
            post.scheduled_at = now
            post.updated_at = now
            post.content_version += 1
            for t in pending:
                queue(t, now, now)
            refresh_status(post)
            queue_removed(s, post, now)
            announce_due(s)  # wakes workers elsewhere at commit
            audit.record(s, "publish_now", post, now)
            s.commit()
            detail = read_detail(s, post_id)
        self.ctx.changed(detail.workspace_id)
        return detail

    def retry_failed(self, post_id: int) -> int:
        """Queue only the FAILED targets again, attempts reset and errors cleared; returns how
        many. Targets that succeeded are never sent twice."""
        now = self.ctx.clock.now()
        with self.ctx.db.write_session() as s:
            post = load(s, post_id)
            failed = [t for t in post.targets if TargetStatus(t.status) == TargetStatus.FAILED]
            for t in failed:
                queue(t, now, now)
            # a chain's failed parts and a failed first comment (issue 19)
            parts = retry_failed_parts(s, post_id, now)
            parts += retry_failed_parts(s, post_id, now, COMMENT)
            refresh_status(post)
            post.updated_at = now
            workspace_id = post.workspace_id
            announce_due(s)  # wakes workers elsewhere at commit
            s.commit()
        if failed or parts:
            self.ctx.changed(workspace_id)
        return len(failed) + parts

    def resolve_confirmation(self, target_id: int, *, published: bool) -> None:
        """The person checked the platform after a crash: the target did go out (`published`)
        or it did not, and is sent once more now."""
        now = self.ctx.clock.now()
        with self.ctx.db.write_session() as s:
            target = s.get(Target, target_id)
            if target is None:
                raise PostError(f"No target with id {target_id}.")
            if TargetStatus(target.status) != TargetStatus.NEEDS_CONFIRMATION:
                raise PostError("This post is not waiting for a confirmation.")
            if published:
                target.status = TargetStatus.PUBLISHED
                target.published_at = target.published_at or now
                target.lease_until = None
                target.lease_owner = None
                target.updated_at = now
            else:
                # The person checked the platform: one more send, without asking it again.
                attempts = target.attempts
                queue(target, now, now)
                target.attempts = min(attempts, MAX_ATTEMPTS - 1)
                target.maybe_sent_since = None
            post = target.post
            refresh_status(post)
            post.updated_at = now
            workspace_id = post.workspace_id
            announce_due(s)  # wakes workers elsewhere at commit
            s.commit()
        self.ctx.changed(workspace_id)

    def resolve_part(self, part_id: int, *, published: bool) -> None:
        with self.ctx.db.write_session() as s:
            try:
                workspace_id = resolve_part(s, part_id, published, self.ctx.clock.now())
            except PartResolveError as exc:
                raise PostError(str(exc)) from None
            s.commit()
        self.ctx.changed(workspace_id)

    def reschedule_missed(self, post_id: int, new_utc: datetime) -> int:
        new_utc = ensure_utc(new_utc)
        if new_utc < self.ctx.clock.now():
            raise PostError("That time has already passed; choose a later time.")
        return self.requeue_missed([post_id], new_utc)

    def requeue_missed(self, post_ids: Iterable[int], when: datetime | None) -> int:
        """The MISSED targets of the posts queued for `when` (None: now); returns how many."""
        now = self.ctx.clock.now()
        count = 0
        workspaces: set[int] = set()
        with self.ctx.db.write_session() as s:
            for post_id in post_ids:
                post = load(s, post_id)
                due = when or now
                for t in post.targets:
                    if TargetStatus(t.status) == TargetStatus.MISSED:
                        queue(t, due, now)
                        count += 1
                post.scheduled_at = due
                post.updated_at = now
                refresh_status(post)
                workspaces.add(post.workspace_id)
            announce_due(s)  # wakes workers elsewhere at commit
            s.commit()
        for ws in workspaces:
            self.ctx.changed(ws)
        return count
