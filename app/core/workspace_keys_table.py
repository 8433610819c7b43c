"""The `workspace_keys` table (issue 23, migration 0020), on the shared Base; app/core/models.py
imports this module at its end so every table is in one metadata. What the rows mean and who
may read them: app/core/workspace_keys.py."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base


class WorkspaceKey(Base):
    """One workspace's data key, wrapped for one holder ("vault" or a member's login)."""

    __tablename__ = "workspace_keys"
    __table_args__ = (UniqueConstraint("workspace_id", "holder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    holder: Mapped[str] = mapped_column(String(63))
    #: the member's X25519 public key (raw, 32 bytes); None for the vault holder
    public_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
