"""A network's best-time map on a PDF page: 7 x 24 cells in the theme's heat scale (light
palette), day and hour labels, the three recommended hours outlined and numbered, dots on the
hours the workspace posted at, the colour legend and where the scores come from."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from app.core.report import BestTimesMap
from app.ui import theme
from app.ui.report.canvas import CONTENT_W, MARGIN, Canvas, heat, ink

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
LABEL_W = 26.0
CELL_H = 11.0
HOURS_H = 9.0
TITLE_H = 15.0
GAMMA = 0.8  # as the Best times view (app/ui/analytics/charts.py)
BASIS_SIZE = 7.0
BEST_SIZE = 7.5


def value(measure: str, v: float) -> str:
    return f"{v:.1f} eng." if measure == "engagement" else f"{v * 100:.1f}%"


def cell_colour(score: float, top: float) -> QColor:
    frac = min(max(score / top, 0.0), 1.0) ** GAMMA if top > 0 else 0.0
    low, high = heat("low"), heat("high")
    return QColor(*(round(a + (b - a) * frac) for a, b in zip(low, high, strict=True)))


def _strong(score: float, top: float) -> bool:
    return top > 0 and score / top > 0.55


def best_line(m: BestTimesMap) -> str:
    parts = []
    for rank, slot in enumerate(m.top, 1):
        basis = (
            "typical week"
            if slot.samples == 0
            else ("1 post" if slot.samples == 1 else f"{slot.samples} posts")
        )
        parts.append(
            f"{rank}  {DAYS[slot.weekday]} {slot.hour:02d}:00  {value(m.measure, slot.score)} "
            f"({slot.confidence}, {basis})"
        )
    return "Best:  " + "   ·   ".join(parts)


def block_height(c: Canvas, m: BestTimesMap) -> float:
    basis = c.text_height(m.basis, BASIS_SIZE, CONTENT_W)
    best = c.text_height(best_line(m), BEST_SIZE, CONTENT_W)
    return TITLE_H + HOURS_H + 7 * CELL_H + 4 + best + 2 + basis + 12


def draw_legend(c: Canvas, right: float, y: float, m: BestTimesMap) -> None:
    top = max(m.scores) if m.scores else 0.0
    high_text = value(m.measure, top)
    low_text = "0" if m.measure == "engagement" else "0%"
    size = 7.0
    hw = c.text_width(high_text, size) + 2
    lw = c.text_width(low_text, size) + 2
    bar = 56.0
    x = right - hw - bar - lw - 10
    c.text(x, y + 1, low_text, size, colour="muted", width=lw)
    c.gradient(x + lw + 2, y + 3, bar, 6, QColor(*heat("low")), QColor(*heat("high")))
    c.text(x + lw + bar + 7, y + 1, high_text, size, colour="muted", width=hw)


def draw_heatmap(c: Canvas, m: BestTimesMap) -> None:
    c.ensure(block_height(c, m))
    x0, y = MARGIN, c.y
    c.fill(x0, y + 2, 8, 8, QColor(theme.PLATFORM_ICONS[m.platform.value][1]))
    c.text(x0 + 12, y, m.platform.label, 10.5, bold=True, colour="strong", width=200)
    what = "engagements per post" if m.measure == "engagement" else "engagement rate"
    c.text(x0 + 12 + c.text_width(m.platform.label, 10.5, True) + 8, y + 2.5, what, 7.5,
           colour="muted", width=180)  # fmt: skip
    draw_legend(c, MARGIN + CONTENT_W, y, m)
    y += TITLE_H
    gx = x0 + LABEL_W
    cw = (CONTENT_W - LABEL_W) / 24
    centre = Qt.AlignmentFlag.AlignHCenter
    for h in range(24):
        c.text(gx + h * cw, y, f"{h:02d}", 6, colour="muted", width=cw, align=centre)
    y += HOURS_H
    top = max(m.scores) if m.scores else 0.0
    gap = 0.7
    for d in range(7):
        c.text(x0, y + d * CELL_H + 1.5, DAYS[d], 7, colour="body", width=LABEL_W - 3)
        for h in range(24):
            b = d * 24 + h
            score = m.scores[b]
            cx, cy = gx + h * cw, y + d * CELL_H
            c.fill(cx, cy, cw - gap, CELL_H - gap, cell_colour(score, top))
            if m.samples[b] > 0:
                dot = QColor(theme.INK_ON_DEEP if _strong(score, top) else theme.INK_ON_PALE)
                dot.setAlpha(150)
                c.dot(cx + cw - gap - 2.2, cy + CELL_H - gap - 2.2, 0.9, dot)
    for rank, slot in enumerate(m.top, 1):
        cx, cy = gx + slot.hour * cw, y + slot.weekday * CELL_H
        c.frame(cx + 0.4, cy + 0.4, cw - gap - 0.8, CELL_H - gap - 0.8, ink("star"), 1.1)
        score = m.scores[slot.bucket]
        colour = theme.INK_ON_DEEP if _strong(score, top) else theme.INK_ON_PALE
        c.text(cx, cy + 1.6, str(rank), 6.5, bold=True, colour=QColor(colour),
               width=cw - gap, align=centre)  # fmt: skip
    y += 7 * CELL_H + 4
    y += c.text(x0, y, best_line(m), BEST_SIZE, colour="body", width=CONTENT_W, wrap=True) + 2
    y += c.text(x0, y, m.basis, BASIS_SIZE, colour="muted", width=CONTENT_W, wrap=True)
    c.y = y + 12
