from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QDialog

from app.core.appcontext import AppContext
from app.ui.main_window import MainWindow
from app.ui.workspace_dialog import WorkspaceDialog


def make_window(qtbot, db, clock):
    context = AppContext(db=db, clock=clock)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    return window


def test_opens_with_a_default_workspace(qtbot, db, clock):
    window = make_window(qtbot, db, clock)
    assert window.workspace is not None
    assert window.windowTitle() == window.workspace.name  # the desktop adds "Herald"
    assert window.findChild(QComboBox, "workspaceCombo").count() == 1


def test_switches_workspaces(qtbot, db, clock):
    context = AppContext(db=db, clock=clock)
    context.workspaces.create("Bakery", "Europe/London")
    context.workspaces.create("Agency", "America/New_York")
    window = MainWindow(context)
    qtbot.addWidget(window)
    combo = window.findChild(QComboBox, "workspaceCombo")
    assert [combo.itemText(i) for i in range(combo.count())] == ["Agency", "Bakery"]
    with qtbot.waitSignal(window.workspaceChanged) as blocker:
        combo.setCurrentIndex(1)
    assert blocker.args == [window.workspace.id]
    assert window.workspace.name == "Bakery"
    assert "Bakery" in window.windowTitle()
    assert window.zone_label.text() == "Europe/London"


def test_create_workspace_through_dialog(qtbot, db, clock):
    window = make_window(qtbot, db, clock)

    def fill():
        dialog = window.findChild(WorkspaceDialog, "workspaceDialog")
        dialog.name_edit.setText("Corner Bakery")
        dialog.zone_combo.setCurrentText("Asia/Kathmandu")
        dialog.accept()

    QTimer.singleShot(0, fill)
    window.create_workspace()
    assert window.workspace.name == "Corner Bakery"
    assert window.workspace.timezone == "Asia/Kathmandu"


def test_workspace_dialog_rejects_bad_zone(qtbot):
    dialog = WorkspaceDialog(title="New")
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("X")
    dialog.zone_combo.setCurrentText("Mars/Base")
    dialog._check_and_accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "time zone" in dialog.error_label.text()


def test_navigation_switches_views(qtbot, db, clock):
    window = make_window(qtbot, db, clock)
    window.nav_buttons["analytics"].click()
    assert window.stack.currentWidget() is window.views["analytics"]
    assert window.page_title.text() == "Analytics"


def test_the_main_window_opens_within_a_small_screen(qtbot, monkeypatch):
    """Issue 21: on a 1024x700 screen `main.py` opened a 1280x820 window, cut off at the right
    and bottom. The window now takes the size the screen has room for."""
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QWidget

    from app.ui import screen_fit

    monkeypatch.setattr(screen_fit, "available", lambda _w: QRect(0, 0, 1024, 700))
    widget = QWidget()
    qtbot.addWidget(widget)
    screen_fit.fit(widget, 1280, 820, 960, 640)
    assert widget.width() <= 1024 and widget.height() <= 700 - screen_fit.FRAME
    assert widget.minimumWidth() <= widget.width() and widget.minimumHeight() <= widget.height()
    assert QRect(0, 0, 1024, 700).contains(widget.geometry())
    monkeypatch.setattr(screen_fit, "available", lambda _w: QRect(0, 0, 683, 384))  # 200 %
    screen_fit.fit(widget, 1280, 820, 960, 640)
    assert widget.minimumWidth() <= 683 and widget.minimumHeight() <= 384
    monkeypatch.setattr(screen_fit, "available", lambda _w: QRect(0, 0, 2560, 1440))
    screen_fit.fit(widget, 1280, 820, 960, 640)
    assert (widget.width(), widget.height()) == (1280, 820)
