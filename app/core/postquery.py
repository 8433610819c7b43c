"""Search and filters over a workspace's posts, for the calendar grids and the list view.

One SQL query answers a filter: the text is matched in the database (case-insensitive
substring of the base text or of any per-account override, LIKE wildcards escaped), accounts
and networks through EXISTS on the targets; the display status (which needs every target) is
checked on the grouped rows. At 10,000 posts this answers well within one frame (benchmark
`calendar.search`, tests/bench/bench_search.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from app.core.db import Database
from app.core.models import Account, Post, PostStatus, Target
from app.core.posts import ATTENTION, PostSummary, group_rows, summary_query
from app.core.timeutil import ensure_utc
from app.platforms.names import Platform

# The statuses a person filters by, in menu order: (display status value, label).
STATUS_CHOICES: tuple[tuple[str, str], ...] = (
    (PostStatus.DRAFT.value, "Draft"),
    (PostStatus.SCHEDULED.value, "Scheduled"),
    (PostStatus.PUBLISHED.value, "Published"),
    (PostStatus.FAILED.value, "Failed"),
    (ATTENTION, "Needs attention"),
)


@dataclass(frozen=True)
class PostFilter:
    """What the person narrowed the view to; an empty field does not narrow."""

    text: str = ""
    account_ids: frozenset[int] = field(default_factory=frozenset)
    platforms: frozenset[Platform] = field(default_factory=frozenset)
    statuses: frozenset[str] = field(default_factory=frozenset)  # display status values

    @property
    def needle(self) -> str:
        return " ".join(self.text.split())

    @property
    def active(self) -> bool:
        return bool(self.needle or self.account_ids or self.platforms or self.statuses)

    @property
    def facet_count(self) -> int:
        """How many of accounts / networks / statuses are narrowed (the filter button's badge)."""
        return len(self.account_ids) + len(self.platforms) + len(self.statuses)


class PostQuery:
    def __init__(self, db: Database) -> None:
        self.db = db

    def find(
        self,
        workspace_id: int,
        flt: PostFilter | None = None,
        start_utc: datetime | None = None,
        end_utc: datetime | None = None,
    ) -> list[PostSummary]:
        """Posts of the workspace that pass `flt`, by time (undated drafts last). With a
        range, only posts scheduled in [start, end) (the calendar); without, every post
        including undated drafts (the list view)."""
        flt = flt or PostFilter()
        query = self._base(workspace_id)
        if start_utc is not None:
            query = query.where(Post.scheduled_at >= ensure_utc(start_utc))
        if end_utc is not None:
            query = query.where(Post.scheduled_at < ensure_utc(end_utc))
        for condition in self._conditions(flt):
            query = query.where(condition)
        with self.db.session() as s:
            rows = s.connection().execute(query).all()  # plain columns: Core rows
        posts = group_rows(rows)
        if flt.statuses:
            posts = [p for p in posts if p.display_status in flt.statuses]
        return posts

    @staticmethod
    def _base(workspace_id: int) -> Select[Any]:
        return summary_query(workspace_id).order_by(
            Post.scheduled_at.is_(None), Post.scheduled_at, Post.id, Target.id
        )

    @staticmethod
    def _conditions(flt: PostFilter) -> list[ColumnElement[bool]]:
        # Aliases: the outer query joins Target and Account itself (one row per target), and
        # the EXISTS subqueries must correlate with the post only.
        t = aliased(Target)
        a = aliased(Account)
        out: list[ColumnElement[bool]] = []
        needle = flt.needle
        if needle:
            # Not correlated: the posts whose overrides match are found once (an IN list),
            # not looked up again for every post whose base text does not match.
            in_override = Post.id.in_(
                select(t.post_id).where(
                    t.content_override.is_not(None),
                    t.content_override.icontains(needle, autoescape=True),
                )
            )
            out.append(Post.base_text.icontains(needle, autoescape=True) | in_override)
        if flt.account_ids:
            out.append(
                select(t.id)
                .where(t.post_id == Post.id, t.account_id.in_(flt.account_ids))
                .correlate(Post)
                .exists()
            )
        if flt.platforms:
            out.append(
                select(t.id)
                .join(a, a.id == t.account_id)
                .where(t.post_id == Post.id, a.platform.in_(flt.platforms))
                .correlate(Post)
                .exists()
            )
        return out
