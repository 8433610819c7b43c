"""Menu entries of the main window whose dialogs are heavy: File ▸ Import posts from CSV…
(app/ui/import_dialog.py) and Settings ▸ Queue slots… (app/ui/queue_slots.py). They live
here so the window need not import the CSV rules, the queues and the post engine behind them
before its first frame (issue 20); each dialog is imported when its entry is chosen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMenu


def install_import_entry(window: Any, menu: QMenu) -> QAction:
    """File ▸ Import posts from CSV… on the main window (`window.context`, `window.workspace`)."""
    action = QAction(window.tr("&Import posts from CSV…"), window)
    action.setObjectName("importCsvAction")
    action.triggered.connect(lambda: open_import(window))
    menu.addAction(action)
    return action


def open_import(window: Any) -> QDialog | None:
    """The import dialog for the window's current workspace (None: no workspace yet)."""
    from app.ui.views import csv_import_dialog

    if window.workspace is None:
        return None
    dialog = csv_import_dialog(window.context, window.workspace, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def install_queue_slots_entry(window: Any, open_editor: Any) -> QAction:
    """Settings ▸ Queue slots… on the main window; `open_editor()` opens the editor for the
    current workspace (the window builds it from its context)."""
    action = QAction(window.tr("&Queue slots…"), window)
    action.setObjectName("queueSlotsAction")
    action.triggered.connect(lambda: open_editor())
    window.settings_menu.addAction(action)
    return action
