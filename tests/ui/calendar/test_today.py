"""Issue 17: the calendar's "today" is the injected clock's date in the workspace's zone, never
the computer's date. Near midnight in a far zone the two disagree by a day; the machine's own
date (whatever it is) plays no part.

The views are built from their services alone (no main window, no AppContext): what they
use comes in through their constructors."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from PySide6.QtWidgets import QDialog

from app.core.clock import FakeClock
from app.core.events import EventHub
from app.core.postquery import PostQuery
from app.core.posts import PostService
from app.core.workspaces import WorkspaceService
from app.ui.analytics.services import AnalyticsServices
from app.ui.analytics.view import AnalyticsView
from app.ui.calendar.services import CalendarServices
from app.ui.calendar.view import CalendarView

CASES = [
    # UTC+14: 10:30 UTC on Monday 5 January is 00:30 on Tuesday the 6th
    ("Pacific/Kiritimati", datetime(2026, 1, 5, 10, 30, tzinfo=UTC), date(2026, 1, 6)),
    # UTC-11: 09:30 UTC on Tuesday 6 January is 22:30 on Monday the 5th
    ("Pacific/Pago_Pago", datetime(2026, 1, 6, 9, 30, tzinfo=UTC), date(2026, 1, 5)),
]


def _no_composer(*_args, **_kwargs) -> QDialog:
    raise AssertionError("the composer is not opened in this test")


def _calendar(qtbot, db, clock) -> CalendarView:
    events = EventHub()
    services = CalendarServices(
        posts=PostService(db, clock, events),
        query=PostQuery(db),
        clock=clock,
        events=events,
        accounts=lambda _workspace_id: [],
        open_composer=_no_composer,
    )
    view = CalendarView(services)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    return view


@pytest.mark.parametrize(("zone", "now", "local_today"), CASES)
def test_calendar_today_is_the_clocks_date_in_the_workspace_zone(qtbot, db, zone, now, local_today):
    clock = FakeClock(now)
    assert now.date() != local_today  # the zone moves "today" across midnight
    workspace = WorkspaceService(db, clock).create("Atoll Bakery", zone)
    view = _calendar(qtbot, db, clock)
    view.set_workspace(workspace)

    assert view.today() == local_today
    assert view.anchor == local_today
    assert view.month.today == local_today  # the month grid highlights this day
    assert view.month.month == local_today.replace(day=1)

    view.set_mode("week")
    assert view.week.grid.today == local_today
    assert view.week.grid.now_local.date() == local_today  # the "now" line
    view.set_mode("day")
    assert view.day.grid.first_day == local_today

    view.step(3)
    view.go_today()  # the T key and the Today button
    assert view.anchor == local_today

    # The clock moves past local midnight: "today" follows it, not the computer's date.
    clock.advance(24 * 3600)
    view.go_today()
    assert view.anchor == date.fromordinal(local_today.toordinal() + 1)


@pytest.mark.parametrize(("zone", "now", "local_today"), CASES)
def test_analytics_default_range_ends_on_the_clocks_today(qtbot, db, zone, now, local_today):
    clock = FakeClock(now)
    workspace = WorkspaceService(db, clock).create("Atoll Bakery", zone)
    view = AnalyticsView(AnalyticsServices(db=db, clock=clock, events=EventHub()))
    qtbot.addWidget(view)
    view.set_workspace(workspace)
    first, last = view.date_range()
    assert last == local_today
    assert (last - first).days == 89  # 90 days, today included
