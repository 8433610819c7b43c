"""The Accounts area of the main window (see app/ui/views.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from app.ui.accounts.view import AccountsView

__all__ = ["AccountsView", "create_view"]


def __getattr__(name: str) -> Any:
    # The launcher needs app.ui.accounts.services (the vault's passphrase dialog) before the
    # first frame; importing the package must not build the whole Accounts area (issue 20).
    if name == "AccountsView":
        from app.ui.accounts.view import AccountsView

        return AccountsView
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def create_view(window) -> QWidget:
    from app.ui.accounts.view import AccountsView

    return AccountsView(window.context, window)
