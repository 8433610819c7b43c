from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit, QPushButton

from app.core.appcontext import AppContext
from app.ui import first_run
from app.ui.first_run import FirstRunResult, WelcomeDialog, run_first_run


def _on_welcome(action):
    def poll():
        dialog = QApplication.activeModalWidget()
        if dialog is not None and dialog.objectName() == "welcomeDialog":
            action(dialog)
        else:
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)


def test_welcome_creates_the_first_workspace_in_the_system_zone(qtbot, db, clock, monkeypatch):
    monkeypatch.setattr(first_run, "system_zone", lambda: "Asia/Kathmandu")
    context = AppContext(db=db, clock=clock)
    seen = {}

    def fill(dialog):
        zone = dialog.findChild(QComboBox, "welcomeZoneCombo")
        seen["zone"] = zone.currentText()
        widgets = [
            w
            for kind in (QPushButton, QLineEdit, QComboBox, QCheckBox)
            for w in dialog.findChildren(kind)
            if w.objectName()
        ]
        seen["names"] = len(widgets) >= 5 and all(w.accessibleName() for w in widgets)
        dialog.findChild(QLineEdit, "welcomeNameEdit").setText("Corner Bakery")
        dialog.findChild(QPushButton, "welcomeCreateButton").click()

    _on_welcome(fill)
    result = run_first_run(context)
    assert seen == {"zone": "Asia/Kathmandu", "names": True}
    assert result.choice == "create" and result.connect_accounts
    (workspace,) = context.workspaces.list()
    assert result.workspace_id == workspace.id
    assert (workspace.name, workspace.timezone) == ("Corner Bakery", "Asia/Kathmandu")


def test_welcome_offers_the_demo(qtbot, db, clock):
    context = AppContext(db=db, clock=clock)
    _on_welcome(lambda d: d.findChild(QPushButton, "welcomeDemoButton").click())
    result = run_first_run(context)
    assert result == FirstRunResult("demo") and result.demo
    assert context.workspaces.list() == []


def test_no_welcome_when_a_workspace_exists(qtbot, db, clock):
    context = AppContext(db=db, clock=clock)
    ws = context.workspaces.create("Agency", "UTC")
    assert run_first_run(context) == FirstRunResult("existing", ws.id)


def test_closing_the_welcome_is_cancelled(qtbot, db, clock):
    context = AppContext(db=db, clock=clock)
    _on_welcome(lambda d: d.reject())
    result = run_first_run(context)
    assert result.cancelled
    assert context.workspaces.list() == []


def test_welcome_checks_its_input(qtbot, db, clock):
    context = AppContext(db=db, clock=clock)
    dialog = WelcomeDialog(context.workspaces)
    qtbot.addWidget(dialog)
    dialog.create()
    assert "name" in dialog.error_label.text()
    dialog.name_edit.setText("Bakery")
    dialog.zone_combo.setCurrentText("Mars/Olympus")
    dialog.create()
    assert "time zone" in dialog.error_label.text()
    assert context.workspaces.list() == []
    context.workspaces.create("Bakery", "UTC")
    dialog.zone_combo.setCurrentText("Europe/Paris")
    dialog.create()
    assert "already exists" in dialog.error_label.text()
    dialog.connect_check.setChecked(False)
    dialog.name_edit.setText("Bakery 2")
    dialog.create()
    result = dialog.result_value(dialog.result())
    assert result.choice == "create" and not result.connect_accounts
