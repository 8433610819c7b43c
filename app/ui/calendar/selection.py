"""Selecting several posts in a calendar grid for the bulk actions: Ctrl-click adds or removes
a chip, Shift-click selects every chip from the current one to the clicked one (in time
order), dragging from an empty spot draws a rubber band (Ctrl+band adds), and "Select all in
view" takes every post of the range shown. Mixed into GridBase, which supplies the chips, the
current post (`selected_id`), the grouped chips (`members`) and `selectionChanged`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QRubberBand, QWidget

from app.ui.calendar.chips import Chip


class MultiSelect:
    if TYPE_CHECKING:  # what GridBase provides
        chips: list[Chip]
        selected_id: int | None
        members: dict[int, list[int]]
        selectionChanged: Any

        def __getattr__(self, name: str) -> Any: ...

    def init_selection(self) -> None:
        #: the chips (their lead post ids) marked for a bulk action; holds selected_id too
        self.marked: set[int] = set()
        self._band_origin: QPointF | None = None
        self._band: QRubberBand | None = None
        self._band_adds = False

    # ------------------------------------------------------------ what is selected

    def selected_post_ids(self) -> list[int]:
        """Every post the selection stands for (a grouped chip: all of its posts), in time
        order; just the current post when nothing is marked."""
        marked = self.marked or ({self.selected_id} if self.selected_id is not None else set())
        chips = sorted(self.chips, key=lambda c: (c.local, c.post.id))
        order = {c.post.id: n for n, c in enumerate(chips)}
        out: list[int] = []
        for lead in sorted(marked, key=lambda i: (order.get(i, len(order)), i)):
            out.extend(self.members.get(lead, [lead]))
        return list(dict.fromkeys(out))

    def is_marked(self, post_id: int) -> bool:
        return post_id in self.marked or post_id == self.selected_id

    def mark(self, lead_ids: set[int]) -> None:
        if lead_ids != self.marked:
            self.marked = set(lead_ids)
            self.selectionChanged.emit()
        self.update()

    def select_all_in_view(self) -> None:
        """Every post of the range shown (the month's hidden "+N more" ones too)."""
        self.mark({p.id for p in self.posts})

    def prune_marked(self) -> None:
        """After new data: forget marked posts that are no longer shown."""
        shown = {p.id for p in self.posts}
        if not self.marked <= shown:
            self.mark(self.marked & shown)

    # ------------------------------------------------------------ mouse

    def modified_press(self, event: QMouseEvent, chip: Chip | None) -> bool:
        """Ctrl/Shift-click on a chip changes the selection (True: handled)."""
        mods = event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        if chip is None or event.button() != Qt.MouseButton.LeftButton or not (ctrl or shift):
            return False
        post_id = chip.post.id
        if shift and self.selected_id is not None:
            ordered = [c.post.id for c in sorted(self.chips, key=lambda c: (c.local, c.post.id))]
            if self.selected_id in ordered:
                a, b = sorted((ordered.index(self.selected_id), ordered.index(post_id)))
                span = set(ordered[a : b + 1])
                self.mark(self.marked | span if ctrl else span)
                return True
        marked = set(self.marked or ({self.selected_id} if self.selected_id else set()))
        marked ^= {post_id}
        self.selected_id = post_id if post_id in marked else None
        self.mark(marked)
        return True

    def start_band(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._band_origin = event.position()
            self._band_adds = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        origin = self._band_origin
        if origin is None:
            super().mouseMoveEvent(event)  # type: ignore[misc]  # drag and drop
            return
        pos = event.position()
        if self._band is None:
            if (pos - origin).manhattanLength() < QApplication.startDragDistance():
                return
            self._band = QRubberBand(QRubberBand.Shape.Rectangle, self._as_widget())
            self._band.setObjectName("calendarRubberBand")
        self._band.setGeometry(QRect(origin.toPoint(), pos.toPoint()).normalized())
        self._band.show()

    def finish_band(self) -> bool:
        """Mouse released: the chips under the band are selected (True if there was one)."""
        band, self._band, self._band_origin = self._band, None, None
        if band is None:
            return False
        area = QRectF(band.geometry())
        band.hide()
        band.deleteLater()
        hit = {c.post.id for c in self.chips if c.rect.intersects(area)}
        self.mark(self.marked | hit if self._band_adds else hit)
        if hit and self.selected_id not in self.marked:
            self.selected_id = min(
                hit, key=lambda i: next(c.local for c in self.chips if c.post.id == i)
            )
        return True

    def _as_widget(self) -> QWidget:
        assert isinstance(self, QWidget)
        return self
