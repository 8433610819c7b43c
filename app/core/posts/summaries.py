"""The calendar's and the list view's fast read: one row per target of a workspace's live
posts, raw columns grouped into PostSummary objects here.

Enum and date columns are read raw and converted once: the calendar reads a few thousand
rows per view and SQLAlchemy's per-value processors would dominate."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import chain, groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Select, String, func, select, type_coerce

from app.core.models import Account, Post, PostStatus, Target, TargetStatus
from app.core.posts.shapes import excerpt, failure_reason
from app.core.posts.values import ATTENTION, EXCERPT_CHARS, PostSummary
from app.core.timeutil import ensure_utc
from app.platforms.names import Platform

_POST_STATUS = {m.value: m for m in PostStatus}
_PLATFORM = {m.value: m for m in Platform}
_ATTENTION_VALUES = frozenset(
    s.value for s in (TargetStatus.NEEDS_CONFIRMATION, TargetStatus.MISSED)
)


def summary_query(workspace_id: int) -> Select[Any]:
    """What a calendar chip or list row shows of a workspace's live posts, one row per target
    (never the whole text); `group_rows` turns the rows into PostSummary objects."""
    return (
        select(
            Post.id,
            type_coerce(Post.scheduled_at, String).label("when"),
            Post.scheduled_tz,
            type_coerce(Post.status, String).label("post_status"),
            func.substr(Post.base_text, 1, EXCERPT_CHARS),
            type_coerce(Target.status, String).label("target_status"),
            Target.error_message,
            Target.error_code,
            type_coerce(Account.platform, String).label("platform"),
            Account.handle,
            func.substr(Target.content_override, 1, EXCERPT_CHARS),
        )
        .select_from(Post)
        .outerjoin(Target, Target.post_id == Post.id)
        .outerjoin(Account, Account.id == Target.account_id)
        .where(Post.workspace_id == workspace_id, Post.deleted_at.is_(None))
    )


def _utc_value(value: Any) -> datetime | None:
    """A raw scheduled_at (SQLite: ISO text; PostgreSQL: an aware datetime) -> aware UTC;
    None for an undated draft (the list view reads those too)."""
    if value is None:
        return None
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return ensure_utc(value)


def group_rows(rows: Sequence[Any]) -> list[PostSummary]:
    """`summary_query`'s rows (ordered by post) -> one PostSummary per post."""
    out: list[PostSummary] = []
    for pid, group in groupby(rows, key=itemgetter(0)):
        first = next(group)
        _, when, zone, status, text, *_rest = first
        statuses: list[str] = []
        platforms: list[Platform] = []
        handles: list[str] = []
        failed: list[str] = []
        override = None
        for row in chain((first,), group):
            t_status, msg, code, platform, handle, t_override = row[5:]
            if t_status is None:
                continue
            statuses.append(t_status)
            if platform is not None:
                p = _PLATFORM[platform]
                if p not in platforms:
                    platforms.append(p)
                handles.append(handle)
                if t_status == "FAILED":
                    failed.append(failure_reason(p, msg, code))
            if override is None and t_override:
                override = t_override
        post_status = _POST_STATUS[status]
        attention = any(s in _ATTENTION_VALUES for s in statuses)
        out.append(
            PostSummary(
                id=pid,
                scheduled_at=_utc_value(when),
                zone=zone,
                status=post_status,
                display_status=ATTENTION if attention else post_status.value,
                platforms=platforms,
                excerpt=excerpt(text or override),
                failed_reasons=failed,
                handles=handles,
            )
        )
    return out
