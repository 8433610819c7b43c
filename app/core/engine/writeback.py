"""The success write-back's statements (store.mark_published_many), built once, sent on the
transaction's connection: no ORM statement is constructed per call (that cost more CPU than
running them, at 16 workers on two cores).

Every target is marked PUBLISHED only while it is not PUBLISHED yet, in the UPDATE itself (a
row another transaction has just published is re-checked after its lock is released), and
only the rows that UPDATE changed get checkpoints and audit entries, so a success written
twice never records anything twice.

PostgreSQL, whatever the batch's size: the posts are locked (one statement, id order), then
one statement updates the targets from arrays, plans their checkpoints and returns what the
audit rows and the rate limits need. SQLite holds the whole database for the transaction:
one read, then an executemany UPDATE and the checkpoints' INSERT.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, bindparam, select, text, update
from sqlalchemy.dialects import sqlite

from app import platforms
from app.core.chain_ports import PART
from app.core.engine import audit_trail
from app.core.engine.txn import refresh_post_status
from app.core.metric_plan import CHECKPOINT_DELAYS
from app.core.models import Account, MetricTask, Post, PostStatus, Target, TargetStatus, TaskStatus


class Sent(Protocol):
    """What the write-back needs of one success (store.Success)."""

    @property
    def target_id(self) -> int: ...
    @property
    def external_id(self) -> str: ...
    @property
    def url(self) -> str | None: ...
    @property
    def at(self) -> datetime: ...


@dataclass(frozen=True)
class Written:
    """A target this write-back published, with what its audit entry says."""

    target_id: int
    post_id: int
    account_id: int
    workspace_id: int
    platform: str
    handle: str
    at: datetime


@dataclass(frozen=True)
class Previous:
    """A target that was PUBLISHED already: the id it was published with."""

    target_id: int
    external_id: str | None


_targets = Target.metadata.tables[Target.__tablename__]
_PUBLISHED = TargetStatus.PUBLISHED.name
_FAILED = TargetStatus.FAILED.name

_LOCK_POSTS_PG = text(
    "SELECT p.id FROM posts p WHERE p.id IN "
    "(SELECT t.post_id FROM targets t WHERE t.id = ANY(CAST(:ids AS integer[]))) "
    "ORDER BY p.id FOR UPDATE OF p"
)

#: the targets, from arrays (one text whatever the batch), only those not PUBLISHED yet; their
#: checkpoints, audit entries and posts' statuses in the same statement (data-modifying CTEs).
#: The statuses are derived as txn.refresh_post_status derives them, for posts with a target
#: PUBLISHED now: FAILED when any target or chain part gave up, PUBLISHED when all are,
#: PUBLISHING otherwise. The posts are locked (their other targets cannot change meanwhile),
#: and this batch's targets are PUBLISHED once the statement ends, whatever its snapshot says.
_PUBLISH_PG = text(f"""
WITH v AS (
  SELECT * FROM unnest(CAST(:ids AS integer[]), CAST(:exts AS text[]), CAST(:urls AS text[]),
                       CAST(:ats AS timestamptz[])) AS v(id, ext, url, at)
),
done AS (
  UPDATE targets t SET status = '{_PUBLISHED}', external_id = v.ext, external_url = v.url,
    published_at = v.at, updated_at = v.at, lease_until = NULL, lease_owner = NULL,
    error_code = NULL, error_message = NULL
  FROM v, posts p, accounts a
  WHERE t.id = v.id AND t.status <> '{_PUBLISHED}' AND p.id = t.post_id AND a.id = t.account_id
  RETURNING t.id, t.post_id, t.account_id, p.workspace_id, a.platform, a.handle, v.at
),
planned AS (
  INSERT INTO metric_tasks (target_id, checkpoint, due_at, status, attempts)
  SELECT done.id, c.checkpoint, done.at + c.delay, '{TaskStatus.QUEUED.name}', 0
  FROM done CROSS JOIN unnest(CAST(:checkpoints AS text[]), CAST(:delays AS interval[]))
    AS c(checkpoint, delay)
  ORDER BY done.id, c.delay
  ON CONFLICT (target_id, checkpoint) DO NOTHING
),
audited AS (
  INSERT INTO audit_log (workspace_id, at, who, action, object_kind, object_id, detail)
  SELECT done.workspace_id, done.at, :who, :action, 'post', done.post_id,
    left(coalesce(n.display, done.platform) || ' ' || done.handle, 300)
  FROM done LEFT JOIN unnest(CAST(:networks AS text[]), CAST(:displays AS text[]))
    AS n(platform, display) ON n.platform = done.platform
  ORDER BY done.id
),
statuses AS (
  SELECT x.post_id, CASE
      WHEN bool_or(x.status = '{_FAILED}') THEN '{_FAILED}'
      WHEN bool_and(x.status = '{_PUBLISHED}') THEN '{_PUBLISHED}'
      ELSE '{PostStatus.PUBLISHING.name}' END AS derived
  FROM (
    SELECT t.post_id, CASE WHEN t.id = ANY(CAST(:ids AS integer[])) THEN '{_PUBLISHED}'
                           ELSE t.status END AS status
    FROM targets t WHERE t.post_id IN (SELECT post_id FROM done)
    UNION ALL
    SELECT t.post_id, tp.status FROM target_parts tp JOIN targets t ON t.id = tp.target_id
    WHERE t.post_id IN (SELECT post_id FROM done) AND tp.kind = :part
  ) x GROUP BY x.post_id
),
refreshed AS (
  UPDATE posts p SET status = s.derived, updated_at = :now FROM statuses s
  WHERE p.id = s.post_id AND p.status <> '{PostStatus.DRAFT.name}' AND p.status <> s.derived
)
SELECT id, post_id, account_id, workspace_id, platform, handle, at FROM done ORDER BY id
""")

_CHECKPOINTS = [c.name for c in CHECKPOINT_DELAYS]
_DELAYS = list(CHECKPOINT_DELAYS.values())

_READ = (
    select(
        Target.id,
        Target.post_id,
        Target.account_id,
        Post.workspace_id,
        Account.platform,
        Account.handle,
        Target.status,
        Target.external_id,
    )
    .join(Post, Post.id == Target.post_id)
    .join(Account, Account.id == Target.account_id)
    .where(Target.id.in_(bindparam("ids", expanding=True)))
)

_PUBLISH = (
    update(_targets)
    .where(_targets.c.id == bindparam("w_id"), _targets.c.status != TargetStatus.PUBLISHED)
    .values(
        status=TargetStatus.PUBLISHED,
        external_id=bindparam("w_ext"),
        external_url=bindparam("w_url"),
        published_at=bindparam("w_at"),
        updated_at=bindparam("w_at"),
        lease_until=None,
        lease_owner=None,
        error_code=None,
        error_message=None,
    )
)

_PLAN_SQLITE = sqlite.insert(MetricTask).on_conflict_do_nothing()

_PREVIOUS = select(Target.id, Target.external_id).where(
    Target.id.in_(bindparam("ids", expanding=True)), Target.status == TargetStatus.PUBLISHED
)


def publish(
    conn: Connection, sent: Sequence[Sent], action: str
) -> tuple[list[Written], list[Previous]]:
    """Mark these targets PUBLISHED (each at most once), plan their checkpoints and add their
    audit entries (`action`); returns the rows written, in id order, and the targets that
    were PUBLISHED already."""
    if conn.dialect.name == "postgresql":
        written = _publish_pg(conn, sent, action)
    else:
        written = _publish_locked(conn, sent)
        audit_trail.record_rows(conn, action, written)
        if written:
            refresh_post_status(conn, {w.post_id for w in written}, written_last(sent, written))
    if len(written) == len(sent):
        return written, []
    done = {w.target_id for w in written}
    rest = [x.target_id for x in sent if x.target_id not in done]
    previous = [Previous(r[0], r[1]) for r in conn.execute(_PREVIOUS, {"ids": rest})]
    return written, previous


def written_last(sent: Sequence[Sent], written: Sequence[Written]) -> datetime:
    """The time of the batch's last success that was written (the posts' updated_at)."""
    done = {w.target_id for w in written}
    return [x.at for x in sent if x.target_id in done][-1]


def _publish_pg(conn: Connection, sent: Sequence[Sent], action: str) -> list[Written]:
    ids = [x.target_id for x in sent]
    conn.execute(_LOCK_POSTS_PG, {"ids": ids})
    params: dict[str, Any] = {
        "ids": ids,
        "exts": [x.external_id for x in sent],
        "urls": [x.url for x in sent],
        "ats": [x.at for x in sent],
        "checkpoints": _CHECKPOINTS,
        "delays": _DELAYS,
        "who": audit_trail.worker_identity(conn),
        "part": PART,
        "now": sent[-1].at,
        "action": action,
    }
    networks = platforms.all_platforms()
    params["networks"] = [d.name for d in networks]
    params["displays"] = [d.display_name for d in networks]
    at = {x.target_id: x.at for x in sent}
    return [
        Written(r[0], r[1], r[2], r[3], r[4], r[5], at[r[0]])
        for r in conn.execute(_PUBLISH_PG, params)
    ]


def _publish_locked(conn: Connection, sent: Sequence[Sent]) -> list[Written]:
    """SQLite (the transaction holds the database): read, then write only the rows read as
    not yet PUBLISHED."""
    rows = {r[0]: r for r in conn.execute(_READ, {"ids": [x.target_id for x in sent]})}
    first = {x.target_id: x for x in reversed(sent)}  # a target twice: its first success
    fresh = sorted(
        (x for i, x in first.items() if i in rows and rows[i][6] != TargetStatus.PUBLISHED),
        key=lambda x: x.target_id,
    )
    if not fresh:
        return []
    conn.execute(
        _PUBLISH,
        [
            {"w_id": x.target_id, "w_ext": x.external_id, "w_url": x.url, "w_at": x.at}
            for x in fresh
        ],
    )
    conn.execute(
        _PLAN_SQLITE,
        [
            {
                "target_id": x.target_id,
                "checkpoint": checkpoint,
                "due_at": x.at + delay,
                "status": TaskStatus.QUEUED,
                "attempts": 0,
            }
            for x in fresh
            for checkpoint, delay in CHECKPOINT_DELAYS.items()
        ],
    )
    return [Written(*rows[x.target_id][:6], x.at) for x in fresh]
