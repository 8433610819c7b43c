from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QPushButton

from app.core.settings import (
    DEFAULT_ZONE,
    GRACE_MINUTES,
    START_AT_LOGIN,
    TRAY_NOTICE_SHOWN,
    SettingsService,
)
from app.ui.settings_dialog import SettingsDialog
from app.ui.tray import TrayController


class _Window(QMainWindow):
    def __init__(self):
        super().__init__()
        self.quit_called = 0

    def quit(self):
        self.quit_called += 1
        self.close()


def test_without_a_tray_closing_really_closes(qtbot, db):
    window = _Window()
    qtbot.addWidget(window)
    window.show()
    tray = TrayController(window, SettingsService(db), available=False)
    assert tray.tray is None
    tray.ask_close_without_tray = lambda: (
        "quit"
    )  # the question is tested in test_close_without_tray
    window.close()
    assert not window.isVisible()
    tray.notify_failure("You are not allowed to create a Tweet with duplicate content.", "X")
    tray.notify_reauth("@bakery", "token revoked")
    titles = [t for t, _ in tray.notifications]
    assert titles == ["A post could not be published", "Reconnect @bakery"]
    assert "duplicate content" in tray.notifications[0][1]


def test_with_a_tray_closing_hides_and_says_so_once(qtbot, db):
    settings = SettingsService(db)
    window = _Window()
    qtbot.addWidget(window)
    window.show()
    tray = TrayController(window, settings, available=True)
    window.close()
    assert not window.isVisible()
    assert tray.notifications[0][0] == "Herald keeps publishing in the tray"
    assert settings.flag(TRAY_NOTICE_SHOWN)
    tray.menu.findChild(QAction, "trayShowAction").trigger()
    assert window.isVisible()
    window.close()
    assert len(tray.notifications) == 1  # said only the first time
    # Remembered across runs.
    window.show()
    again = TrayController(window, settings, available=True)
    window.close()
    assert again.notifications == []
    quits = []
    again.quitRequested.connect(lambda: quits.append(1))
    again.menu.findChild(QAction, "trayQuitAction").trigger()
    assert quits == [1] and window.quit_called == 1


def test_settings_dialog_reads_and_writes(qtbot, db, monkeypatch):
    import app.ui.settings_dialog as module

    calls = []
    if module.autostart is not None:
        monkeypatch.setattr(module.autostart, "is_supported", lambda: True)
        monkeypatch.setattr(module.autostart, "enable", lambda *a, **k: calls.append("on"))
        monkeypatch.setattr(module.autostart, "disable", lambda *a, **k: calls.append("off"))
        monkeypatch.setattr(module.autostart, "describe", lambda: "autostart entry")
    settings = SettingsService(db)
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "settingsDialog"
    assert dialog.grace_spin.value() == 15
    dialog.grace_spin.setValue(45)
    dialog.zone_combo.setCurrentText("Mars/Base")
    dialog.findChild(QPushButton, "settingsOkButton").click()
    assert "time zone" in dialog.error_label.text()
    dialog.zone_combo.setCurrentText("Europe/Lisbon")
    dialog.login_check.setChecked(True)
    dialog.findChild(QPushButton, "settingsOkButton").click()
    assert settings.grace_minutes() == 45
    assert settings.get(DEFAULT_ZONE) == "Europe/Lisbon"
    assert settings.flag(START_AT_LOGIN)
    assert settings.get(GRACE_MINUTES) == 45
    if module.autostart is not None:
        assert calls == ["on"]
