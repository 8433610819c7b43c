"""An A4 PDF page stack drawn in points: fonts, colours, wrapped text, a running footer and
a cursor that moves to a new page when the next block does not fit."""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QLinearGradient,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from app.ui import theme

DPI = 300
PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
MARGIN = 40.0
CONTENT_W = PAGE_W - 2 * MARGIN
BOTTOM = PAGE_H - MARGIN - 18  # the footer sits below
FAMILY = "DejaVu Sans"
FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)

_fonts_loaded = False


def load_fonts() -> str:
    """Make DejaVu Sans known to Qt when fontconfig does not already know it (a file from the
    usual place); elsewhere Qt falls back to its default font, embedded the same way."""
    global _fonts_loaded
    if not _fonts_loaded:
        if FAMILY not in QFontDatabase.families():
            for path in FONT_FILES:
                if os.path.exists(path):
                    QFontDatabase.addApplicationFont(path)
        _fonts_loaded = True
    return FAMILY


def ink(role: str) -> QColor:
    """A role's colour in the light palette: a report is printed on white whatever the theme."""
    return QColor(theme.ROLES[role][0])


def heat(name: str) -> tuple[int, int, int]:
    return theme.HEAT[name][0]


class Canvas:
    """Coordinates are points from the page's top-left corner; `y` is the cursor. The painter
    draws in device pixels (fonts get their real point size, so their metrics are exact);
    every method here converts."""

    def __init__(self, writer: QPdfWriter, footer: str) -> None:
        self.writer = writer
        self.footer = footer
        self.page = 1
        self.k = DPI / 72.0  # device pixels per point
        self.painter = QPainter()
        if not self.painter.begin(writer):
            raise OSError("the PDF file could not be opened for writing")
        self.painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.y = MARGIN
        self.on_new_page: Callable[[], None] | None = None

    def r(self, x: float, y: float, w: float, h: float) -> QRectF:
        k = self.k
        return QRectF(x * k, y * k, w * k, h * k)

    # ------------------------------------------------------------------ shapes

    def fill(self, x: float, y: float, w: float, h: float, colour: QColor | str) -> None:
        c = colour if isinstance(colour, QColor) else ink(colour)
        self.painter.fillRect(self.r(x, y, w, h), c)

    def frame(
        self, x: float, y: float, w: float, h: float, colour: QColor | str, width: float = 0.5
    ) -> None:
        c = colour if isinstance(colour, QColor) else ink(colour)
        p = self.painter
        p.setPen(QPen(c, width * self.k))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(self.r(x, y, w, h))

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: str = "line") -> None:
        p = self.painter
        p.setPen(QPen(ink(colour), 0.6 * self.k))
        k = self.k
        p.drawLine(QPointF(x1 * k, y1 * k), QPointF(x2 * k, y2 * k))

    def dot(self, x: float, y: float, radius: float, colour: QColor) -> None:
        p = self.painter
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawEllipse(QPointF(x * self.k, y * self.k), radius * self.k, radius * self.k)

    def gradient(self, x: float, y: float, w: float, h: float, low: QColor, high: QColor) -> None:
        rect = self.r(x, y, w, h)
        g = QLinearGradient(rect.left(), 0, rect.right(), 0)
        g.setColorAt(0.0, low)
        g.setColorAt(1.0, high)
        self.painter.fillRect(rect, g)

    # ------------------------------------------------------------------ text

    def font(self, size: float, bold: bool = False) -> QFont:
        f = QFont(FAMILY)
        f.setPointSizeF(size)
        f.setBold(bold)
        return f

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float = 9,
        *,
        bold: bool = False,
        colour: QColor | str = "text",
        width: float | None = None,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
        wrap: bool = False,
    ) -> float:
        """Draw `text` with its top at `y`; returns its height in points."""
        p = self.painter
        p.setFont(self.font(size, bold))
        p.setPen(colour if isinstance(colour, QColor) else ink(colour))
        w = width if width is not None else CONTENT_W - (x - MARGIN)
        flags = int(align) | int(Qt.AlignmentFlag.AlignTop)
        if wrap:
            flags |= int(Qt.TextFlag.TextWordWrap)
        box = p.boundingRect(self.r(x, y, w, 2000), flags, text)
        p.drawText(self.r(x, y, w, box.height() / self.k + 1), flags, text)
        return float(box.height()) / self.k

    def text_height(self, text: str, size: float, width: float, bold: bool = False) -> float:
        p = self.painter
        p.setFont(self.font(size, bold))
        flags = int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap)
        return float(p.boundingRect(self.r(0, 0, width, 2000), flags, text).height()) / self.k

    def text_width(self, text: str, size: float, bold: bool = False) -> float:
        self.painter.setFont(self.font(size, bold))
        return float(self.painter.fontMetrics().horizontalAdvance(text)) / self.k

    def elide(self, text: str, size: float, width: float, bold: bool = False) -> str:
        self.painter.setFont(self.font(size, bold))
        fm = self.painter.fontMetrics()
        return fm.elidedText(text, Qt.TextElideMode.ElideRight, int(width * self.k))

    # ------------------------------------------------------------------ pages

    def room(self) -> float:
        return BOTTOM - self.y

    def ensure(self, height: float) -> bool:
        """Start a new page unless `height` points fit below the cursor; True if it did."""
        if self.y + height <= BOTTOM or self.y <= MARGIN + 1:
            return False
        self.new_page()
        return True

    def new_page(self) -> None:
        self._draw_footer()
        self.writer.newPage()
        self.page += 1
        self.y = MARGIN
        if self.on_new_page is not None:
            self.on_new_page()

    def _draw_footer(self) -> None:
        y = PAGE_H - MARGIN - 8
        self.line(MARGIN, y - 4, PAGE_W - MARGIN, y - 4)
        self.text(MARGIN, y, self.footer, 7, colour="muted", width=CONTENT_W - 60)
        self.text(
            PAGE_W - MARGIN - 60,
            y,
            f"Page {self.page}",
            7,
            colour="muted",
            width=60,
            align=Qt.AlignmentFlag.AlignRight,
        )

    def finish(self) -> None:
        self._draw_footer()
        self.painter.end()

    def abort(self) -> None:
        if self.painter.isActive():
            self.painter.end()


def a4_writer(path: str, title: str) -> QPdfWriter:
    writer = QPdfWriter(path)
    writer.setResolution(DPI)
    writer.setTitle(title)
    writer.setCreator("Herald")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
            QPageLayout.Unit.Point,
        )
    )
    return writer
