"""What the month grid and the time grid share: chips, selection, hit-testing, drag and drop
(a QDrag whose mime data carries the post id), keyboard handling and tooltips.

A grid never talks to the database. It shows `PostSummary` values in a zone it is given and
emits signals with post ids and naive wall times in that zone; the CalendarView does the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
)
from PySide6.QtWidgets import QScrollArea, QToolTip, QWidget

from app.core.posts import PostSummary
from app.ui import theme
from app.ui.calendar.chips import Chip, ChipPainter, describe
from app.ui.calendar.dragdrop import MIME_POST, DragAndDrop, mime_for_post, post_id_from_mime
from app.ui.calendar.grouping import group_posts, local_times
from app.ui.calendar.label_marks import paint_label_marks
from app.ui.calendar.prefetch import Prepared
from app.ui.calendar.selection import MultiSelect

__all__ = ["MIME_POST", "UNSET_DAY", "GridBase", "mime_for_post", "post_id_from_mime"]

#: what a grid shows before its first set_data; "today" always comes from the view's clock
UNSET_DAY = date(2000, 1, 3)


class GridBase(MultiSelect, DragAndDrop, QWidget):
    postActivated = Signal(int)  # double-click / Enter on a chip
    composeRequested = Signal(object)  # naive wall datetime of an empty slot
    rescheduleRequested = Signal(int, object)  # post id, naive wall datetime
    contextMenuRequested = Signal(object, object, QPoint)  # post id | None, slot | None, global
    dayRequested = Signal(object)  # a date ("+3 more", day headers)
    deleteRequested = Signal(int)
    notice = Signal(str)  # something to tell the person (status bar)
    selectionChanged = Signal()  # the posts marked for a bulk action (selection.py)

    TWO_LINES = False

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)
        self.setMouseTracking(False)
        self.posts: list[PostSummary] = []
        self.zone = "UTC"
        self.first_day = UNSET_DAY
        self.days = 7
        self.today = UNSET_DAY
        self.chips: list[Chip] = []
        self.selected_id: int | None = None
        self.selected_slot: datetime | None = None
        self.empty_text = ""
        self._press: tuple[QPointF, Chip] | None = None
        self._drop_hint: QRectF | None = None
        self._drop_label = ""
        self._painter = ChipPainter(self.font())
        self._locals: dict[int, datetime] = {}
        self.members: dict[int, list[int]] = {}  # shown post id -> the posts its chip stands for
        self._shown_as: dict[int, int] = {}
        self.init_selection()
        self.label_colours: dict[int, list[str]] = {}  # chip -> its labels' colours
        self.labels_hint: Mapping[int, Any] | None = None  # every post's labels, if read ahead
        self._after_paint: Callable[[], None] | None = None

    # ------------------------------------------------------------ data

    def set_data(
        self,
        posts: list[PostSummary],
        zone: str,
        first_day: date,
        days: int,
        today: date,
        prepared: Prepared | None = None,
    ) -> None:
        self.zone = zone
        self.first_day = first_day
        self.days = days
        self.today = today
        self.labels_hint = None if prepared is None else prepared.labels  # ideas_board marks
        if prepared is not None:  # worked out off the UI thread (prefetch.py), same values
            self._locals = prepared.locals
            self.posts = list(prepared.shown)
            self.members = {lead: list(ids) for lead, ids in prepared.members.items()}
        else:
            self._locals = local_times(posts, zone)
            # A message sent to several networks as separate posts is one chip with every icon.
            self.posts, self.members = group_posts(posts, self._locals)
        self._shown_as = {m: lead for lead, ids in self.members.items() for m in ids}
        if self.selected_id is not None and self.selected_id not in self._locals:
            self.selected_id = None
        self.prune_marked()
        self.relayout()

    def local_time(self, post_id: int) -> datetime | None:
        return self._locals.get(post_id)

    def post(self, post_id: int) -> PostSummary | None:
        return next((p for p in self.posts if p.id == post_id), None)

    def relayout(self) -> None:
        self.chips = self.layout_chips()
        self.update()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.chips = self.layout_chips()

    # ------------------------------------------------------------ for subclasses

    def layout_chips(self) -> list[Chip]:
        raise NotImplementedError

    def slot_at(self, pos: QPointF) -> datetime | None:
        """The naive wall time of the empty slot under `pos` (month: the day at 09:00)."""
        raise NotImplementedError

    def drop_time(self, post_id: int, pos: QPointF) -> datetime | None:
        raise NotImplementedError

    def drop_hint(self, pos: QPointF) -> tuple[QRectF | None, str]:
        return None, ""

    def step_for(self, key: int) -> timedelta:
        """How far Alt+arrow moves the selected post."""
        return timedelta(days=1)

    def paint_grid(self, p: QPainter) -> None:
        raise NotImplementedError

    def paint_extra(self, p: QPainter) -> None:
        """Overflow markers and the like, painted after the chips."""

    # ------------------------------------------------------------ hit testing

    def chip_at(self, pos: QPointF) -> Chip | None:
        for chip in reversed(self.chips):
            if chip.rect.contains(pos):
                return chip
        return None

    def chip_of(self, post_id: int | None) -> Chip | None:
        post_id = self._shown_as.get(post_id, post_id) if post_id is not None else None
        return next((c for c in self.chips if c.post.id == post_id), None)

    def select(self, post_id: int | None) -> None:
        if post_id is not None:
            post_id = self._shown_as.get(post_id, post_id)
        self.mark({post_id} if post_id is not None else set())
        if post_id == self.selected_id:
            return
        self.selected_id = post_id
        chip = self.chip_of(post_id)
        if chip is not None:
            self.setAccessibleDescription(describe(chip.post, chip.local))
            self.ensure_visible(chip.rect)
        self.update()

    def ensure_visible(self, rect: QRectF) -> None:
        area = self._scroll_area()
        if area is not None:
            area.ensureVisible(int(rect.center().x()), int(rect.center().y()), 0, 60)

    def _scroll_area(self) -> QScrollArea | None:
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        return parent

    # ------------------------------------------------------------ painting

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint_grid(p)
        clip = QRectF(event.rect())
        shown = [chip for chip in self.chips if chip.rect.intersects(clip)]
        if self.TWO_LINES:
            for chip in shown:
                self._painter.paint(p, chip, selected=self.is_marked(chip.post.id), two_lines=True)
        else:
            self._painter.paint_lines(p, shown, self.is_marked)
        self.paint_extra(p)
        paint_label_marks(p, self.chips, self.label_colours)
        if self._drop_hint is not None:
            pen = p.pen()
            pen.setColor(theme.colour("accent"))
            pen.setWidthF(2)
            pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.setBrush(theme.with_alpha("accent", 28))
            p.drawRoundedRect(self._drop_hint, 4, 4)
            if self._drop_label:
                p.setPen(theme.colour("accent_strong"))
                p.drawText(
                    self._drop_hint.adjusted(6, 0, -4, 0),
                    int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                    self._drop_label,
                )
        if not self.posts and self.empty_text:
            self.paint_empty(p)
        p.end()
        then, self._after_paint = self._after_paint, None
        if then is not None:
            then()

    def after_next_paint(self, then: Callable[[], None]) -> None:
        """`then()` after the next paint (now if hidden): work that would slow the frame."""
        if not self.isVisible():
            then()
            return
        self._after_paint = then

    def paint_empty(self, p: QPainter) -> None:
        area = self._scroll_area()
        visible = (
            QRectF(area.viewport().rect()).translated(0, area.verticalScrollBar().value())
            if area is not None
            else QRectF(self.rect())
        )
        box = QRectF(0, 0, min(460, visible.width() - 32), 44)
        box.moveCenter(visible.center())
        p.setPen(theme.colour("line"))
        p.setBrush(theme.with_alpha("surface", 235))
        p.drawRoundedRect(box, 8, 8)
        p.setPen(theme.colour("muted"))
        p.drawText(box, int(Qt.AlignmentFlag.AlignCenter), self.empty_text)

    # ------------------------------------------------------------ mouse

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        pos = event.position()
        chip = self.chip_at(pos)
        if self.modified_press(event, chip):  # Ctrl/Shift-click: several posts
            return
        if chip is not None:
            self.select(chip.post.id)
            if event.button() == Qt.MouseButton.LeftButton:
                self._press = (pos, chip)
        else:
            self.select(None)
            self.selected_slot = self.slot_at(pos)
            self.start_band(event)  # a drag from here draws a rubber band
            self.update()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._press = None
        self.finish_band()
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        chip = self.chip_at(event.position())
        if chip is not None:
            self.postActivated.emit(chip.post.id)
            return
        if self.handle_click_extra(event.position()):
            return
        slot = self.slot_at(event.position())
        if slot is not None:
            self.composeRequested.emit(slot)

    def handle_click_extra(self, pos: QPointF) -> bool:
        return False

    def contextMenuEvent(self, event) -> None:
        pos = QPointF(event.pos())
        chip = self.chip_at(pos)
        if chip is not None:
            if not self.is_marked(chip.post.id):  # a chip of the selection keeps it
                self.select(chip.post.id)
            self.contextMenuRequested.emit(chip.post.id, None, event.globalPos())
            return
        slot = self.slot_at(pos)
        if event.reason() == event.Reason.Keyboard and self.selected_id is not None:
            chip = self.chip_of(self.selected_id)
            if chip is not None:
                point = self.mapToGlobal(chip.rect.center().toPoint())
                self.contextMenuRequested.emit(self.selected_id, None, point)
                return
        self.contextMenuRequested.emit(None, slot, event.globalPos())

    def event(self, event) -> bool:
        if event.type() == event.Type.ToolTip:
            help_event = QHelpEvent(event.type(), event.pos(), event.globalPos())
            chip = self.chip_at(QPointF(help_event.pos()))
            if chip is not None:
                QToolTip.showText(help_event.globalPos(), describe(chip.post, chip.local), self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    # ------------------------------------------------------------ keyboard

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        ordered = sorted(self.chips, key=lambda c: (c.local, c.post.id))
        index = next((i for i, c in enumerate(ordered) if c.post.id == self.selected_id), -1)
        arrows = (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down)
        if alt and key in arrows and index >= 0:
            chip = ordered[index]
            if not chip.post.movable:
                self.notice.emit(self.tr("Published posts can't be moved."))
                return
            step = self.step_for(key)
            sign = -1 if key in (Qt.Key.Key_Left, Qt.Key.Key_Up) else 1
            self.rescheduleRequested.emit(chip.post.id, chip.local + sign * step)
        elif key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and ordered:
            delta = 1 if key == Qt.Key.Key_Down else -1
            index = 0 if index < 0 else max(0, min(len(ordered) - 1, index + delta))
            self.select(ordered[index].post.id)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.selected_id is not None:
                self.postActivated.emit(self.selected_id)
            else:
                self.composeRequested.emit(self.selected_slot)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selected_id is not None:
            self.deleteRequested.emit(self.selected_id)
        elif key == Qt.Key.Key_Escape:
            self.select(None)
        else:
            super().keyPressEvent(event)
