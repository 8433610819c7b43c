"""The analytics area: KPIs, best-time heatmaps, platform comparison and post growth for the
current workspace, filtered by publish date and platform.

Built light: the filters, cards and empty state are plain widgets; the pyqtgraph pages are
created when the view is first shown. Queries and metric refreshes run on a worker thread
(BackgroundJob) and come back through signals; a newer query supersedes an older one.
Reloads when metrics or posts change (EventHub, from any thread), once the view is visible.

Everything it uses comes in through `AnalyticsServices` (app/ui/views.py builds them); the
default date range ends on the injected clock's today in the workspace's zone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QLabel,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.analytics.aggregates import local_day_start
from app.core.events import METRICS_UPDATED, POSTS_CHANGED, TARGET_PUBLISHED
from app.core.timeutil import from_utc
from app.core.workspaces import WorkspaceInfo
from app.platforms.names import Platform
from app.ui.analytics import export, exporting
from app.ui.analytics.background import BackgroundJob
from app.ui.analytics.cards import KpiCard, KpiCards
from app.ui.analytics.data import Dashboard, load_dashboard
from app.ui.analytics.empty import EmptyState, explain_empty
from app.ui.analytics.exporting import TABS, ExportButtons
from app.ui.analytics.facets import workspace_choices
from app.ui.analytics.filters import AnalyticsFilters
from app.ui.analytics.refresh_bar import RefreshBar, post_targets, range_targets
from app.ui.analytics.services import AnalyticsServices, CollectorFactory
from app.ui.event_bridge import EventBridge
from app.ui.report.button import add_report_button

__all__ = ["AnalyticsView", "KpiCard", "load_dashboard"]

log = logging.getLogger(__name__)

DEFAULT_DAYS = 90
RELOAD_DELAY_MS = 400


class AnalyticsView(QWidget):
    """Signals: loaded() after each query's result is shown."""

    loaded = Signal()

    def __init__(self, services: AnalyticsServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("analyticsView")
        self.title = self.tr("Analytics")
        self.services = services
        self.workspace: WorkspaceInfo | None = None
        self.zone = "UTC"
        self.data: Dashboard | None = None
        self.pages: dict[str, Any] = {}
        self._dirty = True
        self._range_chosen = False  # the person picked dates: keep them across workspaces
        self._generation = 0
        self._jobs: list[BackgroundJob] = []
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.reload)
        self._build()
        self._subscribe()

    @property
    def context(self) -> AnalyticsServices:
        """What the view was given (db, clock, events): the name tests have used."""
        return self.services

    def set_collector_factory(self, factory: CollectorFactory | None) -> None:
        """How "Refresh metrics" reaches the networks (the scheduler's, once it runs)."""
        self.services.collector_factory = factory
        self._update_actions()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(16, 16, 16, 16)
        root.setSpacing(12)
        today = self._today()
        self.filters = bar = AnalyticsFilters(today - timedelta(days=DEFAULT_DAYS - 1), today, self)
        self.date_from, self.date_to = bar.date_from, bar.date_to
        self.platform_combo, self.refresh_button = bar.platform_combo, bar.refresh_button
        self.refresh_post_action = bar.refresh_post_action
        self.refresh_range_action = bar.refresh_range_action
        bar.refresh_post_action.triggered.connect(self.refresh_selected_post)
        bar.refresh_range_action.triggered.connect(self.refresh_range)
        bar.datesChanged.connect(self._on_dates)
        bar.platformChanged.connect(lambda: self.schedule_reload(0))
        bar.facet_source(lambda: workspace_choices(self.services.db, self.workspace))
        root.addWidget(bar)
        self.refresh_bar = RefreshBar(self)
        self.refresh_bar.done.connect(self._refresh_done)
        self.refresh_label, self.progress = self.refresh_bar.label, self.refresh_bar.progress
        self.cancel_button = self.refresh_bar.cancel_button
        root.addWidget(self.refresh_bar)
        # Why some accounts have no numbers (e.g. LinkedIn's restricted read permission).
        self.access_notice = QLabel("", self)
        self.access_notice.setObjectName("analyticsAccessNotice")
        self.access_notice.setWordWrap(True)
        self.access_notice.hide()
        root.addWidget(self.access_notice)
        self.cards = KpiCards(self)
        root.addWidget(self.cards)
        self.stack = QStackedWidget(self)
        self.empty_page = EmptyState(self.stack)
        self.empty_label, self.retry_button = self.empty_page.label, self.empty_page.retry_button
        self.retry_button.clicked.connect(self.reload)
        self.stack.addWidget(self.empty_page)
        self.tabs = QTabWidget(self.stack)
        self.tabs.setObjectName("analyticsTabs")
        self.tabs.setDocumentMode(True)
        self.exports = ExportButtons(self)
        self.csv_button, self.png_button = self.exports.csv_button, self.exports.png_button
        self.report_button = add_report_button(self, self.exports)  # "Client report…" (issue 23)
        self.tabs.setCornerWidget(self.exports, Qt.Corner.TopRightCorner)
        self.stack.addWidget(self.tabs)
        root.addWidget(self.stack, 1)
        self._set_enabled_actions(False)

    def _ensure_pages(self) -> None:
        """Create the chart pages (imports pyqtgraph) the first time they are needed."""
        if not self.pages:
            from app.ui.analytics.pages import add_pages

            self.pages = add_pages(self.tabs)
            self.pages["posts"].table.itemSelectionChanged.connect(self._update_actions)

    def _subscribe(self) -> None:
        kinds = (METRICS_UPDATED, POSTS_CHANGED, TARGET_PUBLISHED)
        bridge = EventBridge(self.services.events, kinds, lambda _e: self.schedule_reload(), self)
        self._bridge, self._unsubscribe = bridge, bridge.unsubscribe

    # ------------------------------------------------------------------ public

    def set_workspace(self, workspace) -> None:
        self.workspace = workspace
        self.zone = workspace.timezone if workspace is not None else "UTC"
        if not self._range_chosen:
            today = self._today()
            self.set_date_range(today - timedelta(days=DEFAULT_DAYS - 1), today)
        self.data = None
        self._set_enabled_actions(False)
        self.schedule_reload(0)

    def _today(self) -> date:
        """The injected clock's date in the workspace's zone."""
        return from_utc(self.services.clock.now(), self.zone).date()

    def schedule_reload(self, delay_ms: int = RELOAD_DELAY_MS) -> None:
        self._dirty = True
        if self.isVisible():
            self._reload_timer.start(delay_ms)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._ensure_pages()
        if self._dirty:
            self.reload()

    def selected_platforms(self) -> list[Platform] | None:
        return self.filters.platforms()

    def date_range(self) -> tuple[date, date]:
        return self.filters.date_range()

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
        args = (self.services.db, self.services.clock, self.workspace.id, start, end)
        platforms = self.selected_platforms()
        facets = self.filters.facets()  # accounts and labels (issue 22)
        job = BackgroundJob(
            lambda: load_dashboard(*args, platforms, **facets), "herald-analytics-query", self
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
        self.cards.show_data(data)
        nothing_yet = data.ever_published == 0
        self.cards.setVisible(not nothing_yet)
        self.filters.setVisible(not nothing_yet)
        first, last = self.date_range()
        why = explain_empty(data, first, last, self.selected_platforms())
        if why is not None:
            self._show_empty(*why)
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
        self._show_empty(self.tr("Analytics could not be loaded"), message, retry=True)
        self.loaded.emit()

    def _show_empty(self, headline: str, text: str, *, retry: bool = False) -> None:
        self.empty_page.say(headline, text, retry=retry)
        self.stack.setCurrentWidget(self.empty_page)

    def _set_enabled_actions(self, ready: bool) -> None:
        self.exports.set_ready(
            bool(ready and self.data is not None and self.data.summary.published)
        )
        self._update_actions()

    def _update_actions(self) -> None:
        self.filters.show_refresh_state(
            can_collect=self.services.collector_factory is not None,
            has_data=bool(self.data is not None and self.data.summary.published),
            busy=self.refresh_bar.busy,
            post_selected=self._selected_post() is not None,
        )

    # ------------------------------------------------------------------ filters

    def _on_dates(self) -> None:
        self._range_chosen = True
        self.schedule_reload()

    def set_date_range(self, first: date, last: date) -> None:
        self.filters.set_date_range(first, last)
        self.schedule_reload(0)

    # ------------------------------------------------------------------ export

    def current_tab(self) -> str:
        return TABS[max(0, self.tabs.currentIndex())]

    def export_table(self) -> export.Table:
        assert self.data is not None
        return exporting.table_of(self.current_tab(), self.data)

    def export_csv(self, path: str | Path | None = None) -> Path | None:
        return self.exports.export_csv(path)

    def export_png(self, path: str | Path | None = None) -> Path | None:
        return self.exports.export_png(path)

    # ------------------------------------------------------------------ refresh now

    @property
    def last_refresh(self) -> Any:
        """The last RefreshResult (None: failed or none yet)."""
        return self.refresh_bar.last_result

    @property
    def last_refresh_done(self) -> bool:
        return self.refresh_bar.last_done

    def _selected_post(self) -> int | None:
        page = self.pages.get("posts")
        return page.selected_post() if page is not None else None

    def refresh_selected_post(self) -> None:
        post_id = self._selected_post()
        if post_id is not None:
            self.refresh_post(post_id)

    def refresh_post(self, post_id: int) -> None:
        db = self.services.db
        self._start_refresh(
            lambda: post_targets(db, post_id), self.tr("Refreshing this post's metrics…")
        )

    def refresh_range(self) -> None:
        if self.workspace is None:
            return
        first, last = self.date_range()
        start, end = (
            local_day_start(first, self.zone),
            local_day_start(last + timedelta(days=1), self.zone),
        )
        args = (self.services.db, self.workspace.id, start, end, self.selected_platforms())
        self._start_refresh(
            lambda: range_targets(*args), self.tr("Refreshing metrics of the posts in this range…")
        )

    def _start_refresh(self, targets: Callable[[], list[int]], label: str) -> None:
        factory = self.services.collector_factory
        if factory is None or self.refresh_bar.busy:
            return
        job = self.refresh_bar.start(factory, targets, label)
        self._update_actions()
        self._track(job)

    def cancel_refresh(self) -> None:
        self.refresh_bar.cancel()

    def _refresh_done(self) -> None:
        self._update_actions()
        self.schedule_reload(0)
