"""The calendar area: month, week and day views of the current workspace (see view.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QWidget


def create_view(window: QMainWindow) -> QWidget:
    """The calendar built from the window's AppContext (app/ui/views.py)."""
    from app.ui.views import calendar_view

    return calendar_view(window.context, window)  # type: ignore[attr-defined]
