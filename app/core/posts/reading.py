"""Reading posts: one in full, a calendar range, the undated drafts, and what needs a person
(missed posts, failed or unconfirmed targets)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.core.chains import failed_part_rows, failure_text
from app.core.models import Account, Post, Target, TargetStatus
from app.core.posts.range_read import read_range
from app.core.posts.shapes import excerpt, summary_of
from app.core.posts.store import PostContext, read_detail
from app.core.posts.values import EXCERPT_CHARS, PostDetail, PostSummary, TargetProblem
from app.core.timeutil import ensure_utc
from app.platforms.names import Platform


class PostReader:
    def __init__(self, ctx: PostContext) -> None:
        self.ctx = ctx

    def get(self, post_id: int) -> PostDetail:
        with self.ctx.db.session() as s:
            return read_detail(s, post_id, deleted_ok=True)

    def list_range(
        self, workspace_id: int, start_utc: datetime, end_utc: datetime
    ) -> list[PostSummary]:
        """Posts scheduled in [start, end): one query, on the (workspace_id, scheduled_at)
        index, reading only what a calendar chip shows (never the whole text)."""
        start_utc, end_utc = ensure_utc(start_utc), ensure_utc(end_utc)
        in_range = (Post.scheduled_at >= start_utc, Post.scheduled_at < end_utc)
        with self.ctx.db.session() as s:
            # Plain columns: Core rows, without the ORM's per-row result processing.
            return read_range(s.connection(), workspace_id, in_range)

    def drafts(self, workspace_id: int) -> list[PostSummary]:
        """Drafts without a time (they have no place on the calendar)."""
        with self.ctx.db.session() as s:
            posts = s.scalars(
                select(Post)
                .where(
                    Post.workspace_id == workspace_id,
                    Post.scheduled_at.is_(None),
                    Post.deleted_at.is_(None),
                )
                .options(selectinload(Post.targets).selectinload(Target.account))
                .order_by(Post.updated_at.desc())
            ).all()
            return [summary_of(p) for p in posts]

    def missed(self, workspace_id: int) -> list[PostSummary]:
        """Posts that fell due while Herald was closed, past the grace period."""
        with self.ctx.db.session() as s:
            ids = select(Target.post_id).where(Target.status == TargetStatus.MISSED)
            posts = s.scalars(
                select(Post)
                .where(
                    Post.workspace_id == workspace_id,
                    Post.deleted_at.is_(None),
                    Post.id.in_(ids),
                )
                .options(selectinload(Post.targets).selectinload(Target.account))
                .order_by(Post.scheduled_at, Post.id)
            ).all()
            return [summary_of(p) for p in posts]

    def problems(self, workspace_id: int, limit: int = 50) -> list[TargetProblem]:
        """Targets that need a person (failed, awaiting confirmation, missed), newest first."""
        wanted = (TargetStatus.FAILED, TargetStatus.NEEDS_CONFIRMATION, TargetStatus.MISSED)
        with self.ctx.db.session() as s:
            rows = s.execute(
                select(
                    Target.id,
                    Target.post_id,
                    Target.account_id,
                    Account.platform,
                    Account.handle,
                    Target.status,
                    Target.error_code,
                    Target.error_message,
                    func.substr(Post.base_text, 1, EXCERPT_CHARS),
                    Post.scheduled_at,
                )
                .join(Post, Post.id == Target.post_id)
                .join(Account, Account.id == Target.account_id)
                .where(
                    Post.workspace_id == workspace_id,
                    Post.deleted_at.is_(None),
                    Target.status.in_(wanted),
                )
                .order_by(Target.updated_at.desc(), Target.id.desc())
                .limit(limit)
            ).all()
            chain_failures = failed_part_rows(s, workspace_id, limit)  # issue 19
        problems = [
            TargetProblem(
                target_id=r[0],
                post_id=r[1],
                account_id=r[2],
                platform=Platform(r[3]),
                handle=r[4],
                status=TargetStatus(r[5]),
                error_code=r[6],
                error_message=r[7],
                excerpt=excerpt(r[8]),
                scheduled_at=r[9],
            )
            for r in rows
        ]
        problems += [
            TargetProblem(
                target_id=r[0],
                post_id=r[1],
                account_id=r[2],
                platform=Platform(r[3]),
                handle=r[4],
                status=TargetStatus(r[12]),
                error_code=r[7],
                error_message=failure_text(r[5], r[6], r[8], r[12]),
                excerpt=excerpt((r[9] or "")[:EXCERPT_CHARS]),
                scheduled_at=r[10],
                part_id=r[11],
            )
            for r in chain_failures
        ]
        return problems[:limit]
