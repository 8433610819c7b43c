"""The parts of chains and first comments (app/core/chain_models.py) in the engine: claiming
them, snapshots of claimed ones, and the short write-backs. The same rules as targets
(claim.py, store.py): one atomic claim with a lease on the database's clock, no network I/O
inside a transaction, a write applies only while this worker holds the lease, a success is
recorded whatever the lease.

A part is ready when its parent is PUBLISHED with the platform's id: part 2 waits for the
target (part 1), part k+1 for part k; the first comment, on the post, waits for the whole
chain. So a chain goes out in order and a
failure in part 3 leaves parts 1 and 2 alone: only part 3 is retried.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from app.core.chain_models import COMMENT, PART, TargetPart
from app.core.db import Database
from app.core.engine import audit_trail, ratelimits
from app.core.engine.policy import Decision
from app.core.engine.txn import lock_posts, refresh_post_status, write_session
from app.core.models import Account, AccountStatus, Post, RateLimitBudget, Target, TargetStatus
from app.platforms.names import Platform

_Prev = aliased(TargetPart)


def pool_key(part_id: int) -> int:
    """The id a part has in the engine's in-flight set (targets use their own, positive)."""
    return -part_id


def _parent_ready() -> Any:
    prev_published = exists().where(
        _Prev.target_id == TargetPart.target_id,
        _Prev.kind == PART,
        _Prev.position == TargetPart.position - 1,
        _Prev.status == TargetStatus.PUBLISHED,
        _Prev.external_id.is_not(None),
    )
    # A first comment waits for the whole chain: it comments on the post once all is out.
    chain_pending = exists().where(
        _Prev.target_id == TargetPart.target_id,
        _Prev.kind == PART,
        _Prev.status != TargetStatus.PUBLISHED,
    )
    return and_(
        Target.status == TargetStatus.PUBLISHED,
        Target.external_id.is_not(None),
        or_(
            and_(TargetPart.kind == COMMENT, ~chain_pending),
            and_(TargetPart.kind == PART, or_(TargetPart.position <= 2, prev_published)),
        ),
    )


def _live() -> Any:
    return and_(Account.status == AccountStatus.ACTIVE, Post.deleted_at.is_(None))


def _budget_spent(now: datetime) -> Any:
    """The account's publish budget is used up until its reset (as for targets)."""
    return exists().where(
        RateLimitBudget.account_id == Target.account_id,
        RateLimitBudget.scope == ratelimits.PUBLISH,
        RateLimitBudget.remaining <= 0,
        RateLimitBudget.reset_at > now,
    )


def ready(now: datetime) -> Any:
    """Queued, due, its parent out with an id, for an ACTIVE account within its publish
    budget, post not deleted."""
    return and_(
        TargetPart.status == TargetStatus.QUEUED,
        TargetPart.next_attempt_at <= now,
        _parent_ready(),
        _live(),
        ~_budget_spent(now),
    )


def _expired(now: datetime) -> Any:
    return and_(
        TargetPart.status == TargetStatus.IN_FLIGHT,
        TargetPart.lease_until < now,
        Account.status == AccountStatus.ACTIVE,
    )


def joined(*cols: Any) -> Any:
    return (
        select(*cols)
        .join(Target, Target.id == TargetPart.target_id)
        .join(Account, Account.id == Target.account_id)
        .join(Post, Post.id == Target.post_id)
    )


def _take(
    s: Session, where: Any, order: tuple[Any, ...], limit: int, values: dict[str, Any]
) -> list[int]:
    candidates = joined(TargetPart.id).where(where).order_by(*order, TargetPart.id).limit(limit)
    if s.get_bind().dialect.name == "sqlite":
        stmt = (
            update(TargetPart)
            .where(TargetPart.id.in_(candidates))
            .values(**values)
            .returning(TargetPart.id)
        )
        return list(s.scalars(stmt))
    ids = list(s.scalars(candidates.with_for_update(skip_locked=True, of=TargetPart)))
    if not ids:
        return []
    chosen = update(TargetPart).where(TargetPart.id.in_(ids)).values(**values)
    return list(s.scalars(chosen.returning(TargetPart.id)))


def claim_due(
    db: Database,
    owner: str,
    now: datetime,
    limit: int,
    lease: timedelta,
    budgets: Mapping[Platform, ratelimits.BudgetDefault] | None = None,
) -> list[int]:
    """Claim up to `limit` ready parts (chain parts in order, then comments). A part is a
    publish like any other: each account's budget is reserved in the same transaction, and
    parts beyond it go back to the queue due at the budget's reset."""
    if limit <= 0:
        return []
    with db.session() as s:
        if s.scalar(joined(TargetPart.id).where(ready(now)).limit(1)) is None:
            return []
    values = {
        "status": TargetStatus.IN_FLIGHT,
        "lease_until": now + lease,
        "lease_owner": owner,
        "updated_at": now,
    }
    with write_session(db) as s:  # chain parts by position, comments after
        order = (TargetPart.position == 0, TargetPart.position)
        taken = _take(s, ready(now), order, limit, values)
        if not taken:
            return []
        defaults = budgets if budgets is not None else ratelimits.load_defaults(s)
        return _within_budget(s, taken, now, defaults)


def _within_budget(
    s: Session,
    taken: list[int],
    now: datetime,
    defaults: Mapping[Platform, ratelimits.BudgetDefault],
) -> list[int]:
    rows = s.execute(
        select(TargetPart.id, Target.account_id, Account.platform, Target.post_id)
        .join(Target, Target.id == TargetPart.target_id)
        .join(Account, Account.id == Target.account_id)
        .where(TargetPart.id.in_(taken))
    ).all()
    lock_posts(s, (r[3] for r in rows))
    by_account: dict[int, list[int]] = {}
    platform_of: dict[int, Platform] = {}
    for part_id, account_id, platform, _post in sorted(rows, key=lambda r: taken.index(r[0])):
        by_account.setdefault(account_id, []).append(part_id)
        platform_of[account_id] = Platform(platform)
    wanted = {a: (platform_of[a], len(ids)) for a, ids in by_account.items()}
    granted = ratelimits.reserve_many(s, wanted, now, defaults)
    kept: list[int] = []
    for account_id, ids in sorted(by_account.items()):
        n, reset_at = granted[account_id]
        kept += ids[:n]
        if ids[n:]:
            s.execute(
                update(TargetPart)
                .where(TargetPart.id.in_(ids[n:]))
                .values(
                    status=TargetStatus.QUEUED,
                    next_attempt_at=reset_at or now,
                    lease_until=None,
                    lease_owner=None,
                    updated_at=now,
                )
            )
    return [p for p in taken if p in set(kept)]


def claim_expired(
    db: Database, owner: str, now: datetime, limit: int, lease: timedelta
) -> list[int]:
    """Take over in-flight parts whose worker died, for a look-up before any re-send."""
    if limit <= 0:
        return []
    with db.session() as s:
        if s.scalar(joined(TargetPart.id).where(_expired(now)).limit(1)) is None:
            return []
    with write_session(db) as s:
        values = {"lease_until": now + lease, "lease_owner": owner, "updated_at": now}
        return _take(s, _expired(now), (TargetPart.lease_until,), limit, values)


def renew(db: Database, owner: str, part_ids: list[int], until: datetime) -> None:
    if not part_ids:
        return
    with write_session(db) as s:
        s.execute(
            update(TargetPart)
            .where(
                TargetPart.id.in_(part_ids),
                TargetPart.lease_owner == owner,
                TargetPart.status == TargetStatus.IN_FLIGHT,
            )
            .values(lease_until=until)
        )


def hold(db: Database, owner: str, part_id: int, now: datetime, until: datetime) -> bool:
    """Just before a send: True only while this owner holds an unexpired lease and the post
    is not deleted (as claim.hold_lease)."""
    post_alive = exists().where(
        Target.id == TargetPart.target_id,
        Post.id == Target.post_id,
        Post.deleted_at.is_(None),
    )
    with write_session(db) as s:
        result = s.execute(
            update(TargetPart)
            .where(
                TargetPart.id == part_id,
                TargetPart.lease_owner == owner,
                TargetPart.status == TargetStatus.IN_FLIGHT,
                TargetPart.lease_until > now,
                post_alive,
            )
            .values(lease_until=until)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1


def release(db: Database, part_ids: list[int], owner: str, now: datetime) -> None:
    """Give claimed parts back untouched (shutdown, an account that cannot publish now)."""
    if not part_ids:
        return
    with write_session(db) as s:
        s.execute(
            update(TargetPart)
            .where(
                TargetPart.id.in_(part_ids),
                TargetPart.lease_owner == owner,
                TargetPart.status == TargetStatus.IN_FLIGHT,
            )
            .values(status=TargetStatus.QUEUED, lease_until=None, lease_owner=None, updated_at=now)
        )


# ---------------------------------------------------------------------- write-backs


def _post_of(s: Session, part_id: int) -> int | None:
    return s.scalar(
        select(Target.post_id)
        .join(TargetPart, TargetPart.target_id == Target.id)
        .where(TargetPart.id == part_id)
    )


def mark_published(
    db: Database, part_id: int, external_id: str, url: str | None, now: datetime
) -> bool:
    """A success is a fact: recorded whatever the lease; False when already PUBLISHED."""
    with write_session(db) as s:
        post_id = _post_of(s, part_id)
        if post_id is None:
            return False
        lock_posts(s, [post_id])
        result = s.execute(
            update(TargetPart)
            .where(TargetPart.id == part_id, TargetPart.status != TargetStatus.PUBLISHED)
            .values(
                status=TargetStatus.PUBLISHED,
                external_id=external_id,
                external_url=url,
                published_at=now,
                error_code=None,
                error_message=None,
                lease_until=None,
                lease_owner=None,
                updated_at=now,
            )
        )
        if not getattr(result, "rowcount", 0):
            return False
        refresh_post_status(s, [post_id], now)
        target_id, what = _described(s, part_id)  # in the post's history beside part 1's
        audit_trail.record(s, audit_trail.PUBLISH, [target_id], now, {target_id: what})
    return True


def _described(s: Session, part_id: int) -> tuple[int, str]:
    """(target id, "part N" or "first comment") for the audit entry."""
    cols = (TargetPart.target_id, TargetPart.kind, TargetPart.position)
    part = s.execute(select(*cols).where(TargetPart.id == part_id)).one()
    return part.target_id, "first comment" if part.kind == COMMENT else f"part {part.position}"


def apply_decision(
    db: Database, part_id: int, owner: str, decision: Decision, now: datetime
) -> bool:
    """Store a failed attempt's outcome (or a look-up's); False when the lease was lost.
    IN_FLIGHT: left to reconciliation, the lease lapses now."""
    values: dict[str, Any] = {
        "status": decision.status,
        "attempts": decision.attempts,
        "next_attempt_at": decision.next_attempt_at,
        "error_code": decision.error_code,
        "error_message": decision.error_message,
        "lease_until": None,
        "lease_owner": None,
        "updated_at": now,
    }
    if decision.status == TargetStatus.IN_FLIGHT:
        values = {"lease_until": now, "updated_at": now}
    if decision.maybe_sent_since is not None:
        values["maybe_sent_since"] = func.coalesce(
            TargetPart.maybe_sent_since, decision.maybe_sent_since
        )
    with write_session(db) as s:
        post_id = _post_of(s, part_id)
        if post_id is None:
            return False
        lock_posts(s, [post_id])
        result = s.execute(
            update(TargetPart)
            .where(
                TargetPart.id == part_id,
                TargetPart.lease_owner == owner,
                TargetPart.status == TargetStatus.IN_FLIGHT,
            )
            .values(**values)
        )
        if not getattr(result, "rowcount", 0):
            return False
        refresh_post_status(s, [post_id], now)
        if decision.status == TargetStatus.FAILED:
            target_id, what = _described(s, part_id)
            reason = f"{what}: {decision.error_message or decision.error_code or 'failed'}"
            audit_trail.record(s, audit_trail.FAIL, [target_id], now, {target_id: reason})
    return True


def next_wakeup(db: Database, now: datetime) -> datetime | None:
    """The earliest time a part becomes claimable or its lease can be taken over."""
    with db.session() as s:
        due = s.scalar(
            joined(TargetPart.next_attempt_at)
            .where(
                TargetPart.status == TargetStatus.QUEUED,
                _parent_ready(),
                _live(),
                ~_budget_spent(now),  # a spent budget's reset wakes the targets' side
            )
            .order_by(TargetPart.next_attempt_at)
            .limit(1)
        )
        reset = s.scalar(
            select(func.min(RateLimitBudget.reset_at)).where(
                RateLimitBudget.scope == ratelimits.PUBLISH,
                RateLimitBudget.remaining <= 0,
                RateLimitBudget.reset_at > now,
                exists().where(
                    Target.account_id == RateLimitBudget.account_id,
                    TargetPart.target_id == Target.id,
                    TargetPart.status == TargetStatus.QUEUED,
                ),
            )
        )
        lease = s.scalar(
            joined(func.min(TargetPart.lease_until)).where(
                TargetPart.status == TargetStatus.IN_FLIGHT,
                Account.status == AccountStatus.ACTIVE,
            )
        )
    times = [t for t in (due, reset, lease) if t is not None]
    return min(times) if times else None


def busy(db: Database, now: datetime) -> tuple[int, int]:
    """(ready parts, in-flight parts)."""
    with db.session() as s:
        due = s.scalar(joined(func.count(TargetPart.id)).where(ready(now)))
        flying = s.scalar(
            select(func.count(TargetPart.id)).where(TargetPart.status == TargetStatus.IN_FLIGHT)
        )
    return int(due or 0), int(flying or 0)
