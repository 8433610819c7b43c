"""Chains of posts and first comments (issue 19), the service the composer and the views use.

A post's chain is its text split into parts: part 1 is the post itself (each target's own
text, today's path), parts 2..n are stored per target in `target_parts` and reply to the part
before. A first comment is one more row per target. Networks take them only where their
descriptor's `formats` say so (chain, first_comment); other targets publish the post alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, object_session

from app import platforms
from app.core import chain_whole
from app.core.chain_models import COMMENT, PART, TargetPart, chain_part_statuses
from app.core.chain_problems import failed_part_rows, failure_text
from app.core.clock import Clock
from app.core.db import Database
from app.core.enums import TargetStatus
from app.core.models import Account, Post, Target
from app.platforms.names import Platform

__all__ = [
    "COMMENT",
    "PART",
    "ChainError",
    "ChainService",
    "CommentState",
    "PartState",
    "chain_ids",
    "chain_statuses_of",
    "comment_states",
    "failed_part_rows",
    "failure_text",
    "parts_of",
    "retry_comment",
    "retry_failed_parts",
    "set_chain",
]

#: most parts Herald sends in one chain
MAX_PARTS = 25


class ChainError(ValueError):
    """Bad input for a chain: one clear message; nothing was changed."""


@dataclass(frozen=True)
class PartState:
    target_id: int
    platform: Platform
    kind: str
    position: int
    text: str
    status: TargetStatus
    external_id: str | None
    error: str | None


@dataclass(frozen=True)
class CommentState:
    """A first comment's state beside its post's, for the failures view."""

    target_id: int
    platform: Platform
    post_status: TargetStatus
    status: TargetStatus
    error: str | None

    @property
    def summary(self) -> str:
        if self.status == TargetStatus.PUBLISHED:
            return "post and comment published"
        if self.status == TargetStatus.FAILED and self.post_status == TargetStatus.PUBLISHED:
            return "post published, comment failed — retry"
        if self.status == TargetStatus.FAILED:
            return "comment failed"
        return "comment waits for the post"


def set_chain(
    db: Database, post_id: int, parts: Sequence[str], comment: str | None, now: datetime
) -> int:
    """Store parts 2..n of `parts` and the first `comment` for every target of the post whose
    network supports them (part 1 stays the post's own text). Parts already PUBLISHED are
    kept; the rest are replaced. Returns how many rows were written."""
    texts = [p.strip() for p in parts]
    if any(not t for t in texts):
        raise ChainError("A part of the chain is empty; remove it or write something.")
    if len(texts) > MAX_PARTS:
        raise ChainError(f"A chain holds at most {MAX_PARTS} parts.")
    note = (comment or "").strip()
    written = 0
    with db.write_session() as s:
        rows = s.execute(
            select(Target.id, Account.platform)
            .join(Account, Account.id == Target.account_id)
            .where(Target.post_id == post_id)
        ).all()
        if not rows:
            if len(texts) <= 1 and not note:  # nothing to keep: a draft with no accounts yet
                return 0
            raise ChainError(f"No post with id {post_id}, or it has no accounts.")
        whole = chain_whole.plan(s, post_id, rows, texts)  # networks without chains
        if isinstance(whole, str):
            raise ChainError(whole)
        chain_whole.apply(s, whole)
        for target_id, platform in rows:
            formats = platforms.get(Platform(platform)).formats
            s.execute(
                delete(TargetPart).where(
                    TargetPart.target_id == target_id,
                    TargetPart.status != TargetStatus.PUBLISHED,
                )
            )
            kept = {
                (k, p)
                for k, p in s.execute(
                    select(TargetPart.kind, TargetPart.position).where(
                        TargetPart.target_id == target_id
                    )
                )
            }
            wanted: list[tuple[str, int, str]] = []
            if formats.chain:
                wanted += [(PART, i, t) for i, t in enumerate(texts[1:], start=2)]
            if formats.first_comment and note:
                wanted.append((COMMENT, 0, note))
            for kind, position, text in wanted:
                if (kind, position) in kept:
                    continue
                s.add(_row(target_id, kind, position, text, now))
                written += 1
        s.commit()
    return written


def _row(target_id: int, kind: str, position: int, text: str, now: datetime) -> TargetPart:
    return TargetPart(
        target_id=target_id,
        kind=kind,
        position=position,
        text=text,
        status=TargetStatus.QUEUED,
        attempts=0,
        next_attempt_at=now,
        updated_at=now,
    )


def parts_of(db: Database, post_id: int) -> list[PartState]:
    """Every extra part and comment of a post, by target, chain order, comment last."""
    with db.session() as s:
        rows = s.execute(
            select(TargetPart, Account.platform)
            .join(Target, Target.id == TargetPart.target_id)
            .join(Account, Account.id == Target.account_id)
            .where(Target.post_id == post_id)
            .order_by(TargetPart.target_id, TargetPart.position == 0, TargetPart.position)
        ).all()
        return [
            PartState(
                p.target_id,
                Platform(platform),
                p.kind,
                p.position,
                p.text,
                TargetStatus(p.status),
                p.external_id,
                p.error_message,
            )
            for p, platform in rows
        ]


def chain_ids(db: Database, post_id: int) -> dict[int, list[str | None]]:
    """Per target, the platform's id of each part of its chain in order (part 1 is the
    target's own post; None: not out yet)."""
    with db.session() as s:
        firsts = dict(
            s.execute(select(Target.id, Target.external_id).where(Target.post_id == post_id)).all()
        )
    ids: dict[int, list[str | None]] = {t: [ext] for t, ext in firsts.items()}
    for part in parts_of(db, post_id):
        if part.kind == PART:
            ids[part.target_id].append(part.external_id)
    return ids


def comment_states(db: Database, post_id: int) -> list[CommentState]:
    with db.session() as s:
        rows = s.execute(
            select(TargetPart, Target.status, Account.platform)
            .join(Target, Target.id == TargetPart.target_id)
            .join(Account, Account.id == Target.account_id)
            .where(Target.post_id == post_id, TargetPart.kind == COMMENT)
            .order_by(TargetPart.target_id)
        ).all()
        return [
            CommentState(
                c.target_id,
                Platform(platform),
                TargetStatus(t_status),
                TargetStatus(c.status),
                c.error_message,
            )
            for c, t_status, platform in rows
        ]


def _requeue(rows: Sequence[TargetPart], now: datetime) -> None:
    for p in rows:
        p.status = TargetStatus.QUEUED
        p.next_attempt_at = now
        p.attempts = 0
        p.lease_until = None
        p.lease_owner = None
        p.error_code = None
        p.error_message = None
        p.updated_at = now


def retry_failed_parts(s: Session, post_id: int, now: datetime, kind: str = PART) -> int:
    """Queue the post's FAILED chain parts (or comments) again, in a caller's session. Parts
    that went out are never sent twice; a doubtful part keeps `maybe_sent_since`, so it is
    looked up before it is sent again."""
    failed = list(
        s.scalars(
            select(TargetPart)
            .join(Target, Target.id == TargetPart.target_id)
            .where(
                Target.post_id == post_id,
                TargetPart.kind == kind,
                TargetPart.status == TargetStatus.FAILED,
            )
        )
    )
    _requeue(failed, now)
    return len(failed)


def retry_comment(db: Database, post_id: int, now: datetime) -> int:
    """ "Post published, comment failed — retry": queue the failed first comments again."""
    with db.write_session() as s:
        n = retry_failed_parts(s, post_id, now, COMMENT)
        s.commit()
    return n


def chain_statuses_of(post: Post) -> list[TargetStatus]:
    """The statuses of a post's chain parts (for deriving the post's status in memory)."""
    s = object_session(post)
    if s is None or post.id is None:
        return []
    return [TargetStatus(st) for _, st in s.execute(chain_part_statuses([post.id]))]


class ChainService:
    """What the composer and the views call (handed to them like the other services)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def set_chain(self, post_id: int, parts: Sequence[str], comment: str | None) -> int:
        return set_chain(self._db, post_id, parts, comment, self._clock.now())

    def parts_of(self, post_id: int) -> list[PartState]:
        return parts_of(self._db, post_id)

    def chain_ids(self, post_id: int) -> dict[int, list[str | None]]:
        return chain_ids(self._db, post_id)

    def comment_states(self, post_id: int) -> list[CommentState]:
        return comment_states(self._db, post_id)

    def retry_comment(self, post_id: int) -> int:
        return retry_comment(self._db, post_id, self._clock.now())

    def texts(self, post_id: int) -> tuple[list[str], str | None]:
        """Parts 2..n and the comment as stored for the post's first target that has them
        (the composer shows one chain for every network)."""
        parts: list[str] = []
        comment: str | None = None
        first: int | None = None
        for p in parts_of(self._db, post_id):
            if p.kind == PART and first in (None, p.target_id):
                first = p.target_id
                parts.append(p.text)
            elif p.kind == COMMENT and comment is None:
                comment = p.text
        return parts, comment
