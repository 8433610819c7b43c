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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from app.core.posts import PostSummary
from app.ui.calendar import ranges
from app.ui.calendar.grouping import group_posts, local_times

#: (workspace id, start UTC, end UTC, zone shown) of a range
Key = tuple[int, datetime, datetime, str]
Labels = Callable[[Sequence[int]], Mapping[int, Any]]


@dataclass(frozen=True)
class Prepared:
    """A range read and made ready for a grid off the UI thread: the posts, their wall times
    in the zone, the chips' grouping (grouping.py) and every post's labels (the chips' marks)."""

    posts: list[PostSummary]
    locals: dict[int, datetime]
    shown: list[PostSummary]
    members: dict[int, list[int]]
    labels: Mapping[int, Any] | None


def preparer(
    read: Callable[[int, datetime, datetime], list[PostSummary]], labels: Callable[[], Labels]
) -> Callable[[Key], Prepared]:
    """What a worker does for a range: read it, then the grouping and labels set_data and the
    ideas board's marks would otherwise work out on the UI thread."""

    def prepare(key: Key) -> Prepared:
        posts = read(key[0], key[1], key[2])
        locals_ = local_times(posts, key[3])
        shown, members = group_posts(posts, locals_)
        found = labels()([p.id for p in posts]) if posts else {}
        return Prepared(posts, locals_, shown, members, found)

    return prepare


KEEP = 4  # ranges kept: the one shown, the two beside it, the one just left


def range_key(workspace_id: int, first: date, days: int, zone: str) -> Key:
    """The UTC instants of `days` days from `first` in `zone`."""
    start = ranges.day_start_utc(first, zone)
    return workspace_id, start, ranges.day_start_utc(first + timedelta(days=days), zone), zone


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


def read_visible(view: Any, first: date, days: int) -> tuple[list[PostSummary], Prepared | None]:
    """The posts of the range a CalendarView shows: through its filter's query, or its
    prefetch (a range read ahead while nothing changed, else read now)."""
    key = range_key(view.workspace.id, first, days, view.zone)
    if view.filter.active:
        return view.query.find(view.workspace.id, view.filter, key[1], key[2]), None
    prepared = view.prefetch.read(key)
    return prepared.posts, prepared


def read_neighbours(view: Any, first_weekday: int) -> None:
    """After a CalendarView showed a range: read the pages beside it ahead (not filtered)."""
    if not view.filter.active:
        ids = (view.workspace.id, view.mode, view.anchor, view.zone, first_weekday)
        keys = neighbour_keys(*ids)
        # After the frame: a worker reading meanwhile would take the GIL from the paint.
        view.current_grid().after_next_paint(lambda: view.prefetch.ahead(keys))


class RangePrefetch:
    def __init__(
        self, read: Callable[[Key], Prepared], marker: Callable[[], object | None]
    ) -> None:
        self._read = read
        self._marker = marker
        self._lock = threading.Lock()
        self._entries: dict[Key, tuple[object, Prepared]] = {}
        self._generation = 0
        self._thread: threading.Thread | None = None
        self._pending: list[Key] = []
        self.hits = 0
        self.misses = 0

    def read(self, key: Key) -> Prepared:
        """The posts of `key`: kept ones if the database has not changed since, else read now
        (and kept, with the marker taken before reading)."""
        marker = self._marker()
        with self._lock:
            entry = self._entries.get(key)
        if marker is not None and entry is not None and entry[0] == marker:
            self.hits += 1
            self._store(key, marker, entry[1], self._generation)  # now the most recent
            return entry[1]
        self.misses += 1
        prepared = self._read(key)
        self._store(key, marker, prepared, self._generation)
        return prepared

    def seed(self, key: Key, marker: object | None, prepared: Prepared) -> None:
        """Keep a range read elsewhere (the month read while the window opened, issue 20),
        with the change marker taken before it was read."""
        self._store(key, marker, prepared, self._generation)

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
                prepared = self._read(key)
            except Exception:  # noqa: BLE001 - reading ahead is a guess: a click reads itself
                return
            self._store(key, marker, prepared, generation)

    def _store(self, key: Key, marker: object | None, prepared: Prepared, generation: int) -> None:
        if marker is None:
            return
        with self._lock:
            if generation != self._generation:  # an event came while it was read
                return
            self._entries.pop(key, None)
            self._entries[key] = (marker, prepared)
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
