"""The one place that answers "what time is it": inject a FakeClock in tests to move time instantly."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to. Thread-safe.

    Listeners registered with `on_change` are called after every move so that a sleeping
    engine can re-check its deadlines instead of waiting for wall time.
    """

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        if start.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start time")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], object]] = []

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FakeClock.set needs a timezone-aware time")
        with self._lock:
            self._now = instant.astimezone(UTC)
        for listener in list(self._listeners):
            listener()

    def advance(self, delta: timedelta | float) -> datetime:
        if not isinstance(delta, timedelta):
            delta = timedelta(seconds=delta)
        self.set(self.now() + delta)
        return self.now()

    def on_change(self, listener: Callable[[], object]) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[], object]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)


class OffsetClock:
    """Another clock's time shifted by a fixed offset: a machine whose clock is wrong.

    Testing aid: `main.py worker --clock-offset` and the skew tests run a worker on it. Moves
    (and `on_change` listeners) are the underlying clock's."""

    def __init__(self, base: Clock, offset: timedelta | float) -> None:
        if not isinstance(offset, timedelta):
            offset = timedelta(seconds=offset)
        self.base = base
        self.offset = offset

    def now(self) -> datetime:
        return self.base.now() + self.offset

    def on_change(self, listener: Callable[[], object]) -> None:
        on_change = getattr(self.base, "on_change", None)
        if on_change is not None:
            on_change(listener)

    def remove_listener(self, listener: Callable[[], object]) -> None:
        remove = getattr(self.base, "remove_listener", None)
        if remove is not None:
            remove(listener)
