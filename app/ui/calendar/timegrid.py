"""Week and day views: days as columns, hours as rows in a scroll area, chips placed at their
time; posts whose chips would overlap share the column side by side."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QLocale, QPointF, QRectF, Qt, QTime, Signal
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from app.ui import theme
from app.ui.calendar.base import GridBase
from app.ui.calendar.chips import Chip

GUTTER = 56.0
HOUR_H = 48.0
CHIP_MIN_H = 40.0
SNAP_MIN = 15
HEADER_H = 40.0


class TimeGrid(GridBase):
    TWO_LINES = True

    def __init__(self, days: int, parent=None) -> None:
        super().__init__(parent)
        self.days = days
        self.max_columns = 3 if days > 1 else 6
        self.now_local: datetime | None = None
        self._overflow: list[tuple[QRectF, date, int]] = []
        self.setMinimumHeight(int(HOUR_H * 24))
        self.setMinimumWidth(int(GUTTER + 80 * days))

    def col_width(self) -> float:
        return (self.width() - GUTTER) / max(1, self.days)

    def y_of(self, t: time) -> float:
        return (t.hour + t.minute / 60) * HOUR_H

    def day_of(self, x: float) -> date | None:
        if x < GUTTER:
            return None
        col = min(self.days - 1, int((x - GUTTER) // self.col_width()))
        return self.first_day + timedelta(days=col)

    def time_at(self, y: float) -> time:
        minutes = int(max(0.0, min(24 * 60 - SNAP_MIN, y / HOUR_H * 60)))
        minutes -= minutes % SNAP_MIN
        return time(minutes // 60, minutes % 60)

    # ------------------------------------------------------------ layout

    def layout_chips(self) -> list[Chip]:
        by_day: dict[date, list[Chip]] = defaultdict(list)
        for post in self.posts:
            local = self.local_time(post.id)
            if local is not None:
                by_day[local.date()].append(Chip(post, local, QRectF()))
        chips: list[Chip] = []
        self._overflow = []
        cw = self.col_width()
        for col in range(self.days):
            day = self.first_day + timedelta(days=col)
            items = sorted(by_day.get(day, []), key=lambda c: (c.local, c.post.id))
            left = GUTTER + col * cw
            for cluster in _clusters(items, self.y_of):
                columns: list[float] = []  # bottom edge of the last chip in each column
                placed: list[tuple[Chip, int]] = []
                hidden = 0
                for chip in cluster:
                    top = self.y_of(chip.local.time())
                    slot = next((i for i, b in enumerate(columns) if b <= top), None)
                    if slot is None:
                        slot = len(columns)
                        columns.append(0.0)
                    columns[slot] = top + CHIP_MIN_H
                    if slot >= self.max_columns:
                        hidden += 1
                        continue
                    placed.append((chip, slot))
                n = min(len(columns), self.max_columns)
                width = (cw - 6) / n
                for chip, slot in placed:
                    top = self.y_of(chip.local.time())
                    chip.rect = QRectF(left + 2 + slot * width, top + 1, width - 2, CHIP_MIN_H - 2)
                    chips.append(chip)
                if hidden:
                    top = self.y_of(cluster[0].local.time())
                    rect = QRectF(left + cw - 44, top - 8, 40, 16)
                    self._overflow.append((rect, day, hidden))
        return chips

    def slot_at(self, pos: QPointF) -> datetime | None:
        day = self.day_of(pos.x())
        if day is None:
            return None
        return datetime.combine(day, self.time_at(pos.y()))

    def drop_time(self, post_id: int, pos: QPointF) -> datetime | None:
        return self.slot_at(QPointF(pos.x(), pos.y() - CHIP_MIN_H / 4))

    def drop_hint(self, pos: QPointF) -> tuple[QRectF | None, str]:
        when = self.slot_at(QPointF(pos.x(), pos.y() - CHIP_MIN_H / 4))
        if when is None:
            return None, ""
        col = (when.date() - self.first_day).days
        cw = self.col_width()
        rect = QRectF(GUTTER + col * cw + 2, self.y_of(when.time()), cw - 6, CHIP_MIN_H - 2)
        return rect, f"{when:%H:%M}"

    def step_for(self, key: int) -> timedelta:
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            return timedelta(minutes=SNAP_MIN)
        return timedelta(days=1)

    def handle_click_extra(self, pos: QPointF) -> bool:
        for rect, day, _count in self._overflow:
            if rect.contains(pos):
                self.dayRequested.emit(day)
                return True
        return False

    # ------------------------------------------------------------ painting

    def paint_grid(self, p: QPainter) -> None:
        p.fillRect(self.rect(), theme.colour("surface"))
        cw = self.col_width()
        if self.first_day <= self.today < self.first_day + timedelta(days=self.days):
            col = (self.today - self.first_day).days
            p.fillRect(QRectF(GUTTER + col * cw, 0, cw, self.height()), theme.colour("today_bg"))
        small = QFont(self.font())
        small.setPixelSize(11)
        p.setFont(small)
        locale = QLocale()
        for hour in range(24):
            y = hour * HOUR_H
            p.setPen(theme.colour("line"))
            p.drawLine(QPointF(GUTTER, y), QPointF(self.width(), y))
            p.setPen(theme.colour("hairline"))
            p.drawLine(QPointF(GUTTER, y + HOUR_H / 2), QPointF(self.width(), y + HOUR_H / 2))
            if hour:
                p.setPen(theme.colour("muted"))
                label = locale.toString(QTime(hour, 0), QLocale.FormatType.ShortFormat)
                p.drawText(
                    QRectF(0, y - 8, GUTTER - 8, 16),
                    int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                    label,
                )
        p.setPen(theme.colour("line"))
        for col in range(self.days + 1):
            x = GUTTER + col * cw
            p.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        if self.selected_slot is not None and self.selected_id is None:
            col = (self.selected_slot.date() - self.first_day).days
            if 0 <= col < self.days:
                y = self.y_of(self.selected_slot.time())
                p.fillRect(
                    QRectF(GUTTER + col * cw + 1, y, cw - 2, HOUR_H / 4 * 2),
                    theme.colour("accent_soft"),
                )

    def paint_extra(self, p: QPainter) -> None:
        now = self.now_local
        if now is not None and self.first_day <= now.date() < self.first_day + timedelta(
            days=self.days
        ):
            cw = self.col_width()
            col = (now.date() - self.first_day).days
            y = self.y_of(now.time())
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(theme.colour("now"))
            p.drawEllipse(QPointF(GUTTER + col * cw, y), 4, 4)
            p.fillRect(QRectF(GUTTER + col * cw, y - 1, cw, 2), theme.colour("now"))
        if self._overflow:
            font = QFont(self.font())
            font.setPixelSize(11)
            font.setWeight(QFont.Weight.DemiBold)
            p.setFont(font)
            for rect, _day, count in self._overflow:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(theme.colour("accent_strong"))
                p.drawRoundedRect(rect, 8, 8)
                p.setPen(theme.colour("surface"))
                p.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), f"+{count}")


def _clusters(items: list[Chip], y_of) -> list[list[Chip]]:
    """Runs of chips whose vertical extents overlap (items sorted by time)."""
    out: list[list[Chip]] = []
    bottom = -1.0
    for chip in items:
        top = y_of(chip.local.time())
        if not out or top >= bottom:
            out.append([chip])
            bottom = top + CHIP_MIN_H
        else:
            out[-1].append(chip)
            bottom = max(bottom, top + CHIP_MIN_H)
    return out


class DayHeader(QWidget):
    """Day names and dates above the columns; clicking a date opens that day."""

    dayClicked = Signal(object)

    def __init__(self, grid: TimeGrid, parent=None) -> None:
        super().__init__(parent)
        self.grid = grid
        self.setFixedHeight(int(HEADER_H))
        self.right_margin = 0

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), theme.colour("surface"))
        grid = self.grid
        cw = (self.width() - self.right_margin - GUTTER) / max(1, grid.days)
        locale = QLocale()
        name_font = QFont(self.font())
        name_font.setPixelSize(11)
        num_font = QFont(self.font())
        num_font.setPixelSize(16)
        num_font.setWeight(QFont.Weight.DemiBold)
        for col in range(grid.days):
            day = grid.first_day + timedelta(days=col)
            x = GUTTER + col * cw
            is_today = day == grid.today
            p.setFont(name_font)
            p.setPen(theme.colour("accent") if is_today else theme.colour("muted"))
            name = locale.dayName(day.isoweekday(), QLocale.FormatType.ShortFormat).upper()
            p.drawText(
                QRectF(x + 8, 2, cw - 8, 16),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                name,
            )
            p.setFont(num_font)
            p.setPen(theme.colour("accent") if is_today else theme.colour("strong"))
            p.drawText(
                QRectF(x + 8, 16, cw - 8, 22),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                str(day.day),
            )
        p.setPen(theme.colour("line"))
        p.drawLine(0, self.height() - 1, self.width(), self.height() - 1)
        p.end()

    def mousePressEvent(self, event) -> None:
        grid = self.grid
        cw = (self.width() - self.right_margin - GUTTER) / max(1, grid.days)
        x = event.position().x()
        if x >= GUTTER:
            col = min(grid.days - 1, int((x - GUTTER) // cw))
            self.dayClicked.emit(grid.first_day + timedelta(days=col))


class TimePane(QFrame):
    """Header + scrollable grid, as one page of the calendar's stack."""

    def __init__(self, days: int, name: str, parent=None) -> None:
        super().__init__(parent)
        self.grid = TimeGrid(days)
        self.grid.setObjectName(f"{name}Grid")
        self.header = DayHeader(self.grid)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName(f"{name}Scroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(self.grid)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.scroll_area, 1)
        self.header.right_margin = self.scroll_area.verticalScrollBar().sizeHint().width()

    def scroll_to_hour(self, hour: float) -> None:
        self.scroll_area.verticalScrollBar().setValue(int(hour * HOUR_H))

    def update_header(self) -> None:
        self.header.update()
