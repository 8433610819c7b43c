"""Where an adapter keeps the media container it made for an attempt (Threads, Instagram:
a container is made, then published in a second call), so that a crash between the two
calls never loses it: on the retry the adapter asks the container before anything else
(published: adopt the post; FINISHED: publish that one; EXPIRED/ERROR: make a new one).

Keyed by the attempt's idempotency key (a target's or a chain part's, unique each). The
engine's store is `app.core.containers.DbContainers` (table publish_containers, migration
0021); an adapter built alone keeps them in memory."""

from __future__ import annotations

import threading
from typing import Protocol


class ContainerStore(Protocol):
    def get(self, key: str) -> str | None:
        """The container stored for this idempotency key, or None."""

    def put(self, key: str, platform: str, container_id: str) -> None:
        """Remember `container_id` for `key` (replacing any earlier one); durable on return."""

    def forget(self, key: str) -> None:
        """The attempt is settled: the container is no longer needed."""


class MemoryContainers:
    """A store for one process's life (an adapter used alone, unit tests)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_key: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._by_key.get(key)

    def put(self, key: str, platform: str, container_id: str) -> None:
        with self._lock:
            self._by_key[key] = container_id

    def forget(self, key: str) -> None:
        with self._lock:
            self._by_key.pop(key, None)
