"""The approval flow (issue 23): draft → in review → approved → scheduled, or changes
requested with a comment; comments on posts, with @mentions of members.

Per workspace, off by default (nothing changes for a single user). While it is on, a new
post starts as DRAFT; only APPROVED (or NOT_REQUIRED) posts are ever claimed by the engine
(`app/core/engine/claim.claimable`), so an unapproved post waits at its time, and
`ApprovalService.waiting` says why. Editing an approved post sends it back to review
(`on_edit`, called by PostService).

Who may do what follows the member roles (app/core/members): editors and admins submit;
approvers approve and request changes; admins, editors and approvers comment; admins turn
the flow on or off. The acting person is `audit.who`: the login role on PostgreSQL, the OS
user on SQLite, matched against the member's name there (SQLite is single-user: the app,
not the database, enforces the roles).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.core import audit
from app.core.clock import Clock, SystemClock
from app.core.db import Database
from app.core.events import POSTS_CHANGED, EventHub
from app.core.models import (
    ApprovalState,
    Member,
    MemberRole,
    Post,
    PostComment,
    PostStatus,
    Target,
    TargetStatus,
    Workspace,
)

SUBMITTERS = frozenset({MemberRole.ADMIN, MemberRole.EDITOR})
APPROVERS = frozenset({MemberRole.APPROVER})
COMMENTERS = frozenset({MemberRole.ADMIN, MemberRole.EDITOR, MemberRole.APPROVER})
SETTERS = frozenset({MemberRole.ADMIN})
MAX_COMMENT = 5000

#: what the calendar or attention list shows for a post that is due but may not publish yet
WAITING_REASONS = {
    ApprovalState.DRAFT: "Waiting for approval: not submitted for review yet",
    ApprovalState.IN_REVIEW: "Waiting for approval: in review",
    ApprovalState.CHANGES_REQUESTED: "Waiting for approval: changes requested",
}
_LABELS = {
    ApprovalState.NOT_REQUIRED: "No approval needed",
    ApprovalState.DRAFT: "Draft",
    ApprovalState.IN_REVIEW: "In review",
    ApprovalState.CHANGES_REQUESTED: "Changes requested",
    ApprovalState.APPROVED: "Approved",
}


class ApprovalError(ValueError):
    """One line for a person; nothing was changed."""


@dataclass(frozen=True)
class CommentInfo:
    post_id: int
    author: str
    body: str
    mentions: tuple[str, ...]
    at: datetime


@dataclass(frozen=True)
class ApprovalInfo:
    post_id: int
    state: ApprovalState
    label: str
    #: set when the post is due (or overdue) and waits for approval instead of publishing
    waiting_reason: str | None


def initial_state(required: bool) -> ApprovalState:
    return ApprovalState.DRAFT if required else ApprovalState.NOT_REQUIRED


def required_in(s: Session, workspace_id: int) -> bool:
    return bool(s.scalar(select(Workspace.approval_required).where(Workspace.id == workspace_id)))


def on_edit(post: Post) -> None:
    """An approved post whose text, media, accounts or time change goes back to review."""
    if post.approval == ApprovalState.APPROVED:
        post.approval = ApprovalState.IN_REVIEW


def waiting_reason(
    state: ApprovalState, scheduled_at: datetime | None, now: datetime
) -> str | None:
    if scheduled_at is None or scheduled_at > now:
        return None
    return WAITING_REASONS.get(ApprovalState(state))


def mentions_in(body: str, names: Collection[str]) -> list[str]:
    """Members named as @Name in `body` (case-insensitive; longest name first, so "@Ann Lee"
    is Ann Lee, not Ann), in the members' own spelling, each once."""
    found: list[str] = []
    rest = body
    for name in sorted(names, key=len, reverse=True):
        pattern = re.compile(rf"@{re.escape(name)}(?![\w])", re.IGNORECASE)
        if pattern.search(rest):
            found.append(name)
            rest = pattern.sub(" ", rest)
    return sorted(found, key=lambda n: body.lower().find("@" + n.lower()))


class ApprovalService:
    def __init__(
        self, db: Database, clock: Clock | None = None, events: EventHub | None = None
    ) -> None:
        self.db = db
        self.clock = clock or SystemClock()
        self.events = events

    # ---------------------------------------------------------------- the setting

    def is_required(self, workspace_id: int) -> bool:
        with self.db.session() as s:
            return bool(self._workspace(s, workspace_id).approval_required)

    def set_required(self, workspace_id: int, required: bool) -> None:
        """Turn the flow on or off (admins, and on PostgreSQL the administrator who owns the
        tables; anyone while the workspace has no members yet).
        On: every post that has not gone out yet waits for review. Off: every waiting post
        publishes at its time again."""
        with self.db.write_session() as s:
            ws = self._workspace(s, workspace_id)
            has_members = s.scalar(select(Member.id).where(Member.workspace_id == ws.id).limit(1))
            if has_members is not None and not self._administrator(s):
                self._require(s, ws.id, SETTERS, "turn approvals on or off")
            if ws.approval_required == required:
                return
            ws.approval_required = required
            pending = (
                update(Post)
                .where(
                    Post.workspace_id == ws.id,
                    Post.status.in_((PostStatus.DRAFT, PostStatus.SCHEDULED)),
                )
                .execution_options(synchronize_session=False)
            )
            if required:
                s.execute(
                    pending.where(Post.approval == ApprovalState.NOT_REQUIRED).values(
                        approval=ApprovalState.DRAFT
                    )
                )
            else:
                s.execute(
                    pending.where(Post.approval != ApprovalState.APPROVED).values(
                        approval=ApprovalState.NOT_REQUIRED
                    )
                )
            s.commit()
        self._changed(workspace_id)

    # ---------------------------------------------------------------- the flow

    def submit(self, post_id: int) -> ApprovalInfo:
        return self._move(
            post_id,
            SUBMITTERS,
            "submit posts for review",
            {ApprovalState.DRAFT, ApprovalState.CHANGES_REQUESTED},
            ApprovalState.IN_REVIEW,
            "submit",
        )

    def approve(self, post_id: int) -> ApprovalInfo:
        return self._move(
            post_id,
            APPROVERS,
            "approve posts",
            {ApprovalState.IN_REVIEW},
            ApprovalState.APPROVED,
            "approve",
        )

    def request_changes(self, post_id: int, comment: str) -> ApprovalInfo:
        body = self._clean(comment, "Say what should change.")
        return self._move(
            post_id,
            APPROVERS,
            "request changes",
            {ApprovalState.IN_REVIEW},
            ApprovalState.CHANGES_REQUESTED,
            "request_changes",
            comment=body,
        )

    def comment(self, post_id: int, body: str) -> CommentInfo:
        text = self._clean(body, "A comment needs some text.")
        now = self.clock.now()
        with self.db.write_session() as s:
            post = self._post(s, post_id)
            workspace_id = post.workspace_id
            self._require(s, workspace_id, COMMENTERS, "comment on posts")
            info = self._add_comment(s, post, text, now)
            s.commit()
        self._changed(workspace_id)
        return info

    # ---------------------------------------------------------------- reading

    def state(self, post_id: int) -> ApprovalInfo:
        with self.db.session() as s:
            return self._info(self._post(s, post_id), self.clock.now())

    def comments(self, post_id: int) -> list[CommentInfo]:
        """Oldest first."""
        with self.db.session() as s:
            self._post(s, post_id)
            rows = s.scalars(
                select(PostComment)
                .where(PostComment.post_id == post_id)
                .order_by(PostComment.at, PostComment.id)
            )
            return [_comment_info(c) for c in rows]

    def waiting(self, workspace_id: int) -> list[ApprovalInfo]:
        """Posts whose time has come but which may not publish yet, soonest first."""
        now = self.clock.now()
        with self.db.session() as s:
            posts = s.scalars(
                select(Post)
                .where(
                    Post.workspace_id == workspace_id,
                    Post.deleted_at.is_(None),
                    Post.scheduled_at <= now,
                    Post.approval.in_(tuple(WAITING_REASONS)),
                    Post.targets.any(Target.status == TargetStatus.QUEUED),
                )
                .order_by(Post.scheduled_at, Post.id)
            )
            return [self._info(p, now) for p in posts]

    # ---------------------------------------------------------------- inside

    def _move(
        self,
        post_id: int,
        roles: frozenset[MemberRole],
        doing: str,
        from_states: set[ApprovalState],
        to_state: ApprovalState,
        action: str,
        *,
        comment: str | None = None,
    ) -> ApprovalInfo:
        now = self.clock.now()
        with self.db.write_session() as s:
            post = self._post(s, post_id)
            self._require(s, post.workspace_id, roles, doing)
            state = ApprovalState(post.approval)
            if state == ApprovalState.NOT_REQUIRED:
                raise ApprovalError("This workspace does not use approvals for this post.")
            if state not in from_states:
                raise ApprovalError(f"This post is {_LABELS[state].lower()}; it can't be that now.")
            self._set_state(s, post, to_state)
            audit.record(s, action, post, now)
            if comment is not None:
                self._add_comment(s, post, comment, now)
            s.commit()
            info = self._info(post, now)
            workspace_id = post.workspace_id
        self._changed(workspace_id)
        return info

    @staticmethod
    def _set_state(s: Session, post: Post, state: ApprovalState) -> None:
        if s.get_bind().dialect.name != "postgresql":
            post.approval = state
            return
        # An approver may not write posts (migration 0010's walls), and a member may not set
        # a decision directly (0012's trigger): the database's own function checks the role
        # and the current state again, under the post's row lock.
        changed = s.scalar(
            text("SELECT herald_set_approval(:post, :state)"),
            {"post": post.id, "state": state.value},
        )
        if changed != 1:
            s.rollback()
            raise ApprovalError("This post changed meanwhile; look at it again.")
        set_committed_value(post, "approval", state)

    def _add_comment(self, s: Session, post: Post, body: str, now: datetime) -> CommentInfo:
        if s.get_bind().dialect.name == "postgresql":
            # A member sees only their own memberships; this lists the names, nothing more.
            sql = text("SELECT herald_member_names(:ws)")
            names = s.scalars(sql, {"ws": post.workspace_id})
        else:
            names = s.scalars(select(Member.name).where(Member.workspace_id == post.workspace_id))
        row = PostComment(
            workspace_id=post.workspace_id,
            post_id=post.id,
            author=audit.who(s)[:120],
            body=body,
            mentions=mentions_in(body, list(names)),
            at=now,
        )
        s.add(row)
        audit.record(s, "comment", post, now)
        s.flush()
        return _comment_info(row)

    def _require(
        self, s: Session, workspace_id: int, roles: frozenset[MemberRole], doing: str
    ) -> None:
        actor = audit.who(s)
        if s.get_bind().dialect.name == "postgresql":
            mine = Member.login == actor
        else:
            mine = func.lower(Member.name) == actor.lower()
        role = s.scalar(select(Member.role).where(Member.workspace_id == workspace_id, mine))
        if role is None:
            raise ApprovalError(f"{actor} is not a member of this workspace, so can't {doing}.")
        if MemberRole(role) not in roles:
            name = MemberRole(role).value
            article = "an" if name[0] in "aeiou" else "a"
            raise ApprovalError(f"{actor} is {article} {name} here and can't {doing}.")

    @staticmethod
    def _administrator(s: Session) -> bool:
        """PostgreSQL: the role that owns Herald's tables (it is nobody's member login)."""
        if s.get_bind().dialect.name != "postgresql":
            return False
        login = audit.who(s)
        return s.scalar(select(Member.id).where(Member.login == login).limit(1)) is None

    @staticmethod
    def _workspace(s: Session, workspace_id: int) -> Workspace:
        ws = s.get(Workspace, workspace_id)
        if ws is None:
            raise ApprovalError("That workspace no longer exists.")
        return ws

    @staticmethod
    def _post(s: Session, post_id: int) -> Post:
        post = s.get(Post, post_id)
        if post is None or post.deleted_at is not None:
            raise ApprovalError("That post no longer exists.")
        return post

    @staticmethod
    def _clean(body: str, empty: str) -> str:
        body = (body or "").strip()
        if not body:
            raise ApprovalError(empty)
        if len(body) > MAX_COMMENT:
            raise ApprovalError(f"A comment can be at most {MAX_COMMENT} characters.")
        return body

    @staticmethod
    def _info(post: Post, now: datetime) -> ApprovalInfo:
        state = ApprovalState(post.approval)
        # Only a scheduled post waits: a draft (or a sent post) is not held by its approval.
        due = post.scheduled_at if post.status == PostStatus.SCHEDULED else None
        return ApprovalInfo(post.id, state, _LABELS[state], waiting_reason(state, due, now))

    def _changed(self, workspace_id: int) -> None:
        if self.events is not None:
            self.events.publish(POSTS_CHANGED, workspace_id=workspace_id)


def _comment_info(c: PostComment) -> CommentInfo:
    return CommentInfo(c.post_id, c.author, c.body, tuple(c.mentions or ()), c.at)
