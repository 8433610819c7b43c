"""Claiming due metric fetches, the same way the engine claims publishing work.

One statement moves due tasks to IN_FLIGHT with a lease:
SQLite: `BEGIN IMMEDIATE` + `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING id`;
PostgreSQL: the same UPDATE with `FOR UPDATE SKIP LOCKED` in the sub-select. Any number of
threads or processes may claim at once; none gets the same task twice. A task whose lease
expired (its worker crashed) is due again: fetching metrics twice is harmless.

Only tasks that can be fetched are claimed: the account is ACTIVE (an account waiting for
reauth keeps its tasks QUEUED until it is reconnected) and the post is not deleted. Due tasks
of deleted posts are CANCELLED.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, exists, func, or_, select, update

from app.core.db import Database, write_transaction
from app.core.models import Account, AccountStatus, MetricTask, Post, Target, TaskStatus

DEFAULT_LEASE = timedelta(minutes=5)


def new_owner() -> str:
    """A lease owner name unique to this process and claimer."""
    return f"metrics:{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _queued_due(now: datetime | Any) -> ColumnElement[bool]:
    return and_(MetricTask.status == TaskStatus.QUEUED, MetricTask.due_at <= now)


def _lease_expired(now: datetime | Any) -> ColumnElement[bool]:
    return and_(MetricTask.status == TaskStatus.IN_FLIGHT, MetricTask.lease_until < now)


def _due(now: datetime | Any) -> ColumnElement[bool]:
    return or_(_queued_due(now), _lease_expired(now))


def _fetchable() -> ColumnElement[bool]:
    return exists(
        select(Target.id)
        .join(Account, Account.id == Target.account_id)
        .join(Post, Post.id == Target.post_id)
        .where(
            Target.id == MetricTask.target_id,
            Account.status == AccountStatus.ACTIVE,
            Post.deleted_at.is_(None),
        )
    )


def _deleted() -> ColumnElement[bool]:
    return exists(
        select(Target.id)
        .join(Post, Post.id == Target.post_id)
        .where(Target.id == MetricTask.target_id, Post.deleted_at.is_not(None))
    )


# The claim's statements, built once with the instant, the limit and the lease as bind
# parameters: building and keying them cost more than running them (the collector claims at
# every checkpoint stop of the demo seed's clocks).
_NOW: Any = bindparam("claim_now")
_CANCEL_DELETED = (
    update(MetricTask)
    .where(_due(_NOW), _deleted())
    .values(
        status=TaskStatus.CANCELLED,
        last_error="the post was deleted",
        lease_until=None,
        lease_owner=None,
        done_at=_NOW,
    )
    .execution_options(synchronize_session=False)
)
#: expired leases first, then due tasks, each claimed on its own index range: one statement
#: with an OR of both is misestimated and walks whole indexes
_PICKS = (
    (_lease_expired(_NOW), MetricTask.lease_until),
    (_queued_due(_NOW), MetricTask.due_at),
)
_claims: dict[str, list[Any]] = {}


def _claim_statements(dialect: str) -> list[Any]:
    built = _claims.get(dialect)
    if built is None:
        built = []
        for where, order in _PICKS:
            pick = (
                select(MetricTask.id)
                .where(where, _fetchable())
                .order_by(order, MetricTask.id)
                .limit(bindparam("claim_limit"))
            )
            if dialect == "postgresql":
                pick = pick.with_for_update(skip_locked=True, of=MetricTask)
            built.append(
                update(MetricTask)
                .where(MetricTask.id.in_(pick.scalar_subquery()))
                .values(
                    status=TaskStatus.IN_FLIGHT,
                    lease_until=bindparam("new_lease_until"),
                    lease_owner=bindparam("new_lease_owner"),
                )
                .returning(MetricTask.id)
                .execution_options(synchronize_session=False)
            )
        _claims[dialect] = built
    return built


def claim_due(
    db: Database,
    now: datetime,
    owner: str,
    limit: int = 500,
    lease: timedelta = DEFAULT_LEASE,
) -> list[int]:
    """Claim up to `limit` due metric tasks for `owner` (expired leases, then the earliest
    due); returns their ids."""
    claims = _claim_statements(db.engine.dialect.name)
    with write_transaction(db.engine) as conn:
        conn.execute(_CANCEL_DELETED, {"claim_now": now})
        rows: list[int] = []
        for stmt in claims:
            if len(rows) >= limit:
                break
            params = {
                "claim_now": now,
                "claim_limit": limit - len(rows),
                "new_lease_until": now + lease,
                "new_lease_owner": owner,
            }
            rows.extend(r[0] for r in conn.execute(stmt, params))
    return sorted(rows)


def next_due_at(db: Database) -> datetime | None:
    """When the earliest fetchable task falls due (a lease expiry counts), or None."""
    with db.session() as s:
        # ORDER BY … LIMIT 1 stops the (status, due_at) index at the first fetchable task;
        # min() with the EXISTS walked every queued checkpoint.
        queued = s.scalar(
            select(MetricTask.due_at)
            .where(MetricTask.status == TaskStatus.QUEUED, _fetchable())
            .order_by(MetricTask.due_at, MetricTask.id)
            .limit(1)
        )
        leased = s.scalar(
            select(func.min(MetricTask.lease_until)).where(
                MetricTask.status == TaskStatus.IN_FLIGHT
            )
        )
    candidates = [t for t in (queued, leased) if t is not None]
    return min(candidates) if candidates else None
