"""Posts: compose, schedule, move, delete and repair them. The core service the calendar and the
composer call (no Qt). No ORM object leaves this module: callers get frozen dataclasses.

Scheduling checks every target's effective text and media with the content rules
(app.core.constraints); an error blocks scheduling with `SchedulingError`, a warning does not.
A local wall time that falls in a DST gap or happens twice raises the time utilities' own
NonexistentTimeError / AmbiguousTimeError: the composer asks the person, it never guesses.
One whose UTC instant would leave years 1-9999 raises OutOfCalendarError (a ValueError).
The same picture given twice is attached once.
"""

from __future__ import annotations

import hashlib
import mimetypes
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain, groupby
from operator import itemgetter
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session, selectinload

from app.constants import Platform
from app.core import filemodes, paths
from app.core.clock import Clock, SystemClock
from app.core.constraints import effective_text, validate, weighted_length
from app.core.db import Database
from app.core.engine.policy import MAX_ATTEMPTS
from app.core.events import POSTS_CHANGED, EventHub
from app.core.media import MediaError, inspect_media
from app.core.models import (
    Account,
    Media,
    Post,
    PostMedia,
    PostStatus,
    Target,
    TargetStatus,
    Workspace,
)
from app.core.poststatus import derive_post_status, needs_attention
from app.core.timeutil import ensure_utc, to_utc

__all__ = [
    "Action",
    "MediaFacts",
    "PostDetail",
    "PostError",
    "PostService",
    "PostSummary",
    "SchedulingError",
    "TargetInfo",
    "TargetProblem",
    "effective_text",
    "inspect_media",
    "validate",
    "weighted_length",
]

Action = Literal["draft", "schedule", "now"]
EXCERPT_CHARS = 140
ATTENTION = "ATTENTION"  # display status of a post that needs a person (see poststatus)


class PostError(ValueError):
    """A request about a post that cannot be met; the message is meant for a person."""


class SchedulingError(PostError):
    """The post breaks a platform's rules (errors, not warnings); one message per problem."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(self.messages) or "The post cannot be scheduled.")


# ------------------------------------------------------------------ values


@dataclass(frozen=True)
class MediaFacts:
    """A media file attached to a post (the copy in Herald's data folder)."""

    id: int | None
    path: str
    original_name: str
    mime: str
    bytes: int
    width: int | None
    height: int | None
    duration_s: float | None
    sha256: str
    error: str | None = None


@dataclass(frozen=True)
class TargetInfo:
    id: int
    account_id: int
    platform: Platform
    handle: str
    override: str | None
    status: TargetStatus
    attempts: int
    error_code: str | None
    error_message: str | None
    external_url: str | None
    published_at: datetime | None
    next_attempt_at: datetime | None


@dataclass(frozen=True)
class PostDetail:
    id: int
    workspace_id: int
    base_text: str
    scheduled_at: datetime | None
    zone: str
    status: PostStatus
    display_status: str
    targets: tuple[TargetInfo, ...]
    media: tuple[MediaFacts, ...]
    deleted: bool = False

    def text_for(self, account_id: int) -> str:
        for t in self.targets:
            if t.account_id == account_id:
                return effective_text(self.base_text, t.override)
        return self.base_text

    @property
    def editable(self) -> bool:
        """False once a target is published or in flight: the post has (partly) gone out."""
        return not any(
            t.status in (TargetStatus.PUBLISHED, TargetStatus.IN_FLIGHT) for t in self.targets
        )


@dataclass(frozen=True)
class PostSummary:
    id: int
    scheduled_at: datetime | None
    zone: str
    status: PostStatus
    display_status: str  # a PostStatus value, or "ATTENTION"
    platforms: list[Platform]
    excerpt: str
    failed_reasons: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)

    @property
    def movable(self) -> bool:
        return self.status not in (PostStatus.PUBLISHED, PostStatus.PUBLISHING)


@dataclass(frozen=True)
class TargetProblem:
    """A target that needs a person: FAILED, NEEDS_CONFIRMATION or MISSED."""

    target_id: int
    post_id: int
    account_id: int
    platform: Platform
    handle: str
    status: TargetStatus
    error_code: str | None
    error_message: str | None
    excerpt: str
    scheduled_at: datetime | None


# ------------------------------------------------------------------ helpers


def _excerpt(text: str | None) -> str:
    return " ".join((text or "").split())[:EXCERPT_CHARS]


def _display_status(status: PostStatus, target_statuses: Iterable[TargetStatus]) -> str:
    return ATTENTION if needs_attention(target_statuses) else PostStatus(status).value


def _reason(platform: Platform, message: str | None, code: str | None) -> str:
    return f"{platform.label}: {message or code or 'failed without a reason'}"


def _label(account: Account) -> str:
    return f"{Platform(account.platform).label} ({account.handle})"


def _facts_of(media: Media) -> MediaFacts:
    return MediaFacts(
        id=media.id,
        path=media.path,
        original_name=media.original_name,
        mime=media.mime,
        bytes=media.bytes,
        width=media.width,
        height=media.height,
        duration_s=media.duration_s,
        sha256=media.sha256,
    )


def _detail(post: Post) -> PostDetail:
    statuses = [TargetStatus(t.status) for t in post.targets]
    return PostDetail(
        id=post.id,
        workspace_id=post.workspace_id,
        base_text=post.base_text or "",
        scheduled_at=post.scheduled_at,
        zone=post.scheduled_tz,
        status=PostStatus(post.status),
        display_status=_display_status(post.status, statuses),
        targets=tuple(
            TargetInfo(
                id=t.id,
                account_id=t.account_id,
                platform=Platform(t.account.platform),
                handle=t.account.handle,
                override=t.content_override,
                status=TargetStatus(t.status),
                attempts=t.attempts,
                error_code=t.error_code,
                error_message=t.error_message,
                external_url=t.external_url,
                published_at=t.published_at,
                next_attempt_at=t.next_attempt_at,
            )
            for t in post.targets
        ),
        media=tuple(_facts_of(link.media) for link in post.media_links),
        deleted=post.deleted_at is not None,
    )


def _refresh_status(post: Post, *, draft: bool = False) -> None:
    statuses = [TargetStatus(t.status) for t in post.targets]
    draft = draft and not any(s == TargetStatus.PUBLISHED for s in statuses)
    post.status = derive_post_status(statuses, is_draft=draft)


def _in_flight(post: Post) -> bool:
    return any(TargetStatus(t.status) == TargetStatus.IN_FLIGHT for t in post.targets)


def _queue(target: Target, when: datetime, now: datetime) -> None:
    target.status = TargetStatus.QUEUED
    target.next_attempt_at = when
    target.attempts = 0
    target.lease_until = None
    target.lease_owner = None
    target.error_code = None
    target.error_message = None
    target.updated_at = now


def _queue_removed(s: Session, post: Post, now: datetime) -> None:
    # A queued post left its slot: the later ones of its queues move up (issue 22).
    from app.core.queues.placement import after_removal

    after_removal(s, post, now)


def _queue_restored(s: Session, post: Post, now: datetime) -> None:
    # A deleted queued post came back (Ctrl+Z): the posts pulled into its slot move back.
    from app.core.queues.placement import after_restore

    after_restore(s, post, now)


# ------------------------------------------------------------------ service


class PostService:
    def __init__(
        self, db: Database, clock: Clock | None = None, events: EventHub | None = None
    ) -> None:
        self.db = db
        self.clock = clock or SystemClock()
        self.events = events

    # -------------------------------------------------------- writing a post

    def create(
        self,
        workspace_id: int,
        base_text: str,
        account_ids: Sequence[int],
        *,
        overrides: Mapping[int, str | None] | None = None,
        media_paths: Sequence[str | Path] = (),
        scheduled_local: datetime | None = None,
        zone: str | None = None,
        fold: int | None = None,
        action: Action = "draft",
    ) -> PostDetail:
        with self.db.write_session() as s:
            post = self.create_in(
                s,
                workspace_id,
                base_text,
                account_ids,
                overrides=overrides,
                media_paths=media_paths,
                scheduled_local=scheduled_local,
                zone=zone,
                fold=fold,
                action=action,
            )
            s.commit()
            detail = self._get(s, post.id)
        self._changed(workspace_id)
        return detail

    def create_in(
        self,
        session: Session,
        workspace_id: int,
        base_text: str,
        account_ids: Sequence[int],
        *,
        overrides: Mapping[int, str | None] | None = None,
        media_paths: Sequence[str | Path] = (),
        scheduled_local: datetime | None = None,
        zone: str | None = None,
        fold: int | None = None,
        action: Action = "draft",
    ) -> Post:
        """`create` inside the caller's transaction (the CSV import's all-or-nothing); flushes
        but does not commit, and publishes no event (the caller does after its commit)."""
        workspace = session.get(Workspace, workspace_id)
        if workspace is None:
            raise PostError(f"No workspace with id {workspace_id}.")
        now = self.clock.now()
        post = Post(
            workspace_id=workspace_id,
            base_text="",
            scheduled_tz=zone or workspace.timezone,
            status=PostStatus.DRAFT,
            created_at=now,
            updated_at=now,
        )
        session.add(post)
        self._apply(
            session,
            post,
            base_text,
            account_ids,
            overrides=overrides,
            media_paths=media_paths,
            scheduled_local=scheduled_local,
            zone=zone or workspace.timezone,
            fold=fold,
            action=action,
        )
        session.flush()
        return post

    def update(
        self,
        post_id: int,
        base_text: str,
        account_ids: Sequence[int],
        *,
        overrides: Mapping[int, str | None] | None = None,
        media_paths: Sequence[str | Path] = (),
        scheduled_local: datetime | None = None,
        zone: str | None = None,
        fold: int | None = None,
        action: Action = "draft",
    ) -> PostDetail:
        with self.db.write_session() as s:
            post = self._lock(
                s, post_id, "This post is being published right now; edit it afterwards."
            )
            post.content_version += 1
            self._apply(
                s,
                post,
                base_text,
                account_ids,
                overrides=overrides,
                media_paths=media_paths,
                scheduled_local=scheduled_local,
                zone=zone or post.scheduled_tz,
                fold=fold,
                action=action,
            )
            workspace_id = post.workspace_id
            s.commit()
            detail = self._get(s, post_id)
        self._changed(workspace_id)
        return detail

    def _apply(
        self,
        s: Session,
        post: Post,
        base_text: str,
        account_ids: Sequence[int],
        *,
        overrides: Mapping[int, str | None] | None,
        media_paths: Sequence[str | Path],
        scheduled_local: datetime | None,
        zone: str,
        fold: int | None,
        action: Action,
    ) -> None:
        if action not in ("draft", "schedule", "now"):
            raise PostError(f"Unknown action {action!r}.")
        now = self.clock.now()
        overrides = dict(overrides or {})
        wanted = list(dict.fromkeys(int(a) for a in account_ids))
        accounts = {
            a.id: a
            for a in s.scalars(select(Account).where(Account.id.in_(wanted)))
            if a.workspace_id == post.workspace_id
        }
        missing = [a for a in wanted if a not in accounts]
        if missing:
            raise PostError(f"No account {missing[0]} in this workspace.")

        when: datetime | None
        if action == "now":
            when = now
        elif scheduled_local is None:
            when = None
        elif scheduled_local.tzinfo is not None:
            when = ensure_utc(scheduled_local)
        else:  # DST gaps and repeated hours raise: the composer asks the person
            when = to_utc(scheduled_local.replace(second=0, microsecond=0), zone, fold)

        media = self._media_list(s, post.workspace_id, media_paths)
        if action != "draft":
            self._check(base_text, [accounts[a] for a in wanted], overrides, media, when, now)

        post.base_text = base_text
        post.scheduled_at = when
        post.scheduled_tz = zone
        post.updated_at = now
        post.media_links = [PostMedia(media=m, position=i) for i, m in enumerate(media)]

        existing = {t.account_id: t for t in post.targets}
        for account_id, target in existing.items():
            if account_id not in accounts:
                if TargetStatus(target.status) == TargetStatus.PUBLISHED:
                    raise PostError(
                        f"{_label(target.account)} already published this post; "
                        "it cannot be removed from it."
                    )
                post.targets.remove(target)
        for account_id in wanted:
            found = existing.get(account_id)
            if found is None:
                target = Target(account_id=account_id, status=TargetStatus.DRAFT, updated_at=now)
                target.account = accounts[account_id]
                post.targets.append(target)
            else:
                target = found
            if TargetStatus(target.status) == TargetStatus.PUBLISHED:
                continue  # what went out stays as it was
            override = overrides.get(account_id)
            target.content_override = None if override == base_text else override
            if action == "draft":
                target.status = TargetStatus.DRAFT
                target.next_attempt_at = None
                target.updated_at = now
            else:
                assert when is not None
                _queue(target, when, now)
        _refresh_status(post, draft=action == "draft")

    def _check(
        self,
        base_text: str,
        accounts: Sequence[Account],
        overrides: Mapping[int, str | None],
        media: Sequence[Media],
        when: datetime | None,
        now: datetime,
    ) -> None:
        messages: list[str] = []
        if not accounts:
            messages.append("Choose at least one account to publish to.")
        if when is None:
            messages.append("Choose a date and time.")
        elif when < now.replace(second=0, microsecond=0):
            messages.append("That time has already passed; choose a later time or Publish now.")
        facts = [_facts_of(m) for m in media]
        for account in accounts:
            text = effective_text(base_text, overrides.get(account.id))
            for w in validate(Platform(account.platform), text, facts):
                if w.severity == "error":
                    messages.append(f"{_label(account)}: {w.message}")
        if messages:
            raise SchedulingError(messages)

    # -------------------------------------------------------- media

    def _media_list(
        self, s: Session, workspace_id: int, sources: Sequence[str | Path]
    ) -> list[Media]:
        """The Media rows for a post's files, in order, each once: the same picture listed
        twice (or two copies of the same bytes) is attached once, where it first appears."""
        found: dict[str, Media] = {}  # by content hash, in order of first appearance
        for path in dict.fromkeys(Path(source) for source in sources):
            media = self._media_for(s, workspace_id, path)
            found.setdefault(media.sha256, media)
        return list(found.values())

    def _media_for(self, s: Session, workspace_id: int, source: str | Path) -> Media:
        """The Media row for a file: copied into Herald's media folder (named by content hash),
        inspected once, shared by every post of the workspace that uses the same bytes."""
        path = Path(source)
        if not path.is_file():
            raise PostError(f"The file {path.name} cannot be found.")
        digest = _sha256(path)
        existing = s.scalar(
            select(Media).where(Media.workspace_id == workspace_id, Media.sha256 == digest).limit(1)
        )
        if existing is not None and Path(existing.path).is_file():
            return existing
        try:
            info = inspect_media(path)
        except MediaError as exc:
            raise PostError(str(exc)) from exc
        ext = path.suffix.lower() or (mimetypes.guess_extension(info.mime) or "")
        target = paths.media_dir() / f"{digest}{ext}"
        if not target.exists():
            tmp = target.with_name(target.name + ".part")
            shutil.copyfile(path, tmp)
            filemodes.make_private(tmp)  # copyfile gives the umask's mode (0644)
            tmp.replace(target)
        if existing is not None:  # the copy had gone missing: point the row at the new one
            existing.path = str(target)
            return existing
        media = Media(
            workspace_id=workspace_id,
            path=str(target),
            original_name=path.name[:255],
            sha256=digest,
            mime=info.mime,
            bytes=int(info.bytes),
            width=info.width,
            height=info.height,
            duration_s=info.duration_s,
            created_at=self.clock.now(),
        )
        s.add(media)
        return media

    # -------------------------------------------------------- moving and deleting

    def reschedule(
        self, post_id: int, new_utc: datetime, *, allow_past: bool = False
    ) -> datetime | None:
        """Move a post; returns the time it had (for undo). Published targets stay untouched;
        a post that is publishing or fully published cannot move."""
        new_utc = ensure_utc(new_utc)
        now = self.clock.now()
        with self.db.write_session() as s:
            busy = "This post is being published right now; it can't move."
            post = self._lock(s, post_id, busy, check_in_flight=False)
            status = PostStatus(post.status)
            if status in (PostStatus.PUBLISHED, PostStatus.PUBLISHING):
                raise PostError("This post has already gone out (or is going out); it can't move.")
            if _in_flight(post):
                raise PostError(busy)
            if status != PostStatus.DRAFT and not allow_past and new_utc < now:
                raise PostError("That time has already passed; choose a later time.")
            old = post.scheduled_at
            post.scheduled_at = new_utc
            post.updated_at = now
            post.content_version += 1
            for t in post.targets:
                if TargetStatus(t.status) in (TargetStatus.QUEUED, TargetStatus.MISSED):
                    _queue(t, new_utc, now)
            _refresh_status(post, draft=status == PostStatus.DRAFT)
            workspace_id = post.workspace_id
            s.commit()
        self._changed(workspace_id)
        return old

    def delete(self, post_id: int) -> None:
        """Soft delete (Ctrl+Z restores it); refused while the post is being published."""
        with self.db.write_session() as s:
            post = self._lock(
                s, post_id, "This post is being published right now; it can't be deleted."
            )
            post.deleted_at = self.clock.now()
            post.updated_at = self.clock.now()
            workspace_id = post.workspace_id
            _queue_removed(s, post, self.clock.now())
            s.commit()
        self._changed(workspace_id)

    def restore(self, post_id: int) -> None:
        with self.db.write_session() as s:
            post = self._load(s, post_id, deleted_ok=True)
            post.deleted_at = None
            post.updated_at = self.clock.now()
            workspace_id = post.workspace_id
            _queue_restored(s, post, self.clock.now())
            s.commit()
        self._changed(workspace_id)

    def duplicate(self, post_id: int) -> PostDetail:
        """A draft copy: same text, per-account edits, media and time."""
        now = self.clock.now()
        with self.db.write_session() as s:
            src = self._load(s, post_id)
            copy = Post(
                workspace_id=src.workspace_id,
                base_text=src.base_text,
                scheduled_at=src.scheduled_at,
                scheduled_tz=src.scheduled_tz,
                status=PostStatus.DRAFT,
                created_at=now,
                updated_at=now,
            )
            for t in src.targets:
                copy.targets.append(
                    Target(
                        account_id=t.account_id,
                        content_override=t.content_override,
                        status=TargetStatus.DRAFT,
                        updated_at=now,
                    )
                )
            copy.media_links = [
                PostMedia(media_id=link.media_id, position=link.position)
                for link in src.media_links
            ]
            s.add(copy)
            s.commit()
            detail = self._get(s, copy.id)
        self._changed(detail.workspace_id)
        return detail

    # -------------------------------------------------------- publishing and repair

    def publish_now(self, post_id: int) -> PostDetail:
        """Queue every target that has not gone out for right now (rules checked first)."""
        now = self.clock.now()
        with self.db.write_session() as s:
            post = self._lock(s, post_id, "This post is being published right now.")
            pending = [t for t in post.targets if TargetStatus(t.status) != TargetStatus.PUBLISHED]
            if not pending:
                raise PostError("Every account has already published this post.")
            overrides = {t.account_id: t.content_override for t in pending}
            media = [link.media for link in post.media_links]
            self._check(post.base_text, [t.account for t in pending], overrides, media, now, now)
            post.scheduled_at = now
            post.updated_at = now
            post.content_version += 1
            for t in pending:
                _queue(t, now, now)
            _refresh_status(post)
            _queue_removed(s, post, now)
            s.commit()
            detail = self._get(s, post_id)
        self._changed(detail.workspace_id)
        return detail

    def retry_failed(self, post_id: int) -> int:
        """Queue only the FAILED targets again, attempts reset and errors cleared; returns how
        many. Targets that succeeded are never sent twice."""
        now = self.clock.now()
        with self.db.write_session() as s:
            post = self._load(s, post_id)
            failed = [t for t in post.targets if TargetStatus(t.status) == TargetStatus.FAILED]
            for t in failed:
                _queue(t, now, now)
            _refresh_status(post)
            post.updated_at = now
            workspace_id = post.workspace_id
            s.commit()
        if failed:
            self._changed(workspace_id)
        return len(failed)

    def confirm_published(self, target_id: int) -> None:
        """The person checked: the target did go out before the crash."""
        self._resolve_confirmation(target_id, published=True)

    def publish_again(self, target_id: int) -> None:
        """The person checked: it did not go out; send it again now."""
        self._resolve_confirmation(target_id, published=False)

    def _resolve_confirmation(self, target_id: int, *, published: bool) -> None:
        now = self.clock.now()
        with self.db.write_session() as s:
            target = s.get(Target, target_id)
            if target is None:
                raise PostError(f"No target with id {target_id}.")
            if TargetStatus(target.status) != TargetStatus.NEEDS_CONFIRMATION:
                raise PostError("This post is not waiting for a confirmation.")
            if published:
                target.status = TargetStatus.PUBLISHED
                target.published_at = target.published_at or now
                target.lease_until = None
                target.lease_owner = None
                target.updated_at = now
            else:
                # The person checked the platform: one more send, without asking it again.
                attempts = target.attempts
                _queue(target, now, now)
                target.attempts = min(attempts, MAX_ATTEMPTS - 1)
                target.maybe_sent_since = None
            post = target.post
            _refresh_status(post)
            post.updated_at = now
            workspace_id = post.workspace_id
            s.commit()
        self._changed(workspace_id)

    def missed(self, workspace_id: int) -> list[PostSummary]:
        """Posts that fell due while Herald was closed, past the grace period."""
        with self.db.session() as s:
            ids = select(Target.post_id).where(Target.status == TargetStatus.MISSED)
            posts = s.scalars(
                select(Post)
                .where(
                    Post.workspace_id == workspace_id,
                    Post.deleted_at.is_(None),
                    Post.id.in_(ids),
                )
                .options(selectinload(Post.targets).selectinload(Target.account))
                .order_by(Post.scheduled_at, Post.id)
            ).all()
            return [self._summary(p) for p in posts]

    def publish_missed_now(self, post_ids: Iterable[int]) -> int:
        return self._requeue_missed(list(post_ids), None)

    def reschedule_missed(self, post_id: int, new_utc: datetime) -> int:
        new_utc = ensure_utc(new_utc)
        if new_utc < self.clock.now():
            raise PostError("That time has already passed; choose a later time.")
        return self._requeue_missed([post_id], new_utc)

    def _requeue_missed(self, post_ids: list[int], when: datetime | None) -> int:
        now = self.clock.now()
        count = 0
        workspaces: set[int] = set()
        with self.db.write_session() as s:
            for post_id in post_ids:
                post = self._load(s, post_id)
                due = when or now
                for t in post.targets:
                    if TargetStatus(t.status) == TargetStatus.MISSED:
                        _queue(t, due, now)
                        count += 1
                post.scheduled_at = due
                post.updated_at = now
                _refresh_status(post)
                workspaces.add(post.workspace_id)
            s.commit()
        for ws in workspaces:
            self._changed(ws)
        return count

    def problems(self, workspace_id: int, limit: int = 50) -> list[TargetProblem]:
        """Targets that need a person (failed, awaiting confirmation, missed), newest first."""
        wanted = (TargetStatus.FAILED, TargetStatus.NEEDS_CONFIRMATION, TargetStatus.MISSED)
        with self.db.session() as s:
            rows = s.execute(
                select(
                    Target.id,
                    Target.post_id,
                    Target.account_id,
                    Account.platform,
                    Account.handle,
                    Target.status,
                    Target.error_code,
                    Target.error_message,
                    func.substr(Post.base_text, 1, EXCERPT_CHARS),
                    Post.scheduled_at,
                )
                .join(Post, Post.id == Target.post_id)
                .join(Account, Account.id == Target.account_id)
                .where(
                    Post.workspace_id == workspace_id,
                    Post.deleted_at.is_(None),
                    Target.status.in_(wanted),
                )
                .order_by(Target.updated_at.desc(), Target.id.desc())
                .limit(limit)
            ).all()
        return [
            TargetProblem(
                target_id=r[0],
                post_id=r[1],
                account_id=r[2],
                platform=Platform(r[3]),
                handle=r[4],
                status=TargetStatus(r[5]),
                error_code=r[6],
                error_message=r[7],
                excerpt=_excerpt(r[8]),
                scheduled_at=r[9],
            )
            for r in rows
        ]

    # -------------------------------------------------------- reading

    def get(self, post_id: int) -> PostDetail:
        with self.db.session() as s:
            return self._get(s, post_id, deleted_ok=True)

    def list_range(
        self, workspace_id: int, start_utc: datetime, end_utc: datetime
    ) -> list[PostSummary]:
        """Posts scheduled in [start, end): one query, on the (workspace_id, scheduled_at)
        index, reading only what a calendar chip shows (never the whole text)."""
        start_utc, end_utc = ensure_utc(start_utc), ensure_utc(end_utc)
        # Enum and date columns are read raw and converted once here: the calendar reads a
        # few thousand rows per view and SQLAlchemy's per-value processors would dominate.
        query = (
            select(
                Post.id,
                type_coerce(Post.scheduled_at, String).label("when"),
                Post.scheduled_tz,
                type_coerce(Post.status, String).label("post_status"),
                func.substr(Post.base_text, 1, EXCERPT_CHARS),
                type_coerce(Target.status, String).label("target_status"),
                Target.error_message,
                Target.error_code,
                type_coerce(Account.platform, String).label("platform"),
                Account.handle,
                func.substr(Target.content_override, 1, EXCERPT_CHARS),
            )
            .select_from(Post)
            .outerjoin(Target, Target.post_id == Post.id)
            .outerjoin(Account, Account.id == Target.account_id)
            .where(
                Post.workspace_id == workspace_id,
                Post.scheduled_at >= start_utc,
                Post.scheduled_at < end_utc,
                Post.deleted_at.is_(None),
            )
            .order_by(Post.scheduled_at, Post.id, Target.id)
        )
        with self.db.session() as s:
            rows = s.execute(query).all()
        return _group_rows(rows)

    def drafts(self, workspace_id: int) -> list[PostSummary]:
        """Drafts without a time (they have no place on the calendar)."""
        with self.db.session() as s:
            posts = s.scalars(
                select(Post)
                .where(
                    Post.workspace_id == workspace_id,
                    Post.scheduled_at.is_(None),
                    Post.deleted_at.is_(None),
                )
                .options(selectinload(Post.targets).selectinload(Target.account))
                .order_by(Post.updated_at.desc())
            ).all()
            return [self._summary(p) for p in posts]

    # -------------------------------------------------------- internals

    def _lock(self, s: Session, post_id: int, busy: str, *, check_in_flight: bool = True) -> Post:
        """The post for a change a person makes, checked and written as one atomic step
        against the workers: raises PostError(`busy`) while a target is in flight.

        SQLite: the write session's BEGIN IMMEDIATE already excludes every other writer (and
        claims) until commit. PostgreSQL: the post row, then its targets, are locked until
        commit; a target another transaction holds right now (a claim taking it, a worker
        writing its outcome) counts as in flight. SKIP LOCKED rather than waiting: a claim
        holds its targets while it waits for their post's lock, so waiting could deadlock.
        A claim that read the post before this change committed still takes the target
        afterwards; the worker's pre-send check (claim.hold_lease) refuses to send it."""
        if not self.db.is_sqlite:
            s.execute(select(Post.id).where(Post.id == post_id).with_for_update())
            of_post = select(Target.id).where(Target.post_id == post_id)
            locked = set(s.scalars(of_post.with_for_update(skip_locked=True)))
            if locked != set(s.scalars(of_post)):
                raise PostError(busy)
        post = self._load(s, post_id)
        if check_in_flight and _in_flight(post):
            raise PostError(busy)
        return post

    @staticmethod
    def _load(s: Session, post_id: int, *, deleted_ok: bool = False) -> Post:
        post = s.get(Post, post_id)
        if post is None or (post.deleted_at is not None and not deleted_ok):
            raise PostError(f"No post with id {post_id}.")
        return post

    def _get(self, s: Session, post_id: int, *, deleted_ok: bool = True) -> PostDetail:
        post = s.scalar(
            select(Post)
            .where(Post.id == post_id)
            .options(
                selectinload(Post.targets).selectinload(Target.account),
                selectinload(Post.media_links).selectinload(PostMedia.media),
            )
            .execution_options(populate_existing=True)
        )
        if post is None or (post.deleted_at is not None and not deleted_ok):
            raise PostError(f"No post with id {post_id}.")
        return _detail(post)

    @staticmethod
    def _summary(post: Post) -> PostSummary:
        statuses = [TargetStatus(t.status) for t in post.targets]
        text = post.base_text or next(
            (t.content_override for t in post.targets if t.content_override), ""
        )
        return PostSummary(
            id=post.id,
            scheduled_at=post.scheduled_at,
            zone=post.scheduled_tz,
            status=PostStatus(post.status),
            display_status=_display_status(post.status, statuses),
            platforms=list(dict.fromkeys(Platform(t.account.platform) for t in post.targets)),
            excerpt=_excerpt(text),
            failed_reasons=[
                _reason(Platform(t.account.platform), t.error_message, t.error_code)
                for t in post.targets
                if TargetStatus(t.status) == TargetStatus.FAILED
            ],
            handles=[t.account.handle for t in post.targets],
        )

    def _changed(self, workspace_id: int) -> None:
        if self.events is not None:
            self.events.publish(POSTS_CHANGED, workspace_id=workspace_id)


_POST_STATUS = {m.value: m for m in PostStatus}
_TARGET_STATUS = {m.value: m for m in TargetStatus}
_PLATFORM = {m.value: m for m in Platform}
_ATTENTION_VALUES = frozenset(
    s.value for s in (TargetStatus.NEEDS_CONFIRMATION, TargetStatus.MISSED)
)


def _utc_value(value: Any) -> datetime | None:
    """A raw scheduled_at (SQLite: ISO text; PostgreSQL: an aware datetime) -> aware UTC;
    None for an undated draft (the list view reads those too)."""
    if value is None:
        return None
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return ensure_utc(value)


def _group_rows(rows: Sequence[Any]) -> list[PostSummary]:
    out: list[PostSummary] = []
    for pid, group in groupby(rows, key=itemgetter(0)):
        first = next(group)
        _, when, zone, status, text, *_rest = first
        statuses: list[str] = []
        platforms: list[Platform] = []
        handles: list[str] = []
        failed: list[str] = []
        override = None
        for row in chain((first,), group):
            t_status, msg, code, platform, handle, t_override = row[5:]
            if t_status is None:
                continue
            statuses.append(t_status)
            if platform is not None:
                p = _PLATFORM[platform]
                if p not in platforms:
                    platforms.append(p)
                handles.append(handle)
                if t_status == "FAILED":
                    failed.append(_reason(p, msg, code))
            if override is None and t_override:
                override = t_override
        post_status = _POST_STATUS[status]
        attention = any(s in _ATTENTION_VALUES for s in statuses)
        out.append(
            PostSummary(
                id=pid,
                scheduled_at=_utc_value(when),
                zone=zone,
                status=post_status,
                display_status=ATTENTION if attention else post_status.value,
                platforms=platforms,
                excerpt=_excerpt(text or override),
                failed_reasons=failed,
                handles=handles,
            )
        )
    return out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
