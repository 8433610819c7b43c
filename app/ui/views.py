"""Which widget fills each area of the main window.

Each area lives in its own package (`app.ui.calendar`, `app.ui.analytics`, `app.ui.accounts`)
exposing `create_view(window) -> QWidget`; the view has a `title` attribute and an optional
`set_workspace(WorkspaceInfo)` method. An area whose package is not there yet shows a
placeholder, so the window always opens.
"""

from __future__ import annotations

import importlib

from PySide6.QtWidgets import QWidget

AREA_MODULES = {
    "calendar": "app.ui.calendar",
    "analytics": "app.ui.analytics",
    "accounts": "app.ui.accounts",
}

PLACEHOLDERS = {
    "calendar": ("Calendar", "The calendar is not available in this build."),
    "analytics": ("Analytics", "Analytics are not available in this build."),
    "accounts": ("Accounts", "Accounts are not available in this build."),
}


def build(area: str, window) -> QWidget:
    module_name = AREA_MODULES[area]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        from app.ui.main_window import PlaceholderView

        title, text = PLACEHOLDERS[area]
        return PlaceholderView(title, text, window)
    return module.create_view(window)
