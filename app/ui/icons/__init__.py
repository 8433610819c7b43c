"""Herald's own icon (drawn by packaging/make_icons.py; the PNGs and herald.svg are copies).

`app_icon()` is the window/taskbar icon. It is built from the PNGs, one per size, so it
looks right even where Qt's SVG plugins are missing (a trimmed bundle); `svg_path()` gives
the scalable version for places that want it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

SIZES = (16, 32, 48, 64, 128, 256)


def _folder() -> Path:
    return Path(str(resources.files(__name__)))


def svg_path() -> Path:
    return _folder() / "herald.svg"


def app_icon() -> QIcon:
    icon = QIcon()
    folder = _folder()
    for size in SIZES:
        path = folder / f"herald-{size}.png"
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    if icon.isNull() and svg_path().is_file():
        icon = QIcon(str(svg_path()))
    return icon
