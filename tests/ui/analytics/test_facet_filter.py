"""Analytics › Filter (issue 22): accounts and labels narrow the dashboard, as in the calendar."""

from __future__ import annotations

from datetime import UTC

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolButton
from sqlalchemy import select

from app.core.ideas import IdeasService
from app.core.models import Target
from app.platforms.names import Platform
from tests.core.analytics import helpers as h


def test_the_dashboard_follows_the_account_and_label_filter(
    qtbot, herald_window, herald_context, herald_workspace
):
    db = herald_context.db
    ws = herald_workspace.id
    shop = h.account(db, ws, Platform.TWITTER)
    cafe = h.account(db, ws, Platform.TWITTER, handle="cafe")
    day = herald_context.clock.now().replace(hour=0, tzinfo=UTC)  # in the default range
    first = h.measured_post(db, ws, shop, day.replace(day=3), 0.02, 1000)
    h.measured_post(db, ws, cafe, day.replace(day=4), 0.04, 2000)
    ideas = IdeasService(db)
    promo = ideas.add_label(ws, "Promo", "#dc2626")
    with db.session() as s:
        post_id = s.scalar(select(Target.post_id).where(Target.id == first))
    ideas.set_labels(post_id, [promo.id])

    herald_window.show_area("analytics")
    view = herald_window.views["analytics"]
    qtbot.waitUntil(lambda: getattr(view, "data", None) is not None, timeout=10_000)
    assert view.data.summary.published == 2

    button = herald_window.findChild(QToolButton, "analyticsFilterButton")
    menu = button.menu()
    menu.aboutToShow.emit()  # fills it, as opening it does
    menu.findChild(QAction, f"analyticsFilter_label_{promo.id}").setChecked(True)
    assert button.text() == "Filter (1)"
    qtbot.waitUntil(lambda: view.wait_idle() and view.data.summary.published == 1)
    menu.findChild(QAction, f"analyticsFilter_label_{promo.id}").setChecked(False)
    menu.aboutToShow.emit()
    menu.findChild(QAction, f"analyticsFilter_account_{cafe}").setChecked(True)
    qtbot.waitUntil(
        lambda: view.wait_idle() and [p.engagement for p in view.data.summary.top_posts] == [80]
    )
    assert view.data.summary.published == 1
