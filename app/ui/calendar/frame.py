"""The calendar's frame while the database opens (issue 20, window first): the calendar's own
toolbar and this month's grid of days, drawn as the month view draws them, without posts.

The main window shows it for the first frame, before SQLAlchemy, the models and the month's
posts are loaded; the real calendar view takes its place in the same event-loop turn as it
is built, so the person sees the month's days at once and its posts a blink later. Nothing
here reads the database or imports a module that does.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QDate, QLocale, QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.core.timeutil import from_utc, is_valid_zone
from app.ui import theme
from app.ui.calendar import ranges
from app.ui.calendar.toolbar import CalendarToolbar

HEADER_H = 28.0  # as app/ui/calendar/month.py


class MonthFrame(QWidget):
    """Six weeks of empty day cells (weekday names, day numbers, today marked)."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarFrameMonth")
        self.setMinimumSize(420, 280)
        self.today = today
        first_weekday = QLocale().firstDayOfWeek().value
        self.first_day, self.days = ranges.visible_range("month", today, first_weekday)
        self.rows = self.days // 7

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        try:
            self._paint(p)
        finally:
            p.end()

    def _paint(self, p: QPainter) -> None:
        p.fillRect(self.rect(), theme.colour("surface"))
        locale = QLocale()
        small = QFont(self.font())
        small.setPixelSize(11)
        small.setWeight(QFont.Weight.DemiBold)
        p.setFont(small)
        w = self.width() / 7
        h = (self.height() - HEADER_H) / self.rows
        p.setPen(theme.colour("muted"))
        for col in range(7):
            day = self.first_day + timedelta(days=col)
            name = locale.dayName(day.isoweekday(), QLocale.FormatType.ShortFormat)
            align = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
            p.drawText(QRectF(col * w + 8, 0, w - 8, HEADER_H), int(align), name.upper())
        number_font = QFont(self.font())
        number_font.setPixelSize(12)
        fm = QFontMetrics(number_font)
        p.setFont(number_font)
        for index in range(self.days):
            day = self.first_day + timedelta(days=index)
            row, col = divmod(index, 7)
            cell = QRectF(col * w, HEADER_H + row * h, w, h)
            outside = day.month != self.today.month
            if outside:
                p.fillRect(cell, theme.colour("outside"))
            label = (
                str(day.day)
                if day.day != 1
                else locale.toString(QDate(day.year, day.month, day.day), "d MMM")
            )
            rect = QRectF(cell.left() + 6, cell.top() + 3, fm.horizontalAdvance(label) + 12, 18)
            if day == self.today:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(theme.colour("accent"))
                p.drawRoundedRect(rect, 9, 9)
                p.setPen(theme.colour("on_accent"))
            else:
                p.setPen(theme.colour("faint") if outside else theme.colour("body"))
            p.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), label)
        p.setPen(theme.colour("line"))
        for row in range(self.rows + 1):
            y = HEADER_H + row * h
            p.drawLine(QPointF(0, y), QPointF(self.width(), y))
        for col in range(1, 7):
            p.drawLine(QPointF(col * w, HEADER_H), QPointF(col * w, self.height()))


class CalendarFrame(QWidget):
    """The calendar page's placeholder: the real toolbar (month view, the workspace's zone,
    this month's title) over this month's empty grid."""

    def __init__(self, zone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarFrame")
        zone = zone if is_valid_zone(zone) else "UTC"
        today = from_utc(datetime.now(UTC), zone).date()
        self.toolbar = tb = CalendarToolbar(self)
        tb.view_buttons["month"].setChecked(True)
        tb.zone_combo.setCurrentText(zone)
        tb.jump_edit.setDate(QDate(today.year, today.month, today.day))
        tb.undo_button.setEnabled(False)  # as the calendar's, with nothing to undo yet
        tb.redo_button.setEnabled(False)
        # Unknown until the database is open; the calendar shows it when there are drafts, so
        # the frame never shows a button that then vanishes.
        tb.drafts_button.setVisible(False)
        self.month = MonthFrame(today, self)
        tb.range_label.setText(ranges.range_title("month", today, self.month.first_day))
        layout = QVBoxLayout(self)
        # Where the calendar's toolbar and grid will be: below the checklist's row (12 px even
        # when it is hidden) and the attention area's spacing (8 px); measured on screenshots.
        layout.setContentsMargins(0, 12, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(tb)
        layout.addSpacing(8)
        layout.addWidget(self.month, 1)
