"""Saving and closing the composer (a mixin of `ComposerDialog`): draft, schedule or publish
now through the PostService, the reason shown when it refuses, and the question about
unsaved changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QPlainTextEdit

from app.core.posts import PostDetail, PostError, PostService, SchedulingError
from app.core.timeutil import AmbiguousTimeError, NonexistentTimeError
from app.core.workspaces import WorkspaceInfo
from app.ui.composer import chain
from app.ui.composer.editors import AccountTab
from app.ui.composer.media import MediaStrip
from app.ui.composer.schedule import SchedulePicker

# The dialog these mixins become part of, as the type checker sees it.
if TYPE_CHECKING:
    _Dialog = QDialog
else:
    _Dialog = object


class Saving(_Dialog):
    """What it needs from the dialog (built there):"""

    saved: Signal
    service: PostService
    workspace: WorkspaceInfo
    post: PostDetail | None
    tabs_by_account: dict[int, AccountTab]
    base_edit: QPlainTextEdit
    media: MediaStrip
    schedule: SchedulePicker
    error_label: QLabel
    _timer: QTimer
    _attempted: bool
    _warning_keys: tuple[Any, ...] | None
    _dirty: bool

    if TYPE_CHECKING:  # the other mixins'

        def selected_ids(self) -> list[int]: ...
        def _validate(self) -> None: ...
        def _refusal(self) -> str: ...

    def values(self) -> dict:
        selected = self.selected_ids()
        return {
            "base_text": self.base_edit.toPlainText(),
            "account_ids": selected,
            "overrides": {
                a: self.tabs_by_account[a].override
                for a in selected
                if self.tabs_by_account[a].override is not None
            },
            "media_paths": [m.path for m in self.media.items],
            "media_alt_texts": [m.alt_text for m in self.media.items],
        }

    def save(self, action: str) -> PostDetail | None:
        self._timer.stop()
        if action in ("schedule", "now") and not self._attempted:
            self._attempted = True  # from now on, what is missing is an error
            self._warning_keys = None  # redraw the list
        self._validate()
        if action in ("schedule", "now"):
            refusal = self._refusal()
            if refusal:
                self._show_error(refusal)
                return None
        problem = chain.refusal(self)  # issue 19: a thread's parts
        if problem and action != "draft":
            self._show_error(problem)
            return None
        values = self.values()
        when, problem = self.schedule.resolve()
        if action == "schedule" and problem:
            self._show_error(problem)
            return None
        wall = self.schedule.wall() if when is not None else None
        try:
            if self.post is None:
                detail = self.service.create(
                    self.workspace.id,
                    values["base_text"],
                    values["account_ids"],
                    overrides=values["overrides"],
                    media_paths=values["media_paths"],
                    media_alt_texts=values["media_alt_texts"],
                    scheduled_local=wall,
                    zone=self.schedule.zone,
                    fold=self.schedule.fold,
                    action=action,  # type: ignore[arg-type]
                )
            else:
                detail = self.service.update(
                    self.post.id,
                    values["base_text"],
                    values["account_ids"],
                    overrides=values["overrides"],
                    media_paths=values["media_paths"],
                    media_alt_texts=values["media_alt_texts"],
                    scheduled_local=wall,
                    zone=self.schedule.zone,
                    fold=self.schedule.fold,
                    action=action,  # type: ignore[arg-type]
                )
        except SchedulingError as exc:
            self._show_error("\n".join(exc.messages))
            return None
        except (NonexistentTimeError, AmbiguousTimeError) as exc:
            self._show_error(str(exc))
            return None
        except PostError as exc:
            self._show_error(str(exc))
            return None
        if not chain.store(self, detail.id):  # issue 19: the post is saved, not its thread
            self.post = detail
            return None
        self._dirty = False
        self.post = detail
        self.saved.emit(detail.id)
        self.accept()
        return detail

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    @property
    def dirty(self) -> bool:
        return self._dirty

    def ask_unsaved(self) -> str:
        """'save' | 'discard' | 'cancel'. A separate method so tests can answer it."""
        box = QMessageBox(self)
        box.setObjectName("unsavedChangesBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Unsaved changes"))
        box.setText(self.tr("This post has changes that are not saved."))
        box.setInformativeText(self.tr("Save them as a draft?"))
        save = box.addButton(self.tr("Save draft"), QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton(self.tr("Discard"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        save.setObjectName("unsavedSaveButton")
        discard.setObjectName("unsavedDiscardButton")
        box.setDefaultButton(save)
        box.exec()
        clicked = box.clickedButton()
        if clicked is save:
            return "save"
        if clicked is discard:
            return "discard"
        return "cancel"

    def reject(self) -> None:
        if self._dirty:
            choice = self.ask_unsaved()
            if choice == "cancel":
                return
            if choice == "save":
                self.save("draft")
                return
        self._dirty = False
        super().reject()

    def closeEvent(self, event) -> None:
        if self._dirty:
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)
