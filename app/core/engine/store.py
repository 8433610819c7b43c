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
from app.core.engine import audit_trail, ratelimits, writeback
from app.core.engine.policy import Decision, ErrorCode
from app.core.engine.txn import (
    lock_posts,
    refresh_post_status,
    write_connection,
    write_session,
)
from app.core.engine.work import Work, effective_text, load_work, load_works
from app.core.models import Account, AccountStatus, Post, Target, TargetStatus
from app.core.ports import RateLimitInfo
from app.platforms.names import Platform

# Work and its loading live in work.py; these names stay importable from here.
__all__ = [
    "Success",
    "Work",
    "apply_decision",
    "effective_text",
    "exhaust_budget",
    "expire_lease",
    "load_work",
    "load_works",
    "mark_published",
    "mark_published_many",
    "park_for_confirmation",
    "release",
    "release_stale",
    "require_reauth",
]

log = logging.getLogger(__name__)


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
    checkpoints planned, audit entries, post statuses derived (writeback.py), headers' rate
    limits stored. A target that is
    already PUBLISHED is left as it is (False for it)."""
    if not successes:
        return []
    with write_connection(db) as conn:
        written, previous = writeback.publish(conn, successes, audit_trail.PUBLISH)
        sent = {x.target_id: x.external_id for x in successes}
        for p in previous:
            if p.external_id != sent[p.target_id]:
                log.warning(
                    "target %s published twice: %s and %s",
                    p.target_id,
                    p.external_id,
                    sent[p.target_id],
                )
        if written:
            done_ids = {w.target_id for w in written}
            # each account's latest headers (the batch's order is the order they came in)
            latest: dict[int, Success] = {}
            platform_of = {w.account_id: w.platform for w in written}
            account_of = {w.target_id: w.account_id for w in written}
            for x in successes:
                if x.rate_limit is not None and x.target_id in done_ids:
                    latest[account_of[x.target_id]] = x
            if latest:
                defaults = budgets
                if defaults is None:
                    with Session(bind=conn) as s:
                        defaults = ratelimits.load_defaults(s)
                for account_id in sorted(latest):
                    x = latest[account_id]
                    assert x.rate_limit is not None
                    ratelimits.apply_info(
                        conn,
                        account_id,
                        Platform(platform_of[account_id]),
                        x.rate_limit,
                        x.at,
                        defaults,
                    )
    done = {w.target_id for w in written}
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
        if decision.status == TargetStatus.FAILED:
            reason = decision.error_message or decision.error_code or "failed"
            audit_trail.record(s, audit_trail.FAIL, [target_id], now, {target_id: reason})
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
                error_code=ErrorCode.UNCONFIRMED.value,
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
