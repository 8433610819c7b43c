"""IdeasService: the ideas board and labels (issue 22).

The board shows the workspace's undated drafts as cards in columns the person names (a new
workspace starts with Ideas, In progress and Ready). Columns can be added, renamed, moved and
removed (their cards go to the first column); cards move between columns. A card dropped on a
day of the calendar is scheduled there (the content rules apply, as Schedule applies them);
dropped into the queue it takes the next free slot. Labels are named colours on posts, so a
card keeps its labels on the calendar. Tables: app/core/ideas_tables.py (migration 0019).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.core.clock import Clock, SystemClock
from app.core.db import Database
from app.core.events import POSTS_CHANGED, EventHub
from app.core.ideas_tables import IdeaCard, IdeaColumn, Label, PostLabel
from app.core.models import Post, PostStatus, QueuedPost, Target
from app.core.posts import PostDetail, PostService, PostSummary
from app.core.posts.summaries import group_rows, summary_query

DEFAULT_COLUMNS = ("Ideas", "In progress", "Ready")
NAME_CHARS = 60
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class IdeaError(ValueError):
    """A request about the board or labels that cannot be met; meant for a person."""


@dataclass(frozen=True)
class LabelInfo:
    id: int
    name: str
    colour: str


@dataclass(frozen=True)
class ColumnInfo:
    id: int
    name: str
    position: int


@dataclass(frozen=True)
class Card:
    post: PostSummary
    column_id: int
    labels: tuple[LabelInfo, ...] = ()


def _name(text: str, what: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise IdeaError(f"Give the {what} a name.")
    if len(name) > NAME_CHARS:
        raise IdeaError(f"A {what} name has at most {NAME_CHARS} characters.")
    return name


class IdeasService:
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

    # -------------------------------------------------------- columns

    def columns(self, workspace_id: int) -> list[ColumnInfo]:
        """The board's columns in order (the three defaults the first time)."""
        with self.db.write_session() as s:
            rows = self._columns(s, workspace_id)
            if not rows:
                for position, name in enumerate(DEFAULT_COLUMNS):
                    s.add(IdeaColumn(workspace_id=workspace_id, name=name, position=position))
                s.flush()
                rows = self._columns(s, workspace_id)
            out = [ColumnInfo(c.id, c.name, c.position) for c in rows]
            s.commit()
        return out

    def add_column(self, workspace_id: int, name: str) -> ColumnInfo:
        name = _name(name, "column")
        self.columns(workspace_id)
        with self.db.write_session() as s:
            rows = self._columns(s, workspace_id)
            self._unique(rows, name)
            column = IdeaColumn(workspace_id=workspace_id, name=name, position=len(rows))
            s.add(column)
            s.commit()
            return ColumnInfo(column.id, column.name, column.position)

    def rename_column(self, column_id: int, name: str) -> None:
        name = _name(name, "column")
        with self.db.write_session() as s:
            column = self._column(s, column_id)
            others = [c for c in self._columns(s, column.workspace_id) if c.id != column_id]
            self._unique(others, name)
            column.name = name
            s.commit()

    def move_column(self, column_id: int, position: int) -> None:
        """Put the column at `position` (0 = first); the others keep their order."""
        with self.db.write_session() as s:
            column = self._column(s, column_id)
            rows = [c for c in self._columns(s, column.workspace_id) if c.id != column_id]
            rows.insert(max(0, min(position, len(rows))), column)
            for n, c in enumerate(rows):
                c.position = n
            s.commit()

    def remove_column(self, column_id: int) -> None:
        """Remove a column; its cards go to the end of the first remaining column."""
        with self.db.write_session() as s:
            column = self._column(s, column_id)
            rest = [c for c in self._columns(s, column.workspace_id) if c.id != column_id]
            if not rest:
                raise IdeaError("The board needs at least one column.")
            cards = s.scalars(
                select(IdeaCard).where(IdeaCard.column_id == column_id).order_by(IdeaCard.position)
            ).all()
            end = self._end(s, rest[0].id)
            for n, card in enumerate(cards):
                card.column_id, card.position = rest[0].id, end + n
            s.flush()
            s.delete(column)
            for n, c in enumerate(rest):
                c.position = n
            s.commit()

    # -------------------------------------------------------- cards

    def board(self, workspace_id: int) -> list[tuple[ColumnInfo, list[Card]]]:
        """Every column with its cards in order. Undated drafts not placed yet (written in
        the composer, say) come last in the first column; drafts a paused queue holds are
        the queue's, not the board's."""
        columns = self.columns(workspace_id)
        with self.db.session() as s:
            held = select(QueuedPost.post_id).where(QueuedPost.held.is_(True))
            query = summary_query(workspace_id).where(
                Post.scheduled_at.is_(None),
                Post.status == PostStatus.DRAFT,
                Post.id.not_in(held),
            )
            posts = group_rows(s.execute(query.order_by(Post.id, Target.id)).all())
            places = {
                c.post_id: (c.column_id, c.position)
                for c in s.scalars(
                    select(IdeaCard).where(IdeaCard.post_id.in_([p.id for p in posts]))
                )
            }
            labels = self._labels_of(s, [p.id for p in posts])
        known = {c.id for c in columns}
        first = columns[0].id
        unplaced = 1 << 30

        def place(post_id: int) -> tuple[int, int]:
            column_id, position = places.get(post_id, (first, unplaced))
            return (column_id, position) if column_id in known else (first, unplaced)

        out: dict[int, list[Card]] = {c.id: [] for c in columns}
        for post in sorted(posts, key=lambda p: (place(p.id)[1], p.id)):
            column_id = place(post.id)[0]
            out[column_id].append(Card(post, column_id, tuple(labels.get(post.id, ()))))
        return [(c, out[c.id]) for c in columns]

    def add_card(
        self, workspace_id: int, text: str, column_id: int, account_ids: Sequence[int] = ()
    ) -> int:
        """A new undated draft at the end of a column; returns its post id."""
        if not text.strip():
            raise IdeaError("Write the idea first.")
        with self.db.write_session() as s:
            column = self._column(s, column_id)
            if column.workspace_id != workspace_id:
                raise IdeaError("That column belongs to another workspace.")
            post = self.posts.create_in(s, workspace_id, text.strip(), list(account_ids))
            s.add(IdeaCard(post_id=post.id, column_id=column_id, position=self._end(s, column_id)))
            post_id = post.id
            s.commit()
        self._changed(workspace_id)
        return post_id

    def move_card(self, post_id: int, column_id: int, position: int) -> None:
        """The card at `position` in `column_id` (0 = top); the others keep their order."""
        with self.db.write_session() as s:
            column = self._column(s, column_id)
            post = s.get(Post, post_id)
            if post is None or post.deleted_at is not None:
                raise IdeaError(f"No post with id {post_id}.")
            if post.workspace_id != column.workspace_id:
                raise IdeaError("That column belongs to another workspace.")
            card = s.get(IdeaCard, post_id)
            if card is None:
                card = IdeaCard(post_id=post_id, column_id=column_id, position=0)
                s.add(card)
            cards = [
                c
                for c in s.scalars(
                    select(IdeaCard)
                    .where(IdeaCard.column_id == column_id)
                    .order_by(IdeaCard.position, IdeaCard.post_id)
                )
                if c.post_id != post_id
            ]
            cards.insert(max(0, min(position, len(cards))), card)
            card.column_id = column_id
            for n, c in enumerate(cards):
                c.position = n
            s.commit()

    def schedule(self, post_id: int, when_utc: datetime) -> PostDetail:
        """A card dropped on the calendar: scheduled at `when_utc` with its own text, accounts
        and media, checked as Schedule checks (SchedulingError says what to fix)."""
        post = self.posts.get(post_id)
        accounts = [t.account_id for t in post.targets]
        detail = self.posts.update(
            post_id, post.base_text, accounts,
            overrides={t.account_id: t.override for t in post.targets},
            media_paths=[m.path for m in post.media], scheduled_local=when_utc,
            action="schedule",
        )  # fmt: skip
        with self.db.write_session() as s:
            s.execute(delete(IdeaCard).where(IdeaCard.post_id == post_id))
            s.commit()
        return detail

    # -------------------------------------------------------- labels

    def labels(self, workspace_id: int) -> list[LabelInfo]:
        with self.db.session() as s:
            rows = s.scalars(
                select(Label).where(Label.workspace_id == workspace_id).order_by(Label.name)
            ).all()
            return [LabelInfo(r.id, r.name, r.colour) for r in rows]

    def add_label(self, workspace_id: int, name: str, colour: str) -> LabelInfo:
        name = _name(name, "label")
        if not _COLOUR.match(colour):
            raise IdeaError("A label's colour is written #rrggbb, e.g. #2563eb.")
        with self.db.write_session() as s:
            taken = s.scalar(
                select(func.count())
                .select_from(Label)
                .where(Label.workspace_id == workspace_id, Label.name == name)
            )
            if taken:
                raise IdeaError(f"There is already a label named {name!r}.")
            label = Label(workspace_id=workspace_id, name=name, colour=colour.lower())
            s.add(label)
            s.commit()
            return LabelInfo(label.id, label.name, label.colour)

    def set_labels(self, post_id: int, label_ids: Sequence[int]) -> None:
        """The post carries exactly these labels (of its own workspace)."""
        with self.db.write_session() as s:
            post = s.get(Post, post_id)
            if post is None or post.deleted_at is not None:
                raise IdeaError(f"No post with id {post_id}.")
            ours = set(
                s.scalars(
                    select(Label.id).where(
                        Label.workspace_id == post.workspace_id, Label.id.in_(list(label_ids))
                    )
                )
            )
            if ours != set(label_ids):
                raise IdeaError("Those labels belong to another workspace.")
            s.execute(delete(PostLabel).where(PostLabel.post_id == post_id))
            for label_id in sorted(ours):
                s.add(PostLabel(post_id=post_id, label_id=label_id))
            workspace_id = post.workspace_id
            s.commit()
        self._changed(workspace_id)

    def labels_of(self, post_ids: Sequence[int]) -> dict[int, list[LabelInfo]]:
        with self.db.session() as s:
            return self._labels_of(s, post_ids)

    # -------------------------------------------------------- internals

    @staticmethod
    def _labels_of(s: Session, post_ids: Sequence[int]) -> dict[int, list[LabelInfo]]:
        out: dict[int, list[LabelInfo]] = {}
        rows = s.execute(
            select(PostLabel.post_id, Label.id, Label.name, Label.colour)
            .join(Label, Label.id == PostLabel.label_id)
            .where(PostLabel.post_id.in_(list(post_ids)))
            .order_by(Label.name)
        ).all()
        for post_id, label_id, name, colour in rows:
            out.setdefault(int(post_id), []).append(LabelInfo(int(label_id), name, colour))
        return out

    @staticmethod
    def _columns(s: Session, workspace_id: int) -> list[IdeaColumn]:
        return list(
            s.scalars(
                select(IdeaColumn)
                .where(IdeaColumn.workspace_id == workspace_id)
                .order_by(IdeaColumn.position, IdeaColumn.id)
            )
        )

    @staticmethod
    def _column(s: Session, column_id: int) -> IdeaColumn:
        column = s.get(IdeaColumn, column_id)
        if column is None:
            raise IdeaError(f"No column with id {column_id}.")
        return column

    @staticmethod
    def _unique(columns: Sequence[IdeaColumn], name: str) -> None:
        for c in columns:
            if c.name.casefold() == name.casefold():
                raise IdeaError(f"There is already a column named {c.name!r}.")

    @staticmethod
    def _end(s: Session, column_id: int) -> int:
        last = s.scalar(select(func.max(IdeaCard.position)).where(IdeaCard.column_id == column_id))
        return 0 if last is None else int(last) + 1

    def _changed(self, workspace_id: int) -> None:
        if self.events is not None:
            self.events.publish(POSTS_CHANGED, workspace_id=workspace_id)
