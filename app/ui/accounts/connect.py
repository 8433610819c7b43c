"""Connecting an account off the UI thread, with a progress dialog that can be cancelled.

`ConnectJob` runs the blocking OAuth `connect` (system browser + loopback listener) on a
plain Python thread and reports back with Qt signals, which arrive on the UI thread. A
cancelled job's result is dropped. `connect` is given a `cancel` threading.Event when it
accepts one, so it can stop waiting for the browser at once.

A plain `threading.Thread` (not a QThread or the global QThreadPool) is used so the thread
ends when the work ends and `wait()` can join it: nothing lingers after a test or on quit.
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from app.core.ports import AppCredentials, PublishError

log = logging.getLogger(__name__)

ConnectFn = Callable[..., list]


def _accepts(fn: Callable[..., Any], name: str) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def describe_error(exc: BaseException) -> str:
    """A person-readable reason; adapters keep secrets out of their messages."""
    if isinstance(exc, PublishError):
        return exc.message
    if isinstance(exc, TimeoutError):
        return "Herald did not hear back from your browser in time. Please try again."
    text = str(exc).strip()
    return text or type(exc).__name__


class ConnectJob(QObject):
    """One connect attempt. Signals: succeeded(list), failed(str), cancelled(), finished()."""

    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()
    _done = Signal(bool, object)

    def __init__(
        self,
        connect_fn: ConnectFn,
        platform: str,
        app: AppCredentials,
        config: Any,
        options: dict[str, Any] | None = None,
        parent: QObject | None = None,
    ) -> None:
        """`options` are keyword arguments for `connect_fn` (open_browser, port, login_hint,
        clock...); those it does not accept are left out. `cancel` is added when accepted."""
        super().__init__(parent)
        #: the network's name (its registry key), as the sign-in is given it
        self.platform = platform
        self._fn = connect_fn
        self._app = app
        self._config = config
        self._options = {k: v for k, v in (options or {}).items() if v is not None}
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self.is_finished = False
        self._done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._run, name=f"herald-connect-{str(self.platform).lower()}", daemon=True
        )
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Join the worker thread; True when it has ended."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        kwargs = {k: v for k, v in self._options.items() if _accepts(self._fn, k)}
        if _accepts(self._fn, "cancel"):
            kwargs["cancel"] = self._cancel
        try:
            result = self._fn(self.platform, self._app, self._config, **kwargs)
        except Exception as exc:  # noqa: BLE001 — reported to the person, never raised on this thread
            if not self._cancel.is_set():
                log.info("connect %s failed: %s", self.platform, type(exc).__name__)
            self._done.emit(False, describe_error(exc))
        else:
            self._done.emit(True, list(result or []))

    def _deliver(self, ok: bool, payload: object) -> None:
        self.is_finished = True
        if self._cancel.is_set():
            self.cancelled.emit()
        elif ok:
            self.succeeded.emit(payload)
        else:
            self.failed.emit(str(payload))
        self.finished.emit()


class ConnectProgressDialog(QProgressDialog):
    """'Waiting for you to approve Herald in your browser… Cancel' (busy indicator)."""

    def __init__(self, network: str, parent: QWidget | None = None, demo: bool = False):
        """`network`: the display name ("LinkedIn")."""
        super().__init__(parent)
        self.setObjectName("connectProgressDialog")
        self.setWindowTitle(self.tr("Connect {platform}").format(platform=network))
        if demo:
            text = self.tr("Connecting the demo {platform} account…").format(platform=network)
        else:
            text = self.tr(
                "Waiting for you to approve Herald in your browser…\n\n"
                "Herald opened {platform}'s sign-in page. Approve access there, then come back."
            ).format(platform=network)
        self.setLabelText(text)
        self.setRange(0, 0)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(420)
        cancel = QPushButton(self.tr("Cancel"), self)
        cancel.setObjectName("connectCancelButton")
        cancel.setAccessibleName(self.tr("Cancel connecting"))
        self.setCancelButton(cancel)
        self.setAccessibleName(self.windowTitle())
