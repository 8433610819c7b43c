"""The `target_measures` table (migration 0018): kept by the database, read by analytics."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base


class TargetMeasure(Base):
    """Per measured target: its latest snapshot and its 24 h one (else the latest), with
    their numbers. Kept by the database (trigger herald_keep_measures on every snapshot
    insert); Herald only reads it."""

    __tablename__ = "target_measures"

    target_id: Mapped[int] = mapped_column(
        ForeignKey("targets.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    latest_id: Mapped[int] = mapped_column(Integer)
    likes: Mapped[int] = mapped_column(Integer)
    shares: Mapped[int] = mapped_column(Integer)
    comments: Mapped[int] = mapped_column(Integer)
    impressions: Mapped[int | None] = mapped_column(Integer)
    day_id: Mapped[int | None] = mapped_column(Integer)
    chosen_engagement: Mapped[int] = mapped_column(Integer)
    chosen_impressions: Mapped[int | None] = mapped_column(Integer)
