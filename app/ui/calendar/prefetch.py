"""Reading the neighbouring months ahead (issue 20): after the month view shows a month, a
worker thread reads the month before and the month after, so that the next or previous click
(what people click) finds its posts already read and only lays them out and paints.

Never stale: each range is kept with the database's change marker taken BEFORE it was read
(`PostService.change_marker`, app/core/change_marker.py); a switch uses it only while the
marker is still the same (nothing committed since, by this process or any other), and any
posts/accounts event the app emits throws everything away. No marker (an in-memory
database): nothing is kept. The worker touches no widget; it only calls the post service.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from app.core.posts import PostSummary
from app.ui.calendar import ranges

#: (workspace id, start UTC, end UTC) of a range
Key = tuple[int, datetime, datetime]
Reader = Callable[[int, datetime, datetime], list[PostSummary]]
Labels = Callable[[Sequence[int]], dict]

KEEP = 4  # ranges kept: the one shown, the two beside it, the one just left


def range_key(workspace_id: int, first: date, days: int, zone: str) -> Key:
    """The UTC instants of `days` days from `first` in `zone`."""
    start = ranges.day_start_utc(first, zone)
    return workspace_id, start, ranges.day_start_utc(first + timedelta(days=days), zone)


def neighbour_keys(
    workspace_id: int, mode: str, anchor: date, zone: str, first_weekday: int
) -> list[Key]:
    """The ranges one page later and one page earlier (next first: the likelier click)."""
    keys = []
    for direction in (1, -1):
        first, days = ranges.visible_range(
            mode, ranges.step(mode, anchor, direction), first_weekday
        )
        keys.append(range_key(workspace_id, first, days, zone))
    return keys


class RangePrefetch:
    def __init__(self, read: Reader, marker: Callable[[], object | None]) -> None:
        self._read = read
        self._marker = marker
        self._lock = threading.Lock()
        self._entries: dict[Key, tuple[object, list[PostSummary]]] = {}
        self._generation = 0
        self._thread: threading.Thread | None = None
        self._pending: list[Key] = []
        self.hits = 0
        self.misses = 0

    def read(self, key: Key) -> list[PostSummary]:
        """The posts of `key`: kept ones if the database has not changed since, else read now
        (and kept, with the marker taken before reading)."""
        marker = self._marker()
        with self._lock:
            entry = self._entries.get(key)
        if marker is not None and entry is not None and entry[0] == marker:
            self.hits += 1
            self._store(key, marker, entry[1], self._generation)  # now the most recent
            return list(entry[1])
        self.misses += 1
        posts = self._read(*key)
        self._store(key, marker, posts, self._generation)
        return posts

    def ahead(self, keys: Sequence[Key]) -> None:
        """Read `keys` in a worker thread (those not already kept and still valid)."""
        with self._lock:
            self._pending = [k for k in keys if k not in self._entries]
            if not self._pending or (self._thread is not None and self._thread.is_alive()):
                return
            thread = self._thread = threading.Thread(
                target=self._work, name="calendar-prefetch", daemon=True
            )
        thread.start()

    def _work(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    return
                key = self._pending.pop(0)
                generation = self._generation
            marker = self._marker()
            if marker is None:
                return
            try:
                posts = self._read(*key)
            except Exception:  # noqa: BLE001 - reading ahead is a guess: a click reads itself
                return
            self._store(key, marker, posts, generation)

    def _store(
        self, key: Key, marker: object | None, posts: list[PostSummary], generation: int
    ) -> None:
        if marker is None:
            return
        with self._lock:
            if generation != self._generation:  # an event came while it was read
                return
            self._entries.pop(key, None)
            self._entries[key] = (marker, list(posts))
            while len(self._entries) > KEEP:
                self._entries.pop(next(iter(self._entries)))

    def clear(self) -> None:
        """Something changed (an event): nothing kept is trusted, nothing in flight is kept."""
        with self._lock:
            self._generation += 1
            self._entries.clear()
            self._pending = []

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """For tests and the bench: wait until the worker has read what it was given."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return thread is None or not thread.is_alive()
