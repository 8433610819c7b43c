"""The calendar's range read (issue 20: a month switch within a frame): the posts of a date
range as PostSummary values, one row per post instead of one per (post, target, account).

Each row carries its targets as one string, "account:STATUS,account:STATUS" in target id
order (SQLite's correlated sub-select walks the (post_id) index in id order; elsewhere the
aggregate is ordered explicitly). A month has only a few distinct strings (the same accounts
in the same states), so each is turned into platforms, handles and the attention flag once.
What almost no post has is read afterwards for the few that need it: failure reasons (posts
with a FAILED target) and the override's excerpt (posts without a base text).

The summaries are the same as `summaries.group_rows` builds from `summary_query`'s rows
(`tests/core/test_range_read.py` compares them on random data); only the work differs:
a month of ~1,100 posts × 3.5 targets on the bench's file reads in about a third of the CPU.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, String, cast, func, select, type_coerce

from app.core.models import Account, Post, Target
from app.core.posts.shapes import excerpt, failure_reason
from app.core.posts.summaries import _ATTENTION_VALUES, _PLATFORM, _POST_STATUS, _utc_value
from app.core.posts.values import ATTENTION, EXCERPT_CHARS, PostSummary
from app.core.timeutil import ensure_utc
from app.platforms.names import Platform

#: (platforms, handles, needs attention, has a failed target) of one targets string
_Targets = tuple[tuple[Platform, ...], tuple[str, ...], bool, bool]
_NO_TARGETS: _Targets = ((), (), False, False)


def read_range(
    conn: Connection, workspace_id: int, conditions: Sequence[ColumnElement[bool]]
) -> list[PostSummary]:
    """The live posts of `workspace_id` matching `conditions` (on Post's columns), ordered by
    scheduled time then id."""
    rows = conn.execute(
        select(
            Post.id,
            type_coerce(Post.scheduled_at, String),
            Post.scheduled_tz,
            type_coerce(Post.status, String),
            func.substr(Post.base_text, 1, EXCERPT_CHARS),
            _targets_column(conn.dialect.name),
        )
        .where(Post.workspace_id == workspace_id, Post.deleted_at.is_(None), *conditions)
        .order_by(Post.scheduled_at, Post.id)
    ).all()
    if not rows:
        return []
    accounts = _accounts(conn, workspace_id)
    parsed: dict[str | None, _Targets] = {None: _NO_TARGETS}
    out: list[PostSummary] = []
    add = out.append
    failed_ids: list[int] = []
    textless: list[int] = []
    for pid, when, zone, status, text, targets in rows:
        facts = parsed.get(targets)
        if facts is None:
            facts = parsed[targets] = _parse(targets, accounts, conn)
        platforms, handles, attention, failed = facts
        if failed:
            failed_ids.append(pid)
        if not text:
            textless.append(pid)
        add(
            _summary(
                pid,
                _utc(when),
                zone,
                _POST_STATUS[status],
                ATTENTION if attention else status,  # the raw value is the status's value
                list(platforms),
                _excerpt(text),
                [],
                list(handles),
            )
        )
    if failed_ids or textless:
        _add_rare(conn, out, failed_ids, textless, accounts)
    return out


def _targets_column(dialect: str) -> Any:
    status = type_coerce(Target.status, String)
    if dialect != "sqlite":
        part = cast(Target.account_id, String) + ":" + status
        joined = func.aggregate_strings(part, ",").aggregate_order_by(Target.id)
        return select(joined).where(Target.post_id == Post.id).scalar_subquery()
    # SQLite 3.40 has no ORDER BY inside an aggregate: group_concat over a sub-select ordered
    # by target id (it concatenates in the order the rows come; the targets' post index
    # gives them in id order, so nothing is sorted). || turns the integer into text itself.
    part = type_coerce(Target.account_id, String) + ":" + status
    ordered = (
        select(part.label("part"))
        .where(Target.post_id == Post.id)
        .order_by(Target.id)
        .correlate(Post)
        .subquery()
    )
    return select(func.group_concat(ordered.c.part, ",")).scalar_subquery()


def _accounts(conn: Connection, workspace_id: int) -> dict[int, tuple[Platform, str]]:
    query = select(Account.id, type_coerce(Account.platform, String), Account.handle)
    return {
        i: (_PLATFORM[p], h)
        for i, p, h in conn.execute(query.where(Account.workspace_id == workspace_id))
    }


def _account(
    account_id: int, accounts: dict[int, tuple[Platform, str]], conn: Connection
) -> tuple[Platform, str]:
    found = accounts.get(account_id)
    if found is None:  # another workspace's account: a consistent database has none
        query = select(type_coerce(Account.platform, String), Account.handle)
        platform, handle = conn.execute(query.where(Account.id == account_id)).one()
        found = accounts[account_id] = (_PLATFORM[platform], handle)
    return found


def _parse(targets: str, accounts: dict[int, tuple[Platform, str]], conn: Connection) -> _Targets:
    platforms: list[Platform] = []
    handles: list[str] = []
    attention = failed = False
    for part in targets.split(","):
        account_id, _, status = part.partition(":")
        platform, handle = _account(int(account_id), accounts, conn)
        if platform not in platforms:
            platforms.append(platform)
        handles.append(handle)
        if status == "FAILED":
            failed = True
        elif status in _ATTENTION_VALUES:
            attention = True
    return tuple(platforms), tuple(handles), attention, failed


def _add_rare(
    conn: Connection,
    out: list[PostSummary],
    failed_ids: list[int],
    textless: list[int],
    accounts: dict[int, tuple[Platform, str]],
) -> None:
    """Failure reasons of the posts with a FAILED target; the first override's excerpt of the
    posts without a base text (as `group_rows` does)."""
    index = {s.id: s for s in out}
    wanted = sorted({*failed_ids, *textless})
    rows = conn.execute(
        select(
            Target.post_id,
            Target.account_id,
            type_coerce(Target.status, String),
            Target.error_message,
            Target.error_code,
            func.substr(Target.content_override, 1, EXCERPT_CHARS),
        )
        .where(Target.post_id.in_(wanted))
        .order_by(Target.post_id, Target.id)
    ).all()
    overrides: dict[int, str] = {}
    for pid, account_id, status, message, code, override in rows:
        if status == "FAILED":
            platform = _account(account_id, accounts, conn)[0]
            index[pid].failed_reasons.append(failure_reason(platform, message, code))
        if override and pid not in overrides:
            overrides[pid] = override
    for pid in textless:
        if pid in overrides:
            object.__setattr__(index[pid], "excerpt", excerpt(overrides[pid]))


def _excerpt(text: str | None) -> str:
    """shapes.excerpt, without its split and join for a text that has nothing to collapse
    (no whitespace but single spaces inside: isprintable() is False for every other one)."""
    if text and text.isprintable() and "  " not in text and text[0] != " " and text[-1] != " ":
        return text[:EXCERPT_CHARS]
    return excerpt(text)


def _utc(value: Any) -> datetime | None:
    """A raw scheduled_at (SQLite: ISO text, naive UTC; PostgreSQL: a datetime) -> aware UTC.
    fromisoformat with an offset is several times cheaper than parsing then replace()."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value + "+00:00")
        except ValueError:  # not the naive text SQLAlchemy writes: the careful way
            return _utc_value(value)
    return ensure_utc(value)


_new = object.__new__
_FIELDS = (
    "id",
    "scheduled_at",
    "zone",
    "status",
    "display_status",
    "platforms",
    "excerpt",
    "failed_reasons",
    "handles",
)
if tuple(f.name for f in fields(PostSummary)) != _FIELDS:  # pragma: no cover
    raise ImportError("PostSummary's fields changed: update range_read._summary")


def _summary(
    pid: int,
    scheduled_at: datetime | None,
    zone: str,
    status: Any,
    display_status: str,
    platforms: list[Platform],
    text: str,
    failed: list[str],
    handles: list[str],
) -> PostSummary:
    """PostSummary(...) without the frozen dataclass's nine object.__setattr__ calls (a third
    of this read's Python time at a thousand posts): the same fields, the same value."""
    summary = _new(PostSummary)
    summary.__dict__.update(
        id=pid,
        scheduled_at=scheduled_at,
        zone=zone,
        status=status,
        display_status=display_status,
        platforms=platforms,
        excerpt=text,
        failed_reasons=failed,
        handles=handles,
    )
    return summary
