"""Work that can wait until the main window is on screen (issue 20, start-up): it runs from
the event loop once the window's first frame has been exposed, so the person sees Herald
before the vault is unlocked and the publishing engine is imported and started.

A window that is never exposed (started minimised, a window manager that holds it back)
must not keep publishing from starting: the work then runs after `FALLBACK_MS` anyway.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

FALLBACK_MS = 1500


class _FirstExpose(QObject):
    def __init__(self, window: QWidget, work: Callable[[], None], fallback_ms: int) -> None:
        super().__init__(window)
        self._work: Callable[[], None] | None = work
        self._handle = window.windowHandle()
        if self._handle is None:  # not shown yet: nothing to wait for
            QTimer.singleShot(0, self._run)
            return
        self._handle.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self._run)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (
            obj is self._handle
            and event.type() == QEvent.Type.Expose
            and self._handle is not None
            and self._handle.isExposed()
        ):
            # The expose paints the window before this returns; the work waits one more
            # turn of the event loop so that frame reaches the screen first.
            QTimer.singleShot(0, self._run)
        return False

    def _run(self) -> None:
        work, self._work = self._work, None
        if work is None:
            return
        if self._handle is not None:
            self._handle.removeEventFilter(self)
        work()


def after_first_expose(
    window: QWidget, work: Callable[[], None], *, fallback_ms: int = FALLBACK_MS
) -> None:
    """Run `work` once, after `window` (already shown) is first exposed, or after
    `fallback_ms` if it never is."""
    _FirstExpose(window, work, fallback_ms)


class _NextPaint(QObject):
    def __init__(self, widget: QWidget, work: Callable[[], None], fallback_ms: int) -> None:
        super().__init__(widget)
        self._work: Callable[[], None] | None = work
        self._widget = widget
        widget.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self._run)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self._widget and event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self._run)  # once this paint has ended
        return False

    def _run(self) -> None:
        work, self._work = self._work, None
        if work is None:
            return
        self._widget.removeEventFilter(self)
        work()


def after_next_paint(
    widget: QWidget, work: Callable[[], None], *, fallback_ms: int = FALLBACK_MS
) -> None:
    """Run `work` once, after `widget`'s next paint (the calendar's month with its posts),
    or after `fallback_ms` if it is not painted (hidden)."""
    _NextPaint(widget, work, fallback_ms)
