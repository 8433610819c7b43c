"""PostService: the one object the calendar, the composer and the commands call about posts.
A thin facade: each request goes to the part that does it (writing, moving, repair, reading);
they share the database, clock and event hub through one PostContext."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from app.core.change_marker import ChangeMarker
from app.core.clock import Clock, SystemClock
from app.core.db import Database
from app.core.events import EventHub
from app.core.models import Post
from app.core.posts.moving import PostMover
from app.core.posts.reading import PostReader
from app.core.posts.repair import PostRepair
from app.core.posts.store import PostContext
from app.core.posts.values import Action, PostDetail, PostDraft, PostSummary, TargetProblem
from app.core.posts.writing import PostWriter


class PostService:
    def __init__(
        self, db: Database, clock: Clock | None = None, events: EventHub | None = None
    ) -> None:
        self._ctx = PostContext(db, clock or SystemClock(), events)
        self._writer = PostWriter(self._ctx)
        self._mover = PostMover(self._ctx)
        self._repair = PostRepair(self._ctx)
        self._reader = PostReader(self._ctx)
        self._marker: ChangeMarker | None = None

    @property
    def db(self) -> Database:
        return self._ctx.db

    @property
    def clock(self) -> Clock:
        return self._ctx.clock

    @property
    def events(self) -> EventHub | None:
        return self._ctx.events

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
        media_alt_texts: Sequence[str | None] = (),
    ) -> PostDetail:
        """`media_alt_texts`: each media file's alt text, in the order of `media_paths`."""
        draft = PostDraft(
            base_text,
            account_ids,
            overrides,
            media_paths,
            scheduled_local,
            zone,
            fold,
            action,
            media_alt_texts,
        )
        return self._writer.create(workspace_id, draft)

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
        media_alt_texts: Sequence[str | None] = (),
    ) -> Post:
        """`create` inside the caller's transaction; flushes but does not commit, and publishes
        no event (the caller does after its commit). Many posts at once: `create_many`."""
        draft = PostDraft(
            base_text,
            account_ids,
            overrides,
            media_paths,
            scheduled_local,
            zone,
            fold,
            action,
            media_alt_texts,
        )
        return self._writer.create_in(session, workspace_id, draft)

    def create_many(
        self, session: Session, workspace_id: int, drafts: Sequence[PostDraft]
    ) -> list[int]:
        """Every draft as a new post inside the caller's transaction, or none (PostBatchError);
        see PostWriter.create_many."""
        return self._writer.create_many(session, workspace_id, drafts)

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
        media_alt_texts: Sequence[str | None] = (),
    ) -> PostDetail:
        """Edit a post (zone None: the post's own); refused while it is being published."""
        draft = PostDraft(
            base_text,
            account_ids,
            overrides,
            media_paths,
            scheduled_local,
            zone,
            fold,
            action,
            media_alt_texts,
        )
        return self._writer.update(post_id, draft)

    # -------------------------------------------------------- moving and deleting

    def reschedule(
        self, post_id: int, new_utc: datetime, *, allow_past: bool = False
    ) -> datetime | None:
        """Move a post; returns the time it had (for undo)."""
        return self._mover.reschedule(post_id, new_utc, allow_past=allow_past)

    def delete(self, post_id: int) -> None:
        """Soft delete (Ctrl+Z restores it); refused while the post is being published."""
        self._mover.delete(post_id)

    def restore(self, post_id: int) -> None:
        self._mover.restore(post_id)

    def duplicate(self, post_id: int) -> PostDetail:
        """A draft copy: same text, per-account edits, media and time."""
        return self._mover.duplicate(post_id)

    # -------------------------------------------------------- publishing and repair

    def publish_now(self, post_id: int) -> PostDetail:
        """Queue every target that has not gone out for right now (rules checked first)."""
        return self._repair.publish_now(post_id)

    def retry_failed(self, post_id: int) -> int:
        """Queue only the FAILED targets again; returns how many."""
        return self._repair.retry_failed(post_id)

    def confirm_published(self, target_id: int) -> None:
        """The person checked: the target did go out before the crash."""
        self._repair.resolve_confirmation(target_id, published=True)

    def publish_again(self, target_id: int) -> None:
        """The person checked: it did not go out; send it again now."""
        self._repair.resolve_confirmation(target_id, published=False)

    def resolve_part(self, part_id: int, *, published: bool) -> None:
        """A chain part or comment awaiting confirmation went out, or did not (issue 19)."""
        self._repair.resolve_part(part_id, published=published)

    def publish_missed_now(self, post_ids: Iterable[int]) -> int:
        return self._repair.requeue_missed(list(post_ids), None)

    def reschedule_missed(self, post_id: int, new_utc: datetime) -> int:
        return self._repair.reschedule_missed(post_id, new_utc)

    # -------------------------------------------------------- reading

    def get(self, post_id: int) -> PostDetail:
        return self._reader.get(post_id)

    def list_range(
        self, workspace_id: int, start_utc: datetime, end_utc: datetime
    ) -> list[PostSummary]:
        """Posts scheduled in [start, end), as calendar chips."""
        return self._reader.list_range(workspace_id, start_utc, end_utc)

    def change_marker(self) -> object | None:
        """A token that changes after any commit (app/core/change_marker.py); None: unknown."""
        if self._marker is None:
            self._marker = ChangeMarker(self._ctx.db)
        return self._marker.current()

    def drafts(self, workspace_id: int) -> list[PostSummary]:
        """Drafts without a time (they have no place on the calendar)."""
        return self._reader.drafts(workspace_id)

    def missed(self, workspace_id: int) -> list[PostSummary]:
        """Posts that fell due while Herald was closed, past the grace period."""
        return self._reader.missed(workspace_id)

    def problems(self, workspace_id: int, limit: int = 50) -> list[TargetProblem]:
        """Targets that need a person (failed, awaiting confirmation, missed), newest first."""
        return self._reader.problems(workspace_id, limit)
