"""Snapshots of claimed targets (`Work`): everything needed to publish one without the ORM,
loaded for a whole batch in two queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from app.core.db import Database
from app.core.engine.policy import History
from app.core.models import Account, Media, Post, PostMedia, Target, TargetStatus
from app.core.ports import MediaItem
from app.platforms.names import Platform


@dataclass(frozen=True)
class Work:
    """A snapshot of one claimed target: everything needed to publish it without the ORM."""

    target_id: int
    post_id: int
    account_id: int
    platform: Platform
    text: str
    media: tuple[MediaItem, ...]
    idempotency_key: str
    attempts: int
    due: datetime | None
    error_code: str | None
    maybe_sent_since: datetime | None = None
    error_message: str | None = None
    #: the post's content_version read with `text` (same row): the pre-send check sends only
    #: while the post is still at this version
    content_version: int = 0

    @property
    def lookup_from(self) -> datetime | None:
        """Where a look-up for an earlier attempt's post starts: that attempt's due time (an
        attempt never starts before it is due), else this attempt's."""
        known = [t for t in (self.maybe_sent_since, self.due) if t is not None]
        return min(known) if known else None

    def history(self, *, interrupted: bool = False) -> History:
        """What the retry policy needs to know of this target's past attempts;
        `interrupted`: the last attempt's worker stopped mid-publish."""
        return History(
            attempts=self.attempts,
            due=self.due,
            maybe_sent_since=self.maybe_sent_since,
            last_error_code=self.error_code,
            last_error_message=self.error_message,
            interrupted=interrupted,
        )


#: the columns a Work needs, in one join (no ORM objects: loading them cost more than the
#: queries; the per-cycle work of publishing)
_WORK_COLUMNS = (
    Target.id,
    Target.post_id,
    Account.id,
    Account.platform,
    Post.base_text,
    Target.content_override,
    Target.idempotency_key,
    Target.attempts,
    Target.next_attempt_at,
    Target.error_code,
    Target.maybe_sent_since,
    Target.error_message,
    Post.content_version,
)
#: built once (the engine loads its claimed work at every clock stop of the demo seed)
_WORKS = (
    select(*_WORK_COLUMNS)
    .join(Post, Post.id == Target.post_id)
    .join(Account, Account.id == Target.account_id)
    .where(
        Target.id.in_(bindparam("target_ids", expanding=True)),
        Target.lease_owner == bindparam("owner"),
        Target.status == TargetStatus.IN_FLIGHT,
    )
)
_MEDIA = (
    select(
        PostMedia.post_id,
        Media.path,
        Media.mime,
        Media.bytes,
        Media.sha256,
        Media.width,
        Media.height,
        Media.duration_s,
        PostMedia.alt_text,
    )
    .join(Media, Media.id == PostMedia.media_id)
    .where(PostMedia.post_id.in_(bindparam("post_ids", expanding=True)))
    .order_by(PostMedia.post_id, PostMedia.position)
)


def load_works(db: Database, target_ids: Sequence[int], owner: str) -> dict[int, Work]:
    """Snapshots of claimed targets still held by `owner`: two queries for the batch."""
    if not target_ids:
        return {}
    with db.engine.connect() as conn:
        rows = conn.execute(_WORKS, {"target_ids": list(target_ids), "owner": owner}).all()
        media = _media_of(conn, {r[1] for r in rows})
    return {
        r[0]: Work(
            target_id=r[0],
            post_id=r[1],
            account_id=r[2],
            platform=Platform(r[3]),
            text=effective_text(r[4] or "", r[5]),
            media=media.get(r[1], ()),
            idempotency_key=r[6],
            attempts=r[7],
            due=r[8],
            error_code=r[9],
            maybe_sent_since=r[10],
            error_message=r[11],
            content_version=r[12],
        )
        for r in rows
    }


def _media_of(conn: Connection | Session, post_ids: set[int]) -> dict[int, tuple[MediaItem, ...]]:
    """Each post's media in its order (PostMedia.position, as Post.media_links)."""
    if not post_ids:
        return {}
    found: dict[int, list[MediaItem]] = {}
    for r in conn.execute(_MEDIA, {"post_ids": sorted(post_ids)}):
        found.setdefault(r[0], []).append(
            MediaItem(
                path=r[1],
                mime=r[2],
                bytes=r[3],
                sha256=r[4],
                width=r[5],
                height=r[6],
                duration_s=r[7],
                alt_text=r[8] or None,
            )
        )
    return {post_id: tuple(items) for post_id, items in found.items()}


def load_work(db: Database, target_id: int, owner: str) -> Work | None:
    """The claimed target's snapshot, or None when this worker no longer holds it."""
    return load_works(db, [target_id], owner).get(target_id)


def effective_text(base: str, override: str | None) -> str:
    """The text a target sends: its own override when it has one, else the post's text."""
    return override if override is not None else base
