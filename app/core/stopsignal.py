"""SIGTERM and Ctrl-C as a request to stop, caught from the first moment of a worker's start.

Python's default SIGTERM kills the process outright (exit 143), wherever it is: in the middle
of importing, of a schema upgrade, of a publish. A worker installs this handler before its
slow imports and before opening the database; the handler only sets an event, so whatever runs
(an upgrade) finishes, and the worker looks at the event before each next step and stops
cleanly. Light on purpose: imported before anything else.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)

_stop: threading.Event | None = None
_previous: dict[int, Any] = {}


def install() -> threading.Event:
    """Catch SIGINT and SIGTERM (main thread only); returns the event they set. Installing
    again keeps the handler and the event (a signal may already have come)."""
    global _stop
    if _stop is None:
        stop = threading.Event()
        for sig in SIGNALS:
            _previous[sig] = signal.signal(sig, lambda *_: stop.set())
        _stop = stop
    return _stop


def uninstall() -> None:
    """Put back the handlers that were there before `install`."""
    global _stop
    for sig, handler in _previous.items():
        signal.signal(sig, handler)
    _previous.clear()
    _stop = None
