"""Two-step publishing (make a media container, then publish it: Threads, Instagram) that a
crash between the two steps cannot turn into a duplicate or a lost post (issue 19).

The container made for an attempt is stored against the attempt's idempotency key BEFORE it
is published (`adapter.containers`, durable in the engine: app.core.containers). A retry
asks the stored container first:
- PUBLISHED: the post exists; adopt it (its id from the account's posts, by text) and never
  publish again;
- IN_PROGRESS or FINISHED: it was never published; wait for it and publish that one;
- EXPIRED, ERROR, or a container the network no longer knows: make a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.adapters.base import BaseAdapter
from app.core.ports import PermanentError, TransientError

PUBLISHED = "PUBLISHED"
UNPUBLISHED = frozenset({"IN_PROGRESS", "FINISHED"})


@dataclass(frozen=True)
class Stored:
    container: str
    status: str

    @property
    def published(self) -> bool:
        return self.status == PUBLISHED


def stored(adapter: BaseAdapter, key: str, status_of: Callable[[str], str]) -> Stored | None:
    """The container stored for `key` when it is still of use (published, or publishable),
    else None (none stored, or expired/failed/unknown: forgotten, make a new one)."""
    container = adapter.containers.get(key)
    if container is None:
        return None
    try:
        status = status_of(container)
    except PermanentError:
        status = "UNKNOWN"  # deleted or never ours: nothing was published from it
    if status == PUBLISHED or status in UNPUBLISHED:
        return Stored(container, status)
    adapter.containers.forget(key)
    return None


def never_published(adapter: BaseAdapter, key: str, status_of: Callable[[str], str]) -> bool:
    """True when a container is stored for `key` and says it was never published (find_existing
    then answers "not there" without searching the account's posts). A container the network
    no longer knows proves nothing: False, and the caller searches."""
    container = adapter.containers.get(key)
    if container is None:
        return False
    try:
        return status_of(container) != PUBLISHED
    except PermanentError:
        return False


def adopt(label: str, found: str | None) -> str:
    """The id of the post a PUBLISHED container made, or a TransientError (it exists, so
    nothing is sent again; the next attempt looks again)."""
    if found is None:
        raise TransientError(
            f"{label} says this post was published but does not list it yet; Herald will "
            "look again",
            code="container_published_unlisted",
        )
    return found
