"""The label facet of the calendar's filters, and the analytics filter's choices (issue 22): posts carrying any of the chosen
labels. Built on PostQuery without changing its search: `LabelQuery.find` narrows what
PostQuery finds with one indexed read of post_labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app.core.db import Database
from app.core.ideas_tables import Label, PostLabel
from app.core.models import Account
from app.core.postquery import PostFilter, PostQuery
from app.core.posts import PostSummary
from app.platforms.names import Platform


@dataclass(frozen=True)
class LabelFilter(PostFilter):
    """A PostFilter that may also narrow to posts with any of `label_ids`."""

    label_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def active(self) -> bool:
        return super().active or bool(self.label_ids)

    @property
    def facet_count(self) -> int:
        return super().facet_count + len(self.label_ids)


class LabelQuery(PostQuery):
    def find(
        self,
        workspace_id: int,
        flt: PostFilter | None = None,
        start_utc: datetime | None = None,
        end_utc: datetime | None = None,
    ) -> list[PostSummary]:
        posts = super().find(workspace_id, flt, start_utc, end_utc)
        labels: frozenset[int] = getattr(flt, "label_ids", frozenset())
        if not labels or not posts:
            return posts
        with self.db.session() as s:
            wanted = set(
                s.scalars(
                    select(PostLabel.post_id).where(
                        PostLabel.label_id.in_(labels),
                        PostLabel.post_id.in_([p.id for p in posts]),
                    )
                )
            )
        return [p for p in posts if p.id in wanted]


def facet_choices(
    db: Database, workspace_id: int
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(accounts as (id, "handle (Network)"), labels as (id, name)) of a workspace: what the
    analytics filter offers."""
    with db.session() as s:
        accounts = [
            (int(i), f"{handle} ({Platform(platform).label})")
            for i, handle, platform in s.execute(
                select(Account.id, Account.handle, Account.platform)
                .where(Account.workspace_id == workspace_id)
                .order_by(Account.platform, Account.handle)
            )
        ]
        labels = [
            (int(i), name)
            for i, name in s.execute(
                select(Label.id, Label.name)
                .where(Label.workspace_id == workspace_id)
                .order_by(Label.name)
            )
        ]
    return accounts, labels
