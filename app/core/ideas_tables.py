"""The ideas board's and the labels' tables (issue 22, migration 0019), on the shared Base;
app/core/models.py imports this module at its end so every table is in one metadata.

- `labels`: a workspace's named colours; `post_labels`: which posts carry which labels (a
  card on the board is a post, so cards and calendar chips share them).
- `idea_columns`: the board's columns, named by the person, in `position` order.
- `idea_cards`: where an undated draft sits on the board (column and position). A draft with
  no row here shows in the first column; a card that gets a date leaves the board.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base


class Label(Base):
    __tablename__ = "labels"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    colour: Mapped[str] = mapped_column(String(9))  # "#rrggbb"


class PostLabel(Base):
    __tablename__ = "post_labels"
    __table_args__ = (Index("ix_post_labels_label", "label_id"),)

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    label_id: Mapped[int] = mapped_column(
        ForeignKey("labels.id", ondelete="CASCADE"), primary_key=True
    )


class IdeaColumn(Base):
    __tablename__ = "idea_columns"
    __table_args__ = (Index("ix_idea_columns_workspace", "workspace_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer, default=0)


class IdeaCard(Base):
    __tablename__ = "idea_cards"
    __table_args__ = (Index("ix_idea_cards_column", "column_id", "position"),)

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    column_id: Mapped[int] = mapped_column(ForeignKey("idea_columns.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
