"""Label colours on calendar chips (issue 22): a strip along the chip's bottom edge, one
segment per label, clear of the time and icons (the names are in the post's Labels menu and
the filter). The ideas board, which reads the
labels, fills `GridBase.label_colours` after each reload; grids only paint them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter

from app.ui.calendar.chips import Chip

STRIP = 3.0  # px: a strip along the chip's bottom edge, one segment per label


def paint_label_marks(
    p: QPainter, chips: Sequence[Chip], colours: Mapping[int, Sequence[str]]
) -> None:
    if not colours:
        return
    p.save()
    p.setPen(Qt.PenStyle.NoPen)
    for chip in chips:
        marks = colours.get(chip.post.id, ())
        if not marks:
            continue
        r = chip.rect
        width = (r.width() - 6) / len(marks)
        for n, colour in enumerate(marks):
            p.setBrush(QColor(colour))
            p.drawRect(QRectF(r.left() + 4 + n * width, r.bottom() - STRIP, width - 1, STRIP))
    p.restore()
