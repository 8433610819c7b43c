"""Issue 21: after the welcome screen, a checklist (connect an account, check the time zone,
schedule a first post, optional demo) that goes away when done."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFrame, QLineEdit, QPushButton

from app.core import events as ev
from app.core.appcontext import AppContext
from app.core.settings import SettingsService
from app.platforms.names import Platform
from app.testing import compose_post
from app.ui.first_run import run_first_run
from app.ui.first_run_checklist import DONE_KEY, PENDING_KEY, ZONE_KEY
from app.ui.main_window import MainWindow
from tests.ui.calendar.helpers import add_account


def _checklist(window) -> QFrame:
    checklist = window.findChild(QFrame, "firstRunChecklist")
    assert checklist is not None
    return checklist


def _button(window, name: str) -> QPushButton:
    button = window.findChild(QPushButton, name)
    assert button is not None, name
    return button


def test_an_existing_database_never_shows_the_checklist(herald_window):
    assert not _checklist(herald_window).isVisible()


def test_the_welcome_screen_leads_to_the_checklist(qtbot, db, clock):
    context = AppContext(db=db, clock=clock)

    def fill():
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "welcomeDialog":
            QTimer.singleShot(10, fill)
            return
        dialog.findChild(QLineEdit, "welcomeNameEdit").setText("Corner Bakery")
        dialog.findChild(QPushButton, "welcomeCreateButton").click()

    QTimer.singleShot(0, fill)
    assert run_first_run(context).choice == "create"
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    checklist = _checklist(window)
    assert checklist.isVisible()
    steps = ("checklistAccount", "checklistZone", "checklistFirstPost", "checklistDemo")
    for name in steps:
        step = window.findChild(QFrame, name)
        assert step.isVisible() and "(to do)" in step.accessibleName()
        assert _button(window, name + "Button").isVisible()
    assert "3 steps left" in checklist.summary.text()


def test_steps_tick_themselves_and_the_checklist_goes_when_done(
    qtbot, herald_window, herald_context, herald_workspace, monkeypatch
):
    settings = SettingsService(herald_context.db)
    settings.set(PENDING_KEY, True)
    window = herald_window
    checklist = _checklist(window)
    checklist.refresh()
    assert checklist.isVisible()

    # Connect an account: the button opens the Accounts area; the step ticks on the event.
    _button(window, "checklistAccountButton").click()
    assert window.stack.currentWidget() is window.views["accounts"]
    account = add_account(herald_context, herald_workspace.id, Platform.LINKEDIN, "Bakery")
    herald_context.events.publish(ev.ACCOUNTS_CHANGED)
    qtbot.waitUntil(lambda: checklist.account_step.done)
    assert not _button(window, "checklistAccountButton").isVisible()

    # The time zone: done once the person saved the workspace dialog (Cancel is not enough).
    monkeypatch.setattr(window, "edit_workspace", lambda: False)
    _button(window, "checklistZoneButton").click()
    assert not checklist.zone_step.done
    monkeypatch.setattr(window, "edit_workspace", lambda: True)
    _button(window, "checklistZoneButton").click()
    assert checklist.zone_step.done
    assert settings.get(ZONE_KEY) == [herald_workspace.id]
    assert checklist.isVisible() and "1 step left" in checklist.summary.text()

    # The first post, written in the composer the way a person does.
    compose_post(
        qtbot, window, "Our first post!", accounts=[account], when=datetime(2026, 1, 6, 9, 0)
    )
    qtbot.waitUntil(lambda: not checklist.isVisible())
    assert settings.flag(DONE_KEY)
    # For good: a new window does not bring it back.
    again = MainWindow(herald_context)
    qtbot.addWidget(again)
    again.show()
    assert not _checklist(again).isVisible()


def test_a_draft_is_not_a_first_post_and_hide_is_for_good(qtbot, herald_window, herald_context):
    settings = SettingsService(herald_context.db)
    settings.set(PENDING_KEY, True)
    checklist = _checklist(herald_window)
    checklist.refresh()
    compose_post(qtbot, herald_window, "Just a draft", accounts=[], action="draft")
    checklist.refresh()
    assert checklist.isVisible() and not checklist.post_step.done
    _button(herald_window, "checklistHideButton").click()
    assert not checklist.isVisible() and settings.flag(DONE_KEY)
    checklist.refresh()
    assert not checklist.isVisible()


def test_the_demo_step_opens_the_demo_in_its_own_process(
    herald_window, herald_context, monkeypatch
):
    import app.ui.first_run_checklist as module

    started = []
    monkeypatch.setattr(module.subprocess, "Popen", lambda args: started.append(args))
    SettingsService(herald_context.db).set(PENDING_KEY, True)
    _checklist(herald_window).refresh()
    _button(herald_window, "checklistDemoButton").click()
    assert started and started[0][-1] == "--demo"
