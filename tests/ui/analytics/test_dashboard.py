"""The analytics dashboard offscreen: what it draws equals the core aggregates."""

from __future__ import annotations

import csv
import math
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QPushButton, QWidget

from app.core import besttime
from app.core.analytics import aggregates
from app.core.analytics.aggregates import local_day_start
from app.core.analytics.collector import MetricsCollector
from app.core.appcontext import AppContext
from app.core.clock import FakeClock
from app.core.models import Checkpoint
from app.core.workspaces import WorkspaceInfo
from app.platforms.names import Platform
from tests.core.analytics import helpers as h
from tests.ui.analytics.seed import seed_dashboard

NOW = datetime(2026, 3, 18, 15, tzinfo=UTC)
ZONE = "Europe/London"


class Host(QMainWindow):
    """The bits of the main window the view uses."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def seeded(db, clock):
    return seed_dashboard(db, clock.now(), ZONE, weeks=6)


def open_view(qtbot, db, clock, workspace_id, **context_extra):
    from app.ui.analytics import create_view

    context = AppContext(db=db, clock=clock)
    for key, value in context_extra.items():
        setattr(context, key, value)
    host = Host(context)
    qtbot.addWidget(host)
    view = create_view(host)
    host.setCentralWidget(view)
    host.resize(1280, 860)
    view.set_workspace(WorkspaceInfo(workspace_id, "Corner Bakery", ZONE))
    with qtbot.waitSignal(view.loaded, timeout=20000):
        host.show()
    qtbot.waitUntil(view.is_idle, timeout=20000)
    return view


def wait_loaded(qtbot, view, action):
    with qtbot.waitSignal(view.loaded, timeout=20000):
        action()
    qtbot.waitUntil(view.is_idle, timeout=20000)


def view_range(view):
    first, last = view.date_range()
    return local_day_start(first, ZONE), local_day_start(last + timedelta(days=1), ZONE)


def test_heatmap_values_equal_the_core_aggregate(qtbot, db, clock, seeded):
    view = open_view(qtbot, db, clock, seeded["workspace"])
    assert view.objectName() == "analyticsView"
    start, end = view_range(view)
    for platform in Platform:
        chart = view.findChild(QWidget, f"heatmapWidget_{platform.value}")
        assert chart is view.heatmap(platform)
        core = aggregates.heatmap(db, seeded["workspace"], platform, start, end)
        assert core.samples > 50
        for b in range(168):
            drawn = chart.values[b // 24, b % 24]
            if core.means[b] is None:
                assert math.isnan(drawn)
            else:
                assert drawn == pytest.approx(core.means[b], rel=1e-12)
            assert chart.counts[b // 24, b % 24] == core.counts[b]
        # the top 3 marks are the recommender's
        expected = besttime.recommend(db, seeded["workspace"], platform, clock=clock)
        assert [(s.weekday, s.hour) for s in chart.top] == [(s.weekday, s.hour) for s in expected]
        legend = view.findChild(QLabel, f"bestTimes_{platform.value}").text()
        assert all(s.confidence in legend for s in expected)


def test_hover_text_shows_average_and_count(qtbot, db, clock, seeded):
    view = open_view(qtbot, db, clock, seeded["workspace"])
    chart = view.heatmap(Platform.INSTAGRAM)
    start, end = view_range(view)
    core = aggregates.heatmap(db, seeded["workspace"], Platform.INSTAGRAM, start, end)
    b = max(range(168), key=lambda i: core.counts[i])
    text = chart.hover_text(b // 24, b % 24)
    day = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[b // 24]
    assert text.startswith(f"{day} {b % 24:02d}:00 — avg {core.means[b] * 100:.1f}% over ")
    assert f"over {core.counts[b]} post" in text
    assert "no posts" in chart.hover_text(0, 3)
    top = chart.top[0]
    assert "Recommended #1" in chart.hover_text(top.weekday, top.hour)
    assert top.confidence in chart.hover_text(top.weekday, top.hour)


def test_platform_filter_and_bar_chart(qtbot, db, clock, seeded):
    view = open_view(qtbot, db, clock, seeded["workspace"])
    bars = view.findChild(QWidget, "platformBarChart")
    totals = aggregates.platform_totals(
        db, aggregates.Scope(seeded["workspace"], *view_range(view))
    )
    assert bars.rates == {t.platform: t.avg_rate for t in totals}
    combo = view.findChild(QWidget, "platformFilterCombo")
    wait_loaded(qtbot, view, lambda: combo.setCurrentIndex(combo.findData("LINKEDIN")))
    assert list(view.pages["best"].panels) == [Platform.LINKEDIN]
    assert view.findChild(QWidget, "heatmapWidget_TWITTER") is None
    assert list(bars.rates) == [Platform.LINKEDIN]
    assert view.data.summary.published == totals[2].posts


def test_date_range_filters_and_explains_an_empty_range(qtbot, db, clock, seeded):
    view = open_view(qtbot, db, clock, seeded["workspace"])
    everything = view.data.summary.published
    last_week = NOW.date() - timedelta(days=6)
    wait_loaded(qtbot, view, lambda: view.set_date_range(last_week, NOW.date()))
    assert 0 < view.data.summary.published < everything
    empty = view.findChild(QLabel, "analyticsEmptyLabel")
    assert not empty.isVisible()
    wait_loaded(qtbot, view, lambda: view.set_date_range(date(2020, 1, 1), date(2020, 1, 31)))
    assert empty.isVisible()
    assert "No posts were published between" in empty.text()
    assert not view.findChild(QPushButton, "exportCsvButton").isEnabled()
    assert view.findChild(QPushButton, "exportCsvButton").toolTip().startswith("Nothing to export")


def test_empty_workspace_says_what_is_missing(qtbot, db, clock):
    ws = h.workspace(db, name="Corner Bakery", zone=ZONE)
    view = open_view(qtbot, db, clock, ws)
    empty = view.findChild(QLabel, "analyticsEmptyLabel")
    assert empty.isVisible()
    assert "No published posts yet" in empty.text()
    assert not view.findChild(QWidget, "reachCard").isVisible()
    refresh = view.findChild(QPushButton, "refreshNowButton")
    assert not refresh.isEnabled() and refresh.toolTip()


def test_published_but_not_measured_yet(qtbot, db, clock):
    ws = h.workspace(db, name="Corner Bakery", zone=ZONE)
    acc = h.account(db, ws, Platform.TWITTER)
    h.publish(db, ws, acc, NOW - timedelta(minutes=20))
    view = open_view(qtbot, db, clock, ws)
    empty = view.findChild(QLabel, "analyticsEmptyLabel")
    assert empty.isVisible() and "none has been measured yet" in empty.text()


def test_growth_chart_follows_the_selected_post(qtbot, db, clock, seeded):
    view = open_view(qtbot, db, clock, seeded["workspace"])
    view.tabs.setCurrentIndex(2)
    page = view.pages["posts"]
    top = view.data.summary.top_posts
    assert page.table.rowCount() == len(top) == 10
    page.table.selectRow(1)
    post_id = page.selected_post()
    assert post_id == top[1].post_id
    report = aggregates.per_post(db, post_id)
    chart = view.findChild(QWidget, "postGrowthChart")
    target = report.targets[0]
    by_cp = {p.checkpoint: p.engagement for p in target.points}
    expected = [
        by_cp.get(cp) for cp in (Checkpoint.H1, Checkpoint.H6, Checkpoint.H24, Checkpoint.D7)
    ]
    assert chart.series[target.platform] == [None if v is None else float(v) for v in expected]
    combo = view.findChild(QWidget, "growthMetricCombo")
    combo.setCurrentIndex(combo.findData("impressions"))
    by_cp = {p.checkpoint: float(p.impressions) for p in target.points}
    assert chart.series[target.platform][0] == by_cp[Checkpoint.H1]


def test_export_csv_and_png(qtbot, db, clock, seeded, tmp_path):
    view = open_view(qtbot, db, clock, seeded["workspace"])
    start, end = view_range(view)
    path = view.export_csv(tmp_path / "best.csv")
    with path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(Platform) * 168
    core = aggregates.heatmap(db, seeded["workspace"], Platform.FACEBOOK, start, end)
    fb = [r for r in rows if r["platform"] == "FACEBOOK"]
    for b in range(168):
        assert int(fb[b]["posts"]) == core.counts[b]
        if core.means[b] is not None:
            assert float(fb[b]["average"]) == pytest.approx(core.means[b], abs=1e-6)
            assert fb[b]["measure"] == "rate"
    ranked = sorted((r for r in fb if r["recommended_rank"]), key=lambda r: r["recommended_rank"])
    assert [r["recommended_rank"] for r in ranked] == ["1", "2", "3"]
    assert all(r["confidence"] in ("low", "medium", "high") for r in ranked)

    view.tabs.setCurrentIndex(1)
    with view.export_csv(tmp_path / "platforms.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["platform"] for r in rows] == [p.value for p in Platform]
    assert sum(int(r["posts"]) for r in rows) == view.data.summary.published

    view.tabs.setCurrentIndex(2)
    with view.export_csv(tmp_path / "posts.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert {int(r["post_id"]) for r in rows} == {p.post_id for p in view.data.summary.top_posts}

    for index in range(3):
        view.tabs.setCurrentIndex(index)
        png = view.export_png(tmp_path / f"tab{index}.png")
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_refresh_range_shows_progress_and_can_be_cancelled(qtbot, db, clock, seeded):
    adapter = h.FakeAdapter(metrics_batch_size=5)
    started = []

    def factory():
        started.append(1)
        return MetricsCollector(db, clock, lambda _a: (adapter, h.ref(Platform.TWITTER)))

    view = open_view(qtbot, db, clock, seeded["workspace"], metrics_collector=factory)
    button = view.findChild(QPushButton, "refreshNowButton")
    assert button.isEnabled()
    progress = view.findChild(QProgressBar, "refreshProgress")
    wait_loaded(
        qtbot, view, lambda: view.set_date_range(NOW.date() - timedelta(days=2), NOW.date())
    )
    view.refresh_range()
    assert view.refresh_bar.isVisible() and not button.isEnabled()
    qtbot.waitUntil(lambda: view.last_refresh_done, timeout=20000)
    result = view.last_refresh
    assert result.total == view.data.summary.published and result.stored == result.total
    assert progress.maximum() == result.total and progress.value() == result.total
    assert "Updated" in view.refresh_label.text()
    qtbot.waitUntil(view.is_idle, timeout=20000)

    # cancelling: the adapter blocks until the test has pressed Cancel
    import threading

    gate = threading.Event()
    first_call = threading.Event()

    class Slow(h.FakeAdapter):
        def fetch_metrics(self, account, ids):
            first_call.set()
            gate.wait(10)
            return super().fetch_metrics(account, ids)

    adapter = Slow(metrics_batch_size=1)
    wait_loaded(
        qtbot, view, lambda: view.set_date_range(NOW.date() - timedelta(days=20), NOW.date())
    )
    view.refresh_range()
    qtbot.waitUntil(first_call.is_set, timeout=10000)
    qtbot.mouseClick(view.findChild(QPushButton, "refreshCancelButton"), qtbot_left())
    gate.set()
    qtbot.waitUntil(lambda: view.last_refresh_done, timeout=20000)
    assert view.last_refresh.cancelled
    assert view.last_refresh.stored == 1
    assert "Cancelled" in view.refresh_label.text()
    qtbot.waitUntil(view.is_idle, timeout=20000)


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_refresh_selected_post(qtbot, db, clock, seeded):
    adapter = h.FakeAdapter()
    view = open_view(
        qtbot,
        db,
        clock,
        seeded["workspace"],
        metrics_collector=lambda: MetricsCollector(
            db, clock, lambda _a: (adapter, h.ref(Platform.TWITTER))
        ),
    )
    view.tabs.setCurrentIndex(2)
    post_id = view.pages["posts"].selected_post()
    assert view.refresh_post_action.isEnabled()
    view.refresh_post_action.trigger()
    qtbot.waitUntil(lambda: view.last_refresh_done, timeout=20000)
    assert view.last_refresh.stored == 1
    report = aggregates.per_post(db, post_id)
    assert report.targets[0].latest.checkpoint == Checkpoint.MANUAL
    qtbot.waitUntil(view.is_idle, timeout=20000)


def test_reloads_when_metrics_change(qtbot, db, clock):
    from app.core.events import METRICS_UPDATED

    ws = h.workspace(db, name="Corner Bakery", zone=ZONE)
    acc = h.account(db, ws, Platform.TWITTER)
    view = open_view(qtbot, db, clock, ws)
    assert view.data.summary.published == 0
    h.measured_post(db, ws, acc, NOW - timedelta(days=2), 0.05)
    wait_loaded(qtbot, view, lambda: view.context.events.publish(METRICS_UPDATED, target_ids=[1]))
    assert view.data.summary.published == 1


def test_main_window_does_not_import_pyqtgraph_at_start(tmp_path):
    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM']='offscreen';"
        "from PySide6.QtWidgets import QApplication; app=QApplication([]);"
        "from app.core.db import open_database; from app.core.appcontext import AppContext;"
        "from app.ui.main_window import MainWindow;"
        f"ctx=AppContext(db=open_database('sqlite:///{tmp_path}/h.db')); w=MainWindow(ctx);"
        "assert type(w.views['analytics']).__name__ == 'AnalyticsView', type(w.views['analytics']);"
        "print('pyqtgraph' in sys.modules)"
    )
    env = {"PATH": "/usr/bin:/bin", "HERALD_DATA_DIR": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"


def test_a_failed_query_says_so_and_offers_retry(qtbot, db, clock, seeded, monkeypatch):
    from app.ui.analytics import view as view_module

    real = view_module.load_dashboard

    def broken(*args, **kwargs):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(view_module, "load_dashboard", broken)
    view = open_view(qtbot, db, clock, seeded["workspace"])
    empty = view.findChild(QLabel, "analyticsEmptyLabel")
    retry = view.findChild(QPushButton, "analyticsRetryButton")
    assert "could not be loaded" in empty.text() and "database is locked" in empty.text()
    assert retry.isVisible()
    monkeypatch.setattr(view_module, "load_dashboard", real)
    wait_loaded(qtbot, view, retry.click)
    assert not retry.isVisible() and view.data.summary.published > 0
