"""The Accounts area of the main window (see app/ui/views.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.ui.accounts.view import AccountsView

__all__ = ["AccountsView", "create_view"]


def create_view(window) -> QWidget:
    return AccountsView(window.context, window)
