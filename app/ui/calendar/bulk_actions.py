"""Bulk actions in the calendar (issue 22): the posts selected in the month, week, day grid
or the list are moved by N days or to another week, put into their queues, duplicated or
deleted, after a confirmation that says exactly what will happen. Each action is one
transaction (app.core.bulk) and ONE undo step on the calendar's undo stack."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMenu

from app.core.bulk import BulkItem, BulkResult, BulkService
from app.core.timeutil import from_utc
from app.ui import theme
from app.ui.calendar.bulk_command import BulkCommand, left_alone
from app.ui.calendar.bulk_dialogs import (
    BulkAccountsDialog,
    BulkMoveDialog,
    ConfirmDialog,
    days_text,
    stays_clause,
)
from app.ui.calendar.selection_bar import SelectionBar

if TYPE_CHECKING:
    from app.ui.calendar.view import CalendarView

D = TypeVar("D", bound=QDialog)


class BulkActions(QObject):
    def __init__(self, view: CalendarView) -> None:
        super().__init__(view)
        self.view = view
        posts = view.service
        self.service = BulkService(posts.db, posts.clock, posts.events)
        #: the question open right now (tests answer it through its objectNames)
        self.dialog: QDialog | None = None
        self.bar = SelectionBar(view)
        bar = self.bar
        bar.move_button.clicked.connect(self.move)
        bar.queue_button.clicked.connect(self.queue)
        bar.accounts_button.clicked.connect(self.change_accounts)
        bar.duplicate_button.clicked.connect(self.duplicate)
        bar.delete_button.clicked.connect(self.delete)
        bar.select_all_button.clicked.connect(self.select_all)
        bar.clear_button.clicked.connect(self.clear)

    def watch(self) -> None:
        """Follow the selection of every page (called once the pages exist)."""
        for grid in self.view.grids.values():
            grid.selectionChanged.connect(self.refresh)
        self.view.list_view.selectionChanged.connect(self.refresh)
        self.view.stack.currentChanged.connect(lambda _index: self.refresh())

    # ------------------------------------------------------------ the selection

    def selected_ids(self) -> list[int]:
        page = self.view.current_grid()
        if page is self.view.list_view:
            return list(page.selected_ids())
        return list(page.selected_post_ids())

    def refresh(self) -> None:
        self.bar.show_count(len(self.selected_ids()))

    def select_all(self) -> None:
        page = self.view.current_grid()
        if page is self.view.list_view:
            page.table.selectAll()
        else:
            page.select_all_in_view()
        self.refresh()

    def clear(self) -> None:
        page = self.view.current_grid()
        if page is self.view.list_view:
            page.table.clearSelection()
        else:
            page.select(None)
        self.refresh()

    def _items(self) -> list[BulkItem]:
        items = self.service.snapshot(self.selected_ids())
        if not items:
            self.view.notify(self.tr("Select posts first (Ctrl-click, or Ctrl+A for all)."))
        return items

    # ------------------------------------------------------------ the actions

    def move(self) -> BulkMoveDialog | None:
        items = self._items()
        if not items:
            return None
        dialog = BulkMoveDialog(items, self._first_day(items), self.view)
        dialog.accepted.connect(lambda: self._move(items, dialog.days()))
        return self._ask(dialog)

    def _move(self, items: list[BulkItem], days: int) -> None:
        result = self.service.move(items, timedelta(days=days))
        n = len(result.changed)
        self._done(
            result,
            self.tr("Move {n} posts by {d}").format(n=n, d=days_text(days)),
            self.tr("Moved {n} posts by {d}").format(n=n, d=days_text(days)),
        )

    def queue(self) -> ConfirmDialog | None:
        items = self._items()
        if not items:
            return None
        count, rest = stays_clause(items, timed=False)
        text = self.tr("Put {n} posts into their accounts' queues, at the next free slots").format(
            n=count
        )
        return self._confirm(
            self.tr("Add to queue"),
            f"{text}; {rest}." if rest else f"{text}.",
            self.tr("Add {n} to queue").format(n=count),
            lambda: self._done(
                r := self.service.queue(items),
                self.tr("Add {n} posts to the queue").format(n=len(r.changed)),
                self.tr("Added {n} posts to the queue").format(n=len(r.changed)),
            ),
        )

    def change_accounts(self) -> BulkAccountsDialog | None:
        items = self._items()
        if not items or self.view.workspace is None:
            return None
        accounts = self.view.services.accounts(self.view.workspace.id)
        dialog = BulkAccountsDialog(items, accounts, self.view)
        dialog.accepted.connect(
            lambda: self._done(
                r := self.service.change_accounts(items, dialog.account_ids()),
                self.tr("Change the accounts of {n} posts").format(n=len(r.changed)),
                self.tr("Changed the accounts of {n} posts").format(n=len(r.changed)),
            )
        )
        return self._ask(dialog)

    def duplicate(self) -> ConfirmDialog | None:
        items = self._items()
        if not items:
            return None
        n = len(items)
        return self._confirm(
            self.tr("Duplicate posts"),
            self.tr("Make a draft copy of each of the {n} posts (same text, accounts and time).")
            .format(n=n),
            self.tr("Duplicate {n}").format(n=n),
            lambda: self._done(
                r := self.service.duplicate(items),
                self.tr("Duplicate {n} posts").format(n=len(r.changed)),
                self.tr("Made {n} draft copies").format(n=len(r.changed)),
            ),
        )  # fmt: skip

    def delete(self) -> ConfirmDialog | None:
        items = self._items()
        if not items:
            return None
        count = sum(1 for i in items if i.stays != "being published right now")
        text = self.tr("Delete {n} posts (Ctrl+Z brings them back)").format(n=count)
        published = sum(1 for i in items if i.stays == "already published")
        if published:
            text += self.tr("; {p} of them are already published: they stay on the network").format(
                p=published
            )
        return self._confirm(
            self.tr("Delete posts"),
            text + ".",
            self.tr("Delete {n}").format(n=count),
            lambda: self._done(
                r := self.service.delete(items),
                self.tr("Delete {n} posts").format(n=len(r.changed)),
                self.tr("Deleted {n} posts").format(n=len(r.changed)),
            ),
        )

    def delete_or_one(self, post_id: int) -> None:
        """Delete key: the selection when several posts are selected, else the one post."""
        if len(self.selected_ids()) > 1:
            self.delete()
        else:
            self.view.actions_.delete_post(post_id)

    # ------------------------------------------------------------ the context menu

    def add_to_menu(self, menu: QMenu) -> None:
        """With several posts selected, the right-click menu starts with the bulk actions."""
        n = len(self.selected_ids())
        if n < 2:
            return
        for name, text, slot, icon in (
            ("bulkMoveAction", self.tr("Move {n} posts…"), self.move, "fa5s.arrows-alt-h"),
            ("bulkQueueAction", self.tr("Add {n} posts to queue…"), self.queue, "fa5s.stream"),
            (
                "bulkAccountsAction",
                self.tr("Change accounts of {n} posts…"),
                self.change_accounts,
                "fa5s.user-friends",
            ),
            ("bulkDuplicateAction", self.tr("Duplicate {n} posts…"), self.duplicate, "fa5s.copy"),
            ("bulkDeleteAction", self.tr("Delete {n} posts…"), self.delete, "fa5s.trash-alt"),
        ):
            action = QAction(theme.icon(icon), text.format(n=n), menu)
            action.setObjectName(name)
            action.triggered.connect(slot)
            menu.addAction(action)
        menu.addSeparator()

    def select_all_action(self, menu: QMenu) -> QAction:
        action = QAction(self.tr("Select all in view"), menu)
        action.setObjectName("selectAllInViewAction")
        action.setShortcut("Ctrl+A")
        action.triggered.connect(self.select_all)
        menu.addAction(action)
        return action

    # ------------------------------------------------------------ internals

    def _first_day(self, items: list[BulkItem]) -> date:
        times = [i.scheduled_at for i in items if i.scheduled_at is not None]
        if not times:
            return self.view.anchor
        return from_utc(min(times), self.view.zone).date()

    def _confirm(
        self, title: str, text: str, action: str, then: Callable[[], None]
    ) -> ConfirmDialog:
        dialog = ConfirmDialog(title, text, action, self.view)
        dialog.accepted.connect(then)
        return self._ask(dialog)

    def _ask(self, dialog: D) -> D:
        self.dialog = dialog
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _done(self, result: BulkResult, undo_text: str, done_text: str) -> None:
        self.dialog = None
        # Back to the posts (the question had the focus): Ctrl+Z works right away.
        self.view.current_grid().setFocus(Qt.FocusReason.OtherFocusReason)
        note = left_alone(result)
        if not result.changed:
            self.view.notify(self.tr("Nothing changed: {why}.").format(why=note or "—"))
            self.view.reload_all()
            return
        command = BulkCommand(self.service, result, undo_text, self.view.notify)
        self.view.undo_stack.push(command)
        extra = f" ({note})" if note else ""
        self.view.notify(
            self.tr("{done}{extra} — Ctrl+Z to undo.").format(done=done_text, extra=extra)
        )
        self.view.reload_all()
