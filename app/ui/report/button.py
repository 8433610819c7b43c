"""Analytics ▸ "Client report…" (objectName analyticsReportButton), which opens the dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QPushButton, QWidget

from app.ui import theme
from app.ui.report.dialog import ClientReportDialog

if TYPE_CHECKING:
    from app.ui.analytics.view import AnalyticsView


class ReportButton(QPushButton):
    """ "Client report…" (analyticsReportButton); `dialog` is the one it opened last."""

    def __init__(self, view: AnalyticsView, parent: QWidget) -> None:
        super().__init__(theme.icon("fa5s.file-pdf"), view.tr("Client report…"), parent)
        self.view = view
        self.dialog: ClientReportDialog | None = None
        self.setObjectName("analyticsReportButton")
        self.setToolTip(view.tr("Create a PDF report of a period for this workspace's client"))
        self.clicked.connect(self.open_dialog)

    def open_dialog(self) -> ClientReportDialog | None:
        view = self.view
        if view.workspace is None:
            return None
        self.dialog = ClientReportDialog(
            view.services, view.workspace, view,
            platforms=view.selected_platforms(), **view.filters.facets(),
        )  # fmt: skip
        self.dialog.open()
        return self.dialog


def add_report_button(view: AnalyticsView, row: QWidget) -> ReportButton:
    """The "Client report…" button, added at the end of `row` (beside Export CSV / PNG)."""
    button = ReportButton(view, row)
    layout = row.layout()
    if layout is not None:
        layout.addWidget(button)
    return button
