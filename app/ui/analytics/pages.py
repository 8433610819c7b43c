"""The dashboard's three tabs. Imports pyqtgraph (through charts): built on first show only.

- BestTimesPage: a heatmap card per platform (2 x 2 for all platforms), each with its
  recommended top 3 and their confidence.
- PlatformsPage: bar chart of the mean engagement rate per platform, and the totals table.
- PostsPage: top posts table; the selected post's growth across checkpoints.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.analytics.aggregates import PlatformTotals, PostReport
from app.core.models import Checkpoint
from app.core.timeutil import from_utc
from app.platforms.names import Platform
from app.ui import theme
from app.ui.analytics.charts import (
    CHECKPOINTS,
    GrowthChart,
    HeatmapChart,
    PlatformBarChart,
    heat_scale,
    pct,
)
from app.ui.analytics.charts import (
    DAYS as WEEKDAY_SHORT,
)
from app.ui.analytics.data import Dashboard
from app.ui.analytics.fmt import day, number, value


def _label(text: str = "", role: str | None = None, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    if role:
        label.setProperty("role", role)
    label.setWordWrap(True)
    return label


def _card(parent: QWidget) -> QFrame:
    frame = QFrame(parent)
    frame.setProperty("role", "card")
    return frame


class _Item(QTableWidgetItem):
    """A read-only cell; numbers (given as `value`) are right-aligned."""

    def __init__(self, text: str, value: float | str | None = None) -> None:
        super().__init__(text)
        self.setFlags(self.flags() & ~Qt.ItemFlag.ItemIsEditable)
        if isinstance(value, int | float):
            self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _table(object_name: str, headers: list[str], parent: QWidget) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(object_name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.horizontalHeader().setHighlightSections(False)
    return table


def _impressions_item(owner: QWidget, t: PlatformTotals) -> _Item:
    """The platform's impressions, or "not reported by <platform>" when it refused the
    metric for every measured post (a 0 there would read as "nobody saw it")."""
    if not t.impressions_reported:
        item = _Item(owner.tr("not reported by {platform}").format(platform=t.platform.label))
        item.setToolTip(
            owner.tr("{platform} no longer reports this number to apps.").format(
                platform=t.platform.label
            )
        )
        return item
    return _Item(number(t.impressions), t.impressions)


# ------------------------------------------------------------------ best times


class ColourScale(QWidget):
    """ "0% [light → dark] 6.2%": what the heatmap's colours mean."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.low = _label("0%", "small", self)
        self.bar = QLabel(self)
        self.bar.setPixmap(_gradient(48, 8))
        self.high = _label("", "small", self)
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
        self.best = _label("", "small", self)
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
        self.caption = _label("", "small", self)
        layout.addWidget(self.caption)
        # Scrolls only when the window is too short for the cards (e.g. 1024 x 700).
        self.scroll = QScrollArea(self)
        self.scroll.setObjectName("bestTimesScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body = QWidget(self.scroll)
        self.body.setObjectName("bestTimesBody")
        self.grid = QGridLayout(self.body)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(12)
        self.scroll.setWidget(self.body)
        layout.addWidget(self.scroll, 1)
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

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._reflow()

    def heatmap(self, platform: Platform) -> HeatmapChart:
        return self.panels[platform].chart

    def grab_charts(self) -> QPixmap:
        """Every heatmap card, also those scrolled out of view."""
        return self.body.grab()


# ------------------------------------------------------------------ platforms


class PlatformsPage(QWidget):
    HEADERS = [
        "Platform",
        "Posts",
        "Impressions",
        "Likes",
        "Shares",
        "Comments",
        "Engagement",
        "Avg rate",
    ]

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("platformsPage")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(12)
        card = _card(self)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(12, 8, 12, 8)
        inner.addWidget(_label(self.tr("Average engagement rate per platform"), None, card))
        self.chart = PlatformBarChart(card)
        inner.addWidget(self.chart, 1)
        layout.addWidget(card, 3)
        self.table = _table("platformTable", [self.tr(h) for h in self.HEADERS], self)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.table)

    def set_data(self, data: Dashboard) -> None:
        totals = data.summary.platforms
        self.chart.set_data(totals)
        self.table.setRowCount(len(totals))
        for row, t in enumerate(totals):
            name = _Item(t.platform.label)
            name.setIcon(theme.platform_icon(t.platform.value))
            cells = [
                name,
                _Item(number(t.posts), t.posts),
                _impressions_item(self, t),
                _Item(number(t.likes), t.likes),
                _Item(number(t.shares), t.shares),
                _Item(number(t.comments), t.comments),
                _Item(number(t.engagement), t.engagement),
                _Item(pct(t.avg_rate), t.avg_rate if t.avg_rate is not None else -1.0),
            ]
            for col, cell in enumerate(cells):
                self.table.setItem(row, col, cell)
        # As tall as its rows: the chart gives way, never the numbers.
        rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(
            rows + self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
        )


# ------------------------------------------------------------------ posts


class PostsPage(QWidget):
    HEADERS = ["Post", "Published", "Engagement", "Impressions"]
    METRICS = [
        ("engagement", "Engagement"),
        ("impressions", "Impressions"),
        ("likes", "Likes"),
        ("shares", "Shares"),
        ("comments", "Comments"),
    ]

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("postsPage")
        self.data: Dashboard | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter)
        left = QWidget(splitter)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.setSpacing(8)
        lv.addWidget(_label(self.tr("Top posts by engagement"), None, left))
        self.table = _table("topPostsTable", [self.tr(h) for h in self.HEADERS], left)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(self.HEADERS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._show_selected)
        lv.addWidget(self.table, 1)
        right = _card(splitter)
        rv = QVBoxLayout(right)
        rv.setContentsMargins(12, 8, 12, 8)
        rv.setSpacing(8)
        row = QHBoxLayout()
        self.caption = _label("", None, right)
        row.addWidget(self.caption, 1)
        self.metric_combo = QComboBox(right)
        self.metric_combo.setObjectName("growthMetricCombo")
        self.metric_combo.setAccessibleName(self.tr("Metric shown in the growth chart"))
        for key, label in self.METRICS:
            self.metric_combo.addItem(self.tr(label), key)
        self.metric_combo.currentIndexChanged.connect(self._show_selected)
        row.addWidget(self.metric_combo)
        rv.addLayout(row)
        self.chart = GrowthChart(right)
        rv.addWidget(self.chart, 1)
        self.note = _label("", "small", right)
        rv.addWidget(self.note)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 4)

    def set_data(self, data: Dashboard) -> None:
        self.data = data
        posts = data.summary.top_posts
        zone = data.summary.zone
        selected = self.selected_post()
        self.table.blockSignals(True)
        self.table.setRowCount(len(posts))
        for row, post in enumerate(posts):
            text = " ".join(post.text.split()) or self.tr("(no text)")
            first = _Item(text[:80] + ("…" if len(text) > 80 else ""))
            first.setData(Qt.ItemDataRole.UserRole, post.post_id)
            names = ", ".join(p.label for p in post.platforms)
            first.setToolTip(f"{post.text}\n{names}")
            if post.platforms:
                first.setIcon(theme.platform_icon(post.platforms[0].value))
            when = from_utc(post.first_published_at, zone)
            cells = [
                first,
                _Item(day(when.date()), when.isoformat()),
                _Item(number(post.engagement), post.engagement),
                _Item(number(post.impressions), post.impressions),
            ]
            for col, cell in enumerate(cells):
                self.table.setItem(row, col, cell)
        self.table.blockSignals(False)
        ids = [p.post_id for p in posts]
        self.table.selectRow(ids.index(selected) if selected in ids else 0)
        self._show_selected()

    def selected_post(self) -> int | None:
        items = self.table.selectedItems()
        if not items:
            return None
        first = self.table.item(items[0].row(), 0)
        return None if first is None else first.data(Qt.ItemDataRole.UserRole)

    def _show_selected(self) -> None:
        post_id = self.selected_post()
        report = None if self.data is None or post_id is None else self.data.reports.get(post_id)
        metric = self.metric_combo.currentData() or "engagement"
        if report is None:
            self.chart.set_data({}, metric)
            self.caption.setText(self.tr("Select a post to see how it grew"))
            self.note.setText("")
            return
        shown = set(self.data.shown_platforms) if self.data else set(Platform)
        self.chart.set_data(growth_series(report, shown), metric)
        text = " ".join(report.text.split())
        self.caption.setText(
            self.tr("Growth of “{text}” after publishing").format(
                text=text[:48] + ("…" if len(text) > 48 else "")
            )
        )
        best = report.most_engaged
        self.note.setText(
            self.tr("Most engagement: {platform}").format(platform=best.label) if best else ""
        )


def growth_series(
    report: PostReport, platforms: set[Platform]
) -> dict[Platform, dict[Checkpoint, object]]:
    """Per platform, the latest snapshot of each planned checkpoint (manual ones left out)."""
    out: dict[Platform, dict[Checkpoint, object]] = {}
    for target in report.targets:
        if target.platform not in platforms:
            continue
        points = out.setdefault(target.platform, {})
        for p in target.points:
            if p.checkpoint in CHECKPOINTS:
                points[p.checkpoint] = p
    return out
