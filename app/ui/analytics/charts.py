"""The dashboard's pyqtgraph charts. Imported only when the charts are first shown (pyqtgraph
costs ~500 ms to import).

- HeatmapChart: 7 x 24 grid of a platform's average engagement rate per hour of the week,
  days and hours labelled, hover tooltip "Tue 09:00 — avg 3.2% over 12 posts", the
  recommended top 3 numbered and outlined.
- PlatformBarChart: mean engagement rate per platform, bars in the platforms' colours,
  labelled with their values.
- GrowthChart: one line per platform of a post's metric across the checkpoints.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QCursor, QFont, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QToolTip

from app.core.analytics.aggregates import Heatmap, PlatformTotals, SnapshotPoint
from app.core.analytics.scoring import Profile, Slot
from app.core.enums import Checkpoint
from app.platforms.names import Platform
from app.ui import theme
from app.ui.analytics.fmt import pct, value
from app.ui.theme import PLATFORM_ICONS

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def heat_scale() -> tuple[np.ndarray, np.ndarray, tuple[int, int, int], int]:
    """(low, high, empty cell, gap) in the current theme; gap is the grey level between cells."""
    low = np.array(theme.heat("low"), dtype=float)
    high = np.array(theme.heat("high"), dtype=float)
    return low, high, theme.heat("empty"), theme.heat("gap")[0]


def chart_background() -> str:
    return theme.hex_of("surface")


CELL = 12  # image pixels per cell; the last row/column of each is the white gap
CHECKPOINTS = (Checkpoint.H1, Checkpoint.H6, Checkpoint.H24, Checkpoint.D7)
CHECKPOINT_LABELS = ("1 h", "6 h", "24 h", "7 d")


def platform_colour(platform: Platform) -> str:
    colour = PLATFORM_ICONS[platform.value][1]
    if QColor(colour).lightness() < 40:  # a near-black brand (X) reads as "no data"
        return theme.hex_of("chart_ink")
    return colour


def _small_font() -> QFont:
    font = QFont()
    font.setPixelSize(11)
    return font


def _style(widget: pg.PlotWidget):  # -> pg.PlotItem
    """A chart to look at, not to pan: no buttons, menu or mouse zoom; quiet axes."""
    item = widget.getPlotItem()
    item.hideButtons()
    item.setMenuEnabled(False)
    item.setMouseEnabled(x=False, y=False)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setTextPen(pg.mkPen(theme.hex_of("body")))
        axis.setPen(pg.mkPen(theme.hex_of("border")))
        axis.setTickFont(_small_font())
    return item


class HeatmapChart(pg.PlotWidget):
    """A platform's 168 buckets. `values` (7 x 24, NaN = no posts) and `counts` are the core
    aggregate's means and sample counts in the range shown (the tooltip's numbers); `shade` is
    what the colours show: the recommender's adjusted score per hour (the same score as the
    top 3 marks and the "Best:" line), or the means when there is no profile yet."""

    def __init__(self, platform: Platform, parent=None) -> None:
        super().__init__(parent=parent, background=chart_background())
        self.platform = Platform(platform)
        self.setObjectName(f"heatmapWidget_{self.platform.value}")
        self.setAccessibleName(f"{self.platform.label} engagement by hour of the week")
        self.values = np.full((7, 24), np.nan)
        self.counts = np.zeros((7, 24), dtype=int)
        self.shade = np.full((7, 24), np.nan)
        self.profile: Profile | None = None
        self.top: list[Slot] = []
        self.measure = "rate"
        self._marks: list[object] = []
        item = _style(self)
        item.invertY(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setRect(QRectF(0, 0, 24, 7))
        item.addItem(self.image)
        # a little room left of 00 so its label is not clipped
        item.setRange(xRange=(-0.35, 24), yRange=(0, 7), padding=0)
        left, bottom = item.getAxis("left"), item.getAxis("bottom")
        left.setTicks([[(d + 0.5, name) for d, name in enumerate(DAYS)]])
        bottom.setTicks(
            [
                [(h + 0.5, f"{h:02d}") for h in range(0, 24, 3)],
                [(h + 0.5, "") for h in range(24) if h % 3],
            ]
        )
        left.setWidth(36)
        self.setMinimumSize(300, 150)
        self.scene().sigMouseMoved.connect(self._hover)
        self.set_data(None, [])

    # ------------------------------------------------------------------ data

    def set_data(
        self, heatmap: Heatmap | None, top: Sequence[Slot], profile: Profile | None = None
    ) -> None:
        self.values = np.full((7, 24), np.nan)
        self.counts = np.zeros((7, 24), dtype=int)
        if heatmap is not None:
            for b in range(168):
                mean = heatmap.means[b]
                self.values[b // 24, b % 24] = np.nan if mean is None else mean
                self.counts[b // 24, b % 24] = heatmap.counts[b]
        self.profile = profile
        if profile is not None and (heatmap is None or profile.measure == heatmap.measure):
            # Colour by the score that ranks the hours, so a recommended cell is never pale.
            self.shade = np.array(profile.scores, dtype=float).reshape(7, 24)
        else:
            self.profile = None
            self.shade = self.values.copy()
        self.top = list(top)
        self.measure = heatmap.measure if heatmap is not None else "rate"
        self.image.setImage(self._rgba(), autoLevels=False)
        self.image.setRect(QRectF(0, 0, 24, 7))
        self._draw_marks()

    @property
    def scale_max(self) -> float:
        finite = self.shade[np.isfinite(self.shade)]
        return float(finite.max()) if finite.size else 0.0

    def _rgba(self) -> np.ndarray:
        top = self.scale_max or 1.0
        frac = np.clip(np.nan_to_num(self.shade, nan=0.0) / top, 0.0, 1.0) ** 0.8
        low, high, empty, gap = heat_scale()
        rgb = low[None, None, :] + (high - low)[None, None, :] * frac[:, :, None]
        rgb[~np.isfinite(self.shade)] = empty
        cells = np.repeat(np.repeat(rgb, CELL, axis=0), CELL, axis=1)
        cells[CELL - 1 :: CELL, :, :] = gap  # gaps between rows and columns
        cells[:, CELL - 1 :: CELL, :] = gap
        alpha = np.full((*cells.shape[:2], 1), 255.0)
        return np.concatenate([cells, alpha], axis=2).astype(np.ubyte)

    def _draw_marks(self) -> None:
        item = self.getPlotItem()
        for mark in self._marks:
            item.removeItem(mark)
        self._marks = []
        top = self.scale_max or 1.0
        for rank, slot in enumerate(self.top, start=1):
            rect = QGraphicsRectItem(slot.hour + 0.04, slot.weekday + 0.06, 0.88, 0.84)
            rect.setPen(QPen(theme.colour("star"), 0.12))
            item.addItem(rect)
            value = self.shade[slot.weekday, slot.hour]
            strong = bool(np.isfinite(value) and value / top > 0.55)
            # Deep blue cells (light theme) and pale cells (dark theme) take the other ink.
            on_light = strong == theme.is_dark()
            text = pg.TextItem(
                str(rank),
                color=theme.INK_ON_PALE if on_light else theme.INK_ON_DEEP,
                anchor=(0.5, 0.5),
            )
            font = _small_font()
            font.setBold(True)
            text.setFont(font)
            text.setPos(slot.hour + 0.46, slot.weekday + 0.48)
            item.addItem(text)
            self._marks += [rect, text]

    # ------------------------------------------------------------------ hover

    def hover_text(self, weekday: int, hour: int) -> str:
        label = f"{DAYS[weekday]} {hour:02d}:00"
        n = int(self.counts[weekday, hour])
        mean = self.values[weekday, hour]
        if n == 0 or not np.isfinite(mean):
            text = f"{label} — no posts in this range"
        else:
            posts = "post" if n == 1 else "posts"
            text = f"{label} — avg {value(self.measure, float(mean))} over {n} {posts}"
        if self.profile is not None:
            b = weekday * 24 + hour
            scored = self.profile.samples[b]
            basis = (
                "no posts of yours yet: typical for the platform"
                if scored == 0
                else f"{scored} {'post' if scored == 1 else 'posts'} in 12 months"
            )
            text += (
                f"\nScore (colour): {value(self.measure, self.profile.scores[b])}, "
                f"{self.profile.confidences[b]} confidence ({basis})"
            )
        for rank, slot in enumerate(self.top, start=1):
            if (slot.weekday, slot.hour) == (weekday, hour):
                text += (
                    f"\nRecommended #{rank}: expected {value(slot.measure, slot.score)}, "
                    f"{slot.confidence} confidence ({slot.samples} posts in 12 months)"
                )
        return text

    def _hover(self, pos: QPointF) -> None:
        point = self.getPlotItem().vb.mapSceneToView(pos)
        hour, weekday = math.floor(point.x()), math.floor(point.y())
        if 0 <= hour < 24 and 0 <= weekday < 7:
            QToolTip.showText(QCursor.pos(), self.hover_text(weekday, hour), self)
        else:
            QToolTip.hideText()


class PlatformBarChart(pg.PlotWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent=parent, background=chart_background())
        self.setObjectName("platformBarChart")
        self.setAccessibleName("Average engagement rate per platform")
        item = _style(self)
        item.showGrid(x=False, y=True, alpha=0.15)
        item.getAxis("left").setLabel("avg engagement rate (%)", color=theme.hex_of("muted"))
        self.setMinimumSize(300, 200)
        self.rates: dict[Platform, float | None] = {}
        self._items: list[object] = []

    def set_data(self, totals: Sequence[PlatformTotals]) -> None:
        item = self.getPlotItem()
        for old in self._items:
            item.removeItem(old)
        self._items = []
        self.rates = {t.platform: t.avg_rate for t in totals}
        xs = list(range(len(totals)))
        heights = [(t.avg_rate or 0.0) * 100 for t in totals]
        bars = pg.BarGraphItem(
            x=xs,
            height=heights,
            width=0.6,
            brushes=[pg.mkBrush(platform_colour(t.platform)) for t in totals],
            pens=[pg.mkPen(None) for _ in totals],
        )
        item.addItem(bars)
        self._items.append(bars)
        top = max(heights, default=0.0) or 1.0
        for x, t, h in zip(xs, totals, heights, strict=True):
            if t.avg_rate is not None:
                label = pct(t.avg_rate)
            else:
                label = "no impressions\nreported" if t.posts else "no posts"
            text = pg.TextItem(label, color=theme.hex_of("body"), anchor=(0.5, 1.0))
            text.setFont(_small_font())
            text.setPos(x, h + top * 0.02)
            item.addItem(text)
            self._items.append(text)
        item.getAxis("bottom").setTicks(
            [[(x, t.platform.label) for x, t in zip(xs, totals, strict=True)]]
        )
        item.setRange(xRange=(-0.6, len(totals) - 0.4), yRange=(0, top * 1.18), padding=0)


class GrowthChart(pg.PlotWidget):
    METRICS = ("engagement", "impressions", "likes", "shares", "comments")

    def __init__(self, parent=None) -> None:
        super().__init__(parent=parent, background=chart_background())
        self.setObjectName("postGrowthChart")
        self.setAccessibleName("Growth of the selected post across checkpoints")
        item = _style(self)
        item.showGrid(x=False, y=True, alpha=0.15)
        item.getAxis("bottom").setTicks([list(enumerate(CHECKPOINT_LABELS))])
        self.legend = item.addLegend(offset=(10, 10), labelTextColor=theme.hex_of("body"))
        self.setMinimumSize(300, 200)
        self.series: dict[Platform, list[float | None]] = {}

    def set_data(
        self, series: dict[Platform, dict[Checkpoint, SnapshotPoint]], metric: str
    ) -> None:
        item = self.getPlotItem()
        item.clear()
        self.legend.clear()
        self.series = {}
        top = 0.0
        for platform, points in series.items():
            values: list[float | None] = []
            for cp in CHECKPOINTS:
                point = points.get(cp)
                raw = None if point is None else getattr(point, metric)
                values.append(None if raw is None else float(raw))  # None: not reported
            self.series[platform] = values
            xs = [i for i, v in enumerate(values) if v is not None]
            ys = [v for v in values if v is not None]
            if not xs:
                continue
            top = max(top, *ys)
            colour = platform_colour(platform)
            item.plot(
                xs,
                ys,
                pen=pg.mkPen(colour, width=2.5),
                symbol="o",
                symbolSize=8,
                symbolBrush=colour,
                symbolPen=pg.mkPen("w"),
                name=platform.label,
            )
        item.getAxis("left").setLabel(metric, color=theme.hex_of("muted"))
        item.setRange(xRange=(-0.3, 3.3), yRange=(0, (top or 1.0) * 1.12), padding=0)
