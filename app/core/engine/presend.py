"""The pre-send check (`hold_lease`): just before a target is sent, its lease is extended
only while this worker still holds it and its post is unchanged. Many publishing threads'
checks are group-committed (`hold_leases`, app/core/engine/group.py); each stays its own
conditional UPDATE."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, update

from app.core.db import Database
from app.core.engine.txn import write_connection
from app.core.models import Post, Target, TargetStatus


def hold_lease(
    db: Database,
    owner: str,
    target_id: int,
    now: datetime,
    until: datetime,
    *,
    content_version: int | None = None,
) -> bool:
    """Just before a send: True (and the lease extended to `until`) only while this owner
    still holds an unexpired lease and the post is neither deleted nor changed since the
    worker loaded `content_version` (None: only deletion is checked). A worker that stalled
    past its lease may have lost the target to reconciliation elsewhere; it must not send
    then, or the post could go twice. On PostgreSQL a delete or edit can commit between a
    claim's read of the post and its lock on the target: checked here, in the same statement
    that extends the lease, the old version is never sent once the change is confirmed."""
    return hold_leases(db, owner, [Hold(target_id, now, until, content_version)])[0]


@dataclass(frozen=True)
class Hold:
    target_id: int
    now: datetime
    until: datetime
    content_version: int | None = None


def hold_leases(db: Database, owner: str, holds: Sequence[Hold]) -> list[bool]:
    """`hold_lease` for several targets in one transaction (group-committed pre-send checks):
    each its own conditional UPDATE, so each answer means what hold_lease's does."""
    answers = []
    with write_connection(db) as conn:
        for h in holds:
            version = h.content_version is not None
            params = {"h_id": h.target_id, "h_owner": owner, "h_now": h.now, "h_until": h.until}
            if version:
                params["h_version"] = h.content_version
            result = conn.execute(_HOLD_STATEMENTS[version], params)
            answers.append(int(getattr(result, "rowcount", 0) or 0) == 1)
    return answers


def _hold_statement(check_version: bool) -> Any:
    """hold_lease's UPDATE, built once (bound parameters): building it per target cost
    more CPU than running it."""
    current = [Post.id == Target.post_id, Post.deleted_at.is_(None)]
    if check_version:
        current.append(Post.content_version == bindparam("h_version"))
    return (
        update(Target)
        .where(
            Target.id == bindparam("h_id"),
            Target.lease_owner == bindparam("h_owner"),
            Target.status == TargetStatus.IN_FLIGHT,
            Target.lease_until > bindparam("h_now"),
            exists().where(*current),
        )
        .values(lease_until=bindparam("h_until"))
    )


_HOLD_STATEMENTS = {flag: _hold_statement(flag) for flag in (False, True)}
