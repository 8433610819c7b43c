"""The extra parts of a post on one target (issue 19): the replies that make a chain and the
first comment. Part 1 of a chain is the target itself (its row in `targets`, today's path);
a post with no rows here is exactly a single post.

Each part has what a target has for exactly-once publishing: its own status, attempts, due
time, lease, idempotency key, the platform's id, error and "maybe sent since". A chain part
(kind "part", position 2..n) replies to the part before it (position 1 = the target); the
first comment (kind "comment", position 0) comments on the target's post.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from app.core.chain_ports import COMMENT as COMMENT
from app.core.chain_ports import PART
from app.core.enums import TargetStatus
from app.core.models import Base, Target, _enum, new_uuid


class TargetPart(Base):
    __tablename__ = "target_parts"
    __table_args__ = (
        UniqueConstraint("target_id", "kind", "position"),
        Index("ix_target_parts_status_due", "status", "next_attempt_at"),
        Index("ix_target_parts_lease", "status", "lease_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"), index=True)
    #: "part" (a reply in the chain) or "comment" (the first comment)
    kind: Mapped[str] = mapped_column(String(16))
    #: 2..n for chain parts (1 is the target itself); 0 for the first comment
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[TargetStatus] = mapped_column(_enum(TargetStatus, "target_status"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(80))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True, default=new_uuid)
    external_id: Mapped[str | None] = mapped_column(String(200))
    external_url: Mapped[str | None] = mapped_column(Text)
    error_code: Mapped[str | None] = mapped_column(String(80))
    error_message: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    maybe_sent_since: Mapped[datetime | None]
    updated_at: Mapped[datetime]


def chain_part_statuses(post_ids: Sequence[int]) -> Any:
    """(post id, status) of every chain part of these posts: a post is PUBLISHED only when
    its whole chain is, FAILED when a part gave up. First comments are left out: a comment's
    failure never marks the post failed."""
    return (
        select(Target.post_id, TargetPart.status)
        .join(Target, Target.id == TargetPart.target_id)
        .where(Target.post_id.in_(list(post_ids)), TargetPart.kind == PART)
    )
