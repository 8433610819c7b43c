"""Export what the current analytics tab shows: its numbers as CSV, its charts as PNG. The
file dialog opens when no path is given (tests and scripts give one)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QWidget

from app.ui import theme
from app.ui.analytics import export
from app.ui.analytics.data import Dashboard

if TYPE_CHECKING:
    from app.ui.analytics.view import AnalyticsView

TABS = ("best", "platforms", "posts")


def table_of(tab: str, data: Dashboard) -> export.Table:
    if tab == "best":
        return export.best_times(data)
    if tab == "platforms":
        return export.platforms(data)
    return export.posts(data, list(data.reports.values()))


def default_name(workspace_name: str | None, tab: str, first: date, last: date, suffix: str) -> str:
    name = (workspace_name or "herald").lower().replace(" ", "-")
    return f"herald-{name}-{tab}-{first:%Y%m%d}-{last:%Y%m%d}.{suffix}"


def ask_path(parent: QWidget, title: str, suggested: str, kinds: str) -> str | None:
    chosen, _ = QFileDialog.getSaveFileName(parent, title, suggested, kinds)
    return chosen or None


def save_png(page: Any, path: str | Path) -> bool:
    """The page's charts (or the whole page when it has no grab_charts) as a PNG."""
    pixmap = page.grab_charts() if hasattr(page, "grab_charts") else page.grab()
    return bool(pixmap.save(str(path), "PNG"))


class ExportButtons(QWidget):
    """Beside the tabs (exportCsvButton, exportPngButton): they export what the current tab
    of `view` shows."""

    def __init__(self, view: AnalyticsView) -> None:
        super().__init__(view)
        self.setObjectName("analyticsExports")
        self.view = view
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 2)
        row.setSpacing(8)
        self.csv_button = QPushButton(theme.icon("fa5s.file-csv"), self.tr("Export CSV"), self)
        self.csv_button.setObjectName("exportCsvButton")
        self.csv_button.clicked.connect(lambda: self.export_csv())
        row.addWidget(self.csv_button)
        self.png_button = QPushButton(theme.icon("fa5s.image"), self.tr("Export PNG"), self)
        self.png_button.setObjectName("exportPngButton")
        self.png_button.clicked.connect(lambda: self.export_png())
        row.addWidget(self.png_button)

    def set_ready(self, has_data: bool) -> None:
        """Enabled when the range has published posts; the tooltip says why not."""
        for button in (self.csv_button, self.png_button):
            button.setEnabled(has_data)
        why = "" if has_data else self.tr("Nothing to export: no published posts in this range")
        self.csv_button.setToolTip(why or self.tr("Save the numbers of the tab you are looking at"))
        self.png_button.setToolTip(why or self.tr("Save the charts of the tab you are looking at"))

    def _default_name(self, suffix: str) -> str:
        view = self.view
        first, last = view.date_range()
        name = view.workspace.name if view.workspace else None
        return default_name(name, view.current_tab(), first, last, suffix)

    def export_csv(self, path: str | Path | None = None) -> Path | None:
        if self.view.data is None:
            return None
        if path is None:
            kinds = self.tr("CSV files (*.csv)")
            path = ask_path(self.view, self.tr("Export CSV"), self._default_name("csv"), kinds)
            if path is None:
                return None
        export.write_csv(path, self.view.export_table())
        self.view.services.notify(self.tr("Saved {name}").format(name=Path(path).name))
        return Path(path)

    def export_png(self, path: str | Path | None = None) -> Path | None:
        view = self.view
        if view.data is None or not view.pages:
            return None
        if path is None:
            kinds = self.tr("PNG images (*.png)")
            path = ask_path(view, self.tr("Export PNG"), self._default_name("png"), kinds)
            if path is None:
                return None
        if not save_png(view.pages[view.current_tab()], path):
            view.services.notify(self.tr("Could not save {path}").format(path=path))
            return None
        view.services.notify(self.tr("Saved {name}").format(name=Path(path).name))
        return Path(path)
