"""Migration 0018's schema: the `target_measures` table (kept by the database, read by
analytics) and the index of the targets that carry their own text (search)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, Target

_HAS_OWN_TEXT = text("content_override IS NOT NULL")
#: PostQuery.find's search: the posts whose targets carry their own text, from the few
#: targets that have one rather than a scan of them all.
OVERRIDES_INDEX = Index(
    "ix_targets_overrides",
    Target.post_id,
    sqlite_where=_HAS_OWN_TEXT,
    postgresql_where=_HAS_OWN_TEXT,
)


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
