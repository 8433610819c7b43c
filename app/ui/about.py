"""Help ▸ About Herald (moved out of main_window.py to keep the window's class small)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from app import __version__


def show_about(window: QWidget) -> None:
    from app.ui.accounts.widgets import network_list  # loaded with the accounts view

    QMessageBox.about(
        window,
        window.tr("About Herald"),
        window.tr(
            "<b>Herald {version}</b><p>Schedule posts for {networks}, "
            "publish them on time, and learn when your audience listens.</p>"
        ).format(version=__version__, networks=network_list(window.tr, "and")),
    )
