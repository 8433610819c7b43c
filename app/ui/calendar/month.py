"""Month view: six weeks of day cells, each with as many one-line chips as fit and a
"+N more" link that opens the day."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, QLocale, QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter

from app.core.posts import PostSummary
from app.ui import theme
from app.ui.calendar.base import UNSET_DAY, GridBase
from app.ui.calendar.chips import Chip

HEADER_H = 28.0
DAY_LABEL_H = 24.0
CHIP_H = 20.0
CHIP_GAP = 3.0
MORE_H = 16.0
PAD = 4.0


class MonthGrid(GridBase):
    TWO_LINES = False

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("monthGrid")
        self.setAccessibleName(self.tr("Month calendar"))
        self.month = UNSET_DAY.replace(day=1)
        self.selected_day: date | None = None
        self._more: list[tuple[QRectF, date, int]] = []
        self.setMinimumSize(420, 280)

    def set_month(self, month: date) -> None:
        self.month = month.replace(day=1)

    # ------------------------------------------------------------ geometry

    @property
    def rows(self) -> int:
        return max(1, self.days // 7)

    def cell_rect(self, index: int) -> QRectF:
        w = self.width() / 7
        h = (self.height() - HEADER_H) / self.rows
        row, col = divmod(index, 7)
        return QRectF(col * w, HEADER_H + row * h, w, h)

    def day_at(self, pos: QPointF) -> date | None:
        if pos.y() < HEADER_H or not self.rect().contains(pos.toPoint()):
            return None
        w = self.width() / 7
        h = (self.height() - HEADER_H) / self.rows
        col = min(6, int(pos.x() // w))
        row = min(self.rows - 1, int((pos.y() - HEADER_H) // h))
        return self.first_day + timedelta(days=row * 7 + col)

    def layout_chips(self) -> list[Chip]:
        by_day: dict[date, list[tuple[datetime, int, PostSummary]]] = defaultdict(list)
        for post in self.posts:
            local = self.local_time(post.id)
            if local is not None:
                by_day[local.date()].append((local, post.id, post))
        chips: list[Chip] = []
        self._more = []
        for index in range(self.days):
            day = self.first_day + timedelta(days=index)
            items = by_day.get(day)
            if not items:
                continue
            items.sort(key=lambda item: (item[0], item[1]))
            cell = self.cell_rect(index)
            room = cell.height() - DAY_LABEL_H - PAD
            fits = max(0, int((room + CHIP_GAP) // (CHIP_H + CHIP_GAP)))
            more_in_header = False
            if len(items) > fits:
                below = max(0, int((room - MORE_H + CHIP_GAP) // (CHIP_H + CHIP_GAP)))
                # Short rows (a 1024x700 window): "+N more" beside the day number rather
                # than a cell with no post at all.
                more_in_header = below < fits
                fits = fits if more_in_header else below
            # Keep the selected post visible even when its day overflows.
            shown = items[:fits]
            if self.selected_id is not None and fits:
                sel = next((i for i in items[fits:] if i[1] == self.selected_id), None)
                if sel is not None:
                    shown = [*items[: fits - 1], sel]
            y = cell.top() + DAY_LABEL_H
            for local, _post_id, post in shown:
                rect = QRectF(cell.left() + PAD, y, cell.width() - 2 * PAD, CHIP_H)
                chips.append(Chip(post, local, rect))
                y += CHIP_H + CHIP_GAP
            hidden = len(items) - len(shown)
            if hidden and more_in_header:
                width = min(64.0, cell.width() / 2)  # the right half; the day number is left
                top = cell.top() + (DAY_LABEL_H - MORE_H) / 2 + 2
                rect = QRectF(cell.right() - PAD - width, top, width, MORE_H)
                self._more.append((rect, day, hidden))
            elif hidden:
                rect = QRectF(cell.left() + PAD, y, cell.width() - 2 * PAD, MORE_H)
                self._more.append((rect, day, hidden))
        return chips

    def slot_at(self, pos: QPointF) -> datetime | None:
        day = self.day_at(pos)
        if day is None:
            return None
        self.selected_day = day
        return datetime.combine(day, time(9, 0))

    def drop_time(self, post_id: int, pos: QPointF) -> datetime | None:
        day = self.day_at(pos)
        local = self.local_time(post_id)
        if day is None:
            return None
        return datetime.combine(day, local.time() if local else time(9, 0))

    def drop_hint(self, pos: QPointF) -> tuple[QRectF | None, str]:
        day = self.day_at(pos)
        if day is None:
            return None, ""
        index = (day - self.first_day).days
        return self.cell_rect(index).adjusted(2, 2, -2, -2), ""

    def step_for(self, key: int) -> timedelta:
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            return timedelta(days=7)
        return timedelta(days=1)

    def handle_click_extra(self, pos: QPointF) -> bool:
        for rect, day, _count in self._more:
            if rect.contains(pos):
                self.dayRequested.emit(day)
                return True
        return False

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.handle_click_extra(
            event.position()
        ):
            return
        super().mousePressEvent(event)

    # ------------------------------------------------------------ painting

    def paint_grid(self, p: QPainter) -> None:
        p.fillRect(self.rect(), theme.colour("surface"))
        locale = QLocale()
        small = QFont(self.font())
        small.setPixelSize(11)
        small.setWeight(QFont.Weight.DemiBold)
        p.setFont(small)
        w = self.width() / 7
        for col in range(7):
            day = self.first_day + timedelta(days=col)
            name = locale.dayName(day.isoweekday(), QLocale.FormatType.ShortFormat)
            p.setPen(theme.colour("muted"))
            p.drawText(
                QRectF(col * w + 8, 0, w - 8, HEADER_H),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                name.upper(),
            )
        number_font = QFont(self.font())
        number_font.setPixelSize(12)
        fm = QFontMetrics(number_font)
        p.setFont(number_font)
        for index in range(self.days):
            day = self.first_day + timedelta(days=index)
            cell = self.cell_rect(index)
            if day.month != self.month.month:
                p.fillRect(cell, theme.colour("outside"))
            if day == self.selected_day and self.selected_id is None:
                p.fillRect(cell, theme.colour("accent_soft"))
            label = (
                str(day.day)
                if day.day != 1
                else locale.toString(QDate(day.year, day.month, day.day), "d MMM")
            )
            label_rect = QRectF(
                cell.left() + 6, cell.top() + 3, fm.horizontalAdvance(label) + 12, 18
            )
            if day == self.today:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(theme.colour("accent"))
                p.drawRoundedRect(label_rect, 9, 9)
                p.setPen(theme.colour("on_accent"))
            else:
                p.setPen(
                    theme.colour("faint") if day.month != self.month.month else theme.colour("body")
                )
            p.drawText(label_rect, int(Qt.AlignmentFlag.AlignCenter), label)
        p.setPen(theme.colour("line"))
        for row in range(self.rows + 1):
            y = HEADER_H + row * (self.height() - HEADER_H) / self.rows
            p.drawLine(QPointF(0, y), QPointF(self.width(), y))
        for col in range(1, 7):
            p.drawLine(QPointF(col * w, HEADER_H), QPointF(col * w, self.height()))

    def paint_extra(self, p: QPainter) -> None:
        if not self._more:
            return
        font = QFont(self.font())
        font.setPixelSize(11)
        font.setWeight(QFont.Weight.DemiBold)
        p.setFont(font)
        p.setPen(theme.colour("accent_strong"))
        for rect, _day, count in self._more:
            p.drawText(
                rect.adjusted(4, 0, 0, 0),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                self.tr("+%n more", "", count),
            )
