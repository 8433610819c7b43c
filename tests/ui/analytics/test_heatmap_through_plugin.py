"""Issue 21 point 8 through the testers' plugin (herald_window, objectNames): in the real main
window, each network's heatmap (heatmapWidget_<NETWORK>) is coloured by the adjusted score the
numbers and the top 3 use, the #1 hour is its deepest cell, and the tooltip gives the sample
count behind the score."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QWidget

from app.core import besttime
from app.platforms.names import Platform
from app.ui.analytics.charts import CELL
from tests.ui.analytics.seed import seed_dashboard


def test_heatmap_colour_is_the_score_in_the_main_window(qtbot, herald_window, herald_context):
    ids = seed_dashboard(herald_context.db, herald_context.clock.now(), "UTC", weeks=6)
    herald_window.reload_workspaces(select_id=ids["workspace"])
    herald_window.show_area("analytics")
    view = herald_window.views["analytics"]
    qtbot.waitUntil(lambda: view.data is not None and view.is_idle(), timeout=20000)
    chart = herald_window.findChild(QWidget, f"heatmapWidget_{Platform.INSTAGRAM.value}")
    assert chart is not None
    qtbot.waitUntil(lambda: bool(chart.top), timeout=5000)
    profile = besttime.profiles(
        herald_context.db, ids["workspace"], [Platform.INSTAGRAM], clock=herald_context.clock
    )[Platform.INSTAGRAM]
    assert np.allclose(chart.shade.ravel(), np.array(profile.scores))
    best = chart.top[0]
    rgba = chart._rgba()[: 7 * CELL, : 24 * CELL, :3].astype(int)
    cell = rgba[best.weekday * CELL + 1, best.hour * CELL + 1].sum()
    assert cell <= rgba.sum(axis=2).min() + 1  # nothing deeper than the recommended hour
    posted = max(range(7 * 24), key=lambda b: profile.samples[b])  # an hour with posts
    assert profile.samples[posted] > 1
    text = chart.hover_text(posted // 24, posted % 24)
    assert "Score (colour):" in text and f"{profile.samples[posted]} posts in 12 months" in text
