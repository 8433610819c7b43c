"""One undo step for a whole bulk action (app.core.bulk): Ctrl+Z reverts every post it
changed in one transaction, Ctrl+Shift+Z does it again. Posts changed elsewhere in the
meantime are left as they are, and the status bar says how many."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from app.core.bulk import BulkResult, BulkService


def _t(text: str) -> str:
    return QCoreApplication.translate("Calendar", text)


def left_alone(result: BulkResult) -> str:
    """What a bulk step did not touch, in words ("" when it touched everything asked)."""
    parts = []
    if result.conflicts:
        parts.append(
            _t("{n} changed elsewhere since you selected them and stay as they are").format(
                n=len(result.conflicts)
            )
        )
    if result.stayed:
        parts.append(_t("{n} could not change").format(n=len(result.stayed)))
    return "; ".join(parts)


class BulkCommand(QUndoCommand):
    """The action was done before the push (so a refusal never lands on the stack); the
    first redo() is a no-op."""

    def __init__(
        self,
        service: BulkService,
        result: BulkResult,
        text: str,
        on_report: Callable[[str], None],
    ) -> None:
        super().__init__(text)
        self.service = service
        self.result = result
        self._first = True
        self._report = on_report

    @property
    def post_ids(self) -> list[int]:
        return [c.post_id for c in self.result.changed]

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._revert()

    def undo(self) -> None:
        self._revert()

    def _revert(self) -> None:
        self.result = self.service.revert(self.result)
        note = left_alone(self.result)
        if note:
            self._report(_t("{what}: {note}.").format(what=self.text(), note=note))
        if not self.result.changed:
            self.setObsolete(True)
