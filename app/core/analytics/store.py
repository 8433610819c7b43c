"""Short write transactions that record what a metrics fetch produced.

Every task update is guarded by `lease_owner = me AND status = IN_FLIGHT`: a worker whose
lease expired (and whose tasks another worker claimed) writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Update, bindparam, func, insert, select, update

from app.core.models import AnalyticsSnapshot, Checkpoint, MetricTask, Target, TaskStatus
from app.core.ports import Metrics

# Transient failures: try again after 1, 5 and 15 minutes, then give up (as publishing does).
RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
)


@dataclass(frozen=True)
class Job:
    """One claimed task with what is needed to fetch it."""

    task_id: int
    target_id: int
    checkpoint: Checkpoint
    attempts: int
    external_id: str | None
    account_id: int


def _owned(task_ids: Sequence[int], owner: str) -> Update:
    return (
        update(MetricTask)
        .where(
            MetricTask.id.in_(list(task_ids)),
            MetricTask.lease_owner == owner,
            MetricTask.status == TaskStatus.IN_FLIGHT,
        )
        .execution_options(synchronize_session=False)
    )


def snapshot_rows(
    target_metrics: Iterable[tuple[int, Checkpoint, Metrics]], fetched_at: datetime
) -> list[dict[str, object]]:
    return [
        {
            "target_id": target_id,
            "checkpoint": checkpoint,
            "likes": m.likes,
            "shares": m.shares,
            "comments": m.comments,
            "impressions": m.impressions,
            "fetched_at": fetched_at,
        }
        for target_id, checkpoint, m in target_metrics
    ]


def insert_snapshots(conn: Connection, rows: list[dict[str, object]]) -> None:
    if rows:
        conn.execute(insert(AnalyticsSnapshot), rows)


#: `complete`'s UPDATE, built once: constructing a statement costs more than running it
#: (the demo seed stores thousands of batches)
_MARK_DONE = (
    update(MetricTask)
    .where(
        MetricTask.id.in_(bindparam("task_ids", expanding=True)),
        MetricTask.lease_owner == bindparam("owner"),
        MetricTask.status == TaskStatus.IN_FLIGHT,
    )
    .values(
        status=TaskStatus.DONE,
        done_at=bindparam("done_at"),
        lease_until=None,
        lease_owner=None,
        last_error=None,
    )
    .returning(MetricTask.id)
    .execution_options(synchronize_session=False)
)


@dataclass(frozen=True)
class Fetched:
    """One fetch's answer: the jobs asked for, the metrics by external id (per account:
    ids of different networks may coincide) and when it was fetched."""

    jobs: Sequence[Job]
    metrics: Mapping[str, Metrics]
    fetched_at: datetime


def complete(
    conn: Connection,
    owner: str,
    jobs: Sequence[Job],
    metrics: Mapping[str, Metrics],
    now: datetime,
) -> tuple[list[int], list[int]]:
    """Store a snapshot for every job whose post the platform reported, mark those DONE and
    the others FAILED ("no longer on the platform"). Returns (stored target ids, failed
    task ids); jobs this worker no longer owns are left alone."""
    return complete_many(conn, owner, [Fetched(jobs, metrics, now)], now)


def complete_many(
    conn: Connection, owner: str, batches: Sequence[Fetched], now: datetime
) -> tuple[list[int], list[int]]:
    """`complete` for several fetches in three statements; each snapshot keeps its own
    fetch's time, the tasks are DONE at `now`."""
    found: list[tuple[Job, Metrics, datetime]] = []
    missing: list[Job] = []
    for batch in batches:
        for j in batch.jobs:
            m = batch.metrics.get(str(j.external_id)) if j.external_id is not None else None
            if m is None:
                missing.append(j)
            else:
                found.append((j, m, batch.fetched_at))
    owned: set[int] = set()
    if found:
        owned = set(
            conn.execute(
                _MARK_DONE,
                {"task_ids": [j.task_id for j, _, _ in found], "owner": owner, "done_at": now},
            ).scalars()
        )
    stored = [(j, m, at) for j, m, at in found if j.task_id in owned]
    rows = [
        row for j, m, at in stored for row in snapshot_rows([(j.target_id, j.checkpoint, m)], at)
    ]
    insert_snapshots(conn, rows)
    failed = fail(conn, owner, missing, "the platform no longer has this post", now)
    return [j.target_id for j, _, _ in stored], failed


def fail(
    conn: Connection, owner: str, jobs: Sequence[Job], reason: str, now: datetime
) -> list[int]:
    if not jobs:
        return []
    return list(
        conn.execute(
            _owned([j.task_id for j in jobs], owner)
            .values(
                status=TaskStatus.FAILED,
                done_at=now,
                lease_until=None,
                lease_owner=None,
                last_error=reason[:2000],
                attempts=MetricTask.attempts + 1,
            )
            .returning(MetricTask.id)
        ).scalars()
    )


def retry_or_fail(
    conn: Connection, owner: str, jobs: Sequence[Job], reason: str, now: datetime
) -> tuple[int, int]:
    """A transient failure: burn an attempt and retry after 1/5/15 min, then FAILED.
    Returns (retried, failed)."""
    retried = failed = 0
    by_attempts: dict[int, list[Job]] = {}
    for job in jobs:
        by_attempts.setdefault(job.attempts + 1, []).append(job)
    for attempts, group in by_attempts.items():
        if attempts > len(RETRY_DELAYS):
            failed += len(
                fail(conn, owner, group, f"gave up after {attempts} tries: {reason}", now)
            )
            continue
        result = conn.execute(
            _owned([j.task_id for j in group], owner)
            .values(
                status=TaskStatus.QUEUED,
                attempts=attempts,
                due_at=now + RETRY_DELAYS[attempts - 1],
                lease_until=None,
                lease_owner=None,
                last_error=reason[:2000],
            )
            .returning(MetricTask.id)
        )
        retried += len(result.all())
    return retried, failed


def release(
    conn: Connection,
    owner: str,
    jobs: Sequence[Job],
    due_at: datetime | None,
    reason: str | None,
) -> int:
    """Put tasks back in the queue without burning an attempt (rate limit, reauth, offline).
    `due_at` None keeps their due time.

    With a `due_at` (a budget's reset), the order is kept: the jobs (in claim order, oldest
    checkpoint first), then the accounts' other checkpoints that would fall due before
    `due_at` (in their order) are each due a microsecond after the one before, after those
    already waiting for the same moment. So nothing of these accounts jumps ahead of the
    backlog at the reset, and it drains oldest-checkpoint-first."""
    if not jobs:
        return 0
    values: dict[str, object] = {
        "status": TaskStatus.QUEUED,
        "lease_until": None,
        "lease_owner": None,
        "last_error": reason,
    }
    if due_at is None:
        result = conn.execute(
            _owned([j.task_id for j in jobs], owner).values(**values).returning(MetricTask.id)
        )
        return len(result.all())
    accounts = sorted({j.account_id for j in jobs})
    first = _first_free(conn, accounts, due_at)
    rows = [{"task": j.task_id, "due": first + _STEP * i} for i, j in enumerate(jobs)]
    stmt = (
        update(MetricTask)
        .where(
            MetricTask.id == bindparam("task"),
            MetricTask.lease_owner == owner,
            MetricTask.status == TaskStatus.IN_FLIGHT,
        )
        .values(due_at=bindparam("due"), **values)
        .execution_options(synchronize_session=False)
    )
    released = int(conn.execute(stmt, rows).rowcount or 0)
    coming = conn.execute(
        select(MetricTask.id)
        .join(Target, Target.id == MetricTask.target_id)
        .where(
            MetricTask.status == TaskStatus.QUEUED,
            MetricTask.due_at < due_at,
            Target.account_id.in_(accounts),
        )
        .order_by(MetricTask.due_at, MetricTask.id)
    ).all()
    if coming:
        after = first + _STEP * len(rows)
        conn.execute(
            update(MetricTask)
            .where(MetricTask.id == bindparam("task"), MetricTask.status == TaskStatus.QUEUED)
            .values(due_at=bindparam("due"))
            .execution_options(synchronize_session=False),
            [{"task": r[0], "due": after + _STEP * i} for i, r in enumerate(coming)],
        )
    return released


_STEP = timedelta(microseconds=1)


def _first_free(conn: Connection, account_ids: Sequence[int], due_at: datetime) -> datetime:
    """`due_at`, or a microsecond after the last due time given to these accounts' tasks
    already put back until `due_at` (within the second after it)."""
    last = conn.execute(
        select(func.max(MetricTask.due_at))
        .join(Target, Target.id == MetricTask.target_id)
        .where(
            MetricTask.status == TaskStatus.QUEUED,
            MetricTask.due_at >= due_at,
            MetricTask.due_at < due_at + timedelta(seconds=1),
            Target.account_id.in_(sorted(set(account_ids))),
        )
    ).scalar()
    if last is None:
        return due_at
    if last.tzinfo is None:  # SQLite gives naive UTC back
        last = last.replace(tzinfo=due_at.tzinfo)
    return max(due_at, last + _STEP)
