"""The audit log (issue 23): who created, edited, rescheduled, deleted or published each
post, and who connected or removed each account, and when; and each step of the approval
flow (APPROVAL_ACTIONS, recorded by app/core/approvals.py).

Services call `record` inside their own transaction, just before they commit, so an entry
exists exactly when the change does. "Who" is the login role on PostgreSQL (each member
connects as themselves) and the OS user on SQLite (single-user).
"""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from app.core.db import Database
from app.core.models import Account, AuditEntry, Post, Workspace

#: the approval flow's entries, on the post concerned
APPROVAL_ACTIONS = ("submit", "approve", "request_changes", "comment")


class AuditError(ValueError):
    pass


@dataclass(frozen=True)
class AuditInfo:
    at: datetime
    who: str
    action: str
    object_kind: str
    object_id: int
    workspace: str
    detail: str | None = None
    id: int = 0


def who(s: Session) -> str:
    engine = s.get_bind().engine
    if engine.dialect.name == "postgresql":
        # The URL's user is the login role (each member connects as themselves); asking the
        # server (current_user) only when the URL names none costs no extra round trip.
        return engine.url.username or str(s.scalar(text("SELECT current_user")))
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment or the password database
        return "unknown"


def record(
    s: Session, action: str, obj: Post | Account, at: datetime, detail: str | None = None
) -> None:
    """Add one entry for `obj` to the caller's transaction (flushing first for a new one)."""
    if obj.id is None:
        s.flush()
    kind = "post" if isinstance(obj, Post) else "account"
    s.add(
        AuditEntry(
            workspace_id=obj.workspace_id,
            at=at,
            who=who(s)[:120],
            action=action,
            object_kind=kind,
            object_id=obj.id,
            detail=detail[:300] if detail else None,
        )
    )


def record_many(
    s: Session, action: str, kind: str, workspace_id: int, ids: Sequence[int], at: datetime
) -> None:
    """One entry per id in a single INSERT (the CSV import's bulk path builds no ORM objects)."""
    if not ids:
        return
    actor = who(s)[:120]
    rows = [
        {
            "workspace_id": workspace_id,
            "at": at,
            "who": actor,
            "action": action,
            "object_kind": kind,
            "object_id": i,
        }
        for i in ids
    ]
    s.execute(insert(AuditEntry), rows)


class AuditService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def entries(self, workspace: str | None = None, post_id: int | None = None) -> list[AuditInfo]:
        """Oldest first; on PostgreSQL only the workspaces the connecting member belongs to.
        `post_id`: only that post's entries."""
        with self.db.session() as s:
            query = select(AuditEntry, Workspace.name).join(Workspace)
            if workspace is not None:
                ws_id = s.scalar(
                    select(Workspace.id).where(
                        func.lower(Workspace.name) == workspace.strip().lower()
                    )
                )
                if ws_id is None:
                    raise AuditError(f"No workspace named {workspace!r}.")
                query = query.where(AuditEntry.workspace_id == ws_id)
            if post_id is not None:
                query = query.where(
                    AuditEntry.object_kind == "post", AuditEntry.object_id == post_id
                )
            query = query.order_by(AuditEntry.at, AuditEntry.id)
            return [
                AuditInfo(e.at, e.who, e.action, e.object_kind, e.object_id, name, e.detail, e.id)
                for e, name in s.execute(query)
            ]
