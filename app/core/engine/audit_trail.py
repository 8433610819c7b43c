"""The engine's own entries in the audit log (issue 23): a target that went out ("publish")
or failed for good ("fail"), on the post concerned, with the network and handle (and the
reason) as the entry's detail.

Written inside the engine's write-back transaction, only for the rows that write-back really
changed (a target already PUBLISHED, or a lease another worker took over, adds nothing), so a
retry or a recovery never records a step twice. "Who" is the worker: the database login it
connects with and the machine it runs on. "When" is the write-back's time, the database's
clock (app/core/dbclock.py), like the target's own published_at.
"""

from __future__ import annotations

import getpass
import socket
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from app import platforms
from app.core.models import Account, AuditEntry, Post, Target

PUBLISH = "publish"
FAIL = "fail"
ENGINE_ACTIONS = (PUBLISH, FAIL)


def worker_identity(s: Session | Connection) -> str:
    """'Herald worker on HOST (LOGIN)': LOGIN is the database role on PostgreSQL (the service
    role headless workers run as), the OS user on SQLite."""
    engine = s.get_bind().engine if isinstance(s, Session) else s.engine
    login: str | None = engine.url.username if engine.dialect.name == "postgresql" else None
    if not login:
        try:
            login = getpass.getuser()
        except (OSError, KeyError):
            login = "unknown"
    host = socket.gethostname() or "localhost"
    return f"Herald worker on {host} ({login})"[:120]


def _entry(
    action: str, actor: str, workspace_id: int, post_id: int, at: datetime, detail: str
) -> dict[str, object]:
    return {
        "workspace_id": workspace_id,
        "at": at,
        "who": actor,
        "action": action,
        "object_kind": "post",
        "object_id": post_id,
        "detail": detail[:300],
    }


def record(
    s: Session,
    action: str,
    target_ids: Iterable[int],
    at: datetime | Mapping[int, datetime],
    details: Mapping[int, str] | None = None,
) -> None:
    """One entry per target, on its post; `details` adds a line per target after the network
    and handle (the failure's reason). `at`: one time for all, or each target's own (a
    group-committed batch of write-backs: one read and one insert for the batch)."""
    ids = sorted(set(target_ids))
    if not ids:
        return
    rows = s.execute(
        select(Target.id, Post.id, Post.workspace_id, Account.platform, Account.handle)
        .join(Post, Post.id == Target.post_id)
        .join(Account, Account.id == Target.account_id)
        .where(Target.id.in_(ids))
        .order_by(Target.id)
    ).all()
    if not rows:
        return
    actor = worker_identity(s)
    extra = details or {}
    values = []
    for target_id, post_id, workspace_id, platform, handle in rows:
        where = f"{_network(platform)} {handle}"
        note = extra.get(target_id)
        detail = f"{where}: {note}" if note else where
        when = at if isinstance(at, datetime) else at[target_id]
        values.append(_entry(action, actor, workspace_id, post_id, when, detail))
    s.execute(insert(AuditEntry), values)


class Row(Protocol):
    """What an entry needs of one target (writeback.Written)."""

    @property
    def post_id(self) -> int: ...
    @property
    def workspace_id(self) -> int: ...
    @property
    def platform(self) -> str: ...
    @property
    def handle(self) -> str: ...
    @property
    def at(self) -> datetime: ...


_INSERT = insert(AuditEntry)


def record_rows(conn: Connection, action: str, rows: Sequence[Row]) -> None:
    """`record` for targets whose post, network and handle the caller has read already (the
    success write-back's UPDATE returns them): one INSERT, no read."""
    if not rows:
        return
    actor = worker_identity(conn)
    conn.execute(
        _INSERT,
        [
            _entry(
                action, actor, r.workspace_id, r.post_id, r.at, f"{_network(r.platform)} {r.handle}"
            )
            for r in rows
        ],
    )


def _network(platform: object) -> str:
    try:
        return platforms.get(platform).display_name  # type: ignore[arg-type]
    except (KeyError, ValueError):  # a network no longer registered
        return str(getattr(platform, "value", platform))
