"""Tray icon: closing the window keeps Herald publishing in the tray (said once), failures and
reauth needs become notifications, and Quit lives in the tray menu.

Where the desktop has no tray (the offscreen platform, some Linux desktops) closing the window
asks first: publishing stops when Herald quits, so the person can keep it running minimised
instead (they could not get a hidden window back). Notifications are then only recorded in
`notifications` (and shown in the status bar).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QSystemTrayIcon

from app.core.settings import TRAY_NOTICE_SHOWN, SettingsService


def _app_icon() -> QIcon:
    try:
        from app.ui.icons import app_icon

        return app_icon()
    except ImportError:  # pragma: no cover - the icon package is optional
        from app.ui import theme

        return theme.icon("fa5s.bullhorn", "accent")


class TrayController(QObject):
    quitRequested = Signal()  # emitted before Herald quits: stop the engine here

    def __init__(
        self,
        window,
        settings: SettingsService | None = None,
        *,
        available: bool | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.available = QSystemTrayIcon.isSystemTrayAvailable() if available is None else available
        self.quitting = False
        self.notifications: list[tuple[str, str]] = []
        self._on_click: Callable[[], None] | None = None
        self._notice_shown = bool(settings.flag(TRAY_NOTICE_SHOWN)) if settings else False

        self.menu = QMenu(window)
        self.menu.setObjectName("trayMenu")
        self.show_action = QAction(self.tr("Show Herald"), self.menu)
        self.show_action.setObjectName("trayShowAction")
        self.show_action.triggered.connect(self.show_window)
        self.settings_action = QAction(self.tr("Settings…"), self.menu)
        self.settings_action.setObjectName("traySettingsAction")
        self.settings_action.triggered.connect(self.open_settings)
        self.quit_action = QAction(self.tr("Quit Herald"), self.menu)
        self.quit_action.setObjectName("trayQuitAction")
        self.quit_action.triggered.connect(self.quit)
        self.menu.addAction(self.show_action)
        self.menu.addAction(self.settings_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)

        self.tray: QSystemTrayIcon | None = None
        if self.available and QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(_app_icon(), self)
            self.tray.setToolTip(self.tr("Herald — publishing on schedule"))
            self.tray.setContextMenu(self.menu)
            self.tray.activated.connect(self._on_activated)
            self.tray.messageClicked.connect(self.message_clicked)
            self.tray.show()
        window.installEventFilter(self)
        # File → Quit is a decision already made: quit through here (stops the engine, no
        # question), not through a close that would ask.
        quit_action = getattr(window, "quit_action", None)
        if isinstance(quit_action, QAction):
            quit_action.triggered.disconnect()
            quit_action.triggered.connect(self.quit)

    # ------------------------------------------------------------ window

    def eventFilter(self, obj, event) -> bool:
        if obj is not self.window or event.type() != QEvent.Type.Close or self.quitting:
            return False
        if self.available:
            event.ignore()
            self.window.hide()
            self._first_close_notice()
            return True
        # No tray to live in: closing quits and publishing stops, so say so and let the
        # person keep Herald running (minimised) instead.
        choice = self.ask_close_without_tray()
        if choice == "quit":
            self.quitting = True
            self.quitRequested.emit()
            return False
        event.ignore()
        if choice == "minimise":
            self.window.showMinimized()
        return True

    def ask_close_without_tray(self) -> str:
        """'minimise' | 'quit' | 'cancel'. A method of its own so tests can answer it."""
        box = QMessageBox(self.window)
        box.setObjectName("closeWithoutTrayBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Quit Herald?"))
        box.setText(self.tr("Publishing stops while Herald is not running."))
        box.setInformativeText(
            self.tr(
                "This desktop has no system tray for Herald to keep running in. Scheduled "
                "posts go out only while Herald runs: keep it running minimised, or quit "
                "(posts due meanwhile are listed when Herald starts again)."
            )
        )
        keep = box.addButton(self.tr("Keep running (minimise)"), QMessageBox.ButtonRole.AcceptRole)
        keep.setObjectName("keepRunningButton")
        stop = box.addButton(self.tr("Quit Herald"), QMessageBox.ButtonRole.DestructiveRole)
        stop.setObjectName("quitHeraldButton")
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        cancel.setObjectName("closeCancelButton")
        box.setDefaultButton(keep)
        box.exec()
        clicked = box.clickedButton()
        if clicked is keep:
            return "minimise"
        if clicked is stop:
            return "quit"
        return "cancel"

    def _first_close_notice(self) -> None:
        if self._notice_shown:
            return
        self._notice_shown = True
        if self.settings is not None:
            self.settings.set(TRAY_NOTICE_SHOWN, True)
        self.notify(
            self.tr("Herald keeps publishing in the tray"),
            self.tr(
                "Your posts go out on time while the window is closed. "
                "Choose Quit from the tray menu to stop Herald."
            ),
        )

    def show_window(self) -> None:
        self.window.showNormal()
        if QApplication.platformName() != "offscreen":  # offscreen can't raise; it says so
            self.window.raise_()
            self.window.activateWindow()

    def open_settings(self) -> None:
        """Settings from the tray: bring the window back first (the dialog belongs to it)."""
        self.show_window()
        opener = getattr(self.window, "open_settings", None)
        if callable(opener):
            opener()

    def _on_activated(self, reason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.show_window()

    def message_clicked(self) -> None:
        """The last message was clicked: the window, and what that message is about."""
        self.show_window()
        if self._on_click is not None:
            self._on_click()

    def quit(self) -> None:
        self.quitting = True
        self.quitRequested.emit()
        if self.tray is not None:
            self.tray.hide()
        quit_window = getattr(self.window, "quit", None)
        if callable(quit_window):
            quit_window()
        else:
            self.window.close()
            QApplication.quit()

    # ------------------------------------------------------------ notifications

    def notify(
        self,
        title: str,
        message: str,
        icon: QSystemTrayIcon.MessageIcon = QSystemTrayIcon.MessageIcon.Information,
        *,
        on_click: Callable[[], None] | None = None,
    ) -> None:
        """A tray message (and the status bar line); `on_click`: what a click on the message
        does besides bringing the window back."""
        self.notifications.append((title, message))
        self._on_click = on_click  # only this message's: a later one replaces it
        if self.tray is not None:
            self.tray.showMessage(title, message, icon, 10_000)
        bar = getattr(self.window, "statusBar", None)
        if callable(bar):
            bar().showMessage(f"{title}: {message}", 10_000)

    def notify_failure(self, reason: str, what: str | None = None) -> None:
        """A post failed for good on a platform; `reason` is the platform's own words."""
        title = self.tr("A post could not be published")
        message = f"{what}: {reason}" if what else reason
        self.notify(title, message, QSystemTrayIcon.MessageIcon.Warning)

    def notify_reauth(self, handle: str, reason: str = "") -> None:
        title = self.tr("Reconnect {handle}").format(handle=handle)
        message = self.tr("Herald can't post for {handle} until you sign in again.").format(
            handle=handle
        )
        if reason:
            message += f" ({reason})"
        self.notify(title, message, QSystemTrayIcon.MessageIcon.Warning)
