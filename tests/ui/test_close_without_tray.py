"""Issue 21 point 10: without a system tray, closing the window says publishing stops and
offers to keep Herald running (minimised) or quit."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from app.core.settings import SettingsService
from app.ui.tray import TrayController


def _answer(button_name: str, seen: list[str]) -> None:
    """Click `button_name` in the close question once it is up; record its text."""
    for widget in QApplication.topLevelWidgets():
        if (
            isinstance(widget, QMessageBox)
            and widget.objectName() == "closeWithoutTrayBox"
            and widget.isVisible()
        ):
            seen.append(widget.text())
            widget.findChild(QPushButton, button_name).click()
            return
    QTimer.singleShot(10, lambda: _answer(button_name, seen))


@pytest.fixture
def no_tray(herald_window, herald_db):
    tray = TrayController(herald_window, SettingsService(herald_db), available=False)
    quits: list[int] = []
    tray.quitRequested.connect(lambda: quits.append(1))
    return tray, quits


def _done(tray) -> None:
    tray.quitting = True  # pytest-qt closes the window at teardown: without the question


def test_keep_running_minimises_instead_of_quitting(qtbot, herald_window, no_tray):
    tray, quits = no_tray
    seen: list[str] = []
    QTimer.singleShot(0, lambda: _answer("keepRunningButton", seen))
    herald_window.close()
    assert seen == ["Publishing stops while Herald is not running."]
    assert herald_window.isVisible() and herald_window.isMinimized()
    assert quits == []
    _done(tray)


def test_cancel_leaves_the_window_as_it_was(qtbot, herald_window, no_tray):
    tray, quits = no_tray
    seen: list[str] = []
    QTimer.singleShot(0, lambda: _answer("closeCancelButton", seen))
    herald_window.close()
    assert seen and herald_window.isVisible() and not herald_window.isMinimized()
    assert quits == []
    _done(tray)


def test_quit_stops_publishing_and_closes(qtbot, herald_window, no_tray):
    tray, quits = no_tray
    seen: list[str] = []
    QTimer.singleShot(0, lambda: _answer("quitHeraldButton", seen))
    herald_window.close()
    assert seen and not herald_window.isVisible()
    assert quits == [1]  # the scheduler is stopped through quitRequested


def test_file_quit_does_not_ask(qtbot, herald_window, no_tray, monkeypatch):
    tray, quits = no_tray
    monkeypatch.setattr(QApplication, "quit", lambda: None)  # keep the test's application
    asked: list[int] = []
    tray.ask_close_without_tray = lambda: asked.append(1) or "cancel"
    herald_window.findChild(QAction, "quitAction").trigger()
    assert asked == [] and quits == [1] and not herald_window.isVisible()
