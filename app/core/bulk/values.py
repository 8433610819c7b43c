"""What the bulk service hands out: the posts as the person saw them, and what an action did."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.core.models import PostStatus


@dataclass(frozen=True)
class BulkItem:
    """A post as it was when it was selected: the version a bulk action expects to find."""

    post_id: int
    version: int
    scheduled_at: datetime | None
    status: PostStatus
    #: why this post can't be moved or deleted (already published, publishing now), or ""
    stays: str = ""

    @property
    def published(self) -> bool:
        return self.status in (PostStatus.PUBLISHED, PostStatus.PUBLISHING)


@dataclass(frozen=True)
class BulkChange:
    """One post a bulk action changed: its time before and after, and its version after."""

    post_id: int
    before: datetime | None
    after: datetime | None
    version: int
    #: a draft before / after (undo gives a post back its draft state, e.g. after Add to queue)
    was_draft: bool = False
    is_draft: bool = False
    #: change of accounts: the accounts before / after, and the per-account texts of the
    #: accounts the post left (undo gives them back)
    accounts_before: tuple[int, ...] = ()
    accounts_after: tuple[int, ...] = ()
    texts_left: tuple[tuple[int, str | None], ...] = ()


@dataclass
class BulkResult:
    """What one bulk action did: the posts it changed, those that stayed (with why), and those
    another process changed since they were read (left as they are)."""

    #: "times" (posts moved), "delete" (posts went to the bin), "restore" (posts came back
    #: or were created), "accounts" (accounts changed): what `BulkService.revert` undoes
    kind: str = "times"
    changed: list[BulkChange] = field(default_factory=list)
    stayed: list[tuple[int, str]] = field(default_factory=list)
    conflicts: list[int] = field(default_factory=list)
    #: duplicate: the new posts' ids
    created: list[int] = field(default_factory=list)
