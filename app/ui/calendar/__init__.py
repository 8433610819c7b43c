"""The calendar area: month, week and day views of the current workspace (see view.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def create_view(window) -> QWidget:
    from app.ui.calendar.view import CalendarView

    return CalendarView(window)
