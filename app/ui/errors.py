"""Errors that escape a slot: a database the app cannot write is told to the person.

Qt calls sys.excepthook for an exception a slot did not handle, and carries on. A
DatabaseError (a full disk, a database that went away) is the person's to fix, so it becomes
one message box with Herald's own words instead of a traceback on a terminal nobody reads.
Whatever the failed action wrote was rolled back; an open editor keeps its text.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.db import DatabaseError

log = logging.getLogger(__name__)

Hook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


class SlotErrorReporter:
    """Installed as sys.excepthook while the main window is open."""

    def __init__(self, parent: QWidget, previous: Hook | None = None) -> None:
        self.parent = parent
        self.previous = previous or sys.__excepthook__
        self.box: QMessageBox | None = None

    def __call__(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if not isinstance(exc, DatabaseError):
            log.error("unexpected error", exc_info=(kind, exc, tb))
            self.previous(kind, exc, tb)
            return
        log.warning("%s", exc)
        if self.box is not None and self.box.isVisible():
            self.box.setText(str(exc))  # one box, the latest words
            return
        self.box = QMessageBox(QMessageBox.Icon.Warning, "Herald", str(exc), parent=self.parent)
        self.box.setObjectName("databaseErrorBox")
        self.box.open()


def install(parent: QWidget) -> Callable[[], None]:
    """Report DatabaseErrors from slots to the person; returns a function that uninstalls."""
    previous = sys.excepthook
    sys.excepthook = SlotErrorReporter(parent, previous)

    def uninstall() -> None:
        sys.excepthook = previous

    return uninstall
