"""Export what the current analytics tab shows: its numbers as CSV, its charts as PNG. The
file dialog opens when no path is given (tests and scripts give one)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QWidget

from app.ui.analytics import export
from app.ui.analytics.data import Dashboard

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
