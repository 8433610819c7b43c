"""The calendar's keyboard shortcuts, in one table: the view binds them, Help lists them."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def _t(text: str) -> str:
    return QCoreApplication.translate("Shortcuts", text)


# (action key, key sequences, description)
SHORTCUTS: list[tuple[str, tuple[str, ...], str]] = [
    ("today", ("T",), "Go to today"),
    ("prev", ("Left", "PgUp"), "Previous month / week / day"),
    ("next", ("Right", "PgDown"), "Next month / week / day"),
    ("month", ("M",), "Month view"),
    ("week", ("W",), "Week view"),
    ("day", ("D",), "Day view"),
    ("list", ("L",), "List view (every post, sortable)"),
    ("jump", ("Ctrl+G",), "Jump to a date"),
    ("compose", ("Ctrl+N",), "New post (at the selected day or slot)"),
    ("undo", ("Ctrl+Z",), "Undo the last move or delete"),
    ("redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo"),
    ("selectAll", ("Ctrl+A",), "Select every post in view (then Move, Delete… for all)"),
]

# Keys handled by the calendar grid itself when it has focus.
GRID_KEYS: list[tuple[str, str]] = [
    ("Up / Down", "Select the previous / next post"),
    ("Enter", "Open the selected post (or compose in the selected slot)"),
    ("Delete", "Delete the selected post (Ctrl+Z brings it back)"),
    ("Ctrl+click / Shift+click", "Select several posts (or drag a box around them)"),
    ("Alt+Left / Alt+Right", "Move the selected post a day earlier / later"),
    ("Alt+Up / Alt+Down", "Move it 15 minutes (week, day) or a week (month)"),
    ("Menu / Shift+F10", "More actions for the selected post"),
]


def bind_shortcuts(
    widget: QWidget, handlers: Mapping[str, Callable[[], object]]
) -> dict[str, QAction]:
    """One action per SHORTCUTS row on `widget` (objectName <key>ShortcutAction), active while
    the focus is inside it."""
    actions: dict[str, QAction] = {}
    for key, sequences, text in SHORTCUTS:
        action = QAction(_t(text), widget)
        action.setObjectName(f"{key}ShortcutAction")
        action.setShortcuts([QKeySequence(s) for s in sequences])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(handlers[key])
        widget.addAction(action)
        actions[key] = action
    return actions


def shortcuts_help_action(parent: QWidget, show: Callable[[], object]) -> QAction:
    """Help ▸ Keyboard shortcuts (Ctrl+/): opens the list below."""
    action = QAction(_t("&Keyboard shortcuts"), parent)
    action.setObjectName("keyboardShortcutsAction")
    action.setShortcut(QKeySequence("Ctrl+/"))
    action.triggered.connect(show)
    return action


class ShortcutsDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows = [(" or ".join(keys), _t(text)) for _key, keys, text in SHORTCUTS]
        rows += [(keys, _t(text)) for keys, text in GRID_KEYS]
        table = QTableWidget(len(rows), 2, self)
        table.setObjectName("shortcutsTable")
        table.setAccessibleName(self.tr("Keyboard shortcuts"))
        table.setHorizontalHeaderLabels([self.tr("Keys"), self.tr("Action")])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        for row, (keys, text) in enumerate(rows):
            table.setItem(row, 0, QTableWidgetItem(keys))
            table.setItem(row, 1, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.addWidget(table)
        layout.addWidget(buttons, 0, Qt.AlignmentFlag.AlignRight)
        # As large as the table (no clipped column, no scrolling for nothing), never larger
        # than the screen it opens on.
        table.setWordWrap(False)
        frame = table.frameWidth() * 2
        width = sum(table.columnWidth(c) for c in range(2)) + frame + 32 + 24
        height = (
            table.horizontalHeader().sizeHint().height()
            + table.verticalHeader().length()
            + frame
            + buttons.sizeHint().height()
            + 32
            + layout.spacing()
            + 8
        )
        screen = (
            parent.screen() if parent is not None else None
        ) or QGuiApplication.primaryScreen()
        if screen is not None:
            available = screen.availableGeometry()
            width = min(width, available.width() - 48)
            height = min(height, available.height() - 48)
        self.resize(max(width, 420), height)
