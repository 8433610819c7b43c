"""What the queue service reads about accounts and their queues inside one write."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.models import Account, AccountQueue, QueuedPost
from app.core.queues import placement
from app.core.queues.placement import QueueError
from app.platforms.names import Platform


def account_queues(s: Session, account_ids: Iterable[int], now: datetime) -> list[AccountQueue]:
    """The queues of these accounts, in order, a new empty one for an account without one."""
    ids = list(dict.fromkeys(int(a) for a in account_ids))
    if not ids:
        raise QueueError("Choose at least one account.")
    known = set(s.scalars(select(Account.id).where(Account.id.in_(ids))))
    missing = [a for a in ids if a not in known]
    if missing:
        raise QueueError(f"No account with id {missing[0]}.")
    found = placement.queues_of(s, ids)
    for a in ids:
        if a not in found:
            found[a] = AccountQueue(account_id=a, updated_at=now, slots=[])
            s.add(found[a])
    return [found[a] for a in ids]


def any_paused(s: Session, ids: Iterable[int]) -> bool:
    return any(q.paused for q in placement.queues_of(s, ids).values())


def last_position(s: Session, workspace_id: int) -> int:
    value = s.scalar(
        select(func.max(QueuedPost.position)).where(QueuedPost.workspace_id == workspace_id)
    )
    return int(value or 0)


def workspace_of(s: Session, account_id: int) -> int:
    workspace_id = s.scalar(select(Account.workspace_id).where(Account.id == account_id))
    if workspace_id is None:
        raise QueueError(f"No account with id {account_id}.")
    return int(workspace_id)


def account_labels(s: Session, ids: Iterable[int]) -> dict[int, str]:
    rows = s.execute(
        select(Account.id, Account.platform, Account.handle).where(Account.id.in_(list(ids)))
    ).all()
    return {i: f"{Platform(p).label} ({h})" for i, p, h in rows}
