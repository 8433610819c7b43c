"""Font Awesome 5 solid icons drawn as qtawesome draws them, without importing qtawesome
(issue 20, start-up): qtawesome imports qtpy, whose `from PySide6.QtWidgets import *` makes
PySide6 build every class and enum of the module (~0.15 s before the first frame).

The font and its charmap are qtawesome's own files (found, not imported); the glyph is drawn
as its default "text" painter does: the icon's height × 0.875 in pixels, centred, in the
colour given (the palette's disabled text colour for a disabled icon).
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPalette,
    QPixmap,
)

PREFIX = "fa5s."
_FONT = "fontawesome5-solid-webfont-5.15.4.ttf"
_CHARMAP = "fontawesome5-solid-webfont-charmap-5.15.4.json"


@cache
def _fonts_dir() -> Path | None:
    spec = importlib.util.find_spec("qtawesome")  # finds the package; does not run it
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    return folder if (folder / _FONT).is_file() and (folder / _CHARMAP).is_file() else None


@cache
def _charmap() -> dict[str, str]:
    folder = _fonts_dir()
    if folder is None:
        return {}
    raw = json.loads((folder / _CHARMAP).read_text("utf-8"))
    return {name: chr(int(code, 16)) for name, code in raw.items()}


@cache
def _family() -> str | None:
    folder = _fonts_dir()
    if folder is None:
        return None
    font_id = QFontDatabase.addApplicationFont(str(folder / _FONT))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    return families[0] if families else None


def available(name: str) -> bool:
    """True when `name` ("fa5s.cog") can be drawn here."""
    return name.startswith(PREFIX) and name[len(PREFIX) :] in _charmap() and _family() is not None


class GlyphEngine(QIconEngine):
    def __init__(self, family: str, char: str, colour: QColor, disabled: QColor) -> None:
        super().__init__()
        self._family, self._char = family, char
        self._colour, self._disabled = colour, disabled

    def clone(self) -> QIconEngine:
        return GlyphEngine(self._family, self._char, self._colour, self._disabled)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        painter.save()
        painter.setPen(self._disabled if mode == QIcon.Mode.Disabled else self._colour)
        font = QFont()
        font.setFamily(self._family)
        font.setPixelSize(round(0.875 * rect.height()))
        font.setStyleName("Solid")
        painter.setFont(font)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), self._char)
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return pixmap


def icon(name: str, colour: str) -> QIcon:
    """The icon `name` ("fa5s.cog") in `colour`; call `available(name)` first."""
    family = _family()
    assert family is not None
    disabled = QGuiApplication.palette().color(
        QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
    )
    return QIcon(GlyphEngine(family, _charmap()[name[len(PREFIX) :]], QColor(colour), disabled))
