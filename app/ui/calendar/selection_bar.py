"""The bar that appears under the calendar's toolbar while several posts are selected: how
many, and what can be done to all of them at once (bulk_actions.py does it)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.ui import theme


class SelectionBar(QFrame):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("bulkSelectionBar")
        accent = theme.colour("accent")
        tint = f"rgba({accent.red()}, {accent.green()}, {accent.blue()}, 26)"
        self.setStyleSheet(
            f"#bulkSelectionBar {{ background: {tint};"
            f" border-bottom: 1px solid {theme.hex_of('line')}; }}"
        )
        self.count_label = QLabel(self)
        self.count_label.setObjectName("bulkSelectionLabel")

        def button(name: str, text: str, icon: str, tip: str) -> QPushButton:
            b = QPushButton(theme.icon(icon), text, self)
            b.setObjectName(name)
            b.setToolTip(tip)
            b.setAccessibleName(tip)
            return b

        self.move_button = button(
            "bulkMoveButton", self.tr("Move…"), "fa5s.arrows-alt-h",
            self.tr("Move the selected posts by some days or to another week"),
        )  # fmt: skip
        self.queue_button = button(
            "bulkQueueButton", self.tr("Queue…"), "fa5s.stream",
            self.tr("Put the selected posts into their accounts' queues"),
        )  # fmt: skip
        self.accounts_button = button(
            "bulkAccountsButton", self.tr("Accounts…"), "fa5s.user-friends",
            self.tr("Choose the accounts the selected posts publish to"),
        )  # fmt: skip
        self.duplicate_button = button(
            "bulkDuplicateButton", self.tr("Duplicate…"), "fa5s.copy",
            self.tr("A draft copy of each selected post"),
        )  # fmt: skip
        self.delete_button = button(
            "bulkDeleteButton", self.tr("Delete…"), "fa5s.trash-alt",
            self.tr("Delete the selected posts (Ctrl+Z brings them back)"),
        )  # fmt: skip
        self.select_all_button = button(
            "selectAllButton", self.tr("Select all"), "fa5s.check-double",
            self.tr("Select every post in view (Ctrl+A)"),
        )  # fmt: skip
        self.clear_button = button(
            "clearSelectionButton", self.tr("Clear"), "fa5s.times",
            self.tr("Select nothing (Esc)"),
        )  # fmt: skip
        self.clear_button.setText("")  # an icon with its tooltip: room for the rest at 1024 px
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 6, 16, 6)
        layout.setSpacing(6)
        layout.addWidget(self.count_label)
        for b in (
            self.move_button,
            self.queue_button,
            self.accounts_button,
            self.duplicate_button,
            self.delete_button,
        ):
            layout.addWidget(b)
        layout.addStretch(1)
        layout.addWidget(self.select_all_button)
        layout.addWidget(self.clear_button)
        self.hide()

    def show_count(self, n: int) -> None:
        """Shown while two posts or more are selected."""
        self.count_label.setText(self.tr("{n} selected").format(n=n))
        self.setVisible(n >= 2)
