"""What the calendar does to one post: move it (drag, Alt+arrow, with a question when the wall
time falls in a DST gap or fold), delete, duplicate, publish now, retry, all undoable where it
makes sense, and the right-click menu that offers them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from app.core.enums import TargetStatus
from app.core.posts import PostError, SchedulingError
from app.core.timeutil import AmbiguousTimeError, NonexistentTimeError, from_utc, to_utc
from app.ui import theme
from app.ui.calendar.commands import DeleteCommand, RescheduleCommand

if TYPE_CHECKING:
    from app.ui.calendar.view import CalendarView


def ask_dst(parent: QWidget, exc: Exception) -> datetime | None:
    """A wall time in a DST gap or fold: ask which instant is meant (None: cancelled)."""
    box = QMessageBox(parent)
    box.setObjectName("dstQuestionBox")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(box.tr("Daylight saving time"))
    choices: dict[object, datetime] = {}
    if isinstance(exc, NonexistentTimeError):
        box.setText(
            box.tr("{t} doesn't exist on {day} in {zone}: the clocks skip ahead.").format(
                t=f"{exc.wall:%H:%M}", day=f"{exc.wall:%a %d %b}", zone=exc.zone
            )
        )
        use = box.addButton(
            box.tr("Use {t}").format(t=f"{exc.next_valid:%H:%M}"),
            QMessageBox.ButtonRole.AcceptRole,
        )
        choices[use] = to_utc(exc.next_valid, exc.zone, 0)
    elif isinstance(exc, AmbiguousTimeError):
        box.setText(
            box.tr("{t} happens twice on {day} in {zone}. Which one?").format(
                t=f"{exc.wall:%H:%M}", day=f"{exc.wall:%a %d %b}", zone=exc.zone
            )
        )
        for label, instant in ((box.tr("First"), exc.first), (box.tr("Second"), exc.second)):
            abbr = from_utc(instant, exc.zone).tzname()
            button = box.addButton(
                f"{label}: {exc.wall:%H:%M} {abbr}", QMessageBox.ButtonRole.AcceptRole
            )
            choices[button] = instant
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return choices.get(box.clickedButton())


class PostActions(QObject):
    """Carries out the calendar's requests about one post through its PostService."""

    def __init__(self, view: CalendarView) -> None:
        super().__init__(view)
        self.view = view
        self.service = view.service

    def notify(self, text: str) -> None:
        self.view.notify(text)

    # ------------------------------------------------------------ moving and deleting

    def reschedule_to_wall(self, post_id: int, wall: datetime) -> bool:
        try:
            new_utc = to_utc(wall, self.view.zone)
        except (NonexistentTimeError, AmbiguousTimeError) as exc:
            chosen = ask_dst(self.view, exc)
            if chosen is None:
                return False
            new_utc = chosen
        return self.reschedule(post_id, new_utc)

    def reschedule(self, post_id: int, new_utc: datetime) -> bool:
        if self.view.ideas.owns(post_id):  # a card of the ideas board: scheduled there
            return self.view.ideas.schedule(post_id, new_utc)
        try:
            old = self.service.reschedule(post_id, new_utc)
        except PostError as exc:
            self.notify(str(exc))
            return False
        when = f"{from_utc(new_utc, self.view.zone):%a %d %b %H:%M}"
        command = RescheduleCommand(
            self.service,
            post_id,
            old,
            new_utc,
            self.tr("Move post to {when}").format(when=when),
            self.notify,
        )
        self.view.undo_stack.push(command)
        self.notify(self.tr("Post moved to {when} — Ctrl+Z to undo.").format(when=when))
        self.view.reload_all()
        return True

    def delete_post(self, post_id: int) -> bool:
        try:
            self.service.delete(post_id)
        except PostError as exc:
            self.notify(str(exc))
            return False
        self.view.undo_stack.push(
            DeleteCommand(self.service, post_id, self.tr("Delete post"), self.notify)
        )
        self.notify(self.tr("Post deleted — Ctrl+Z to undo."))
        self.view.reload_all()
        return True

    def duplicate(self, post_id: int) -> None:
        try:
            copy = self.service.duplicate(post_id)
        except PostError as exc:
            self.notify(str(exc))
            return
        self.notify(self.tr("Duplicated as a draft."))
        self.view.edit_post(copy.id)

    def publish_now(self, post_id: int) -> None:
        try:
            self.service.publish_now(post_id)
        except SchedulingError as exc:
            self.notify(self.tr("Can't publish yet: {why}").format(why="; ".join(exc.messages)))
            return
        except PostError as exc:
            self.notify(str(exc))
            return
        self.notify(self.tr("Publishing now."))

    # ------------------------------------------------------------ context menu

    def popup_menu(self, post_id: int | None, slot: datetime | None, at: QPoint) -> None:
        menu = self.build_context_menu(post_id, slot)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(at)

    def build_context_menu(self, post_id: int | None, slot: datetime | None) -> QMenu:
        view = self.view
        menu = QMenu(view)
        menu.setObjectName("calendarContextMenu")
        menu.setToolTipsVisible(True)

        def add(name: str, text: str, slot_fn, icon: str | None = None) -> QAction:
            action = QAction(text, menu)
            action.setObjectName(name)
            if icon:
                action.setIcon(theme.icon(icon))
            action.triggered.connect(slot_fn)
            menu.addAction(action)
            return action

        if post_id is None:
            add(
                "composeHereAction",
                self.tr("New post here…"),
                lambda: view.compose(slot),
                "fa5s.plus",
            )
            view.bulk.select_all_action(menu)
            return menu
        view.bulk.add_to_menu(menu)  # several posts selected: what to do to all of them
        try:
            post = self.service.get(post_id)
        except PostError:
            return menu
        add(
            "editAction",
            self.tr("Open…") if not post.editable else self.tr("Edit…"),
            lambda: view.edit_post(post_id),
            "fa5s.pen",
        )
        add("duplicateAction", self.tr("Duplicate"), lambda: self.duplicate(post_id), "fa5s.copy")
        view.ideas.add_labels_menu(menu, post_id)  # labels (colours) on any post (issue 22)
        menu.addSeparator()
        now = add(
            "publishNowAction",
            self.tr("Publish now"),
            lambda: self.publish_now(post_id),
            "fa5s.paper-plane",
        )
        pending = [t for t in post.targets if t.status != TargetStatus.PUBLISHED]
        busy = any(t.status == TargetStatus.IN_FLIGHT for t in post.targets)
        if not pending or busy or not post.targets:
            now.setEnabled(False)
            now.setToolTip(
                self.tr("It is being published right now.")
                if busy
                else self.tr("Nothing left to publish.")
            )
        retry = add(
            "retryFailedAction",
            self.tr("Retry failed"),
            lambda: view.problems.retry(post_id),
            "fa5s.redo",
        )
        if not any(t.status == TargetStatus.FAILED for t in post.targets):
            retry.setEnabled(False)
            retry.setToolTip(self.tr("No account failed for this post."))
        published = [t for t in post.targets if t.external_url]
        if not published:
            action = add(
                "openPublishedAction",
                self.tr("Open published post"),
                lambda: None,
                "fa5s.external-link-alt",
            )
            action.setEnabled(False)
            action.setToolTip(self.tr("This post has not been published yet."))
        for t in published:
            add(
                "openPublishedAction",
                self.tr("Open on {name}").format(name=t.platform.label),
                lambda _=False, u=t.external_url: view.open_url(u),
                "fa5s.external-link-alt",
            )
        menu.addSeparator()
        delete = add(
            "deleteAction", self.tr("Delete"), lambda: self.delete_post(post_id), "fa5s.trash-alt"
        )
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        if busy:
            delete.setEnabled(False)
            delete.setToolTip(self.tr("It is being published right now."))
        return menu
