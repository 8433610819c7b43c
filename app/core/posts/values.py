"""What the posts service hands out and takes in: frozen dataclasses and the errors it raises.
No ORM object leaves the service; these are what callers see."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from app.core.models import PostStatus, TargetStatus
from app.platforms.names import Platform

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


class PostBatchError(PostError):
    """create_many refused: (index of the draft, message) for every problem of every refused
    draft, in order; nothing was added to the session."""

    def __init__(self, problems: Sequence[tuple[int, str]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"post {i + 1}: {m}" for i, m in self.problems))


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
    #: each media file's alt text, in `media_paths` order (missing or "": none)
    media_alt_texts: Sequence[str | None] = ()


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
    alt_text: str | None = None  # in this post (PostMedia.alt_text)


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
        # The content rules (regex, Pillow) load on first use, not with the calendar's first
        # month read (issue 20).
        from app.core.constraints import effective_text

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
    #: a chain part or first comment of the target (issue 19); None: the target itself
    part_id: int | None = None
