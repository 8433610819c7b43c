"""SQLAlchemy 2 typed models: the records every feature builds on (see DESIGN.md "Data").

Every timestamp is stored as UTC. `UTCDateTime` refuses naive datetimes on the way in and
returns aware ones on the way out, on SQLite (which has no time-zone type) as on PostgreSQL.
"""

from __future__ import annotations

import enum
import sys
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# The enums live in app.core.enums (the UI reads them without importing the ORM); the
# redundant aliases re-export them so `from app.core.models import PostStatus` keeps working.
from app.core.enums import PUBLISHABLE_APPROVALS as PUBLISHABLE_APPROVALS
from app.core.enums import AccountStatus as AccountStatus
from app.core.enums import ApprovalState as ApprovalState
from app.core.enums import Checkpoint as Checkpoint
from app.core.enums import MemberRole as MemberRole
from app.core.enums import PostStatus as PostStatus
from app.core.enums import TargetStatus as TargetStatus
from app.core.enums import TaskStatus as TaskStatus
from app.core.platform_column import PlatformName
from app.platforms.names import Platform


class UTCDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone first")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as plain strings (no native PG enum) so adding a value needs no type migration.
    return Enum(cls, name=name, native_enum=False, length=24, validate_strings=True)


def _partial(name: str, columns: list[str], where: str) -> Index:
    """An index over only the rows matching `where`, on both dialects."""
    condition = text(where)
    return Index(name, *columns, postgresql_where=condition, sqlite_where=condition)


def new_uuid() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON}  # noqa: RUF012 SQLAlchemy reads it once


class Workspace(Base):
    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    #: posts written while on need an approver's yes before they publish (migration 0012)
    approval_required: Mapped[bool] = mapped_column(default=False, server_default="0")
    require_alt_text: Mapped[bool] = mapped_column(default=False, server_default="0")  # 0017

    accounts: Mapped[list[Account]] = relationship(back_populates="workspace")


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("workspace_id", "platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    platform: Mapped[Platform] = mapped_column(PlatformName())
    handle: Mapped[str] = mapped_column(String(200))
    external_id: Mapped[str] = mapped_column(String(200))
    # Fernet token of the JSON credentials (app.core.vault); never plaintext.
    credentials_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    token_expires_at: Mapped[datetime | None]
    status: Mapped[AccountStatus] = mapped_column(
        _enum(AccountStatus, "account_status"), default=AccountStatus.ACTIVE
    )
    status_reason: Mapped[str | None] = mapped_column(Text)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]

    workspace: Mapped[Workspace] = relationship(back_populates="accounts")


class Media(Base):
    __tablename__ = "media"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(Text)  # the copy inside Herald's data folder
    original_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    mime: Mapped[str] = mapped_column(String(100))
    bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None]
    height: Mapped[int | None]
    duration_s: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime]


class PostMedia(Base):
    __tablename__ = "post_media"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    alt_text: Mapped[str | None] = mapped_column(Text)  # the image's, in this post (0017)

    media: Mapped[Media] = relationship()


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (
        # The calendar's visible-range query.
        Index("ix_posts_workspace_scheduled", "workspace_id", "scheduled_at"),
        # Partial (migration 0009): only the few deleted posts, for the analytics claim.
        _partial("ix_posts_deleted", ["id"], "deleted_at IS NOT NULL"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    base_text: Mapped[str] = mapped_column(Text, default="")
    scheduled_at: Mapped[datetime | None]
    scheduled_tz: Mapped[str] = mapped_column(String(64))
    status: Mapped[PostStatus] = mapped_column(_enum(PostStatus, "post_status"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]  # soft delete, so Ctrl+Z can bring a post back
    #: +1 on every change a person makes to what or when the post sends (text, media,
    #: per-account texts, accounts, time). A worker sends only the version it loaded: its
    #: last check before sending refuses when this moved on (or the post was deleted).
    content_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: the approval flow's state (app/core/approvals.py); only PUBLISHABLE_APPROVALS publish
    approval: Mapped[ApprovalState] = mapped_column(
        _enum(ApprovalState, "approval_state"),
        default=ApprovalState.NOT_REQUIRED,
        server_default=ApprovalState.NOT_REQUIRED.value,
    )

    targets: Mapped[list[Target]] = relationship(
        back_populates="post", cascade="all, delete-orphan", order_by="Target.id"
    )
    media_links: Mapped[list[PostMedia]] = relationship(
        cascade="all, delete-orphan", order_by="PostMedia.position"
    )


class Target(Base):
    __tablename__ = "targets"
    __table_args__ = (
        UniqueConstraint("post_id", "account_id"),
        # The engine's due-work claim: status + due time, then id (its ORDER BY: no sort).
        Index("ix_targets_status_due", "status", "next_attempt_at", "id"),
        Index("ix_targets_lease", "status", "lease_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    content_override: Mapped[str | None] = mapped_column(Text)
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
    updated_at: Mapped[datetime]
    #: The due time of the earliest attempt whose outcome Herald never learned (a timeout, a
    #: lost answer, a worker killed mid-send). Set: every later attempt asks the platform first,
    #: searching from here. Kept across reschedules; cleared only by a person's "publish again".
    maybe_sent_since: Mapped[datetime | None]

    post: Mapped[Post] = relationship(back_populates="targets")
    account: Mapped[Account] = relationship()


class AnalyticsSnapshot(Base):
    __tablename__ = "analytics_snapshots"
    __table_args__ = (Index("ix_snapshots_target_checkpoint", "target_id", "checkpoint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"))
    checkpoint: Mapped[Checkpoint] = mapped_column(_enum(Checkpoint, "checkpoint"))
    likes: Mapped[int] = mapped_column(Integer, default=0)
    shares: Mapped[int] = mapped_column(Integer, default=0)
    comments: Mapped[int] = mapped_column(Integer, default=0)
    # NULL: the platform did not report it (a refused metric), shown as "not reported".
    # No default: with one, the ORM would turn an explicit None into 0.
    impressions: Mapped[int | None] = mapped_column(Integer)
    fetched_at: Mapped[datetime]


class Setting(Base):
    """Small key/value settings that belong with the data (grace period, default zone...)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class RateLimitBudget(Base):
    """What a platform lets one account do per window; survives restarts.

    Defaults come from the platform's documented limits; response headers overwrite them.
    """

    __tablename__ = "rate_limit_budgets"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    scope: Mapped[str] = mapped_column(String(16), primary_key=True)  # "publish" | "read"
    limit: Mapped[int] = mapped_column(Integer)
    remaining: Mapped[int] = mapped_column(Integer)
    window_s: Mapped[int] = mapped_column(Integer)
    reset_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class MetricTask(Base):
    """A planned metrics fetch (1h/6h/24h/7d after publishing), claimed like publishing work."""

    __tablename__ = "metric_tasks"
    __table_args__ = (
        UniqueConstraint("target_id", "checkpoint"),
        Index("ix_metric_tasks_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"))
    checkpoint: Mapped[Checkpoint] = mapped_column(_enum(Checkpoint, "checkpoint"))
    due_at: Mapped[datetime]
    status: Mapped[TaskStatus] = mapped_column(_enum(TaskStatus, "task_status"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(80))
    last_error: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None]


class RecommendationCache(Base):
    """Best-time results per workspace and platform, recomputed by the maintenance job."""

    __tablename__ = "recommendation_cache"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    platform: Mapped[Platform] = mapped_column(PlatformName(), primary_key=True)
    computed_at: Mapped[datetime]
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class Member(Base):
    """A person's role in one workspace. `login` is their own PostgreSQL login role (the
    same for every workspace the person is in); row-level security compares it with
    `current_user`. NULL on SQLite, which is single-user."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[MemberRole] = mapped_column(_enum(MemberRole, "member_role"))
    login: Mapped[str | None] = mapped_column(String(63), index=True)
    created_at: Mapped[datetime]


class AuditEntry(Base):
    """Who did what to which post or account, and when. `who` is the OS user on SQLite and
    the login role on PostgreSQL. Kept when the object is deleted (no foreign key to it)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_workspace_at", "workspace_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    who: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    object_kind: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int]
    #: what the entry adds (the network a post went out to, why it failed); 0022
    detail: Mapped[str | None] = mapped_column(String(300))


class PostComment(Base):
    """A comment on a post (issue 23): who wrote it, when, and the members it @mentions."""

    __tablename__ = "post_comments"
    __table_args__ = (Index("ix_post_comments_post", "post_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    #: the member names it mentions (@Name), as stored in members.name
    mentions: Mapped[list[str]] = mapped_column(JSON, default=list)
    at: Mapped[datetime]


# Tables kept in their own modules share this metadata: chain parts and first comments
# (issue 19), precomputed measures (0018), ideas board and labels (issue 22), containers
# (0021), queues, workspace keys. Imported as modules: when one of them is imported first, it
# is half-initialised here (it imports this module for Base) and its class not defined yet;
# its names are looked up when asked for (`__getattr__` below).
import app.core.containers  # noqa: E402
import app.core.ideas_tables  # noqa: E402
import app.core.models_measures  # noqa: E402
import app.core.queue_tables  # noqa: E402
import app.core.workspace_keys_table  # noqa: E402, F401
from app.core import chain_models as chain_models  # noqa: E402

if TYPE_CHECKING:
    from app.core.containers import PublishContainer as PublishContainer
    from app.core.models_measures import TargetMeasure as TargetMeasure
    from app.core.queue_tables import AccountQueue as AccountQueue
    from app.core.queue_tables import QueuedPost as QueuedPost
    from app.core.queue_tables import QueueSlot as QueueSlot
    from app.core.workspace_keys_table import WorkspaceKey as WorkspaceKey

_TABLES_ELSEWHERE = {
    "PublishContainer": "app.core.containers",
    "TargetMeasure": "app.core.models_measures",
    "AccountQueue": "app.core.queue_tables",
    "QueuedPost": "app.core.queue_tables",
    "QueueSlot": "app.core.queue_tables",
    "WorkspaceKey": "app.core.workspace_keys_table",
}


def __getattr__(name: str) -> Any:
    module = _TABLES_ELSEWHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(sys.modules[module], name)
