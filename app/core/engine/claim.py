"""Claiming due work: one atomic step that moves targets to IN_FLIGHT under a lease.

SQLite: one `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING` inside `BEGIN IMMEDIATE`
(measured: never double-claims across processes, where SELECT-then-UPDATE did hundreds of
times). PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` then UPDATE in the same transaction, so
concurrent claimers skip each other's rows instead of waiting or colliding.

No network I/O happens inside a claim: claim → commit → publish → short update.

Every `now` here is the database's clock (app/core/dbclock.py), never a worker's own: a lease
written by one worker is judged by another, and their machines' clocks may differ.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, exists, func, select, text, update
from sqlalchemy.orm import Session

from app.core.db import Database
from app.core.engine import ratelimits
from app.core.engine.claim_sql import (
    DUE,
    EXPIRED,
    PLATFORMS,
    PROBE,
    budget_exhausted,
    take_statement,
)
from app.core.engine.claim_sql import claimable as claimable
from app.core.engine.presend import Hold as Hold
from app.core.engine.presend import hold_lease as hold_lease
from app.core.engine.presend import hold_leases as hold_leases
from app.core.engine.txn import refresh_post_status, write_session
from app.core.models import (
    PUBLISHABLE_APPROVALS,
    Account,
    AccountStatus,
    Post,
    PostStatus,
    RateLimitBudget,
    Target,
    TargetStatus,
)
from app.platforms.names import Platform


@dataclass(frozen=True)
class Claimed:
    target_id: int
    account_id: int
    post_id: int
    platform: Any  # the account's (a Platform, or its name)


def _probe(db: Database, kind: str, now: datetime) -> bool:
    """Is anything of `kind` there to claim? A read, no lock (a cheap first look)."""
    with db.engine.connect() as conn:
        return conn.execute(PROBE[kind], {"claim_now": now}).first() is not None


def _take(
    session: Session, kind: str, now: datetime, limit: int, values: Mapping[str, Any]
) -> list[Claimed]:
    """Atomically move up to `limit` rows of `kind` (due, or expired leases) to the new
    lease in `values`; returns what was taken in due (or lease) order. One statement on both
    engines: SQLite under its write lock, PostgreSQL with the candidates locked FOR UPDATE
    SKIP LOCKED inside it (a round trip less than a SELECT … FOR UPDATE and then an UPDATE)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    params = {
        "claim_now": now,
        "claim_limit": limit,
        "new_lease_until": values["lease_until"],
        "new_lease_owner": values["lease_owner"],
        "new_updated_at": values["updated_at"],
    }
    conn = session.connection()
    if sqlite:
        taken = conn.execute(take_statement(kind, True), params).all()
        platforms = dict(
            conn.execute(PLATFORMS, {"account_ids": sorted({r[1] for r in taken})}).all()
        )
        rows = [(r[0], r[1], r[2], platforms.get(r[1]), r[3]) for r in taken]
    else:
        rows = [tuple(r) for r in conn.execute(take_statement(kind, False), params).all()]
    rows.sort(key=lambda r: (r[4], r[0]))
    return [Claimed(r[0], r[1], r[2], r[3]) for r in rows]


def claim_due(
    db: Database,
    owner: str,
    now: datetime,
    limit: int,
    lease: timedelta,
    budgets: Mapping[Platform, ratelimits.BudgetDefault] | None = None,
) -> list[int]:
    """Claim up to `limit` due targets for `owner`; returns their ids (oldest due first).

    In the same transaction each account's rate-limit budget is reserved; targets beyond it go
    back to the queue due at the budget's reset, and the posts' statuses are re-derived.
    """
    if limit <= 0:
        return []
    if db.is_sqlite and not _probe(db, DUE, now):  # SQLite's write lock only when needed
        return []
    # PostgreSQL: the claim itself is the probe (SKIP LOCKED takes no lock it cannot get).
    with write_session(db) as s:
        if not db.is_sqlite:
            _commit_without_waiting_for_disk(s)
        defaults = budgets if budgets is not None else ratelimits.load_defaults(s)
        claimed = _take(
            s,
            DUE,
            now,
            limit,
            {"lease_until": now + lease, "lease_owner": owner, "updated_at": now},
        )
        if not claimed:
            return []
        # Lock order everywhere: posts, then budget rows (both sorted), so a claim and a
        # write-back never wait on each other in a cycle. The posts' statuses first, as if
        # every target were kept: the budget rows, which every claimer of the same accounts
        # needs, are then locked only for the last two statements and the commit.
        _mark_publishing(s, [c.post_id for c in claimed], now)
        kept = _reserve_budgets(s, claimed, now, defaults)
        if len(kept) < len(claimed):  # some went back to the queue: their posts again
            back = set(kept)
            refresh_post_status(s, (c.post_id for c in claimed if c.target_id not in back), now)
    return kept


def _commit_without_waiting_for_disk(s: Session) -> None:
    """The claim's commit returns before its WAL record reaches the disk, so the claimed
    rows and the budget rows every claimer needs are let go a disk flush sooner. Safe for
    exactly-once: nothing leaves Herald on a claim alone. Before a target is sent its
    pre-send check (presend.hold_leases) commits synchronously, and PostgreSQL's log is
    flushed in order, so that flush makes this claim durable too; a server crash before it
    loses the claim, and the worker's pre-send check then refuses to send."""
    s.execute(_ASYNC_COMMIT)


_ASYNC_COMMIT = text("SET LOCAL synchronous_commit = off")


def _mark_publishing(s: Session, post_ids: list[int], now: datetime) -> None:
    """Lock the posts (in id order) and derive their status now that one of their targets
    is in flight: PUBLISHING, unless a target already gave up (FAILED stays FAILED; see
    app/core/poststatus.py). Two statements where refresh_post_status needs five: the
    targets' statuses need not be read, an in-flight one decides."""
    conn = s.connection()
    ids = {"post_ids": sorted(set(post_ids))}
    if conn.dialect.name == "sqlite":  # under the write lock already
        current = dict(conn.execute(_POST_STATUSES, ids).all())
    else:
        current = dict(conn.execute(_POST_STATUSES_LOCKED, ids).all())
    stale = [
        pid
        for pid, status in current.items()
        if status not in (PostStatus.PUBLISHING, PostStatus.FAILED, PostStatus.DRAFT)
    ]
    if stale:
        conn.execute(_MARK_PUBLISHING, {"post_ids": stale, "new_updated_at": now})


_POST_STATUSES = select(Post.id, Post.status).where(
    Post.id.in_(bindparam("post_ids", expanding=True))
)
_POST_STATUSES_LOCKED = _POST_STATUSES.order_by(Post.id).with_for_update()
_MARK_PUBLISHING = (
    update(Post)
    .where(Post.id.in_(bindparam("post_ids", expanding=True)))
    .values(status=PostStatus.PUBLISHING, updated_at=bindparam("new_updated_at"))
)


def _reserve_budgets(
    s: Session,
    claimed: list[Claimed],
    now: datetime,
    defaults: Mapping[Platform, ratelimits.BudgetDefault],
) -> list[int]:
    by_account: dict[int, list[int]] = defaultdict(list)
    for c in sorted(claimed, key=lambda c: c.target_id):
        by_account[c.account_id].append(c.target_id)
    platforms = {c.account_id: c.platform for c in claimed}
    order = {c.target_id: i for i, c in enumerate(claimed)}
    # Every account's budget in one set of statements, rows locked in account-id order (no
    # deadlock between claimers); before, each account cost four round trips.
    granted = ratelimits.reserve_many(
        s,
        {a: (Platform(platforms[a]), len(ids)) for a, ids in by_account.items()},
        now,
        defaults,
    )
    kept: list[int] = []
    waiting: list[dict[str, Any]] = []
    for account_id in sorted(by_account):
        ids = sorted(by_account[account_id], key=order.__getitem__)
        n, reset_at = granted[account_id]
        kept.extend(ids[:n])
        waiting.extend({"w_id": tid, "w_due": reset_at} for tid in ids[n:])
    if waiting:  # one executemany for every over-budget target, whatever its account
        targets = Target.metadata.tables[Target.__tablename__]
        s.connection().execute(
            update(targets)
            .where(targets.c.id == bindparam("w_id"))
            .values(
                status=TargetStatus.QUEUED,
                next_attempt_at=bindparam("w_due"),
                lease_until=None,
                lease_owner=None,
                updated_at=now,
            ),
            waiting,
        )
    return sorted(kept, key=order.__getitem__)


def claim_expired(
    db: Database, owner: str, now: datetime, limit: int, lease: timedelta
) -> list[int]:
    """Take over IN_FLIGHT targets whose lease ran out (their worker died) for reconciliation.

    They stay IN_FLIGHT under the new owner's lease until the platform has been asked whether
    the post exists."""
    if limit <= 0:
        return []
    if not _probe(db, EXPIRED, now):  # a read first: most cycles find no expired lease
        return []
    with write_session(db) as s:
        taken = _take(
            s,
            EXPIRED,
            now,
            limit,
            {"lease_until": now + lease, "lease_owner": owner, "updated_at": now},
        )
    return [c.target_id for c in taken]


def renew_leases(db: Database, owner: str, target_ids: list[int], until: datetime) -> int:
    """Heartbeat: keep the leases of work this owner is still doing."""
    if not target_ids:
        return 0
    with write_session(db) as s:
        result = s.execute(
            update(Target)
            .where(
                Target.id.in_(target_ids),
                Target.lease_owner == owner,
                Target.status == TargetStatus.IN_FLIGHT,
            )
            .values(lease_until=until)
        )
        return int(getattr(result, "rowcount", 0) or 0)


def next_wakeup(db: Database, now: datetime) -> datetime | None:
    """The earliest time anything becomes claimable: a queued target's due time (or its
    account's budget reset, when the budget is spent) or an in-flight lease's expiry."""
    with db.session() as s:
        # ORDER BY … LIMIT 1, not min(): PostgreSQL rewrites min() into an index walk only
        # on a single table, so min() over this join read every QUEUED target.
        due = s.scalar(
            select(Target.next_attempt_at)
            .join(Account, Account.id == Target.account_id)
            .join(Post, Post.id == Target.post_id)
            .where(
                Target.status == TargetStatus.QUEUED,
                Account.status == AccountStatus.ACTIVE,
                Post.deleted_at.is_(None),
                Post.approval.in_(PUBLISHABLE_APPROVALS),  # a post waiting for approval: no wake-up
                ~budget_exhausted(now),
            )
            .order_by(Target.next_attempt_at, Target.id)
            .limit(1)
        )
        reset = s.scalar(
            select(func.min(RateLimitBudget.reset_at)).where(
                RateLimitBudget.scope == ratelimits.PUBLISH,
                RateLimitBudget.remaining <= 0,
                RateLimitBudget.reset_at > now,
                exists().where(
                    Target.account_id == RateLimitBudget.account_id,
                    Target.status == TargetStatus.QUEUED,
                ),
            )
        )
        # Only leases a reconciliation could take over: the account must be ACTIVE.
        lease = s.scalar(
            select(func.min(Target.lease_until))
            .join(Account, Account.id == Target.account_id)
            .where(Target.status == TargetStatus.IN_FLIGHT, Account.status == AccountStatus.ACTIVE)
        )
    times = [t for t in (due, reset, lease) if t is not None]
    return min(times) if times else None


def busy_counts(db: Database, now: datetime) -> tuple[int, int]:
    """(claimable due targets, in-flight targets) across every worker: 0, 0 means idle."""
    with db.session() as s:
        due = s.scalar(
            select(func.count(Target.id))
            .join(Account, Account.id == Target.account_id)
            .join(Post, Post.id == Target.post_id)
            .where(claimable(now))
        )
        flying = s.scalar(
            select(func.count(Target.id)).where(Target.status == TargetStatus.IN_FLIGHT)
        )
    return int(due or 0), int(flying or 0)


def anything_left(db: Database, now: datetime) -> bool:
    """Is any target claimable now or in flight, across every worker? Two EXISTS probes that
    stop at the first row (busy_counts counts them all: `--until-idle` workers ask this
    several times a second while they drain)."""
    with db.session() as s:
        due = s.scalar(
            select(Target.id)
            .join(Account, Account.id == Target.account_id)
            .join(Post, Post.id == Target.post_id)
            .where(claimable(now))
            .limit(1)
        )
        if due is not None:
            return True
        flying = s.scalar(select(Target.id).where(Target.status == TargetStatus.IN_FLIGHT).limit(1))
    return flying is not None
