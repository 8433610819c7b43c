"""The member's notifications in the tray (issue 23): every `interval_ms` (and at start) the
NotificationService is asked, off the UI thread, what is new for this person (a post needs
their approval, changes were requested on their post, it was approved, they were @mentioned,
their post failed); each one becomes a tray message (QSystemTrayIcon.showMessage through
TrayController.notify).

Inside the window, the status bar's `notificationsButton` shows how many arrived since the
person last looked, and its menu lists the recent ones: where the desktop has no tray this is
where they are seen.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import partial
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from app.core.notifications import Notification, NotificationService
from app.ui import theme

log = logging.getLogger(__name__)
POLL_MS = 30_000
KEEP = 20  # notifications listed in the menu


class Notifier(Protocol):
    def notify(
        self, title: str, message: str, *, on_click: Callable[[], None] | None = None
    ) -> None: ...


class NotificationPoller(QObject):
    """Signals:
    arrived(list[Notification]): new ones, delivered on the UI thread.
    openRequested(int, int): the person clicked one (tray message or menu entry): open post
        `post_id` (second) in workspace `workspace_id` (first).
    """

    arrived = Signal(list)
    openRequested = Signal(int, int)

    def __init__(
        self,
        service: NotificationService,
        tray: Notifier,
        window: QWidget | None = None,
        *,
        interval_ms: int = POLL_MS,
        threaded: bool = True,
    ) -> None:
        super().__init__(window)
        self.service = service
        self.tray = tray
        self.threaded = threaded
        self.recent: list[Notification] = []
        self.unread = 0
        self._busy = False
        self.arrived.connect(self._show)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self.button = self._badge(window)

    def start(self) -> None:
        self.poll()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def poll(self) -> None:
        """Ask once; a poll still running is not doubled."""
        if self._busy:
            return
        self._busy = True
        if not self.threaded:
            self._ask()
            return
        threading.Thread(target=self._ask, name="herald-notifications", daemon=True).start()

    def _ask(self) -> None:
        try:
            found = self.service.new_for_me()
        except Exception:  # a lost connection must not stop the polling
            log.warning("notifications: could not read what is new", exc_info=True)
            found = []
        finally:
            self._busy = False
        if found:
            self.arrived.emit(found)

    def _show(self, found: list[Notification]) -> None:
        for n in found:
            self.tray.notify(n.title, n.message, on_click=partial(self.open, n))
        self.recent = (list(reversed(found)) + self.recent)[:KEEP]
        self.unread += len(found)
        self._update_badge()

    # ------------------------------------------------------------ in the window

    def _badge(self, window: QWidget | None) -> QToolButton | None:
        bar = getattr(window, "statusBar", None)
        if not callable(bar):
            return None
        button = QToolButton(window)
        button.setObjectName("notificationsButton")
        button.setAccessibleName(self.tr("Notifications"))
        button.setIcon(theme.icon("fa5s.bell"))
        button.setAutoRaise(True)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(button)
        self.menu.setObjectName("notificationsMenu")
        self.menu.aboutToShow.connect(self._fill_menu)
        button.setMenu(self.menu)
        bar().addPermanentWidget(button)
        self.button = button
        self._update_badge()
        return button

    def _fill_menu(self) -> None:
        self.menu.clear()
        if not self.recent:
            empty = self.menu.addAction(self.tr("Nothing new"))
            empty.setEnabled(False)
        for n in self.recent:
            action = self.menu.addAction(f"{n.title}: {n.message}")
            action.setObjectName("notificationOpenAction")
            action.setToolTip(
                self.tr("Open the post ({where} · {at} UTC)").format(
                    where=n.workspace, at=f"{n.at:%Y-%m-%d %H:%M}"
                )
            )
            action.triggered.connect(partial(self.open, n))
        self.menu.addSeparator()
        clear = QAction(self.tr("Mark all as read"), self.menu)
        clear.setObjectName("notificationsClearAction")
        clear.triggered.connect(self.mark_read)
        self.menu.addAction(clear)

    def open(self, n: Notification, *_checked: object) -> None:
        self.openRequested.emit(n.workspace_id, n.post_id)

    def mark_read(self) -> None:
        self.unread = 0
        self._update_badge()

    def _update_badge(self) -> None:
        if self.button is None:
            return
        text = self.tr("{n} new").format(n=self.unread) if self.unread else ""
        self.button.setText(text)
        self.button.setToolButtonStyle(
            Qt.ToolButtonStyle.ToolButtonTextBesideIcon
            if self.unread
            else Qt.ToolButtonStyle.ToolButtonIconOnly
        )
        self.button.setToolTip(
            self.tr("{n} new notifications").format(n=self.unread)
            if self.unread
            else self.tr("No new notifications")
        )


def install(window: QWidget, context: Any, tray: Notifier) -> NotificationPoller | None:
    """launch.py's hook: poll the running context's NotificationService into `tray`."""
    service = getattr(context, "notifications", None)
    if service is None:
        return None
    poller = NotificationPoller(service, tray, window)
    opener = getattr(window, "open_post", None)
    if callable(opener):
        poller.openRequested.connect(opener)
    poller.start()
    return poller
