"""The composer's "History" tab (issue 23): what happened to the post being edited, newest
first, who did it and when (in its workspace's zone): created, edited, submitted, approved,
comments, published or failed on each network. "Export…" writes it to a CSV file.

Read through HistoryService (app/core/history.py) when the tab is first shown and again when
the approval panel changes the post; a new post has no tab.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.history import HistoryError, HistoryItem, HistoryService, write_history_csv
from app.ui import theme

#: the outcome's colour (with its own icon and words: never colour alone)
_COLOURS = {"publish": "success_icon", "approve": "success_icon", "fail": "error_text"}
_ICONS = {
    "create": "fa5s.plus",
    "update": "fa5s.pen",
    "edit": "fa5s.pen",
    "reschedule": "fa5s.clock",
    "delete": "fa5s.trash",
    "submit": "fa5s.paper-plane",
    "approve": "fa5s.check",
    "request_changes": "fa5s.undo",
    "comment": "fa5s.comment",
    "publish": "fa5s.bullhorn",
    "publish_now": "fa5s.bolt",
    "fail": "fa5s.exclamation-triangle",
}


class PostHistoryPanel(QWidget):
    def __init__(self, service: HistoryService, post_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("postHistoryPanel")
        self.service = service
        self.post_id = post_id
        self.items: list[HistoryItem] = []
        self.loaded = False
        self.list = QListWidget(self)
        self.list.setObjectName("postHistoryList")
        self.list.setAccessibleName(self.tr("Post history, newest first"))
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.summary = QLabel(self)
        self.summary.setObjectName("postHistorySummary")
        self.summary.setProperty("role", "small")
        self.error_label = QLabel(self)
        self.error_label.setObjectName("postHistoryErrorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {theme.hex_of('error_text')};")
        self.error_label.hide()
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.refresh_button.setObjectName("postHistoryRefreshButton")
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button = QPushButton(self.tr("Export…"), self)
        self.export_button.setObjectName("postHistoryExportButton")
        self.export_button.setAccessibleName(self.tr("Export the history as CSV"))
        self.export_button.clicked.connect(self.export)
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(bar)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.error_label)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self.loaded:
            self.refresh()

    def refresh(self) -> None:
        try:
            self.items = self.service.post_history(self.post_id)
        except HistoryError as exc:
            self._error(str(exc))
            return
        self.loaded = True
        self._error("")
        self.list.clear()
        for item in self.items:
            line = f"{item.when} · {item.who} {item.what}"
            text = f"{line}\n{item.detail}" if item.detail else line
            row = QListWidgetItem(
                theme.icon(_ICONS.get(item.action, "fa5s.circle"), _COLOURS.get(item.action)), text
            )
            row.setToolTip(text)
            self.list.addItem(row)
        count = len(self.items)
        self.summary.setText(self.tr("{n} steps, newest first").format(n=count))
        self.export_button.setEnabled(count > 0)

    def ask_export_path(self) -> str:
        """Where to write the CSV ("" when the person cancels); its own method so tests answer."""
        suggested = str(Path.home() / f"post-{self.post_id}-history.csv")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export history"), suggested, self.tr("CSV files (*.csv)")
        )
        return path

    def export(self) -> bool:
        path = self.ask_export_path()
        if not path:
            return False
        try:
            count = write_history_csv(path, self.items)
        except HistoryError as exc:
            self._error(str(exc))
            return False
        self._error("")
        self.summary.setText(self.tr("{n} steps exported to {path}").format(n=count, path=path))
        return True

    def _error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))


def install(dialog: Any) -> PostHistoryPanel | None:
    """The composer's hook: a "History" tab for a post that exists (none for a new one)."""
    service = getattr(dialog.services, "history", None)
    post = getattr(dialog, "post", None)
    if service is None or post is None:
        return None
    panel = PostHistoryPanel(service, post.id, dialog.tabs)
    dialog.history_panel = panel
    dialog.tabs.addTab(panel, theme.icon("fa5s.history"), dialog.tr("History"))
    approvals = getattr(dialog, "approval_panel", None)
    if approvals is not None:
        approvals.changed.connect(lambda _post_id: panel.refresh())
    return panel
