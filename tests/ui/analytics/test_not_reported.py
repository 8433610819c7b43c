"""Issue 15.1 in Analytics: a platform that refused the views metric for every measured post
shows "not reported by Facebook", not a 0 that reads as "nobody saw it"."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QWidget

from app.core.models import Checkpoint
from app.platforms.names import Platform
from tests.core.analytics import helpers as h
from tests.ui.analytics.test_dashboard import ZONE, open_view


def _row(table, label: str) -> int:
    for row in range(table.rowCount()):
        if table.item(row, 0).text() == label:
            return row
    found = [table.item(r, 0).text() for r in range(table.rowCount())]
    raise AssertionError(f"no row for {label}: {found}")


def test_unreported_views_say_so(qtbot, db, clock):
    ws = h.workspace(db, name="Corner Bakery", zone=ZONE)
    fb = h.account(db, ws, Platform.FACEBOOK)
    x = h.account(db, ws, Platform.TWITTER)
    when = clock.now() - timedelta(days=2)
    _post, (fb_target, x_target) = h.publish(db, ws, [fb, x], when)
    h.snapshot(db, fb_target, Checkpoint.H24, likes=7, comments=2, shares=1, impressions=None)
    h.snapshot(db, x_target, Checkpoint.H24, likes=3, impressions=250)

    view = open_view(qtbot, db, clock, ws)
    view.tabs.setCurrentIndex(1)
    table = view.pages["platforms"].table
    assert table.item(_row(table, "Facebook"), 2).text() == "not reported by Facebook"
    assert table.item(_row(table, "Facebook"), 3).text() == "7"
    assert table.item(_row(table, "X"), 2).text() == "250"

    # The growth chart of the post leaves the missing number out instead of failing.
    view.tabs.setCurrentIndex(2)
    combo = view.findChild(QWidget, "growthMetricCombo")
    combo.setCurrentIndex(combo.findData("impressions"))
    chart = view.findChild(QWidget, "postGrowthChart")
    assert chart.series[Platform.FACEBOOK] == [None, None, None, None]
