"""A toast: one line of news with an optional action ("Scheduled for Tue 14 Mar, 09:00
Europe/London — Show"), shown above the content and gone after a while or when closed."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton

from app.ui import theme

SHOW_MS = 12_000


class Toast(QFrame):
    """objectName `scheduledToast`; its label `toastLabel`, action `toastShowButton`, close
    `toastCloseButton`. `actionRequested` when the action is clicked."""

    actionRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("scheduledToast")
        self.setStyleSheet(
            f"#scheduledToast {{ background: {theme.hex_of('success_bg')};"
            f" border: 1px solid {theme.hex_of('success_border')}; border-radius: 6px; }}"
        )
        self.icon = QLabel(self)
        self.icon.setPixmap(theme.icon("fa5s.check-circle", "success_icon").pixmap(16, 16))
        self.label = QLabel(self)
        self.label.setObjectName("toastLabel")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action_button = QPushButton(self.tr("Show"), self)
        self.action_button.setObjectName("toastShowButton")
        self.action_button.setAutoDefault(False)
        self.action_button.clicked.connect(self._on_action)
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("toastCloseButton")
        self.close_button.setIcon(theme.icon("fa5s.times"))
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip(self.tr("Dismiss"))
        self.close_button.setAccessibleName(self.tr("Dismiss"))
        self.close_button.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 6, 6)
        row.setSpacing(8)
        row.addWidget(self.icon)
        row.addWidget(self.label, 1)
        row.addWidget(self.action_button)
        row.addWidget(self.close_button)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SHOW_MS)
        self.timer.timeout.connect(self.hide)
        self.hide()

    def show_message(self, text: str, action: str | None = None) -> None:
        self.label.setText(text)
        self.setAccessibleName(text)
        self.action_button.setVisible(action is not None)
        if action:
            self.action_button.setText(action)
            self.action_button.setAccessibleName(action)
        self.show()
        self.timer.start()

    def _on_action(self) -> None:
        self.hide()
        self.actionRequested.emit()
