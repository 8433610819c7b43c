"""Windows sized to the screen they open on: the size asked for when there is room, else the
screen's free area (minus a margin for the window frame), never a minimum larger than it. So a
1280×820 main window opens whole on a 1024×700 screen, or at 200 % scaling on a small laptop."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

FRAME = 48  # px left for the title bar and borders the window manager adds


def available(widget: QWidget) -> QRect | None:
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else None


def fit(widget: QWidget, width: int, height: int, min_width: int = 0, min_height: int = 0) -> None:
    """Resize `widget` to width×height, or less to stay within its screen, centred on it."""
    area = available(widget)
    if area is None:
        widget.resize(width, height)
        widget.setMinimumSize(min_width, min_height)
        return
    room_w, room_h = max(320, area.width() - FRAME // 2), max(240, area.height() - FRAME)
    widget.setMinimumSize(min(min_width, room_w), min(min_height, room_h))
    widget.resize(min(width, room_w), min(height, room_h))
    x = area.x() + max(0, (area.width() - widget.width()) // 2)
    y = area.y() + max(0, (area.height() - widget.height() - FRAME) // 2)
    widget.move(x, y)
