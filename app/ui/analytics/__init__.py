"""The analytics area: dashboard of the current workspace (see view.py).

Importing this package is cheap: pyqtgraph is imported only when the charts are first shown.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QWidget


def create_view(window: QMainWindow) -> QWidget:
    """The dashboard built from the window's AppContext (app/ui/views.py)."""
    from app.ui.views import analytics_view

    return analytics_view(window.context, window)  # type: ignore[attr-defined]
