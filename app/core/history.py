"""A post's history (issue 23): its audit entries and its comments, newest first, each with
who, what and when (in the post's workspace's zone), for the composer's History tab; and the
CSV files the History tab and `main.py audit --csv` export.

The audit log's own "comment" entries are folded into the comments themselves (the comment
says who, when and what it said). On PostgreSQL a member reads only their own workspaces'
rows (row-level security), so another workspace's post has no history for them.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.core.audit import AuditInfo
from app.core.db import Database
from app.core.models import AuditEntry, Post, PostComment, Workspace
from app.core.timeutil import from_utc

#: how each action reads in a person's history ("Ann submitted it for review")
ACTIONS = {
    "create": "created the post",
    "update": "edited the post",
    "edit": "changed the post's accounts",
    "reschedule": "rescheduled the post",
    "delete": "deleted the post",
    "publish_now": "asked to publish now",
    "submit": "submitted it for review",
    "approve": "approved it",
    "request_changes": "requested changes",
    "comment": "commented",
    "publish": "published it",
    "fail": "could not publish it",
    "connect": "connected the account",
    "remove": "removed the account",
}
WHEN_FORMAT = "%a %d %b %Y %H:%M"


class HistoryError(ValueError):
    """One line for a person; nothing was changed."""


@dataclass(frozen=True)
class HistoryItem:
    at: datetime  # UTC
    when: str  # wall time in the workspace's zone, e.g. "Mon 05 Jan 2026 09:00"
    who: str
    action: str
    what: str  # the action as a person reads it
    detail: str  # the network, the reason, or the comment's text ("" when none)


def names_by_login(s: Session, workspace_id: int) -> dict[str, str]:
    """PostgreSQL: each member login of the workspace -> the member's name (the caller must
    belong to it; migration 0022's function). SQLite: {} (who is already the name)."""
    if s.get_bind().dialect.name != "postgresql":
        return {}
    rows = s.execute(
        text("SELECT login, name FROM herald_member_logins(:ws)"), {"ws": workspace_id}
    )
    return {str(login): str(name) for login, name in rows}


def describe(action: str) -> str:
    return ACTIONS.get(action, action.replace("_", " "))


class HistoryService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def post_history(self, post_id: int) -> list[HistoryItem]:
        """Newest first (ties: the later step first)."""
        with self.db.session() as s:
            found = s.execute(
                select(Workspace.timezone, Workspace.id)
                .join(Post, Post.workspace_id == Workspace.id)
                .where(Post.id == post_id)
            ).first()
            if found is None:
                raise HistoryError("That post no longer exists.")
            zone = found[0]
            names = names_by_login(s, found[1])
            entries = s.scalars(
                select(AuditEntry).where(
                    AuditEntry.object_kind == "post",
                    AuditEntry.object_id == post_id,
                    AuditEntry.action != "comment",
                )
            ).all()
            comments = s.scalars(select(PostComment).where(PostComment.post_id == post_id)).all()
            rows: list[tuple[datetime, int, HistoryItem]] = []
            for e in entries:
                item = _item(e.at, zone, names.get(e.who, e.who), e.action, e.detail or "")
                rows.append((e.at, 2 * e.id, item))
            for c in comments:
                # A request for changes and its comment share a time: the comment follows it.
                who = names.get(c.author, c.author)
                rows.append((c.at, 2 * c.id + 1, _item(c.at, zone, who, "comment", c.body)))
        # ids order the steps within one instant (audit ids and comment ids are separate
        # sequences, so only their own order is kept; the comment goes after its request)
        rows.sort(key=lambda r: (r[0], r[2].action == "comment", r[1]), reverse=True)
        return [r[2] for r in rows]


def _item(at: datetime, zone: str, who: str, action: str, detail: str) -> HistoryItem:
    return HistoryItem(
        at, from_utc(at, zone).strftime(WHEN_FORMAT), who, action, describe(action), detail
    )


# ---------------------------------------------------------------------- CSV


def write_history_csv(path: str | Path, items: Sequence[HistoryItem]) -> int:
    """The History tab's export: when (workspace time), when (UTC), who, what, detail."""
    rows = ([i.when, _utc(i.at), i.who, i.what, i.detail] for i in items)
    return _write(path, ["when", "when_utc", "who", "what", "detail"], rows)


def write_audit_csv(path: str | Path, entries: Iterable[AuditInfo]) -> int:
    """`main.py audit --csv FILE`: the TSV's columns, and the workspace and detail."""
    rows = (
        [_utc(e.at), e.who, e.action, f"{e.object_kind} {e.object_id}", e.workspace, e.detail or ""]
        for e in entries
    )
    return _write(path, ["when_utc", "who", "action", "object", "workspace", "detail"], rows)


def _utc(at: datetime) -> str:
    return at.isoformat(timespec="seconds").replace("+00:00", "Z")


def _write(path: str | Path, header: list[str], rows: Iterable[list[str]]) -> int:
    """Written whole or not at all (a temporary file renamed over the target); returns the
    number of rows. HistoryError with one line when the folder cannot be written."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise HistoryError(f"{target} is a folder; give a file name.")
    if not target.parent.is_dir():
        raise HistoryError(f"No folder {target.parent} to write {target.name} in.")
    count = 0
    try:
        fd, tmp = tempfile.mkstemp(prefix=".herald-", suffix=".csv", dir=target.parent)
    except OSError as exc:
        raise HistoryError(f"Can't write in {target.parent}: {exc.strerror}.") from None
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(header)
            for row in rows:
                out.writerow([_safe(v) for v in row])
                count += 1
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise HistoryError(f"Can't write {target}: {exc.strerror}.") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count


def _safe(value: str) -> str:
    """A cell a spreadsheet would run as a formula (=, +, -, @) is kept as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
