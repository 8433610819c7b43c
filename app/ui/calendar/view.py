"""The calendar area: month / week / day grids of the current workspace in its time zone (or
another one), drag-to-reschedule with undo, context menu actions, the composer, and the
attention area (reconnect, retry, confirm, missed posts).

Only the visible range is read (PostService.list_range, one indexed query). The view reloads
when posts change (EventHub POSTS_CHANGED, from any thread) and when the engine reports.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from PySide6.QtCore import QDate, QLocale, QObject, QPoint, Qt, QTime, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMenu, QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from app.core.events import ACCOUNTS_CHANGED, POSTS_CHANGED
from app.core.models import PostStatus, TargetStatus
from app.core.postquery import PostFilter, PostQuery
from app.core.posts import PostError, PostService, SchedulingError
from app.core.timeutil import (
    AmbiguousTimeError,
    NonexistentTimeError,
    from_utc,
    is_valid_zone,
    to_utc,
    zone_info,
)
from app.ui import theme
from app.ui.attention import AttentionBanner, MissedPostsDialog, ProblemsPanel
from app.ui.calendar.commands import DeleteCommand, RescheduleCommand
from app.ui.calendar.filters import FilterMenu
from app.ui.calendar.listview import PostListView
from app.ui.calendar.month import MonthGrid
from app.ui.calendar.shortcuts import SHORTCUTS, ShortcutsDialog
from app.ui.calendar.timegrid import TimePane
from app.ui.calendar.toolbar import CalendarToolbar
from app.ui.composer.accounts import list_accounts
from app.ui.toast import Toast

MODES = ("month", "week", "day", "list")
EMPTY = {
    "month": "No posts this month — double-click a day to compose",
    "week": "No posts this week — double-click a slot to compose",
    "day": "No posts this day — double-click a slot to compose",
}


class _Bridge(QObject):
    """Carries EventHub callbacks (any thread) onto the GUI thread as a queued signal."""

    posts = Signal(object)
    accounts = Signal()


class CalendarView(QWidget):
    reconnectRequested = Signal(int)  # account id: the lead wires this to the accounts area

    def __init__(self, window) -> None:
        super().__init__(window)
        self.setObjectName("calendarView")
        self.title = self.tr("Calendar")
        self.main_window = window
        self.context = window.context
        self.service = PostService(self.context.db, self.context.clock, self.context.events)
        self.query = PostQuery(self.context.db)
        self.filter = PostFilter()
        self.workspace = None
        self.zone = "UTC"
        self.mode = "month"
        self.anchor = date.today()
        self.last_notice = ""
        self.undo_stack = QUndoStack(self)
        self._missed_dialog: MissedPostsDialog | None = None
        self._checked_missed = False
        self._build()
        self._bind_shortcuts()
        self._subscribe()
        self._add_help_action()

    # ------------------------------------------------------------ building

    def _build(self) -> None:
        self.toolbar = CalendarToolbar(self)
        tb = self.toolbar
        tb.today_button.clicked.connect(self.go_today)
        tb.prev_button.clicked.connect(lambda: self.step(-1))
        tb.next_button.clicked.connect(lambda: self.step(1))
        for mode, button in tb.view_buttons.items():
            button.clicked.connect(lambda _=False, m=mode: self.set_mode(m))
        tb.compose_button.clicked.connect(lambda: self.compose())
        tb.zone_combo.currentTextChanged.connect(self._on_zone_text)
        tb.jump_edit.dateChanged.connect(self._on_jump)
        tb.undo_button.clicked.connect(self.undo_stack.undo)
        tb.redo_button.clicked.connect(self.undo_stack.redo)
        tb.undo_button.setEnabled(False)
        tb.redo_button.setEnabled(False)
        self.undo_stack.canUndoChanged.connect(tb.undo_button.setEnabled)
        self._undo_index = 0
        self.undo_stack.indexChanged.connect(self._on_undo_index)
        self.undo_stack.canRedoChanged.connect(tb.redo_button.setEnabled)
        self.drafts_menu = QMenu(self)
        self.drafts_menu.setObjectName("draftsMenu")
        self.drafts_menu.aboutToShow.connect(self._fill_drafts)
        tb.drafts_button.setMenu(self.drafts_menu)
        self.filter_menu = FilterMenu(self)
        tb.filter_button.setMenu(self.filter_menu)
        self.filter_menu.changed.connect(self._on_filter)
        tb.search_edit.textChanged.connect(self._on_filter)

        self.banner = AttentionBanner(self)
        self.banner.reconnectRequested.connect(self._on_reconnect)
        self.problems = ProblemsPanel(self.service, self)
        self.problems.editRequested.connect(self.edit_post)
        self.problems.missedReviewRequested.connect(lambda: self.show_missed())
        self.problems.notice.connect(self.notify)

        self.month = MonthGrid()
        self.week = TimePane(7, "week")
        self.day = TimePane(1, "day")
        self.grids = {"month": self.month, "week": self.week.grid, "day": self.day.grid}
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("calendarStack")
        self.stack.addWidget(self.month)
        self.stack.addWidget(self.week)
        self.stack.addWidget(self.day)
        self.list_view = PostListView(self)
        self.stack.addWidget(self.list_view)
        self.list_view.postActivated.connect(self.edit_post)
        self.list_view.deleteRequested.connect(self.delete_post)
        self.list_view.contextMenuRequested.connect(self._show_context_menu)
        for grid in self.grids.values():
            grid.postActivated.connect(self.edit_post)
            grid.composeRequested.connect(self.compose)
            grid.rescheduleRequested.connect(self.reschedule_to_wall)
            grid.contextMenuRequested.connect(self._show_context_menu)
            grid.dayRequested.connect(self.open_day)
            grid.deleteRequested.connect(self.delete_post)
            grid.notice.connect(self.notify)
        for pane in (self.week, self.day):
            pane.header.dayClicked.connect(self.open_day)

        attention = QVBoxLayout()
        attention.setContentsMargins(16, 0, 16, 8)
        attention.setSpacing(8)
        attention.addWidget(self.banner)
        attention.addWidget(self.problems)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        self.toast = Toast(self)
        self.toast.actionRequested.connect(self.show_last_scheduled)
        self._last_scheduled: int | None = None
        attention.addWidget(self.toast)
        layout.addLayout(attention)
        layout.addWidget(self.stack, 1)

        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(0)
        self._reload_timer.timeout.connect(self._reload_all)

    def _bind_shortcuts(self) -> None:
        handlers = {
            "today": self.go_today,
            "prev": lambda: self.step(-1),
            "next": lambda: self.step(1),
            "month": lambda: self.set_mode("month"),
            "week": lambda: self.set_mode("week"),
            "day": lambda: self.set_mode("day"),
            "list": lambda: self.set_mode("list"),
            "jump": self.focus_jump,
            "compose": lambda: self.compose(self.current_grid().selected_slot),
            "undo": self.undo_stack.undo,
            "redo": self.undo_stack.redo,
        }
        self.shortcut_actions: dict[str, QAction] = {}
        for key, sequences, text in SHORTCUTS:
            action = QAction(self.tr(text), self)
            action.setObjectName(f"{key}ShortcutAction")
            action.setShortcuts([QKeySequence(s) for s in sequences])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(handlers[key])
            self.addAction(action)
            self.shortcut_actions[key] = action

    def _subscribe(self) -> None:
        self._bridge = _Bridge(self)
        self._bridge.posts.connect(self._on_posts_event)
        self._bridge.accounts.connect(self.schedule_reload)
        bridge = self._bridge
        events = self.context.events
        unsubscribers = [
            events.subscribe(
                lambda e: bridge.posts.emit(e.data.get("workspace_id")), POSTS_CHANGED
            ),
            events.subscribe(lambda e: bridge.accounts.emit(), ACCOUNTS_CHANGED),
        ]

        def unsubscribe(*_args) -> None:
            for fn in unsubscribers:
                fn()

        self.destroyed.connect(unsubscribe)
        self._unsubscribe = unsubscribe

    def _add_help_action(self) -> None:
        menu = getattr(self.main_window, "help_menu", None)
        self.shortcuts_action = QAction(self.tr("&Keyboard shortcuts"), self)
        self.shortcuts_action.setObjectName("keyboardShortcutsAction")
        self.shortcuts_action.setShortcut(QKeySequence("Ctrl+/"))
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        if menu is not None:
            actions = menu.actions()
            if actions:
                menu.insertAction(actions[0], self.shortcuts_action)
            else:
                menu.addAction(self.shortcuts_action)

    # ------------------------------------------------------------ public API

    def set_workspace(self, workspace) -> None:
        self.workspace = workspace
        self.undo_stack.clear()
        if workspace is None:
            return
        self.toolbar.zone_combo.blockSignals(True)
        self.toolbar.zone_combo.setCurrentText(workspace.timezone)
        self.toolbar.zone_combo.blockSignals(False)
        self.zone = workspace.timezone
        self.anchor = self.today()
        self.set_mode(self.mode)
        self.refresh_attention()
        if not self._checked_missed:
            self._checked_missed = True
            QTimer.singleShot(0, self._check_missed_on_start)

    def today(self) -> date:
        return from_utc(self.context.clock.now(), self.zone).date()

    def current_grid(self):
        return self.list_view if self.mode == "list" else self.grids[self.mode]

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.toolbar.view_buttons[mode].setChecked(True)
        pages = {"month": self.month, "week": self.week, "day": self.day, "list": self.list_view}
        self.stack.setCurrentWidget(pages[mode])
        # The list shows every post: paging by date means nothing there.
        tb = self.toolbar
        for widget in (tb.today_button, tb.prev_button, tb.next_button, tb.jump_edit):
            widget.setEnabled(mode != "list")
        self.reload()
        if mode in ("week", "day"):
            pane = self.week if mode == "week" else self.day
            if pane.scroll.verticalScrollBar().value() == 0:
                pane.scroll_to_hour(7.5)

    def step(self, direction: int) -> None:
        if self.mode == "month":
            month = self.anchor.replace(day=1)
            year, index = divmod(month.month - 1 + direction, 12)
            self.anchor = month.replace(year=month.year + year, month=index + 1)
        elif self.mode == "week":
            self.anchor += timedelta(days=7 * direction)
        else:
            self.anchor += timedelta(days=direction)
        self.reload()

    def go_today(self) -> None:
        self.anchor = self.today()
        self.reload()

    def go_to(self, day: date) -> None:
        self.anchor = day
        self.reload()

    def open_day(self, day: date) -> None:
        self.anchor = day
        self.set_mode("day")

    def focus_jump(self) -> None:
        self.toolbar.jump_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.toolbar.jump_edit.selectAll()

    def visible_range(self) -> tuple[date, int]:
        first_weekday = QLocale().firstDayOfWeek().value  # 1 = Monday ... 7 = Sunday
        if self.mode == "month":
            first = self.anchor.replace(day=1)
            offset = (first.isoweekday() - first_weekday) % 7
            next_month = (first + timedelta(days=32)).replace(day=1)
            weeks = -(-(offset + (next_month - first).days) // 7)  # 5 or 6 (4 in a rare Feb)
            return first - timedelta(days=offset), weeks * 7
        if self.mode == "week":
            offset = (self.anchor.isoweekday() - first_weekday) % 7
            return self.anchor - timedelta(days=offset), 7
        return self.anchor, 1

    def _utc(self, day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=zone_info(self.zone)).astimezone(UTC)

    def reload(self) -> None:
        """Read the visible range and hand it to the current grid."""
        if self.workspace is None:
            return
        if self.mode == "list":
            self._reload_list()
            return
        first, days = self.visible_range()
        start, end = self._utc(first), self._utc(first + timedelta(days=days))
        if self.filter.active:
            posts = self.query.find(self.workspace.id, self.filter, start, end)
        else:
            posts = self.service.list_range(self.workspace.id, start, end)
        grid = self.current_grid()
        grid.empty_text = self.tr(EMPTY[self.mode])
        if self.mode == "month":
            self.month.set_month(self.anchor)
        else:
            now = from_utc(self.context.clock.now(), self.zone).replace(tzinfo=None)
            grid.now_local = now
        grid.set_data(posts, self.zone, first, days, self.today())
        if self.mode != "month":
            (self.week if self.mode == "week" else self.day).update_header()
        self._update_range_label(first, days)
        self.toolbar.jump_edit.blockSignals(True)
        self.toolbar.jump_edit.setDate(QDate(self.anchor.year, self.anchor.month, self.anchor.day))
        self.toolbar.jump_edit.blockSignals(False)

    def _reload_list(self) -> None:
        assert self.workspace is not None
        posts = self.query.find(self.workspace.id, self.filter)
        empty = (
            self.tr("No posts match — clear the search or the filters")
            if self.filter.active
            else self.tr("No posts yet — click New post to write one")
        )
        self.list_view.set_posts(posts, self.zone, empty)
        self.toolbar.range_label.setText(self.tr("All posts ({n})").format(n=len(posts)))

    def _on_filter(self, *_args) -> None:
        self.filter = self.filter_menu.facets(self.toolbar.search_edit.text())
        count = self.filter.facet_count
        self.toolbar.filter_button.setText(
            self.tr("Filter ({n})").format(n=count) if count else self.tr("Filter")
        )
        self.reload()

    def refresh_attention(self) -> None:
        if self.workspace is None:
            return
        self.filter_menu.set_accounts(
            [
                (a.id, f"{a.handle} ({getattr(a.platform, 'label', a.platform)})")
                for a in list_accounts(self.context, self.workspace.id)
            ]
        )
        self.problems.set_problems(self.service.problems(self.workspace.id), self.zone)
        self.banner.set_accounts(list_accounts(self.context, self.workspace.id))
        count = len(self.service.drafts(self.workspace.id))
        self.toolbar.drafts_button.setText(self.tr("Undated drafts ({n})").format(n=count))
        self.toolbar.drafts_button.setVisible(bool(count))

    def schedule_reload(self) -> None:
        self._reload_timer.start()

    def _reload_all(self) -> None:
        self.reload()
        self.refresh_attention()

    def _on_posts_event(self, workspace_id) -> None:
        if self.workspace is not None and workspace_id in (None, self.workspace.id):
            self.schedule_reload()

    def _update_range_label(self, first: date, days: int) -> None:
        locale = QLocale()
        if self.mode == "month":
            text = locale.toString(QDate(self.anchor.year, self.anchor.month, 1), "MMMM yyyy")
        elif self.mode == "week":
            last = first + timedelta(days=6)
            fmt_first = "d MMM" if first.year == last.year else "d MMM yyyy"
            text = (
                locale.toString(QDate(first.year, first.month, first.day), fmt_first)
                + " – "
                + locale.toString(QDate(last.year, last.month, last.day), "d MMM yyyy")
            )
        else:
            text = locale.toString(
                QDate(first.year, first.month, first.day), QLocale.FormatType.LongFormat
            )
        self.toolbar.range_label.setText(text)

    # ------------------------------------------------------------ zone and jump

    def _on_zone_text(self, text: str) -> None:
        text = text.strip()
        if is_valid_zone(text) and text != self.zone:
            self.zone = text
            self.reload()
            self.refresh_attention()

    def _on_jump(self, qdate: QDate) -> None:
        self.go_to(qdate.toPython())

    # ------------------------------------------------------------ composing

    def compose(self, wall: datetime | None = None):
        if self.workspace is None:
            return None
        from app.ui.composer import ComposerDialog

        dialog = ComposerDialog(
            self.context, self.workspace, initial_local=wall, zone=self.zone, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self.announce_saved)
        dialog.open()
        return dialog

    def edit_post(self, post_id: int):
        if self.workspace is None:
            return None
        from app.ui.composer import ComposerDialog

        try:
            dialog = ComposerDialog(self.context, self.workspace, post_id=post_id, parent=self)
        except PostError as exc:
            self.notify(str(exc))
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self.announce_saved)
        dialog.open()
        return dialog

    def _on_undo_index(self, index: int) -> None:
        """After Ctrl+Z the status bar must stop offering Ctrl+Z for what was just undone:
        say what was undone (and that Ctrl+Shift+Z brings it back)."""
        previous, self._undo_index = self._undo_index, index
        if index < previous:
            undone = self.undo_stack.text(index)
            self.notify(self.tr("Undone: {what} — Ctrl+Shift+Z to redo.").format(what=undone))

    def announce_saved(self, post_id: int) -> None:
        """After Schedule: say when it goes out, in the post's zone, and offer to show it."""
        try:
            post = self.service.get(post_id)
        except PostError:
            return
        if post.scheduled_at is None or post.status != PostStatus.SCHEDULED:
            return
        local = from_utc(post.scheduled_at, post.zone)
        locale = QLocale()
        day = locale.toString(QDate(local.year, local.month, local.day), "ddd d MMM")
        clock = locale.toString(
            QTime(local.hour, local.minute), locale.timeFormat(QLocale.FormatType.ShortFormat)
        )
        self._last_scheduled = post_id
        self.toast.show_message(
            self.tr("Scheduled for {day}, {time} {zone}").format(
                day=day, time=clock, zone=post.zone
            ),
            self.tr("Show"),
        )

    def show_last_scheduled(self) -> None:
        """Move the calendar to the post announced by the toast and select it."""
        if self._last_scheduled is None:
            return
        try:
            post = self.service.get(self._last_scheduled)
        except PostError:
            return
        if post.scheduled_at is None:
            return
        self.go_to(from_utc(post.scheduled_at, self.zone).date())
        self.current_grid().select(post.id)

    # ------------------------------------------------------------ rescheduling and deleting

    def ask_dst(self, exc: Exception) -> datetime | None:
        """A wall time in a DST gap or fold: ask which instant is meant (None: cancelled)."""
        box = QMessageBox(self)
        box.setObjectName("dstQuestionBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Daylight saving time"))
        choices: dict[object, datetime] = {}
        if isinstance(exc, NonexistentTimeError):
            box.setText(
                self.tr("{t} doesn't exist on {day} in {zone}: the clocks skip ahead.").format(
                    t=f"{exc.wall:%H:%M}", day=f"{exc.wall:%a %d %b}", zone=exc.zone
                )
            )
            use = box.addButton(
                self.tr("Use {t}").format(t=f"{exc.next_valid:%H:%M}"),
                QMessageBox.ButtonRole.AcceptRole,
            )
            choices[use] = to_utc(exc.next_valid, exc.zone, 0)
        elif isinstance(exc, AmbiguousTimeError):
            box.setText(
                self.tr("{t} happens twice on {day} in {zone}. Which one?").format(
                    t=f"{exc.wall:%H:%M}", day=f"{exc.wall:%a %d %b}", zone=exc.zone
                )
            )
            for label, instant in ((self.tr("First"), exc.first), (self.tr("Second"), exc.second)):
                abbr = from_utc(instant, exc.zone).tzname()
                button = box.addButton(
                    f"{label}: {exc.wall:%H:%M} {abbr}", QMessageBox.ButtonRole.AcceptRole
                )
                choices[button] = instant
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return choices.get(box.clickedButton())

    def reschedule_to_wall(self, post_id: int, wall: datetime) -> bool:
        try:
            new_utc = to_utc(wall, self.zone)
        except (NonexistentTimeError, AmbiguousTimeError) as exc:
            chosen = self.ask_dst(exc)
            if chosen is None:
                return False
            new_utc = chosen
        return self.reschedule(post_id, new_utc)

    def reschedule(self, post_id: int, new_utc: datetime) -> bool:
        try:
            old = self.service.reschedule(post_id, new_utc)
        except PostError as exc:
            self.notify(str(exc))
            return False
        when = f"{from_utc(new_utc, self.zone):%a %d %b %H:%M}"
        command = RescheduleCommand(
            self.service,
            post_id,
            old,
            new_utc,
            self.tr("Move post to {when}").format(when=when),
            self.notify,
        )
        self.undo_stack.push(command)
        self.notify(self.tr("Post moved to {when} — Ctrl+Z to undo.").format(when=when))
        self._reload_all()
        return True

    def delete_post(self, post_id: int) -> bool:
        try:
            self.service.delete(post_id)
        except PostError as exc:
            self.notify(str(exc))
            return False
        self.undo_stack.push(
            DeleteCommand(self.service, post_id, self.tr("Delete post"), self.notify)
        )
        self.notify(self.tr("Post deleted — Ctrl+Z to undo."))
        self._reload_all()
        return True

    # ------------------------------------------------------------ context menu

    def build_context_menu(self, post_id: int | None, slot: datetime | None) -> QMenu:
        menu = QMenu(self)
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
                lambda: self.compose(slot),
                "fa5s.plus",
            )
            return menu
        try:
            post = self.service.get(post_id)
        except PostError:
            return menu
        add(
            "editAction",
            self.tr("Open…") if not post.editable else self.tr("Edit…"),
            lambda: self.edit_post(post_id),
            "fa5s.pen",
        )
        add("duplicateAction", self.tr("Duplicate"), lambda: self._duplicate(post_id), "fa5s.copy")
        menu.addSeparator()
        now = add(
            "publishNowAction",
            self.tr("Publish now"),
            lambda: self._publish_now(post_id),
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
            "retryFailedAction", self.tr("Retry failed"), lambda: self._retry(post_id), "fa5s.redo"
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
                lambda _=False, u=t.external_url: QDesktopServices.openUrl(QUrl(u)),
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

    def _show_context_menu(self, post_id, slot, global_pos: QPoint) -> None:
        menu = self.build_context_menu(post_id, slot)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(global_pos)

    def _duplicate(self, post_id: int) -> None:
        try:
            copy = self.service.duplicate(post_id)
        except PostError as exc:
            self.notify(str(exc))
            return
        self.notify(self.tr("Duplicated as a draft."))
        self.edit_post(copy.id)

    def _publish_now(self, post_id: int) -> None:
        try:
            self.service.publish_now(post_id)
        except SchedulingError as exc:
            self.notify(self.tr("Can't publish yet: {why}").format(why="; ".join(exc.messages)))
            return
        except PostError as exc:
            self.notify(str(exc))
            return
        self.notify(self.tr("Publishing now."))

    def _retry(self, post_id: int) -> None:
        self.problems.retry(post_id)

    def _fill_drafts(self) -> None:
        self.drafts_menu.clear()
        if self.workspace is None:
            return
        drafts = self.service.drafts(self.workspace.id)
        # As many as fit on this screen (a 700-pixel screen took ~20): the menu never runs
        # off the bottom; the rest are counted.
        screen = self.screen().availableGeometry() if self.screen() else None
        row = max(self.drafts_menu.fontMetrics().height() + 10, 24)
        fits = max(5, (screen.height() - 160) // row) if screen is not None else 20
        shown = drafts[: min(30, fits)]
        for post in shown:
            text = post.excerpt[:60] or self.tr("(empty draft)")
            action = self.drafts_menu.addAction(text)
            action.setToolTip(post.excerpt)
            action.triggered.connect(lambda _=False, p=post.id: self.edit_post(p))
        if len(drafts) > len(shown):
            more = self.drafts_menu.addAction(
                self.tr("… and {n} more drafts").format(n=len(drafts) - len(shown))
            )
            more.setEnabled(False)

    # ------------------------------------------------------------ attention and the engine

    def on_engine_event(self, *_args) -> None:
        """Connect any SchedulerThread signal here: the view re-reads what changed."""
        self.schedule_reload()

    def show_reauth(self, account_id: int, reason: str) -> None:
        account = (
            next(
                (a for a in list_accounts(self.context, self.workspace.id) if a.id == account_id),
                None,
            )
            if self.workspace is not None
            else None
        )
        if account is None:
            return  # another workspace's account
        self.banner.show_reauth(
            account_id, reason, handle=account.handle, platform=account.platform
        )

    def on_network_state(self, online: bool, reason: str = "") -> None:
        label = self.toolbar.network_label
        label.setText(self.tr("Waiting for network"))
        # The details live in the tooltip: the toolbar row has little room at 1024 px.
        label.setToolTip(
            self.tr("Posts go out when you're back online. {reason}").format(reason=reason or "")
        )
        label.setVisible(not online)

    def on_storage_state(self, ok: bool, reason: str = "") -> None:
        label = self.toolbar.storage_label
        label.setText(self.tr("Disk full — publishing paused"))
        label.setToolTip(
            self.tr("{reason} Posts go out once there is space.").format(reason=reason or "")
        )
        label.setVisible(not ok)

    def show_missed(self, _post_ids=None) -> MissedPostsDialog | None:
        if self.workspace is None or not self.service.missed(self.workspace.id):
            return None
        if self._missed_dialog is not None and self._missed_dialog.isVisible():
            self._missed_dialog.reload()
            return self._missed_dialog
        dialog = MissedPostsDialog(self.service, self.workspace.id, self.zone, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: setattr(self, "_missed_dialog", None))
        self._missed_dialog = dialog
        dialog.open()
        return dialog

    def _check_missed_on_start(self) -> None:
        self.show_missed()

    def _on_reconnect(self, account_id: int) -> None:
        self.reconnectRequested.emit(account_id)
        window = self.main_window
        accounts = getattr(window, "views", {}).get("accounts")
        reconnect = getattr(accounts, "reconnect", None)
        if callable(reconnect):
            window.show_area("accounts")
            reconnect(account_id)

    def notify(self, text: str) -> None:
        self.last_notice = text
        bar = getattr(self.main_window, "statusBar", None)
        if callable(bar):
            bar().showMessage(text, 8000)

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        QTimer.singleShot(0, self._focus_grid)

    def _focus_grid(self) -> None:
        if self.isVisible() and self.focusWidget() is None:
            self.current_grid().setFocus(Qt.FocusReason.OtherFocusReason)
