"""The posting queues' tables (migration 0008): an account's queue, its weekly slots and the
posts it placed (app.core.queues). Kept apart from app.core.models for size; importable from
either."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base


class AccountQueue(Base):
    """An account's posting queue: its weekly slots, whether it is paused, and whether
    removing or publishing a queued post pulls the later ones forward (app.core.queues)."""

    __tablename__ = "account_queues"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    paused: Mapped[bool] = mapped_column(default=False, server_default="0")
    pull_forward: Mapped[bool] = mapped_column(default=True, server_default="1")
    updated_at: Mapped[datetime]

    slots: Mapped[list[QueueSlot]] = relationship(
        cascade="all, delete-orphan", order_by="(QueueSlot.weekday, QueueSlot.minute)"
    )


class QueueSlot(Base):
    """One weekly slot: a weekday and a wall-clock minute in the workspace's zone."""

    __tablename__ = "queue_slots"
    __table_args__ = (UniqueConstraint("account_id", "weekday", "minute"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account_queues.account_id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    minute: Mapped[int] = mapped_column(Integer)  # minutes after local midnight, 0..1439


class QueuedPost(Base):
    """A post the queue placed. `slot_at` is the instant the queue gave it: once the post's
    own time differs (a person moved it, or published it now) the queue lets go of it.
    While a queue is paused its posts are held as drafts (`held`, no time) in `position`
    order, and resuming puts them back into the next free slots in that order."""

    __tablename__ = "queued_posts"
    __table_args__ = (Index("ix_queued_posts_workspace_slot", "workspace_id", "slot_at"),)

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    slot_at: Mapped[datetime | None]
    position: Mapped[int] = mapped_column(Integer, default=0)
    held: Mapped[bool] = mapped_column(default=False, server_default="0")
    added_at: Mapped[datetime]
