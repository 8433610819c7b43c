"""Issue 21 point 1: Settings opens from the menu (Ctrl+, / Preferences on macOS) and the tray."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QSpinBox

from app.core.settings import SettingsService
from app.ui.settings_dialog import SettingsDialog
from app.ui.tray import TrayController


def _open_dialog(window) -> SettingsDialog | None:
    dialog = window.findChild(SettingsDialog, "settingsDialog")
    return dialog if dialog is not None and dialog.isVisible() else None


def test_settings_action_is_in_the_settings_menu_with_ctrl_comma(qtbot, herald_window):
    action = herald_window.findChild(QAction, "settingsAction")
    assert action is not None
    assert action in herald_window.settings_menu.actions()
    assert action.shortcut() == QKeySequence("Ctrl+,")
    assert action.menuRole() == QAction.MenuRole.PreferencesRole
    action.trigger()
    qtbot.waitUntil(lambda: _open_dialog(herald_window) is not None)


def test_ctrl_comma_opens_settings_and_ok_saves(qtbot, herald_window, herald_context):
    herald_window.activateWindow()
    qtbot.keyClick(herald_window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: _open_dialog(herald_window) is not None)
    dialog = _open_dialog(herald_window)
    dialog.findChild(QSpinBox, "graceMinutesSpin").setValue(42)
    dialog.accept()
    assert SettingsService(herald_context.db).grace_minutes() == 42
    # A second request while one is open raises it instead of stacking dialogs.
    herald_window.open_settings()
    herald_window.open_settings()
    visible = [d for d in herald_window.findChildren(SettingsDialog) if d.isVisible()]
    assert len(visible) == 1


def test_tray_menu_offers_settings_and_brings_the_window_back(qtbot, herald_window, herald_db):
    tray = TrayController(herald_window, SettingsService(herald_db), available=False)
    tray.quitting = True  # closing at teardown must not ask (see test_close_without_tray)
    herald_window.hide()
    action = tray.menu.findChild(QAction, "traySettingsAction")
    assert action is not None and action in tray.menu.actions()
    action.trigger()
    assert herald_window.isVisible()
    qtbot.waitUntil(lambda: _open_dialog(herald_window) is not None)
