"""Tables on PDF pages: a header row repeated on every page the table runs onto, zebra rows,
cells that wrap (a post's text) or elide, numbers right-aligned."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt

from app.ui.report.canvas import CONTENT_W, MARGIN, Canvas

PAD = 3.0


@dataclass(frozen=True)
class Column:
    title: str
    share: float  # of the content width
    numeric: bool = False
    wrap: bool = False  # wrap (up to the row's height); otherwise elide to one line


def _widths(columns: Sequence[Column]) -> list[float]:
    total = sum(col.share for col in columns)
    return [CONTENT_W * col.share / total for col in columns]


def _header(c: Canvas, columns: Sequence[Column], widths: list[float], size: float) -> None:
    h = size * 1.4 + 2 * PAD
    c.fill(MARGIN, c.y, CONTENT_W, h, "hairline")
    x = MARGIN
    for col, w in zip(columns, widths, strict=True):
        align = Qt.AlignmentFlag.AlignRight if col.numeric else Qt.AlignmentFlag.AlignLeft
        title = c.elide(col.title, size, w - 2 * PAD, bold=True)
        c.text(x + PAD, c.y + PAD, title, size, bold=True, colour="status",
               width=w - 2 * PAD, align=align)  # fmt: skip
        x += w
    c.y += h


def draw_table(
    c: Canvas, columns: Sequence[Column], rows: Sequence[Sequence[str]], size: float = 8
) -> None:
    """Rows below the cursor, continuing on new pages (header repeated)."""
    widths = _widths(columns)
    line_h = size * 1.4
    _header(c, columns, widths, size)
    for i, row in enumerate(rows):
        height = line_h
        for col, w, cell in zip(columns, widths, row, strict=True):
            if col.wrap:
                height = max(height, c.text_height(cell, size, w - 2 * PAD))
        height += 2 * PAD
        if c.ensure(height):
            _header(c, columns, widths, size)
        if i % 2:
            c.fill(MARGIN, c.y, CONTENT_W, height, "outside")
        x = MARGIN
        for col, w, cell in zip(columns, widths, row, strict=True):
            align = Qt.AlignmentFlag.AlignRight if col.numeric else Qt.AlignmentFlag.AlignLeft
            inner = w - 2 * PAD
            shown = cell if col.wrap else c.elide(cell, size, inner)
            c.text(x + PAD, c.y + PAD, shown, size, colour="text", width=inner, align=align,
                   wrap=col.wrap)  # fmt: skip
            x += w
        c.y += height
        c.line(MARGIN, c.y, MARGIN + CONTENT_W, c.y, "line")
