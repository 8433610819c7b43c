"""A small in-process publish/subscribe hub (no Qt), so services can say "posts changed"
and the engine wakes at once, and the UI thread can hear engine events through its own
adapter (app/ui turns them into Qt signals).

Subscribers are called on the thread that publishes: keep them short and thread-safe.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

# Event kinds used across Herald.
POSTS_CHANGED = "posts_changed"  # data: {"workspace_id": int | None}
ACCOUNTS_CHANGED = "accounts_changed"
TARGET_PUBLISHED = "target_published"  # {"target_id", "post_id", "platform", "external_id"}
TARGET_FAILED = "target_failed"  # {"target_id", "post_id", "platform", "reason"}
NEEDS_REAUTH = "needs_reauth"  # {"account_id", "handle", "platform", "reason"}
NEEDS_CONFIRMATION = "needs_confirmation"  # {"target_id", "post_id"}
NETWORK_STATE = "network_state"  # {"online": bool, "reason": str | None}
STORAGE_STATE = "storage_state"  # {"ok": bool, "reason": str | None}: False = disk full
MISSED_POSTS = "missed_posts"  # {"post_ids": [...]}
METRICS_UPDATED = "metrics_updated"  # {"target_ids": [...]}


@dataclass(frozen=True)
class Event:
    kind: str
    data: dict[str, Any] = field(default_factory=dict)


Subscriber = Callable[[Event], None]


class EventHub:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[tuple[str | None, Subscriber]] = []

    def subscribe(self, callback: Subscriber, kind: str | None = None) -> Callable[[], None]:
        """Call `callback` for events of `kind` (every event when None); returns unsubscribe."""
        entry = (kind, callback)
        with self._lock:
            self._subscribers.append(entry)

        def unsubscribe() -> None:
            with self._lock:
                if entry in self._subscribers:
                    self._subscribers.remove(entry)

        return unsubscribe

    def publish(self, kind: str, **data: Any) -> None:
        event = Event(kind, data)
        with self._lock:
            targets = [cb for k, cb in self._subscribers if k is None or k == kind]
        for callback in targets:
            try:
                callback(event)
            except Exception:  # one broken listener must not stop publishing
                log.exception("event subscriber failed for %s", kind)
