"""Run a blocking call (a long query, a metrics refresh) off the UI thread.

A plain `threading.Thread` (not the global QThreadPool) is used so the thread ends when the
work ends and `wait()` can join it: nothing lingers after a test or on quit. The result comes
back through a queued Qt signal, on the UI thread.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

log = logging.getLogger(__name__)


class BackgroundJob(QObject):
    """Signals: succeeded(object), failed(str); `finished` after either."""

    succeeded = Signal(object)
    failed = Signal(str)
    finished = Signal()
    _done = Signal(bool, object)

    def __init__(self, fn: Callable[[], Any], name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fn = fn
        self._name = name
        self._thread: threading.Thread | None = None
        self.is_finished = False
        self._done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def start(self) -> BackgroundJob:
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()
        return self

    def wait(self, timeout: float | None = None) -> bool:
        """Join the thread; True when it has ended."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # reported on the UI thread, never raised here
            log.exception("%s failed", self._name)
            self._emit(False, str(exc) or type(exc).__name__)
        else:
            self._emit(True, result)

    def _emit(self, ok: bool, payload: object) -> None:
        with contextlib.suppress(RuntimeError):  # the view was closed meanwhile
            self._done.emit(ok, payload)

    def _deliver(self, ok: bool, payload: object) -> None:
        self.is_finished = True
        if ok:
            self.succeeded.emit(payload)
        else:
            self.failed.emit(str(payload))
        self.finished.emit()
