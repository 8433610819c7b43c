"""The dashboard's three tabs. Imports pyqtgraph (through charts): built on first show only.

- BestTimesPage (best_times.py): a heatmap card per platform, each with its recommended
  top 3 and their confidence.
- PlatformsPage: bar chart of the mean engagement rate per platform, and the totals table.
- PostsPage: top posts table; the selected post's growth across checkpoints.
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.analytics.aggregates import PlatformTotals, PostReport, SnapshotPoint
from app.core.enums import Checkpoint
from app.core.timeutil import from_utc
from app.platforms.names import Platform
from app.ui import theme
from app.ui.analytics.best_times import BestTimesPage
from app.ui.analytics.charts import (
    CHECKPOINTS,
    GrowthChart,
    PlatformBarChart,
    pct,
)
from app.ui.analytics.data import Dashboard
from app.ui.analytics.fmt import day, number
from app.ui.analytics.parts import card_frame, text_label

__all__ = ["BestTimesPage", "PlatformsPage", "PostsPage", "add_pages", "growth_series"]


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


CHART_MIN_H = 220  # the bars, their labels and the axis stay readable


class PlatformsPage(QWidget):
    HEADERS: ClassVar[list[str]] = [
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
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 8, 0, 0)
        # Scrolls only when the window is too short for the chart and every network's row
        # (e.g. 1024 x 700 with seven networks): nothing is cut, the chart keeps its axis.
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("platformsScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body = QWidget(self.scroll_area)
        self.body.setObjectName("platformsBody")
        self.scroll_area.setWidget(self.body)
        outer.addWidget(self.scroll_area)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        card = card_frame(self.body)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(12, 8, 12, 8)
        inner.addWidget(text_label(self.tr("Average engagement rate per platform"), None, card))
        self.chart = PlatformBarChart(card)
        self.chart.setMinimumHeight(CHART_MIN_H)
        inner.addWidget(self.chart, 1)
        layout.addWidget(card, 3)
        self.table = _table("platformTable", [self.tr(h) for h in self.HEADERS], self.body)
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

    def grab_charts(self) -> QPixmap:
        """The chart and the table, also what is scrolled out of view."""
        return self.body.grab()


# ------------------------------------------------------------------ posts


class PostsPage(QWidget):
    HEADERS: ClassVar[list[str]] = ["Post", "Published", "Engagement", "Impressions"]
    METRICS: ClassVar[list[tuple[str, str]]] = [
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
        lv.addWidget(text_label(self.tr("Top posts by engagement"), None, left))
        self.table = _table("topPostsTable", [self.tr(h) for h in self.HEADERS], left)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(self.HEADERS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._show_selected)
        lv.addWidget(self.table, 1)
        right = card_frame(splitter)
        rv = QVBoxLayout(right)
        rv.setContentsMargins(12, 8, 12, 8)
        rv.setSpacing(8)
        row = QHBoxLayout()
        self.caption = text_label("", None, right)
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
        self.note = text_label("", "small", right)
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
) -> dict[Platform, dict[Checkpoint, SnapshotPoint]]:
    """Per platform, the latest snapshot of each planned checkpoint (manual ones left out)."""
    out: dict[Platform, dict[Checkpoint, SnapshotPoint]] = {}
    for target in report.targets:
        if target.platform not in platforms:
            continue
        points = out.setdefault(target.platform, {})
        for p in target.points:
            if p.checkpoint in CHECKPOINTS:
                points[p.checkpoint] = p
    return out


def add_pages(tabs: QTabWidget) -> dict[str, Any]:
    """The three tabs, added to `tabs`, by key ("best", "platforms", "posts")."""
    pages: dict[str, Any] = {
        "best": BestTimesPage(tabs),
        "platforms": PlatformsPage(tabs),
        "posts": PostsPage(tabs),
    }
    tabs.addTab(pages["best"], theme.icon("fa5s.clock"), tabs.tr("Best times"))
    tabs.addTab(pages["platforms"], theme.icon("fa5s.chart-bar"), tabs.tr("Platforms"))
    tabs.addTab(pages["posts"], theme.icon("fa5s.chart-line"), tabs.tr("Posts"))
    return pages
