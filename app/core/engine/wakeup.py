"""The engine's sleep between cycles, and what ends it early: new or changed work, a finished
publish, a stop, a FakeClock moving."""

from __future__ import annotations

import threading
import time
from typing import Any

from app.core.clock import Clock


class Waker:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._woken = False

    def wake(self, *_: Any) -> None:
        with self._cond:
            self._woken = True
            self._cond.notify_all()

    def sleep(self, seconds: float, stop: threading.Event) -> None:
        """Up to `seconds`, less when woken or stopped."""
        deadline = time.monotonic() + seconds
        with self._cond:
            while not self._woken and not stop.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            self._woken = False


def movable_clocks(*clocks: Clock) -> list[Any]:
    """The clocks that can be moved by hand (FakeClock, in tests): a move wakes the engine."""
    found: list[Any] = []
    for c in clocks:
        if hasattr(c, "on_change") and all(c is not f for f in found):
            found.append(c)
    return found
