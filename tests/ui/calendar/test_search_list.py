from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton, QToolButton

from app.ui.calendar.view import CalendarView
from app.ui.composer import ComposerDialog
from app.ui.main_window import MainWindow
from tests.ui.calendar.helpers import make_context, schedule, setup_workspace

TUE = datetime(2026, 1, 6, 10, 30)


@pytest.fixture
def env(qtbot, db, clock):
    context = make_context(db, clock)
    ws, x, li = setup_workspace(context)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    view = window.views["calendar"]
    assert isinstance(view, CalendarView)
    return context, ws, x, li, window, view


def _month_ids(view):
    return sorted(c.post.id for c in view.month.chips)


def test_search_narrows_calendar_and_list(env, qtbot):
    context, ws, x, li, _window, view = env
    bread = schedule(context, ws.id, [x], TUE, "Fresh sourdough today")
    cake = schedule(context, ws.id, [li], TUE.replace(hour=12), "Carrot cake")
    view.set_mode("month")
    assert _month_ids(view) == sorted([bread, cake])
    search = view.findChild(QLineEdit, "calendarSearchEdit")
    search.setText("SOURDOUGH")
    assert _month_ids(view) == [bread]
    view.findChild(QPushButton, "listViewButton").click()
    assert view.mode == "list"
    assert view.list_view.post_ids() == [bread]
    search.clear()
    assert view.list_view.post_ids() == [bread, cake]


def test_filter_menu_by_network(env, qtbot):
    context, ws, x, li, _window, view = env
    bread = schedule(context, ws.id, [x], TUE, "Bread")
    schedule(context, ws.id, [li], TUE, "Cake")
    button = view.findChild(QToolButton, "calendarFilterButton")
    assert button is not None
    view.filter_menu.aboutToShow.emit()
    action = next(
        a for a in view.filter_menu.actions() if a.objectName() == "filter_platform_TWITTER"
    )
    action.setChecked(True)
    assert _month_ids(view) == [bread]
    assert button.text().endswith("(1)")


def test_list_sorts_and_double_click_opens_composer(env, qtbot):
    context, ws, x, _li, _window, view = env
    late = schedule(context, ws.id, [x], TUE.replace(hour=15), "Afternoon")
    early = schedule(context, ws.id, [x], TUE.replace(hour=8), "Morning")
    view.set_mode("list")
    assert view.list_view.post_ids() == [early, late]
    view.list_view.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert view.list_view.post_ids() == [late, early]
    index = view.list_view.proxy.index(0, 2)
    view.list_view.table.doubleClicked.emit(index)
    dialog = view.findChild(ComposerDialog)
    assert dialog is not None and dialog.post is not None and dialog.post.id == late
    dialog.close()


def test_date_paging_is_off_in_the_list(env):
    _context, _ws, _x, _li, _window, view = env
    view.set_mode("list")
    assert not view.toolbar.prev_button.isEnabled()
    view.set_mode("week")
    assert view.toolbar.prev_button.isEnabled()
