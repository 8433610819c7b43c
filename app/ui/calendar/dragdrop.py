"""Drag and drop in the calendar grids: a chip is dragged as a QDrag whose mime data carries
the post id; the grid under the pointer shows where it would land (autoscrolling near the
edges) and asks to reschedule it there. Mixed into GridBase, which supplies the geometry
(`drop_hint`, `drop_time`), the chips and the signals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QByteArray, QMimeData, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QMouseEvent,
    QPainter,
    QPixmap,
)
from PySide6.QtWidgets import QApplication

from app.ui.calendar.chips import Chip

MIME_POST = "application/x-herald-post-id"


def post_id_from_mime(mime: QMimeData) -> int | None:
    if not mime.hasFormat(MIME_POST):
        return None
    try:
        return int(bytes(mime.data(MIME_POST).data()).decode("ascii"))
    except ValueError:
        return None


def mime_for_post(post_id: int) -> QMimeData:
    mime = QMimeData()
    mime.setData(MIME_POST, QByteArray(str(post_id).encode("ascii")))
    return mime


class DragAndDrop:
    """The drag side (mouseMoveEvent after a press on a chip) and the drop side."""

    if TYPE_CHECKING:  # what GridBase provides
        _press: tuple[QPointF, Chip] | None
        _drop_hint: QRectF | None
        _drop_label: str
        _painter: Any
        TWO_LINES: bool
        notice: Any
        rescheduleRequested: Any

        def __getattr__(self, name: str) -> Any: ...

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None or not (event.buttons() & Qt.MouseButton.LeftButton):
            return
        start, chip = self._press
        if (event.position() - start).manhattanLength() < QApplication.startDragDistance():
            return
        self._press = None
        if not chip.post.movable:
            self.notice.emit(self.tr("Published posts can't be moved."))
            return
        drag = QDrag(cast(QObject, self))  # a mixin of GridBase, a QWidget
        drag.setMimeData(mime_for_post(chip.post.id))
        drag.setPixmap(self._chip_pixmap(chip))
        drag.setHotSpot((start - chip.rect.topLeft()).toPoint())
        drag.exec(Qt.DropAction.MoveAction)

    def _chip_pixmap(self, chip: Chip) -> QPixmap:
        ratio = self.devicePixelRatioF()
        size = chip.rect.size().toSize()
        pix = QPixmap(size * ratio)
        pix.setDevicePixelRatio(ratio)
        pix.fill(Qt.GlobalColor.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        moved = Chip(chip.post, chip.local, QRectF(QPointF(0, 0), chip.rect.size()))
        self._painter.paint(p, moved, selected=True, two_lines=self.TWO_LINES)
        p.end()
        return pix

    # ------------------------------------------------------------ drop

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if post_id_from_mime(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if post_id_from_mime(event.mimeData()) is None:
            event.ignore()
            return
        pos = event.position()
        self._autoscroll(pos)
        self._drop_hint, self._drop_label = self.drop_hint(pos)
        self.update()
        if self._drop_hint is None:
            event.ignore()
        else:
            event.acceptProposedAction()

    def dragLeaveEvent(self, event) -> None:
        self._drop_hint = None
        self.update()

    def dropEvent(self, event: QDropEvent) -> None:
        self._drop_hint = None
        self.update()
        post_id = post_id_from_mime(event.mimeData())
        if post_id is None:
            event.ignore()
            return
        when = self.drop_time(post_id, event.position())
        if when is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.select(post_id)
        if when != self.local_time(post_id):
            self.rescheduleRequested.emit(post_id, when)

    def _autoscroll(self, pos: QPointF) -> None:
        area = self._scroll_area()
        if area is None:
            return
        bar = area.verticalScrollBar()
        top = bar.value()
        bottom = top + area.viewport().height()
        if pos.y() < top + 24:
            bar.setValue(bar.value() - 12)
        elif pos.y() > bottom - 24:
            bar.setValue(bar.value() + 12)
