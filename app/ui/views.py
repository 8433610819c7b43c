"""Which widget fills each area of the main window. Each area's module builds its own view."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def build(area: str, window) -> QWidget:
    from app.ui.main_window import PlaceholderView

    placeholders = {
        "calendar": ("Calendar", "The calendar is on its way."),
        "analytics": ("Analytics", "No published posts yet: analytics appear after your first post."),
        "accounts": ("Accounts", "No accounts connected yet."),
    }
    title, text = placeholders[area]
    return PlaceholderView(title, text, window)
