"""Notifications for the person using Herald (issue 23): a post needs their approval (they
are an approver there), changes were requested on their post, their post was approved, they
were @mentioned in a comment, their post failed.

Computed from the audit log and the comments: everything newer than this member's last-seen
mark, in the workspaces they belong to, and never about what they did themselves. "Their
post" is the post they created (the audit log's "create" entry). The member is `audit.who`:
the login role on PostgreSQL, the OS user on SQLite (matched against the member's name).

The mark (the last audit entry and comment id seen) is kept per member and database in a
small JSON file in Herald's data folder, on the member's own computer: on PostgreSQL a
member (a viewer, say) may have no right to write anywhere in the shared database. The first
call sets the mark and tells nothing: history from before Herald watched is not news.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.db import Database
from app.core.engine.audit_trail import FAIL, worker_identity
from app.core.history import names_by_login
from app.core.models import AuditEntry, Member, MemberRole, Post, PostComment, Workspace

REVIEW, CHANGES, APPROVED, MENTION, FAILED = "review", "changes", "approved", "mention", "failed"
_WATCHED = ("submit", "request_changes", "approve", FAIL)
_SNIPPET = 60


@dataclass(frozen=True)
class Notification:
    kind: str  # REVIEW | CHANGES | APPROVED | MENTION | FAILED
    post_id: int
    workspace: str
    actor: str
    at: datetime
    title: str
    message: str
    workspace_id: int = 0  # where the post lives: a click on the notification opens it there


class MarkStore(Protocol):
    def get(self, key: str) -> dict[str, int] | None: ...
    def set(self, key: str, mark: dict[str, int]) -> None: ...


class MemoryMarks:
    def __init__(self) -> None:
        self.marks: dict[str, dict[str, int]] = {}

    def get(self, key: str) -> dict[str, int] | None:
        return self.marks.get(key)

    def set(self, key: str, mark: dict[str, int]) -> None:
        self.marks[key] = dict(mark)


class FileMarks:
    """{key: {"audit": id, "comment": id}} in one JSON file, replaced whole on each write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def _read(self) -> dict[str, dict[str, int]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, key: str) -> dict[str, int] | None:
        mark = self._read().get(key)
        return mark if isinstance(mark, dict) else None

    def set(self, key: str, mark: dict[str, int]) -> None:
        with self._lock:
            data = self._read()
            data[key] = dict(mark)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".marks-", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f)
            os.replace(tmp, self.path)


@dataclass(frozen=True)
class _Membership:
    workspace: str
    name: str
    role: MemberRole


class NotificationService:
    def __init__(
        self, db: Database, marks: MarkStore, *, local_failures_announced: bool = False
    ) -> None:
        """`local_failures_announced`: this process runs the engine and already announces its
        own failures (the tray), so failures recorded by this computer's worker are left out."""
        self.db = db
        self.marks = marks
        self.local_failures_announced = local_failures_announced

    def new_for_me(self) -> list[Notification]:
        """What is new for the connecting member since the last call, oldest first; the mark
        moves past everything read, so nothing is told twice."""
        with self.db.session() as s:
            me = audit.who(s)
            key = f"{self.db.engine.url.render_as_string(hide_password=True)}|{me}"
            mark = self.marks.get(key)
            if mark is None:
                top = {
                    "audit": int(s.scalar(select(func.max(AuditEntry.id))) or 0),
                    "comment": int(s.scalar(select(func.max(PostComment.id))) or 0),
                }
                self.marks.set(key, top)
                return []
            mine = self._memberships(s, me)
            entries = s.scalars(
                select(AuditEntry)
                .where(AuditEntry.id > mark.get("audit", 0))
                .order_by(AuditEntry.id)
            ).all()
            comments = s.scalars(
                select(PostComment)
                .where(PostComment.id > mark.get("comment", 0))
                .order_by(PostComment.id)
            ).all()
            new_mark = {
                "audit": max([mark.get("audit", 0), *(e.id for e in entries)]),
                "comment": max([mark.get("comment", 0), *(c.id for c in comments)]),
            }
            found = self._compute(s, me, mine, entries, comments) if mine else []
        if new_mark != mark:
            self.marks.set(key, new_mark)
        return found

    # ---------------------------------------------------------------- inside

    def _compute(
        self,
        s: Session,
        me: str,
        mine: dict[int, _Membership],
        entries: Sequence[AuditEntry],
        comments: Sequence[PostComment],
    ) -> list[Notification]:
        postgres = s.get_bind().dialect.name == "postgresql"

        def same(a: str, b: str) -> bool:
            return a == b if postgres else a.lower() == b.lower()

        entries = [
            e
            for e in entries
            if e.workspace_id in mine and e.object_kind == "post" and e.action in _WATCHED
        ]
        comments = [c for c in comments if c.workspace_id in mine]
        post_ids = {e.object_id for e in entries} | {c.post_id for c in comments}
        authors, texts = _authors(s, post_ids), _texts(s, post_ids)
        local_worker = worker_identity(s) if self.local_failures_announced else None
        names = {ws: names_by_login(s, ws) for ws in mine} if postgres else {}
        out: list[tuple[datetime, int, Notification]] = []
        told: set[tuple[int, str, datetime]] = set()
        for e in entries:
            member = mine[e.workspace_id]
            author = authors.get(e.object_id)
            if same(e.who, me) or e.who == local_worker:
                continue
            mine_post = author is not None and same(author, me)
            what = texts.get(e.object_id, "")
            actor = names.get(e.workspace_id, {}).get(e.who, e.who)
            kind = None
            if e.action == "submit" and member.role == MemberRole.APPROVER:
                kind, title, body = (
                    REVIEW,
                    "A post needs your approval",
                    f"{actor} submitted {what}",
                )
            elif e.action == "request_changes" and mine_post:
                kind, title, body = (
                    CHANGES,
                    "Changes requested",
                    f"{actor} asked for changes to {what}",
                )
            elif e.action == "approve" and mine_post:
                kind, title, body = APPROVED, "Your post was approved", f"{actor} approved {what}"
            elif e.action == FAIL and mine_post:
                reason = f": {e.detail}" if e.detail else ""
                kind, title, body = FAILED, "Your post could not be published", f"{what}{reason}"
            if kind is not None:
                n = Notification(
                    kind, e.object_id, member.workspace, actor, e.at, title, body, e.workspace_id
                )
                out.append((e.at, len(out), n))
                told.add((e.object_id, e.who, e.at))
        for c in comments:
            member = mine[c.workspace_id]
            if same(c.author, me) or not any(same(m, member.name) for m in c.mentions or ()):
                continue
            if (c.post_id, c.author, c.at) in told:  # the request for changes said it already
                continue
            actor = names.get(c.workspace_id, {}).get(c.author, c.author)
            title = f"{actor} mentioned you"
            body = f"On {texts.get(c.post_id, '')}: {_short(c.body)}"
            n = Notification(
                MENTION, c.post_id, member.workspace, actor, c.at, title, body, c.workspace_id
            )
            out.append((c.at, len(out), n))
        out.sort(key=lambda r: (r[0], r[1]))
        return [r[2] for r in out]

    @staticmethod
    def _memberships(s: Session, me: str) -> dict[int, _Membership]:
        if s.get_bind().dialect.name == "postgresql":
            who = Member.login == me
        else:
            who = func.lower(Member.name) == me.lower()
        rows = s.execute(
            select(Member.workspace_id, Workspace.name, Member.name, Member.role)
            .join(Workspace, Workspace.id == Member.workspace_id)
            .where(who)
        )
        return {ws: _Membership(wname, name, MemberRole(role)) for ws, wname, name, role in rows}


def _authors(s: Session, post_ids: set[int]) -> dict[int, str]:
    """Who created each post (its first "create" entry)."""
    if not post_ids:
        return {}
    rows = s.execute(
        select(AuditEntry.object_id, AuditEntry.who)
        .where(
            AuditEntry.object_kind == "post",
            AuditEntry.action == "create",
            AuditEntry.object_id.in_(post_ids),
        )
        .order_by(AuditEntry.id.desc())
    )
    return {post_id: who for post_id, who in rows}  # the earliest wins (read last)


def _texts(s: Session, post_ids: set[int]) -> dict[int, str]:
    if not post_ids:
        return {}
    rows = s.execute(select(Post.id, Post.base_text).where(Post.id.in_(post_ids)))
    return {post_id: f"“{_short(text or '')}”" for post_id, text in rows}


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _SNIPPET else line[: _SNIPPET - 1] + "…"
