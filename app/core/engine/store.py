"""The engine's short write-backs after network I/O: each one transaction, post status
re-derived in it. A write only applies while this worker still holds the target's lease, so a
worker that lost its lease (it stalled past expiry and another took over) cannot undo the
other's work; a success is recorded whatever the lease, because it is a fact.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from app.core.db import Database
from app.core.engine import ratelimits
from app.core.engine.policy import Decision
from app.core.engine.txn import lock_posts, refresh_post_status, write_session
from app.core.metric_plan import plan_checkpoints
from app.core.models import (
    Account,
    AccountStatus,
    Media,
    Post,
    PostMedia,
    Target,
    TargetStatus,
)
from app.core.ports import MediaItem, RateLimitInfo
from app.platforms.names import Platform

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Work:
    """A snapshot of one claimed target: everything needed to publish it without the ORM."""

    target_id: int
    post_id: int
    account_id: int
    platform: Platform
    text: str
    media: tuple[MediaItem, ...]
    idempotency_key: str
    attempts: int
    due: datetime | None
    error_code: str | None
    maybe_sent_since: datetime | None = None
    error_message: str | None = None
    #: the post's content_version read with `text` (same row): the pre-send check sends only
    #: while the post is still at this version
    content_version: int = 0

    @property
    def lookup_from(self) -> datetime | None:
        """Where a look-up for an earlier attempt's post starts: that attempt's due time (an
        attempt never starts before it is due), else this attempt's."""
        known = [t for t in (self.maybe_sent_since, self.due) if t is not None]
        return min(known) if known else None


def _owned(target_id: int, owner: str) -> object:
    return (
        (Target.id == target_id)
        & (Target.lease_owner == owner)
        & (Target.status == TargetStatus.IN_FLIGHT)
    )


def _post_of(s: Session, target_id: int) -> int | None:
    return s.scalar(select(Target.post_id).where(Target.id == target_id))


@dataclass(frozen=True)
class Success:
    target_id: int
    external_id: str
    url: str | None
    at: datetime
    rate_limit: RateLimitInfo | None = None


def mark_published(
    db: Database,
    target_id: int,
    external_id: str,
    url: str | None,
    now: datetime,
    rate_limit: RateLimitInfo | None = None,
    budgets: Mapping[Platform, ratelimits.BudgetDefault] | None = None,
) -> bool:
    """Record one success; False when the target was already PUBLISHED."""
    done = mark_published_many(db, [Success(target_id, external_id, url, now, rate_limit)], budgets)
    return done[0]


def mark_published_many(
    db: Database,
    successes: Sequence[Success],
    budgets: Mapping[Platform, ratelimits.BudgetDefault] | None = None,
) -> list[bool]:
    """Record successes in one transaction: PUBLISHED with the platform's id, analytics
    checkpoints planned, headers' rate limits stored, post statuses derived. A target that is
    already PUBLISHED is left as it is (False for it)."""
    if not successes:
        return []
    ids = [x.target_id for x in successes]
    with write_session(db) as s:
        rows = {
            r.id: r
            for r in s.execute(
                select(
                    Target.id, Target.post_id, Target.account_id, Target.status, Target.external_id
                ).where(Target.id.in_(ids))
            )
        }
        lock_posts(s, (r.post_id for r in rows.values()))
        fresh: list[Success] = []
        for x in successes:
            row = rows.get(x.target_id)
            if row is None:
                continue
            if row.status == TargetStatus.PUBLISHED:
                if row.external_id != x.external_id:
                    log.warning(
                        "target %s published twice: %s and %s",
                        x.target_id,
                        row.external_id,
                        x.external_id,
                    )
                continue
            fresh.append(x)
        if fresh:
            s.execute(
                update(Target),
                [
                    {
                        "id": x.target_id,
                        "status": TargetStatus.PUBLISHED,
                        "external_id": x.external_id,
                        "external_url": x.url,
                        "published_at": x.at,
                        "lease_until": None,
                        "lease_owner": None,
                        "error_code": None,
                        "error_message": None,
                        "updated_at": x.at,
                    }
                    for x in fresh
                ],
            )
            for x in fresh:
                plan_checkpoints(s, x.target_id, x.at)
            latest: dict[int, Success] = {}
            for x in fresh:
                if x.rate_limit is not None:
                    latest[rows[x.target_id].account_id] = x
            if latest:
                defaults = budgets if budgets is not None else ratelimits.load_defaults(s)
                platforms = dict(
                    s.execute(
                        select(Account.id, Account.platform).where(Account.id.in_(latest))
                    ).all()
                )
                for account_id in sorted(latest):
                    x = latest[account_id]
                    assert x.rate_limit is not None
                    ratelimits.apply_info(
                        s, account_id, Platform(platforms[account_id]), x.rate_limit, x.at, defaults
                    )
            refresh_post_status(s, {rows[x.target_id].post_id for x in fresh}, fresh[-1].at)
    done = {x.target_id for x in fresh}
    return [x.target_id in done for x in successes]


def apply_decision(
    db: Database,
    target_id: int,
    owner: str,
    decision: Decision,
    now: datetime,
    *,
    maybe_sent_since: datetime | None = None,
) -> bool:
    """Store a failed attempt's outcome; False when this worker no longer held the lease.

    `maybe_sent_since`: this attempt may have reached the platform; it was due then. The
    earliest such time is kept.
    """
    doubt = (
        {"maybe_sent_since": func.coalesce(Target.maybe_sent_since, maybe_sent_since)}
        if maybe_sent_since is not None
        else {}
    )
    with write_session(db) as s:
        post_id = _post_of(s, target_id)
        if post_id is None:
            return False
        lock_posts(s, [post_id])
        result = s.execute(
            update(Target)
            .where(_owned(target_id, owner))  # type: ignore[arg-type]
            .values(
                status=decision.status,
                attempts=decision.attempts,
                next_attempt_at=decision.next_attempt_at,
                error_code=decision.error_code,
                error_message=decision.error_message,
                lease_until=None,
                lease_owner=None,
                updated_at=now,
                **doubt,
            )
        )
        if not getattr(result, "rowcount", 0):
            return False
        refresh_post_status(s, [post_id], now)
    return True


def release(db: Database, target_ids: Sequence[int], owner: str, now: datetime) -> int:
    """Give claimed work back untouched (shutdown, or an account that cannot publish now)."""
    if not target_ids:
        return 0
    with write_session(db) as s:
        post_ids = s.scalars(select(Target.post_id).where(Target.id.in_(target_ids))).all()
        lock_posts(s, post_ids)
        result = s.execute(
            update(Target)
            .where(
                Target.id.in_(target_ids),
                Target.lease_owner == owner,
                Target.status == TargetStatus.IN_FLIGHT,
            )
            .values(status=TargetStatus.QUEUED, lease_until=None, lease_owner=None, updated_at=now)
        )
        refresh_post_status(s, post_ids, now)
        return int(getattr(result, "rowcount", 0) or 0)


def release_stale(
    db: Database, target_id: int, owner: str, content_version: int, now: datetime
) -> bool:
    """Give a claimed target back when its post was deleted or changed since this worker
    loaded it (a change that raced the claim); True when it did. Back in the queue, the next
    claim loads the new version (a deleted post is never claimed)."""
    with write_session(db) as s:
        post_id = _post_of(s, target_id)
        if post_id is None:
            return False
        lock_posts(s, [post_id])
        result = s.execute(
            update(Target)
            .where(
                _owned(target_id, owner),  # type: ignore[arg-type]
                ~exists().where(
                    Post.id == Target.post_id,
                    Post.deleted_at.is_(None),
                    Post.content_version == content_version,
                ),
            )
            .values(status=TargetStatus.QUEUED, lease_until=None, lease_owner=None, updated_at=now)
        )
        if not getattr(result, "rowcount", 0):
            return False
        refresh_post_status(s, [post_id], now)
    return True


def park_for_confirmation(
    db: Database, target_id: int, owner: str, reason: str, now: datetime
) -> bool:
    """The platform could not tell whether the post exists: a person decides."""
    with write_session(db) as s:
        post_id = _post_of(s, target_id)
        if post_id is None:
            return False
        lock_posts(s, [post_id])
        result = s.execute(
            update(Target)
            .where(_owned(target_id, owner))  # type: ignore[arg-type]
            .values(
                status=TargetStatus.NEEDS_CONFIRMATION,
                error_code="unconfirmed",
                error_message=reason[:2000],
                lease_until=None,
                lease_owner=None,
                updated_at=now,
            )
        )
        if not getattr(result, "rowcount", 0):
            return False
        refresh_post_status(s, [post_id], now)
    return True


def expire_lease(db: Database, target_id: int, owner: str, now: datetime) -> None:
    """Leave a reconciliation for later (the network is down): the lease lapses at once."""
    with write_session(db) as s:
        s.execute(update(Target).where(_owned(target_id, owner)).values(lease_until=now))  # type: ignore[arg-type]


def require_reauth(db: Database, account_id: int, reason: str) -> bool:
    """Account → REQUIRES_REAUTH; True when this call changed it (so the event goes out once)."""
    with write_session(db) as s:
        result = s.execute(
            update(Account)
            .where(Account.id == account_id, Account.status == AccountStatus.ACTIVE)
            .values(status=AccountStatus.REQUIRES_REAUTH, status_reason=reason[:2000])
        )
        return bool(getattr(result, "rowcount", 0))


def exhaust_budget(
    db: Database,
    account_id: int,
    platform: Platform,
    reset_at: datetime,
    now: datetime,
    budgets: Mapping[Platform, ratelimits.BudgetDefault],
) -> None:
    with write_session(db) as s:
        ratelimits.exhaust(s, account_id, platform, reset_at, now, budgets)


#: the columns a Work needs, in one join (no ORM objects: loading them cost more than the
#: queries; the per-cycle work of publishing)
_WORK_COLUMNS = (
    Target.id,
    Target.post_id,
    Account.id,
    Account.platform,
    Post.base_text,
    Target.content_override,
    Target.idempotency_key,
    Target.attempts,
    Target.next_attempt_at,
    Target.error_code,
    Target.maybe_sent_since,
    Target.error_message,
    Post.content_version,
)


def load_works(db: Database, target_ids: Sequence[int], owner: str) -> dict[int, Work]:
    """Snapshots of claimed targets still held by `owner`: two queries for the batch."""
    if not target_ids:
        return {}
    with db.session() as s:
        rows = s.execute(
            select(*_WORK_COLUMNS)
            .join(Post, Post.id == Target.post_id)
            .join(Account, Account.id == Target.account_id)
            .where(
                Target.id.in_(list(target_ids)),
                Target.lease_owner == owner,
                Target.status == TargetStatus.IN_FLIGHT,
            )
        ).all()
        media = _media_of(s, {r[1] for r in rows})
    return {
        r[0]: Work(
            target_id=r[0],
            post_id=r[1],
            account_id=r[2],
            platform=Platform(r[3]),
            text=effective_text(r[4] or "", r[5]),
            media=media.get(r[1], ()),
            idempotency_key=r[6],
            attempts=r[7],
            due=r[8],
            error_code=r[9],
            maybe_sent_since=r[10],
            error_message=r[11],
            content_version=r[12],
        )
        for r in rows
    }


def _media_of(s: Session, post_ids: set[int]) -> dict[int, tuple[MediaItem, ...]]:
    """Each post's media in its order (PostMedia.position, as Post.media_links)."""
    if not post_ids:
        return {}
    found: dict[int, list[MediaItem]] = {}
    for r in s.execute(
        select(
            PostMedia.post_id,
            Media.path,
            Media.mime,
            Media.bytes,
            Media.sha256,
            Media.width,
            Media.height,
            Media.duration_s,
        )
        .join(Media, Media.id == PostMedia.media_id)
        .where(PostMedia.post_id.in_(sorted(post_ids)))
        .order_by(PostMedia.post_id, PostMedia.position)
    ):
        found.setdefault(r[0], []).append(
            MediaItem(
                path=r[1],
                mime=r[2],
                bytes=r[3],
                sha256=r[4],
                width=r[5],
                height=r[6],
                duration_s=r[7],
            )
        )
    return {post_id: tuple(items) for post_id, items in found.items()}


def load_work(db: Database, target_id: int, owner: str) -> Work | None:
    """The claimed target's snapshot, or None when this worker no longer holds it."""
    return load_works(db, [target_id], owner).get(target_id)


def effective_text(base: str, override: str | None) -> str:
    """The text a target sends: its own override when it has one, else the post's text."""
    return override if override is not None else base
