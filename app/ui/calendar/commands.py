"""Undoable calendar actions (QUndoStack): reschedule and delete.

The first action is done before the command is pushed (so a refusal never lands on the
stack); the command's first redo() is then a no-op. A later undo/redo that the service
refuses (the post went out in the meantime) reports through `on_error` and goes obsolete.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QAbstractButton

from app.core.posts import PostError, PostService


class _Command(QUndoCommand):
    def __init__(self, text: str, on_error: Callable[[str], None]) -> None:
        super().__init__(text)
        self._first = True
        self._on_error = on_error

    def _run(self, action: Callable[[], object]) -> None:
        try:
            action()
        except PostError as exc:
            self.setObsolete(True)
            self._on_error(str(exc))

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._run(self.do)

    def undo(self) -> None:
        self._run(self.undo_action)

    def do(self) -> None:
        raise NotImplementedError

    def undo_action(self) -> None:
        raise NotImplementedError


class RescheduleCommand(_Command):
    def __init__(
        self,
        service: PostService,
        post_id: int,
        old: datetime | None,
        new: datetime,
        text: str,
        on_error: Callable[[str], None],
    ) -> None:
        super().__init__(text, on_error)
        self.service = service
        self.post_id = post_id
        self.old = old
        self.new = new

    def do(self) -> None:
        self.service.reschedule(self.post_id, self.new, allow_past=True)

    def undo_action(self) -> None:
        if self.old is None:
            raise PostError("This post had no time before; it stays where it is.")
        self.service.reschedule(self.post_id, self.old, allow_past=True)


class DeleteCommand(_Command):
    def __init__(
        self, service: PostService, post_id: int, text: str, on_error: Callable[[str], None]
    ) -> None:
        super().__init__(text, on_error)
        self.service = service
        self.post_id = post_id

    def do(self) -> None:
        self.service.delete(self.post_id)

    def undo_action(self) -> None:
        self.service.restore(self.post_id)


class UndoHistory(QUndoStack):
    """The calendar's undo stack. After Ctrl+Z the status bar must stop offering Ctrl+Z for
    what was just undone: it says what was undone (and that Ctrl+Shift+Z brings it back)."""

    def __init__(self, notify: Callable[[str], None], parent: QObject) -> None:
        super().__init__(parent)
        self._notify = notify
        self._index = 0
        self.indexChanged.connect(self._on_index)

    def attach(self, undo_button: QAbstractButton, redo_button: QAbstractButton) -> None:
        """Toolbar buttons enabled when there is something to undo / redo."""
        undo_button.clicked.connect(self.undo)
        redo_button.clicked.connect(self.redo)
        undo_button.setEnabled(False)
        redo_button.setEnabled(False)
        self.canUndoChanged.connect(undo_button.setEnabled)
        self.canRedoChanged.connect(redo_button.setEnabled)

    def _on_index(self, index: int) -> None:
        previous, self._index = self._index, index
        if index < previous:
            what = self.text(index)
            self._notify(self.tr("Undone: {what} — Ctrl+Shift+Z to redo.").format(what=what))
