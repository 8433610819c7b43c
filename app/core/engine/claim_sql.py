"""The statements of a claim (claim.py), built once: which targets are claimable, which
leases ran out, and the claiming UPDATE per kind and dialect, with the instant, the limit and
the new lease as bind parameters. Building and keying a statement this size cost more than
running it (the engine claims at every stop of the demo seed's clocks, thousands a run)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, exists, select, update

from app.core.engine import ratelimits
from app.core.models import (
    PUBLISHABLE_APPROVALS,
    Account,
    AccountStatus,
    Post,
    RateLimitBudget,
    Target,
    TargetStatus,
)


def budget_exhausted(now: datetime | Any) -> Any:
    return exists().where(
        RateLimitBudget.account_id == Target.account_id,
        RateLimitBudget.scope == ratelimits.PUBLISH,
        RateLimitBudget.remaining <= 0,
        RateLimitBudget.reset_at > now,
    )


def claimable(now: datetime | Any) -> Any:
    """Due, queued, for an ACTIVE account, on a post that is not deleted and is approved (or
    needs no approval), within budget. `now`: an instant, or a bind parameter."""
    return and_(
        Target.status == TargetStatus.QUEUED,
        Target.next_attempt_at <= now,
        Account.status == AccountStatus.ACTIVE,
        Post.deleted_at.is_(None),
        Post.approval.in_(PUBLISHABLE_APPROVALS),
        ~budget_exhausted(now),
    )


def expired(now: datetime | Any) -> Any:
    return and_(
        Target.status == TargetStatus.IN_FLIGHT,
        Target.lease_until < now,
        Account.status == AccountStatus.ACTIVE,
    )


def _candidates(where: Any, limit: int | Any, order: Any) -> Any:
    return (
        select(Target.id)
        .join(Account, Account.id == Target.account_id)
        .join(Post, Post.id == Target.post_id)
        .where(where)
        .order_by(order, Target.id)
        .limit(limit)
    )


NOW: Any = bindparam("claim_now")
DUE, EXPIRED = "due", "expired"
_WHERE = {DUE: (lambda: claimable(NOW), Target.next_attempt_at)}
_WHERE[EXPIRED] = (lambda: expired(NOW), Target.lease_until)
_VALUES: dict[str, dict[str, Any]] = {
    DUE: {
        "status": TargetStatus.IN_FLIGHT,
        "lease_until": bindparam("new_lease_until"),
        "lease_owner": bindparam("new_lease_owner"),
        "updated_at": bindparam("new_updated_at"),
    },
    EXPIRED: {
        "lease_until": bindparam("new_lease_until"),
        "lease_owner": bindparam("new_lease_owner"),
        "updated_at": bindparam("new_updated_at"),
    },
}
PROBE = {
    DUE: select(Target.id)
    .join(Account, Account.id == Target.account_id)
    .join(Post, Post.id == Target.post_id)
    .where(claimable(NOW))
    .limit(1),
    EXPIRED: select(Target.id)
    .join(Account, Account.id == Target.account_id)
    .where(expired(NOW))
    .limit(1),
}
PLATFORMS = select(Account.id, Account.platform).where(
    Account.id.in_(bindparam("account_ids", expanding=True))
)
_built: dict[tuple[str, bool], Any] = {}


def take_statement(kind: str, sqlite: bool) -> Any:
    """The claiming UPDATE … RETURNING for `kind` (DUE or EXPIRED)."""
    stmt = _built.get((kind, sqlite))
    if stmt is None:
        where, order = _WHERE[kind]
        candidates = _candidates(where(), bindparam("claim_limit"), order)
        if sqlite:
            # SQLite's RETURNING cannot name another table: the platforms in a second read.
            stmt = (
                update(Target)
                .where(Target.id.in_(candidates))
                .values(**_VALUES[kind])
                .returning(Target.id, Target.account_id, Target.post_id, order)
            )
        else:
            candidates = candidates.with_for_update(skip_locked=True, of=Target)
            stmt = (
                update(Target)
                .where(Target.account_id == Account.id, Target.id.in_(candidates))  # UPDATE … FROM
                .values(**_VALUES[kind])
                .returning(Target.id, Target.account_id, Target.post_id, Account.platform, order)
            )
        _built[(kind, sqlite)] = stmt
    return stmt
