"""The analytics area: dashboard of the current workspace (see view.py).

Importing this package is cheap: pyqtgraph is imported only when the charts are first shown.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def create_view(window) -> QWidget:
    from app.ui.analytics.view import AnalyticsView

    return AnalyticsView(window)
