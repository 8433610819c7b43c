"""The Best times tab: a heatmap card per platform (2 x 2 for all platforms, one column when
narrow), each with its recommended top 3 and their confidence, and the colour scale."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.platforms.names import Platform
from app.ui import theme
from app.ui.analytics.charts import (
    DAYS as WEEKDAY_SHORT,
)
from app.ui.analytics.charts import (
    HeatmapChart,
    heat_scale,
)
from app.ui.analytics.data import Dashboard
from app.ui.analytics.fmt import value
from app.ui.analytics.parts import text_label


class ColourScale(QWidget):
    """ "0% [light → dark] 6.2%": what the heatmap's colours mean."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.low = text_label("0%", "small", self)
        self.bar = QLabel(self)
        self.bar.setPixmap(_gradient(48, 8))
        self.high = text_label("", "small", self)
        for w in (self.low, self.bar, self.high):
            w.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
            row.addWidget(w)

    def set_max(self, top: float | None, measure: str = "rate") -> None:
        self.setVisible(bool(top))
        self.low.setText("0" if measure == "engagement" else "0%")
        self.high.setText(value(measure, top) if top else "")
        what = (
            self.tr("engagements per post")
            if measure == "engagement"
            else self.tr("engagement rate")
        )
        self.setToolTip(
            (
                self.tr("Darker cells: lower {what}; brighter: up to {top}")
                if theme.is_dark()
                else self.tr("Lighter cells: lower {what}; darker: up to {top}")
            ).format(what=what, top=value(measure, top))
        )


def _gradient(width: int, height: int) -> QPixmap:
    pixmap = QPixmap(width, height)
    painter = QPainter(pixmap)
    gradient = QLinearGradient(0, 0, width, 0)
    low, high, _empty, _gap = heat_scale()
    gradient.setColorAt(0.0, QColor(*(int(v) for v in low)))
    gradient.setColorAt(1.0, QColor(*(int(v) for v in high)))
    painter.fillRect(0, 0, width, height, gradient)
    painter.end()
    return pixmap


class HeatmapPanel(QFrame):
    def __init__(self, platform: Platform, parent: QWidget) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        self.platform = platform
        self.setObjectName(f"heatmapPanel_{platform.value}")
        self.setMinimumHeight(210)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(4)
        header = QHBoxLayout()
        header.setSpacing(8)
        icon = QLabel(self)
        icon.setPixmap(theme.platform_icon(platform.value).pixmap(16, 16))
        icon.setToolTip(platform.label)
        icon.setAccessibleName(platform.label)
        header.addWidget(icon)
        self.title = QLabel(f"<b>{platform.label}</b>", self)
        header.addWidget(self.title)
        self.count = QLabel("", self)
        self.count.setProperty("role", "small")
        header.addWidget(self.count, 1)
        self.scale = ColourScale(self)
        header.addWidget(self.scale)
        layout.addLayout(header)
        self.chart = HeatmapChart(platform, self)
        self.chart.setMinimumHeight(120)
        layout.addWidget(self.chart, 1)
        self.best = text_label("", "small", self)
        self.best.setObjectName(f"bestTimes_{platform.value}")
        self.best.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.best)

    def set_data(self, data: Dashboard) -> None:
        heatmap = data.summary.heatmaps[self.platform]
        profile = data.profiles.get(self.platform)
        top = profile.top(3) if profile else []
        self.chart.set_data(heatmap, top, profile)
        n = heatmap.samples
        self.count.setText(
            (self.tr("1 post") if n == 1 else self.tr("{n} posts").format(n=n))
            if n
            else self.tr("no measured posts in this range")
        )
        self.scale.set_max(self.chart.scale_max if n else None, heatmap.measure)
        if n and heatmap.measure == "engagement":
            self.count.setText(
                self.count.text()
                + " · "
                + self.tr("engagements per post (no impressions reported)")
            )
        parts = []
        for rank, slot in enumerate(top, 1):
            basis = (
                self.tr("no posts yet")
                if slot.samples == 0
                else (
                    self.tr("1 post")
                    if slot.samples == 1
                    else self.tr("{n} posts").format(n=slot.samples)
                )
            )
            parts.append(
                f"<b>{rank}</b>&nbsp;{WEEKDAY_SHORT[slot.weekday]}&nbsp;{slot.hour:02d}:00 "
                f"{value(slot.measure, slot.score)} <i>{slot.confidence}</i>&nbsp;({basis})"
            )
        self.best.setText(self.tr("Best:") + " " + " &nbsp;·&nbsp; ".join(parts) if parts else "")
        self.best.setToolTip(
            self.tr(
                "Herald's recommended hours: expected engagement rate, confidence and the "
                "number of your posts behind each (last 12 months; hours without posts of "
                "yours come from the typical {platform} week)."
            ).format(platform=self.platform.label)
        )


class BestTimesPage(QWidget):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("bestTimesPage")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(8)
        self.caption = text_label("", "small", self)
        layout.addWidget(self.caption)
        # Scrolls only when the window is too short for the cards (e.g. 1024 x 700).
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("bestTimesScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body = QWidget(self.scroll_area)
        self.body.setObjectName("bestTimesBody")
        self.grid = QGridLayout(self.body)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(12)
        self.scroll_area.setWidget(self.body)
        layout.addWidget(self.scroll_area, 1)
        self.panels: dict[Platform, HeatmapPanel] = {}
        self._columns = 0

    def set_data(self, data: Dashboard) -> None:
        shown = data.shown_platforms
        if list(self.panels) != shown:
            for panel in self.panels.values():
                self.grid.removeWidget(panel)
                panel.hide()
                panel.setParent(None)
                panel.deleteLater()
            self.panels = {}
            for platform in shown:
                self.panels[platform] = HeatmapPanel(platform, self.body)
            self._columns = 0
            self._reflow()
        for panel in self.panels.values():
            panel.set_data(data)
        self.caption.setText(
            self.tr(
                "Average engagement rate of the posts published in the range, by hour of the "
                "week ({zone}). Numbered cells are Herald's recommended times; hover a cell for "
                "its numbers."
            ).format(zone=data.summary.zone)
        )

    # Two heatmaps side by side need room for 24 readable hours each; narrower than this they
    # stack in one column (e.g. at 1024 x 700 the hours after 12:00 were cut off).
    TWO_COLUMNS_MIN_WIDTH = 1180

    @property
    def columns(self) -> int:
        if len(self.panels) <= 1:
            return 1
        # the page's own width: in a resize event its scroll area is not laid out yet
        return 2 if self.width() >= self.TWO_COLUMNS_MIN_WIDTH else 1

    def _reflow(self) -> None:
        columns = self.columns
        if columns == getattr(self, "_columns", 0):
            return
        self._columns = columns
        for panel in self.panels.values():
            self.grid.removeWidget(panel)
        for i, panel in enumerate(self.panels.values()):
            self.grid.addWidget(panel, i // columns, i % columns)
            panel.setMinimumHeight(260 if columns == 1 else 0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._reflow()

    def heatmap(self, platform: Platform) -> HeatmapChart:
        return self.panels[platform].chart

    def grab_charts(self) -> QPixmap:
        """Every heatmap card, also those scrolled out of view."""
        return self.body.grab()
