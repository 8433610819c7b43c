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
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import chain, groupby
from operator import itemgetter
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Select, String, func, insert, select, type_coerce
from sqlalchemy.orm import Session, selectinload

from app.constants import Platform
from app.core import approvals, audit, filemodes, paths
from app.core.clock import Clock, SystemClock
from app.core.constraints import effective_text, validate, weighted_length
from app.core.db import Database
from app.core.engine.handoff import announce_due
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
    "PostBatchError",
    "PostDetail",
    "PostDraft",
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
INSERT_BATCH = 2000  # posts per round of bulk INSERTs in create_many (bounds the memory)


class PostError(ValueError):
    """A request about a post that cannot be met; the message is meant for a person."""


class SchedulingError(PostError):
    """The post breaks a platform's rules (errors, not warnings); one message per problem."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(self.messages) or "The post cannot be scheduled.")


class PostBatchError(PostError):
    """create_many refused: (index of the draft, message) for every problem of every refused
    draft, in order; nothing was added to the session."""

    def __init__(self, problems: Sequence[tuple[int, str]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"post {i + 1}: {m}" for i, m in self.problems))


# ------------------------------------------------------------------ values


@dataclass(frozen=True)
class PostDraft:
    """What a person (the composer) or a CSV row asks for: a post's text, accounts, per-account
    texts, media files and time. `scheduled_local` is a wall time in `zone` (None: the
    workspace's, or the post's own when editing) unless it is aware; `fold` picks the first
    (0) or second (1) of a repeated hour; `action` drafts, schedules or publishes now."""

    base_text: str
    account_ids: Sequence[int]
    overrides: Mapping[int, str | None] | None = None
    media_paths: Sequence[str | Path] = ()
    scheduled_local: datetime | None = None
    zone: str | None = None
    fold: int | None = None
    action: Action = "draft"


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


@dataclass
class _Lookups:
    """What the posts of one write share, read once: the workspace, its accounts, and the
    media files already met (a path's content hash; a hash's Media row, new or stored)."""

    workspace: Workspace
    accounts: dict[int, Account]
    digests: dict[Path, str] = field(default_factory=dict)
    media: dict[str, Media] = field(default_factory=dict)

    @classmethod
    def load(cls, s: Session, workspace_id: int) -> _Lookups:
        workspace = s.get(Workspace, workspace_id)
        if workspace is None:
            raise PostError(f"No workspace with id {workspace_id}.")
        accounts = s.scalars(select(Account).where(Account.workspace_id == workspace_id))
        return cls(workspace, {a.id: a for a in accounts})


@dataclass(frozen=True)
class _Plan:
    """A draft checked and resolved: what its post becomes. `overrides` maps each account,
    in order, to its own text (None: the post's text)."""

    base_text: str
    when: datetime | None  # UTC
    zone: str
    now: datetime
    is_draft: bool
    media: list[Media]
    overrides: dict[int, str | None]

    @property
    def target_status(self) -> TargetStatus:
        return TargetStatus.DRAFT if self.is_draft else TargetStatus.QUEUED

    def post_row(self, workspace_id: int) -> dict[str, Any]:
        """The columns of a new post (create_many's bulk INSERT); as `_apply` would set them."""
        statuses = [self.target_status] * len(self.overrides)
        return {
            "workspace_id": workspace_id,
            "base_text": self.base_text,
            "scheduled_at": self.when,
            "scheduled_tz": self.zone,
            "status": derive_post_status(statuses, is_draft=self.is_draft),
            "created_at": self.now,
            "updated_at": self.now,
        }

    def target_rows(self, post_id: int) -> list[dict[str, Any]]:
        """A new post's targets: DRAFT, or QUEUED for `when` (as `_queue` leaves them)."""
        return [
            {
                "post_id": post_id,
                "account_id": account_id,
                "content_override": override,
                "status": self.target_status,
                "attempts": 0,
                "next_attempt_at": None if self.is_draft else self.when,
                "updated_at": self.now,
            }
            for account_id, override in self.overrides.items()
        ]

    def media_rows(self, post_id: int) -> list[dict[str, Any]]:
        return [
            {"post_id": post_id, "media_id": m.id, "position": i} for i, m in enumerate(self.media)
        ]


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
        draft = PostDraft(
            base_text, account_ids, overrides, media_paths, scheduled_local, zone, fold, action
        )
        with self.db.write_session() as s:
            post = self._create_in(s, workspace_id, draft)
            announce_due(s)  # wakes workers elsewhere at commit
            audit.record(s, "create", post, self.clock.now())
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
        """`create` inside the caller's transaction; flushes but does not commit, and publishes
        no event (the caller does after its commit). Many posts at once: `create_many`."""
        draft = PostDraft(
            base_text, account_ids, overrides, media_paths, scheduled_local, zone, fold, action
        )
        return self._create_in(session, workspace_id, draft)

    def _create_in(self, session: Session, workspace_id: int, draft: PostDraft) -> Post:
        with session.no_autoflush:
            post = self._new_post(session, _Lookups.load(session, workspace_id), draft)
        session.add(post)
        session.flush()
        return post

    def create_many(
        self, session: Session, workspace_id: int, drafts: Sequence[PostDraft]
    ) -> list[int]:
        """Every draft as a new post inside the caller's transaction (the CSV import's
        all-or-nothing), or none; returns the new posts' ids, in order. Each draft is checked
        as `create` checks it; if any is refused, PostBatchError names every refused draft by
        its index and nothing was written to the database (a new picture may already be
        copied into the media folder, as with `create`). Does not commit, publishes no event.

        Made for tens of thousands of rows: the workspace and its accounts are read once, a
        picture used by many drafts is hashed and looked up once (and still stored as one
        Media row), and the rows go in as bulk INSERTs, one per table per INSERT_BATCH posts,
        without building ORM objects (they would not be in the session's identity map). SQLite
        runs the posts' INSERT row by row inside (RETURNING's order is not promised there)."""
        found = _Lookups.load(session, workspace_id)
        plans: list[_Plan] = []
        problems: list[tuple[int, str]] = []
        with session.no_autoflush:  # nothing is written until every draft passed
            for index, draft in enumerate(drafts):
                zone = draft.zone or found.workspace.timezone
                try:
                    plans.append(self._plan(session, found, replace(draft, zone=zone)))
                except SchedulingError as exc:
                    problems.extend((index, m) for m in exc.messages)
                except ValueError as exc:  # PostError, DST gaps and repeated hours
                    problems.append((index, str(exc)))
        if problems:
            raise PostBatchError(problems)
        session.add_all(m for m in found.media.values() if m.id is None)
        session.flush()  # the new Media rows' ids, for the links below
        ids: list[int] = []
        approval = approvals.initial_state(found.workspace.approval_required)
        tables = Post.metadata.tables  # Core: the ORM's bulk path costs more per row than SQL
        posts = tables[Post.__tablename__]
        for first in range(0, len(plans), INSERT_BATCH):
            chunk = plans[first : first + INSERT_BATCH]
            new_ids = session.scalars(
                insert(posts).returning(posts.c.id, sort_by_parameter_order=True),
                [{**plan.post_row(workspace_id), "approval": approval} for plan in chunk],
            ).all()
            targets = [
                row for i, plan in zip(new_ids, chunk, strict=True) for row in plan.target_rows(i)
            ]
            links = [
                row for i, plan in zip(new_ids, chunk, strict=True) for row in plan.media_rows(i)
            ]
            for table, rows in (
                (tables[Target.__tablename__], targets),
                (tables[PostMedia.__tablename__], links),
            ):
                if rows:
                    session.execute(insert(table), rows)
            audit.record_many(session, "create", "post", workspace_id, new_ids, self.clock.now())
            ids.extend(new_ids)
        announce_due(session)  # delivered at the caller's commit
        return ids

    def _new_post(self, s: Session, found: _Lookups, draft: PostDraft) -> Post:
        """A new post for the draft, not yet added to the session."""
        now = self.clock.now()
        zone = draft.zone or found.workspace.timezone
        post = Post(
            workspace_id=found.workspace.id,
            base_text="",
            scheduled_tz=zone,
            status=PostStatus.DRAFT,
            approval=approvals.initial_state(found.workspace.approval_required),
            created_at=now,
            updated_at=now,
            targets=[],  # a new post has none yet: nothing to load
            media_links=[],
        )
        self._apply(s, post, found, replace(draft, zone=zone))
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
            approvals.on_edit(post)
            draft = PostDraft(
                base_text,
                account_ids,
                overrides,
                media_paths,
                scheduled_local,
                zone or post.scheduled_tz,
                fold,
                action,
            )
            self._apply(s, post, _Lookups.load(s, post.workspace_id), draft)
            workspace_id = post.workspace_id
            announce_due(s)  # wakes workers elsewhere at commit
            audit.record(s, "update", post, self.clock.now())
            s.commit()
            detail = self._get(s, post_id)
        self._changed(workspace_id)
        return detail

    def _plan(self, s: Session, found: _Lookups, draft: PostDraft) -> _Plan:
        """The draft checked and resolved (`draft.zone` already is); raises what `create`
        raises. Writes nothing but the media folder's copies."""
        action, base_text, zone = draft.action, draft.base_text, draft.zone
        assert zone is not None
        if action not in ("draft", "schedule", "now"):
            raise PostError(f"Unknown action {action!r}.")
        now = self.clock.now()
        overrides = dict(draft.overrides or {})
        wanted = list(dict.fromkeys(int(a) for a in draft.account_ids))
        missing = [a for a in wanted if a not in found.accounts]
        if missing:
            raise PostError(f"No account {missing[0]} in this workspace.")

        when: datetime | None
        scheduled_local = draft.scheduled_local
        if action == "now":
            when = now
        elif scheduled_local is None:
            when = None
        elif scheduled_local.tzinfo is not None:
            when = ensure_utc(scheduled_local)
        else:  # DST gaps and repeated hours raise: the composer asks the person
            when = to_utc(scheduled_local.replace(second=0, microsecond=0), zone, draft.fold)

        media = self._media_list(s, found, draft.media_paths)
        if action != "draft":
            accounts = [found.accounts[a] for a in wanted]
            self._check(base_text, accounts, overrides, media, when, now)
        own = {a: overrides.get(a) for a in wanted}
        return _Plan(
            base_text=base_text,
            when=when,
            zone=zone,
            now=now,
            is_draft=action == "draft",
            media=media,
            overrides={a: None if text == base_text else text for a, text in own.items()},
        )

    def _apply(self, s: Session, post: Post, found: _Lookups, draft: PostDraft) -> None:
        """Write the draft into the post (new or existing); `draft.zone` is already resolved."""
        plan = self._plan(s, found, draft)
        now, when = plan.now, plan.when
        post.base_text = plan.base_text
        post.scheduled_at = when
        post.scheduled_tz = plan.zone
        post.updated_at = now
        post.media_links = [PostMedia(media=m, position=i) for i, m in enumerate(plan.media)]

        existing = {t.account_id: t for t in post.targets}
        for account_id, target in existing.items():
            if account_id not in plan.overrides:
                if TargetStatus(target.status) == TargetStatus.PUBLISHED:
                    raise PostError(
                        f"{_label(target.account)} already published this post; "
                        "it cannot be removed from it."
                    )
                post.targets.remove(target)
        for account_id, override in plan.overrides.items():
            found_target = existing.get(account_id)
            if found_target is None:
                target = Target(account_id=account_id, status=TargetStatus.DRAFT, updated_at=now)
                target.account = found.accounts[account_id]
                post.targets.append(target)
            else:
                target = found_target
            if TargetStatus(target.status) == TargetStatus.PUBLISHED:
                continue  # what went out stays as it was
            target.content_override = override
            if plan.is_draft:
                target.status = TargetStatus.DRAFT
                target.next_attempt_at = None
                target.updated_at = now
            else:
                assert when is not None
                _queue(target, when, now)
        _refresh_status(post, draft=plan.is_draft)

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
        self, s: Session, found: _Lookups, sources: Sequence[str | Path]
    ) -> list[Media]:
        """The Media rows for a post's files, in order, each once: the same picture listed
        twice (or two copies of the same bytes) is attached once, where it first appears."""
        media: dict[str, Media] = {}  # by content hash, in order of first appearance
        for path in dict.fromkeys(Path(source) for source in sources):
            item = self._media_for(s, found, path)
            media.setdefault(item.sha256, item)
        return list(media.values())

    def _media_for(self, s: Session, found: _Lookups, path: Path) -> Media:
        """The Media row for a file: copied into Herald's media folder (named by content hash),
        inspected once, shared by every post of the workspace that uses the same bytes.

        A new row is not added to the session here: it goes in with the first post that links
        it (cascade), so a refused draft leaves nothing behind; `found` remembers it, so the
        next post of the same batch with the same bytes links the same row."""
        if not path.is_file():
            raise PostError(f"The file {path.name} cannot be found.")
        digest = found.digests.get(path)
        if digest is None:
            digest = found.digests[path] = _sha256(path)
        known = found.media.get(digest)
        if known is not None:
            return known
        existing = s.scalar(
            select(Media)
            .where(Media.workspace_id == found.workspace.id, Media.sha256 == digest)
            .limit(1)
        )
        if existing is not None and Path(existing.path).is_file():
            found.media[digest] = existing
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
            found.media[digest] = existing
            return existing
        media = Media(
            workspace_id=found.workspace.id,
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
        found.media[digest] = media
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
            approvals.on_edit(post)
            for t in post.targets:
                if TargetStatus(t.status) in (TargetStatus.QUEUED, TargetStatus.MISSED):
                    _queue(t, new_utc, now)
            _refresh_status(post, draft=status == PostStatus.DRAFT)
            workspace_id = post.workspace_id
            announce_due(s)  # wakes workers elsewhere at commit
            audit.record(s, "reschedule", post, now)
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
            audit.record(s, "delete", post, self.clock.now())
            s.commit()
        self._changed(workspace_id)

    def restore(self, post_id: int) -> None:
        with self.db.write_session() as s:
            post = self._load(s, post_id, deleted_ok=True)
            post.deleted_at = None
            post.updated_at = self.clock.now()
            workspace_id = post.workspace_id
            announce_due(s)  # wakes workers elsewhere at commit
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
                approval=approvals.initial_state(approvals.required_in(s, src.workspace_id)),
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
            announce_due(s)  # wakes workers elsewhere at commit
            audit.record(s, "publish_now", post, now)
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
            announce_due(s)  # wakes workers elsewhere at commit
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
            announce_due(s)  # wakes workers elsewhere at commit
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
            announce_due(s)  # wakes workers elsewhere at commit
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
            summary_query(workspace_id)
            .where(Post.scheduled_at >= start_utc, Post.scheduled_at < end_utc)
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


def summary_query(workspace_id: int) -> Select[Any]:
    """What a calendar chip or list row shows of a workspace's live posts, one row per target
    (never the whole text); `_group_rows` turns the rows into PostSummary objects."""
    return (
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
        .where(Post.workspace_id == workspace_id, Post.deleted_at.is_(None))
    )
