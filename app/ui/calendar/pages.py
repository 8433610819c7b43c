"""The calendar's four pages in one stack: month grid, week and day time grids, and the list
of every post. The stack shows one mode at a time, hands the grids what to draw, and forwards
their requests as its own signals (post ids and naive wall times in the zone shown)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from PySide6.QtCore import QPoint, Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

from app.core.posts import PostSummary
from app.ui.calendar.base import GridBase
from app.ui.calendar.listview import PostListView
from app.ui.calendar.month import MonthGrid
from app.ui.calendar.prefetch import Prepared
from app.ui.calendar.timegrid import TimePane

MODES = ("month", "week", "day", "list")


class CalendarPages(QStackedWidget):
    postActivated = Signal(int)
    composeRequested = Signal(object)  # naive wall datetime
    rescheduleRequested = Signal(int, object)  # post id, naive wall datetime
    contextMenuRequested = Signal(object, object, QPoint)  # post id | None, slot | None, global
    dayRequested = Signal(object)  # a date
    deleteRequested = Signal(int)
    notice = Signal(str)
    rangeShown = Signal(str)  # mode: a grid got new posts (the ideas board marks labels)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("calendarStack")
        self.month = MonthGrid()
        self.week = TimePane(7, "week")
        self.day = TimePane(1, "day")
        self.list_view = PostListView(self)
        self.grids: dict[str, GridBase] = {
            "month": self.month,
            "week": self.week.grid,
            "day": self.day.grid,
        }
        self._pages: dict[str, QWidget] = {
            "month": self.month,
            "week": self.week,
            "day": self.day,
            "list": self.list_view,
        }
        for page in self._pages.values():
            self.addWidget(page)
        self.list_view.postActivated.connect(self.postActivated)
        self.list_view.deleteRequested.connect(self.deleteRequested)
        self.list_view.contextMenuRequested.connect(self.contextMenuRequested)
        for grid in self.grids.values():
            grid.postActivated.connect(self.postActivated)
            grid.composeRequested.connect(self.composeRequested)
            grid.rescheduleRequested.connect(self.rescheduleRequested)
            grid.contextMenuRequested.connect(self.contextMenuRequested)
            grid.dayRequested.connect(self.dayRequested)
            grid.deleteRequested.connect(self.deleteRequested)
            grid.notice.connect(self.notice)
        for pane in (self.week, self.day):
            pane.header.dayClicked.connect(self.dayRequested)

    def grid(self, mode: str):
        """The widget that shows posts in `mode` (a grid, or the list)."""
        return self.list_view if mode == "list" else self.grids[mode]

    def show_mode(self, mode: str) -> None:
        self.setCurrentWidget(self._pages[mode])

    def scroll_to_morning(self, mode: str) -> None:
        """A time grid not scrolled yet opens at 07:30, not midnight."""
        if mode in ("week", "day"):
            pane = self.week if mode == "week" else self.day
            if pane.scroll_area.verticalScrollBar().value() == 0:
                pane.scroll_to_hour(7.5)

    def show_range(
        self,
        mode: str,
        posts: Sequence[PostSummary],
        zone: str,
        first: date,
        days: int,
        *,
        anchor: date,
        today: date,
        now_local: datetime,
        empty_text: str,
        prepared: Prepared | None = None,
    ) -> None:
        """Draw `days` days from `first` in a grid; `today` and `now_local` come from the
        view's clock in `zone`."""
        grid = self.grids[mode]
        grid.empty_text = empty_text
        if mode == "month":
            self.month.set_month(anchor)
        else:
            grid.now_local = now_local  # type: ignore[attr-defined]
        grid.set_data(list(posts), zone, first, days, today, prepared=prepared)
        if mode != "month":
            (self.week if mode == "week" else self.day).update_header()
        self.rangeShown.emit(mode)

    def show_list(self, posts: Sequence[PostSummary], zone: str, *, filtered: bool) -> None:
        """Every post (or every match) in the list."""
        empty = (
            self.tr("No posts match — clear the search or the filters")
            if filtered
            else self.tr("No posts yet — click New post to write one")
        )
        self.list_view.set_posts(list(posts), zone, empty)
