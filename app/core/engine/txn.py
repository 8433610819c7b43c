"""Short write transactions for the engine, and the post-status bookkeeping every one of them
does.

Every engine write goes through `write_session`: on SQLite that is `BEGIN IMMEDIATE`, because a
deferred transaction that reads and then writes fails with SQLITE_BUSY (no busy-wait) when
another process committed in between; on PostgreSQL the post row is locked before its targets
are read, so two workers finishing targets of the same post cannot both derive a stale status.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import (
    CompoundSelect,
    Connection,
    Engine,
    bindparam,
    literal,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.core.chain_models import TargetPart
from app.core.chain_ports import PART
from app.core.db import Database, write_transaction
from app.core.models import Post, PostStatus, Target, TargetStatus
from app.core.poststatus import derive_post_status

T = TypeVar("T")

_sqlite_writers: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_guard = threading.Lock()


def _writer_lock(engine: Engine) -> threading.Lock | None:
    """One writer at a time per process on SQLite. Threads waiting inside SQLite's busy
    handler sleep in growing steps (up to 100 ms) and starve each other under load; waiting
    on a Python lock instead hands the database over at once. Other processes still meet
    the busy handler, but as one contender each."""
    if engine.dialect.name != "sqlite":
        return None
    with _guard:
        lock = _sqlite_writers.get(engine)
        if lock is None:
            lock = _sqlite_writers[engine] = threading.Lock()
        return lock


#: PostgreSQL's deadlock_detected and serialization_failure: safe to run the transaction again
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


def retrying(fn: Callable[[], T], attempts: int = 4) -> T:
    """Run a whole transaction again when the server aborted it to break a deadlock."""
    for n in range(attempts):
        try:
            return fn()
        except DBAPIError as exc:
            state = getattr(exc.orig, "sqlstate", None)
            if state not in RETRYABLE_SQLSTATES or n == attempts - 1:
                raise
            time.sleep(0.05 * (n + 1))
    raise AssertionError("unreachable")


@contextmanager
def write_session(db: Database) -> Iterator[Session]:
    """An ORM session inside one write transaction; commits when the block ends cleanly."""
    lock = _writer_lock(db.engine)
    with (
        lock if lock is not None else nullcontext(),
        write_transaction(db.engine) as conn,
        Session(bind=conn, expire_on_commit=False) as s,
    ):
        yield s
        s.flush()


@contextmanager
def write_connection(db: Database) -> Iterator[Connection]:
    """`write_session` without the ORM session, for writes made of prebuilt Core statements
    (a Session per transaction cost more CPU than the pre-send check's one UPDATE)."""
    lock = _writer_lock(db.engine)
    with lock if lock is not None else nullcontext(), write_transaction(db.engine) as conn:
        yield conn


def lock_posts(session: Session, post_ids: Iterable[int]) -> None:
    """Lock post rows in id order (PostgreSQL; SQLite already holds the database lock).

    A fixed order means two transactions locking overlapping posts never deadlock."""
    ids = sorted(set(post_ids))
    if ids and session.get_bind().dialect.name != "sqlite":
        session.execute(select(Post.id).where(Post.id.in_(ids)).order_by(Post.id).with_for_update())


#: every post's status with its targets' (an outer join: a post without targets is still
#: derived), then its chain parts' (issue 19; a first comment never counts): one read, built
#: once, for every write-back
_STATUSES: CompoundSelect[Any] = union_all(
    select(Post.id, Post.status, Target.status, literal(0))
    .outerjoin(Target, Target.post_id == Post.id)
    .where(Post.id.in_(bindparam("ids", expanding=True))),
    select(Target.post_id, null(), TargetPart.status, literal(1))
    .join(Target, Target.id == TargetPart.target_id)
    .where(Target.post_id.in_(bindparam("ids", expanding=True)), TargetPart.kind == PART),
)
_posts = Post.metadata.tables[Post.__tablename__]
#: one executemany (one pipeline on psycopg), not an UPDATE per post
_SET_STATUS = (
    update(_posts)
    .where(_posts.c.id == bindparam("p_id"))
    .values(status=bindparam("p_status"), updated_at=bindparam("p_now"))
)


def refresh_post_status(
    session: Session | Connection, post_ids: Iterable[int], now: datetime
) -> None:
    """Derive each post's status from its targets (call after `lock_posts`)."""
    ids = sorted(set(post_ids))
    if not ids:
        return
    conn = session.connection() if isinstance(session, Session) else session
    statuses: dict[int, list[TargetStatus]] = {i: [] for i in ids}
    current: dict[int, str] = {}
    for post_id, post_status, status, is_part in conn.execute(_STATUSES, {"ids": ids}):
        if not is_part:
            current[post_id] = post_status
        if status is not None:
            statuses[post_id].append(TargetStatus(status))
    changes = []
    for post_id, target_statuses in statuses.items():
        if post_id not in current or current[post_id] == PostStatus.DRAFT:
            continue  # a draft stays a draft; its targets are DRAFT too
        derived = derive_post_status(target_statuses)
        if derived != current[post_id]:
            changes.append({"p_id": post_id, "p_status": derived, "p_now": now})
    if changes:
        conn.execute(_SET_STATUS, changes)
