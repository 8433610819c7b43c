"""The analytics area: KPIs, best-time heatmaps, platform comparison and post growth for the
current workspace, filtered by publish date and platform.

Built light: the filters, cards and empty state are plain widgets; the pyqtgraph pages are
created when the view is first shown. Queries and metric refreshes run on a worker thread
(BackgroundJob) and come back through signals; a newer query supersedes an older one.
Reloads when metrics or posts change (EventHub, from any thread), once the view is visible.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, timedelta
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.analytics.aggregates import local_day_start
from app.core.events import METRICS_UPDATED, POSTS_CHANGED, TARGET_PUBLISHED
from app.core.timeutil import from_utc
from app.platforms.names import Platform
from app.ui import theme
from app.ui.analytics import export
from app.ui.analytics.background import BackgroundJob
from app.ui.analytics.data import Dashboard, load_dashboard
from app.ui.analytics.fmt import compact, date_format, day, pct
from app.ui.dates import limit_dates

log = logging.getLogger(__name__)

DEFAULT_DAYS = 90
RELOAD_DELAY_MS = 400
TABS = ("best", "platforms", "posts")


class _Bridge(QObject):
    """Carries EventHub callbacks and refresh progress (any thread) onto the GUI thread."""

    changed = Signal()
    progress = Signal(int, int)


class KpiCard(QFrame):
    def __init__(self, object_name: str, title: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setProperty("role", "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        self.title = QLabel(title, self)
        self.title.setProperty("role", "small")
        self.value = QLabel("—", self)
        self.value.setProperty("role", "title")
        self.value.setObjectName(f"{object_name}Value")
        self.detail = QLabel("", self)
        self.detail.setProperty("role", "small")
        for w in (self.title, self.value, self.detail):
            layout.addWidget(w)

    def set(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        self.setAccessibleName(f"{self.title.text()}: {value}. {detail}")


class AnalyticsView(QWidget):
    """Signals: loaded() after each query's result is shown."""

    loaded = Signal()

    def __init__(self, window) -> None:
        super().__init__(window)
        self.setObjectName("analyticsView")
        self.title = self.tr("Analytics")
        self.main_window = window
        self.context = window.context
        self.workspace = None
        self.zone = "UTC"
        self.data: Dashboard | None = None
        self.pages: dict[str, Any] = {}
        self._dirty = True
        self._range_chosen = False  # the person picked dates: keep them across workspaces
        self._generation = 0
        self._jobs: list[BackgroundJob] = []
        self._refresh_job: BackgroundJob | None = None
        self.last_refresh = None  # the last RefreshResult (None: failed or none yet)
        self.last_refresh_done = False
        self._cancel = threading.Event()
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.reload)
        self._build()
        self._subscribe()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(16, 16, 16, 16)
        root.setSpacing(12)
        self.filters = QWidget(self)
        self.filters.setObjectName("analyticsFilters")
        self.filters.setLayout(self._build_filters())
        self.filters.layout().setContentsMargins(0, 0, 0, 0)
        root.addWidget(self.filters)
        root.addWidget(self._build_refresh_bar())
        # Why some accounts have no numbers (e.g. LinkedIn's restricted read permission).
        self.access_notice = QLabel("", self)
        self.access_notice.setObjectName("analyticsAccessNotice")
        self.access_notice.setWordWrap(True)
        self.access_notice.hide()
        root.addWidget(self.access_notice)
        self.cards = QWidget(self)
        cards = QHBoxLayout(self.cards)
        cards.setContentsMargins(0, 0, 0, 0)
        cards.setSpacing(12)
        self.reach_card = KpiCard("reachCard", self.tr("Reach this week (impressions)"), self)
        self.posts_card = KpiCard("postsCard", self.tr("Posts in range"), self)
        self.best_card = KpiCard("bestPlatformCard", self.tr("Best platform"), self)
        self.engagement_card = KpiCard("engagementCard", self.tr("Engagement in range"), self)
        for card in (self.reach_card, self.posts_card, self.best_card, self.engagement_card):
            cards.addWidget(card, 1)
        root.addWidget(self.cards)
        self.stack = QStackedWidget(self)
        self.empty_page = QWidget(self.stack)
        empty = QVBoxLayout(self.empty_page)
        empty.addStretch(1)
        icon = QLabel(self.empty_page)
        icon.setPixmap(theme.icon("fa5s.chart-bar", "#9ca3af").pixmap(48, 48))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty.addWidget(icon)
        self.empty_label = QLabel(self.tr("Loading analytics…"), self.empty_page)
        self.empty_label.setObjectName("analyticsEmptyLabel")
        self.empty_label.setProperty("role", "empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setMinimumWidth(420)
        self.empty_label.setMaximumWidth(560)
        centred = QHBoxLayout()  # not an alignment flag: word wrap needs the layout's width
        centred.addStretch(1)
        centred.addWidget(self.empty_label, 4)
        centred.addStretch(1)
        empty.addLayout(centred)
        self.retry_button = QPushButton(self.tr("Try again"), self.empty_page)
        self.retry_button.setObjectName("analyticsRetryButton")
        self.retry_button.clicked.connect(self.reload)
        self.retry_button.hide()
        empty.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty.addStretch(2)
        self.stack.addWidget(self.empty_page)
        self.tabs = QTabWidget(self.stack)
        self.tabs.setObjectName("analyticsTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setCornerWidget(self._build_export_buttons(), Qt.Corner.TopRightCorner)
        self.stack.addWidget(self.tabs)
        root.addWidget(self.stack, 1)
        self._set_enabled_actions(False)

    def _build_filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        today = QDate.currentDate()
        fmt = date_format()
        self.date_from = QDateEdit(today.addDays(-DEFAULT_DAYS + 1), self)
        self.date_to = QDateEdit(today, self)
        for edit, name, label in (
            (self.date_from, "dateFromEdit", self.tr("Published from")),
            (self.date_to, "dateToEdit", self.tr("Published until")),
        ):
            limit_dates(edit)
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("ddd " + fmt)  # with the weekday, in the locale's order
            edit.setAccessibleName(label)
            edit.setToolTip(
                self.tr("{label} (only posts published in this range count)").format(label=label)
            )
            edit.dateChanged.connect(self._on_dates)
        row.addWidget(self.date_from)
        dash = QLabel("–", self)
        dash.setAccessibleName(self.tr("to"))
        row.addWidget(dash)
        row.addWidget(self.date_to)
        self.platform_combo = QComboBox(self)
        self.platform_combo.setObjectName("platformFilterCombo")
        self.platform_combo.setAccessibleName(self.tr("Platform"))
        self.platform_combo.setToolTip(self.tr("Show one platform or all of them"))
        self.platform_combo.addItem(theme.icon("fa5s.layer-group"), self.tr("All platforms"), None)
        for p in Platform:
            self.platform_combo.addItem(theme.platform_icon(p.value), p.label, p.value)
        self.platform_combo.currentIndexChanged.connect(lambda _i: self.schedule_reload(0))
        row.addWidget(self.platform_combo)
        row.addStretch(1)
        self.refresh_button = QPushButton(
            theme.icon("fa5s.sync-alt"), self.tr("Refresh metrics"), self
        )
        self.refresh_button.setObjectName("refreshNowButton")
        self.refresh_button.setAccessibleName(self.tr("Refresh metrics now"))
        menu = QMenu(self.refresh_button)
        self.refresh_post_action = QAction(self.tr("Selected post"), menu)
        self.refresh_post_action.setObjectName("refreshPostAction")
        self.refresh_post_action.triggered.connect(self.refresh_selected_post)
        self.refresh_range_action = QAction(self.tr("All posts in this range"), menu)
        self.refresh_range_action.setObjectName("refreshRangeAction")
        self.refresh_range_action.triggered.connect(self.refresh_range)
        menu.addAction(self.refresh_post_action)
        menu.addAction(self.refresh_range_action)
        self.refresh_button.setMenu(menu)
        row.addWidget(self.refresh_button)
        return row

    def _build_export_buttons(self) -> QWidget:
        """Beside the tabs: they export what the current tab shows."""
        box = QWidget(self)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 4)
        row.setSpacing(8)
        self.csv_button = QPushButton(theme.icon("fa5s.file-csv"), self.tr("Export CSV"), box)
        self.csv_button.setObjectName("exportCsvButton")
        self.csv_button.clicked.connect(lambda: self.export_csv())
        row.addWidget(self.csv_button)
        self.png_button = QPushButton(theme.icon("fa5s.image"), self.tr("Export PNG"), box)
        self.png_button.setObjectName("exportPngButton")
        self.png_button.clicked.connect(lambda: self.export_png())
        row.addWidget(self.png_button)
        return box

    def _build_refresh_bar(self) -> QFrame:
        self.refresh_bar = QFrame(self)
        self.refresh_bar.setObjectName("refreshBar")
        self.refresh_bar.setProperty("role", "card")
        row = QHBoxLayout(self.refresh_bar)
        row.setContentsMargins(12, 6, 12, 6)
        row.setSpacing(8)
        self.refresh_label = QLabel("", self.refresh_bar)
        row.addWidget(self.refresh_label)
        self.progress = QProgressBar(self.refresh_bar)
        self.progress.setObjectName("refreshProgress")
        self.progress.setAccessibleName(self.tr("Metrics refresh progress"))
        self.progress.setTextVisible(True)
        row.addWidget(self.progress, 1)
        self.cancel_button = QPushButton(self.tr("Cancel"), self.refresh_bar)
        self.cancel_button.setObjectName("refreshCancelButton")
        self.cancel_button.clicked.connect(self.cancel_refresh)
        row.addWidget(self.cancel_button)
        self.refresh_bar.hide()
        return self.refresh_bar

    def _ensure_pages(self) -> None:
        """Create the chart pages (imports pyqtgraph) the first time they are needed."""
        if self.pages:
            return
        from app.ui.analytics.pages import BestTimesPage, PlatformsPage, PostsPage

        self.pages = {
            "best": BestTimesPage(self.tabs),
            "platforms": PlatformsPage(self.tabs),
            "posts": PostsPage(self.tabs),
        }
        self.tabs.addTab(self.pages["best"], theme.icon("fa5s.clock"), self.tr("Best times"))
        self.tabs.addTab(
            self.pages["platforms"], theme.icon("fa5s.chart-bar"), self.tr("Platforms")
        )
        self.tabs.addTab(self.pages["posts"], theme.icon("fa5s.chart-line"), self.tr("Posts"))
        self.pages["posts"].table.itemSelectionChanged.connect(self._update_actions)

    def _subscribe(self) -> None:
        self._bridge = _Bridge(self)
        self._bridge.changed.connect(lambda: self.schedule_reload())
        self._bridge.progress.connect(self._on_progress)
        bridge = self._bridge
        events = self.context.events
        unsubscribers = [
            events.subscribe(lambda _e: bridge.changed.emit(), kind)
            for kind in (METRICS_UPDATED, POSTS_CHANGED, TARGET_PUBLISHED)
        ]

        def unsubscribe(*_args) -> None:
            for fn in unsubscribers:
                fn()

        self.destroyed.connect(unsubscribe)
        self._unsubscribe = unsubscribe

    # ------------------------------------------------------------------ public

    def set_workspace(self, workspace) -> None:
        self.workspace = workspace
        self.zone = workspace.timezone if workspace is not None else "UTC"
        if not self._range_chosen:
            today = from_utc(self.context.clock.now(), self.zone).date()
            self.set_date_range(today - timedelta(days=DEFAULT_DAYS - 1), today)
        self.data = None
        self._set_enabled_actions(False)
        self.schedule_reload(0)

    def schedule_reload(self, delay_ms: int = RELOAD_DELAY_MS) -> None:
        self._dirty = True
        if self.isVisible():
            self._reload_timer.start(delay_ms)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self._ensure_pages()
        if self._dirty:
            self.reload()

    def selected_platforms(self) -> list[Platform] | None:
        value = self.platform_combo.currentData()
        return [Platform(value)] if value else None

    def date_range(self) -> tuple[date, date]:
        return self.date_from.date().toPython(), self.date_to.date().toPython()

    def reload(self) -> None:
        """Query the dashboard on a worker thread; the newest query wins."""
        if self.workspace is None:
            return
        self._reload_timer.stop()
        self._dirty = False
        self._generation += 1
        generation = self._generation
        first, last = self.date_range()
        start = local_day_start(first, self.zone)
        end = local_day_start(last + timedelta(days=1), self.zone)
        args = (self.context.db, self.context.clock, self.workspace.id, start, end)
        platforms = self.selected_platforms()
        job = BackgroundJob(
            lambda: load_dashboard(*args, platforms), "herald-analytics-query", self
        )
        job.succeeded.connect(lambda data, g=generation: self._apply(g, data))
        job.failed.connect(lambda message, g=generation: self._failed(g, message))
        self._track(job)

    def is_idle(self) -> bool:
        return not self._jobs and not self._reload_timer.isActive()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Join every worker thread (tests; closing). Results still arrive by signal."""
        return all(job.wait(timeout) for job in list(self._jobs))

    def heatmap(self, platform: Platform):
        """The heatmap chart of a platform (after the first load)."""
        return self.pages["best"].heatmap(Platform(platform))

    # ------------------------------------------------------------------ results

    def _track(self, job: BackgroundJob) -> None:
        self._jobs.append(job)

        def done() -> None:
            if job in self._jobs:
                self._jobs.remove(job)
            job.deleteLater()

        job.finished.connect(done)
        job.start()

    def _apply(self, generation: int, data: Dashboard) -> None:
        if generation != self._generation:
            return  # a newer query is on its way
        self.data = data
        self.access_notice.setText("\n".join(data.notices))
        self.access_notice.setVisible(bool(data.notices))
        self._ensure_pages()
        self._show_cards(data)
        summary = data.summary
        nothing_yet = data.ever_published == 0
        self.cards.setVisible(not nothing_yet)
        self.filters.setVisible(not nothing_yet)
        if nothing_yet:
            self._show_empty(
                self.tr("No published posts yet"),
                self.tr(
                    "Once your first post goes out, Herald measures it 1 hour, 6 hours, 1 day "
                    "and 1 week later and shows here what worked, on which platform and at "
                    "what time. Schedule a post from the Calendar to get started."
                ),
            )
        elif summary.published == 0:
            first, last = self.date_range()
            platforms = self.selected_platforms()
            where = (
                self.tr(" on {platform}").format(platform=platforms[0].label) if platforms else ""
            )
            self._show_empty(
                self.tr("Nothing published in this range"),
                self.tr(
                    "No posts were published{where} between {start} and {end}. Widen the date "
                    "range or choose All platforms."
                ).format(where=where, start=day(first), end=day(last)),
            )
        elif not summary.measured:
            self._show_empty(
                self.tr("Not measured yet"),
                self.tr(
                    "{n} posts were published in this range but none has been measured yet. "
                    "Herald fetches their metrics 1 hour after publishing, then at 6 hours, "
                    "1 day and 1 week."
                ).format(n=summary.published),
            )
        else:
            try:
                for page in self.pages.values():
                    page.set_data(data)
            except Exception as exc:  # a bug must not leave the view "loading" for ever
                log.exception("analytics: showing the dashboard failed")
                self._failed(generation, str(exc) or type(exc).__name__)
                return
            self.stack.setCurrentWidget(self.tabs)
        self._set_enabled_actions(True)
        self.loaded.emit()

    def _failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._show_empty(self.tr("Analytics could not be loaded"), message)
        self.retry_button.show()
        self.loaded.emit()

    def _show_empty(self, headline: str, text: str) -> None:
        self.empty_label.setText(
            f"<p style='font-size:18px; font-weight:600; color:#1f2937'>{escape(headline)}</p>"
            f"<p>{escape(text)}</p>"
        )
        self.empty_label.setAccessibleName(f"{headline}. {text}")
        self.retry_button.hide()
        self.stack.setCurrentWidget(self.empty_page)

    def _show_cards(self, data: Dashboard) -> None:
        s = data.summary
        change = s.reach.change
        if change is None:
            detail = self.tr("no posts last week to compare") if s.reach.this_week else ""
        else:
            arrow = "▲" if change >= 0 else "▼"  # the arrow carries the sign: "▼ 8%"
            detail = self.tr("{arrow} {change:.0%} vs last week").format(
                arrow=arrow, change=abs(change)
            )
        self.reach_card.set(compact(s.reach.this_week), detail)
        self.reach_card.setToolTip(
            self.tr(
                "Impressions of the posts published since Monday, compared with the posts "
                "published in the same days of last week"
            )
        )
        self.posts_card.set(
            compact(s.published),
            self.tr("{measured} measured").format(measured=compact(s.measured))
            if s.published
            else self.tr("none in this range"),
        )
        best = next((t for t in s.platforms if t.platform == s.best_platform), None)
        if best is None:
            self.best_card.set("—", self.tr("no measured posts"))
        else:
            self.best_card.set(
                best.platform.label,
                self.tr("{rate} engagement rate").format(rate=pct(best.avg_rate)),
            )
        engagement = sum(t.engagement for t in s.platforms)
        impressions = sum(t.impressions for t in s.platforms)
        self.engagement_card.set(
            compact(engagement),
            self.tr("on {impressions} impressions").format(impressions=compact(impressions)),
        )
        self.engagement_card.setToolTip(self.tr("Likes, shares and comments"))

    def _set_enabled_actions(self, ready: bool) -> None:
        has_data = bool(ready and self.data is not None and self.data.summary.published)
        for button in (self.csv_button, self.png_button):
            button.setEnabled(has_data)
        why = "" if has_data else self.tr("Nothing to export: no published posts in this range")
        self.csv_button.setToolTip(why or self.tr("Save the numbers of the tab you are looking at"))
        self.png_button.setToolTip(why or self.tr("Save the charts of the tab you are looking at"))
        self._update_actions()

    def _update_actions(self) -> None:
        factory = self._collector_factory()
        busy = self._refresh_job is not None
        has_data = bool(self.data is not None and self.data.summary.published)
        self.refresh_button.setEnabled(factory is not None and has_data and not busy)
        if factory is None:
            self.refresh_button.setToolTip(
                self.tr("Metrics can be refreshed while Herald's scheduler is running")
            )
        elif not has_data:
            self.refresh_button.setToolTip(self.tr("No published posts in this range to refresh"))
        else:
            self.refresh_button.setToolTip(
                self.tr("Fetch the latest likes, shares, comments and impressions now")
            )
        self.refresh_post_action.setEnabled(self._selected_post() is not None)

    # ------------------------------------------------------------------ filters

    def _on_dates(self) -> None:
        self._range_chosen = True
        sender = self.sender()
        if self.date_from.date() > self.date_to.date():
            other = self.date_to if sender is self.date_from else self.date_from
            other.blockSignals(True)
            other.setDate((self.date_from if sender is self.date_from else self.date_to).date())
            other.blockSignals(False)
        self.schedule_reload()

    def set_date_range(self, first: date, last: date) -> None:
        for edit, value in ((self.date_from, first), (self.date_to, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(value))
            edit.blockSignals(False)
        self.schedule_reload(0)

    def set_platform(self, platform: Platform | None) -> None:
        index = self.platform_combo.findData(Platform(platform).value if platform else None)
        self.platform_combo.setCurrentIndex(max(0, index))

    # ------------------------------------------------------------------ export

    def current_tab(self) -> str:
        return TABS[max(0, self.tabs.currentIndex())]

    def export_table(self) -> export.Table:
        assert self.data is not None
        tab = self.current_tab()
        if tab == "best":
            return export.best_times(self.data)
        if tab == "platforms":
            return export.platforms(self.data)
        return export.posts(self.data, list(self.data.reports.values()))

    def _default_name(self, suffix: str) -> str:
        first, last = self.date_range()
        name = (self.workspace.name if self.workspace else "herald").lower().replace(" ", "-")
        return f"herald-{name}-{self.current_tab()}-{first:%Y%m%d}-{last:%Y%m%d}.{suffix}"

    def export_csv(self, path: str | Path | None = None) -> Path | None:
        if self.data is None:
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export CSV"), self._default_name("csv"), self.tr("CSV files (*.csv)")
            )
            if not chosen:
                return None
            path = chosen
        export.write_csv(path, self.export_table())
        self._notify(self.tr("Saved {name}").format(name=Path(path).name))
        return Path(path)

    def export_png(self, path: str | Path | None = None) -> Path | None:
        if self.data is None or not self.pages:
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("Export PNG"),
                self._default_name("png"),
                self.tr("PNG images (*.png)"),
            )
            if not chosen:
                return None
            path = chosen
        page = self.pages[self.current_tab()]
        pixmap = page.grab_charts() if hasattr(page, "grab_charts") else page.grab()
        if not pixmap.save(str(path), "PNG"):
            self._notify(self.tr("Could not save {path}").format(path=path))
            return None
        self._notify(self.tr("Saved {name}").format(name=Path(path).name))
        return Path(path)

    def _notify(self, text: str) -> None:
        bar = getattr(self.main_window, "statusBar", None)
        if callable(bar):
            bar().showMessage(text, 5000)

    # ------------------------------------------------------------------ refresh now

    def _collector_factory(self) -> Callable[[], Any] | None:
        factory = getattr(self.context, "metrics_collector", None)
        if callable(factory):
            return factory
        scheduler = getattr(self.main_window, "scheduler", None)
        maintenance = getattr(scheduler, "maintenance", None)
        if maintenance is not None:
            from app.core.analytics.jobs import collector_for

            return lambda: collector_for(maintenance.ctx)
        return None

    def _selected_post(self) -> int | None:
        page = self.pages.get("posts")
        return page.selected_post() if page is not None else None

    def refresh_selected_post(self) -> None:
        post_id = self._selected_post()
        if post_id is not None:
            self.refresh_post(post_id)

    def refresh_post(self, post_id: int) -> None:
        from app.core.analytics.aggregates import per_post

        db = self.context.db
        self._start_refresh(
            lambda: [t.target_id for t in per_post(db, post_id).targets],
            self.tr("Refreshing this post's metrics…"),
        )

    def refresh_range(self) -> None:
        from app.core.analytics.refresh import targets_in_range

        if self.workspace is None:
            return
        first, last = self.date_range()
        args = (
            self.context.db,
            self.workspace.id,
            local_day_start(first, self.zone),
            local_day_start(last + timedelta(days=1), self.zone),
            self.selected_platforms(),
        )
        self._start_refresh(
            lambda: targets_in_range(*args),
            self.tr("Refreshing metrics of the posts in this range…"),
        )

    def _start_refresh(self, targets: Callable[[], list[int]], label: str) -> None:
        factory = self._collector_factory()
        if factory is None or self._refresh_job is not None:
            return
        self._cancel = threading.Event()
        cancel, bridge = self._cancel, self._bridge

        def work():
            collector = factory()
            return collector.refresh_now(
                targets(), lambda done, total: bridge.progress.emit(done, total), cancel
            )

        self.last_refresh_done = False
        self.refresh_label.setText(label)
        self.progress.setRange(0, 0)  # busy until the first progress report
        self.cancel_button.setEnabled(True)
        self.refresh_bar.show()
        job = BackgroundJob(work, "herald-metrics-refresh", self)
        job.succeeded.connect(self._refresh_done)
        job.failed.connect(lambda message: self._refresh_done(None, message))
        self._refresh_job = job
        self._update_actions()
        self._track(job)

    def cancel_refresh(self) -> None:
        self._cancel.set()
        self.cancel_button.setEnabled(False)
        self.refresh_label.setText(self.tr("Cancelling…"))

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(self.tr("%v of %m posts"))

    def _refresh_done(self, result, error: str | None = None) -> None:
        self._refresh_job = None
        self.cancel_button.setEnabled(False)
        if result is None:
            text = self.tr("Refresh failed: {error}").format(error=error)
        elif result.cancelled:
            text = self.tr("Cancelled after {done} of {total} posts").format(
                done=result.done, total=result.total
            )
        elif result.errors:
            text = self.tr("Updated {n} posts; {problems}").format(
                n=result.stored, problems="; ".join(result.errors[:2])
            )
        else:
            text = self.tr("Updated {n} posts").format(n=result.stored)
        self.refresh_label.setText(text)
        self.last_refresh = result
        self.last_refresh_done = True
        QTimer.singleShot(6000, self, self._hide_refresh_bar)
        self._update_actions()
        self.schedule_reload(0)

    def _hide_refresh_bar(self) -> None:
        if self._refresh_job is None:
            self.refresh_bar.hide()
