"""Issue 21 point 8: the heatmap's colours show the adjusted score (the same score as the
numbers and the top 3), and the tooltip gives the sample count behind it."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QWidget

from app.core import besttime
from app.platforms.names import Platform
from app.ui.analytics.charts import CELL
from tests.ui.analytics.test_dashboard import clock, open_view, seeded  # noqa: F401


def test_colours_follow_the_score_and_the_top_hour_is_the_darkest(qtbot, db, clock, seeded):  # noqa: F811
    view = open_view(qtbot, db, clock, seeded["workspace"])
    for platform in Platform:
        chart = view.findChild(QWidget, f"heatmapWidget_{platform.value}")
        profile = besttime.profiles(db, seeded["workspace"], [platform], clock=clock)[platform]
        assert np.allclose(chart.shade.ravel(), np.array(profile.scores))
        best = chart.top[0]
        assert chart.shade[best.weekday, best.hour] == chart.scale_max  # #1 is the darkest
        rgba = chart._rgba()
        cell = CELL
        darkest = rgba[best.weekday * cell + 1, best.hour * cell + 1, :3].astype(int).sum()
        everything = rgba[: 7 * cell, : 24 * cell, :3].astype(int)
        # no cell is darker than the recommended one (gaps between cells are white)
        assert darkest <= everything.sum(axis=2).min() + 1


def test_tooltip_has_the_score_and_its_sample_count(qtbot, db, clock, seeded):  # noqa: F811
    view = open_view(qtbot, db, clock, seeded["workspace"])
    chart = view.heatmap(Platform.INSTAGRAM)
    best = chart.top[0]
    text = chart.hover_text(best.weekday, best.hour)
    assert "Score (colour):" in text
    assert f"{best.samples} posts in 12 months" in text or "no posts of yours yet" in text


def test_heatmaps_stack_in_one_column_when_narrow(qtbot, db, clock, seeded):  # noqa: F811
    view = open_view(qtbot, db, clock, seeded["workspace"])
    page = view.findChild(QWidget, "bestTimesPage")
    host = view.window()
    host.resize(1600, 900)
    qtbot.waitUntil(lambda: page.columns == 2)
    x, ig = view.heatmap(Platform.TWITTER), view.heatmap(Platform.INSTAGRAM)
    qtbot.waitUntil(lambda: x.parentWidget().y() == ig.parentWidget().y())  # side by side
    host.resize(1000, 700)
    qtbot.waitUntil(lambda: page.columns == 1)
    qtbot.waitUntil(lambda: ig.parentWidget().y() > x.parentWidget().y())  # stacked
    assert x.parentWidget().width() > 600  # the full width: all 24 hours readable
