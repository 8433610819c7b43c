"""The calendar area: month / week / day grids of the current workspace in its time zone (or
another one), drag-to-reschedule with undo, context menu actions, the composer, and the
attention area (reconnect, retry, confirm, missed posts).

Only the visible range is read (PostService.list_range, one indexed query). The view reloads
when posts change (EventHub POSTS_CHANGED, from any thread) and when the engine reports.
"Today" is the injected clock's date in the zone shown, never the computer's date.

Everything it uses comes in through `CalendarServices` (app/ui/views.py builds them).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from PySide6.QtCore import QDate, QLocale, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QUndoStack
from PySide6.QtWidgets import QDialog, QMenu, QVBoxLayout, QWidget

from app.core.events import ACCOUNTS_CHANGED, POSTS_CHANGED, Event
from app.core.postquery import PostFilter
from app.core.posts import PostError
from app.core.timeutil import from_utc, is_valid_zone, zone_info
from app.core.workspaces import WorkspaceInfo
from app.ui.attention import MissedPostsDialog
from app.ui.calendar import ranges
from app.ui.calendar.attention_area import CalendarAttention
from app.ui.calendar.drafts import fill_drafts_menu
from app.ui.calendar.filters import FilterMenu
from app.ui.calendar.news import ScheduledNews
from app.ui.calendar.pages import MODES, CalendarPages
from app.ui.calendar.post_actions import PostActions
from app.ui.calendar.services import CalendarServices
from app.ui.calendar.shortcuts import ShortcutsDialog, bind_shortcuts
from app.ui.calendar.toolbar import CalendarToolbar
from app.ui.event_bridge import EventBridge
from app.ui.toast import Toast

__all__ = ["MODES", "CalendarView"]

EMPTY = {
    "month": "No posts this month — double-click a day to compose",
    "week": "No posts this week — double-click a slot to compose",
    "day": "No posts this day — double-click a slot to compose",
}


class CalendarView(QWidget):
    reconnectRequested = Signal(int)  # account id: app/ui/wiring.py sends it to the accounts area

    def __init__(self, services: CalendarServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarView")
        self.title = self.tr("Calendar")
        self.services = services
        self.service = services.posts
        self.query = services.query
        self.clock = services.clock
        self.filter = PostFilter()
        self.workspace: WorkspaceInfo | None = None
        self.zone = "UTC"
        self.mode = "month"
        self.anchor = self.today()
        self.last_notice = ""
        self.undo_stack = QUndoStack(self)
        self._checked_missed = False
        self.actions_ = PostActions(self)
        self._build()
        self.attention = CalendarAttention(self)
        self.banner, self.problems = self.attention.banner, self.attention.problems
        self._layout_attention()
        self._bind_shortcuts()
        self._subscribe()
        self.shortcuts_action = QAction(self.tr("&Keyboard shortcuts"), self)
        self.shortcuts_action.setObjectName("keyboardShortcutsAction")
        self.shortcuts_action.setShortcut(QKeySequence("Ctrl+/"))
        self.shortcuts_action.triggered.connect(self.show_shortcuts)

    # ------------------------------------------------------------ building

    def _build(self) -> None:
        self.toolbar = tb = CalendarToolbar(self)
        tb.today_button.clicked.connect(self.go_today)
        tb.prev_button.clicked.connect(lambda: self.step(-1))
        tb.next_button.clicked.connect(lambda: self.step(1))
        for mode, button in tb.view_buttons.items():
            button.clicked.connect(lambda _=False, m=mode: self.set_mode(m))
        tb.compose_button.clicked.connect(lambda: self.compose())
        tb.zone_combo.currentTextChanged.connect(self._on_zone_text)
        tb.jump_edit.dateChanged.connect(lambda qdate: self.go_to(qdate.toPython()))
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

        self.stack = pages = CalendarPages(self)
        self.month, self.week, self.day = pages.month, pages.week, pages.day
        self.list_view, self.grids = pages.list_view, pages.grids
        pages.postActivated.connect(self.edit_post)
        pages.composeRequested.connect(self.compose)
        pages.rescheduleRequested.connect(self.reschedule_to_wall)
        pages.contextMenuRequested.connect(self._show_context_menu)
        pages.dayRequested.connect(self.open_day)
        pages.deleteRequested.connect(self.delete_post)
        pages.notice.connect(self.notify)
        self.toast = Toast(self)
        self.news = ScheduledNews(self.toast, self.service, self._show_post)

        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(0)
        self._reload_timer.timeout.connect(self.reload_all)

    def _layout_attention(self) -> None:
        attention = QVBoxLayout()
        attention.setContentsMargins(16, 0, 16, 8)
        attention.setSpacing(8)
        for widget in (self.banner, self.problems, self.toast):
            attention.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addLayout(attention)
        layout.addWidget(self.stack, 1)

    def _bind_shortcuts(self) -> None:
        self.shortcut_actions = bind_shortcuts(
            self,
            {
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
            },
        )

    def _subscribe(self) -> None:
        def on_event(event: Event) -> None:
            if event.kind == ACCOUNTS_CHANGED:
                self.schedule_reload()
            else:
                self._on_posts_event(event.data.get("workspace_id"))

        self._bridge = EventBridge(
            self.services.events, (POSTS_CHANGED, ACCOUNTS_CHANGED), on_event, self
        )
        self._unsubscribe = self._bridge.unsubscribe

    # ------------------------------------------------------------ navigation

    def set_workspace(self, workspace: WorkspaceInfo | None) -> None:
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
            QTimer.singleShot(0, self.show_missed)

    def today(self) -> date:
        """The injected clock's date in the zone shown (the workspace's unless switched)."""
        return from_utc(self.clock.now(), self.zone).date()

    def current_grid(self):  # type: ignore[no-untyped-def]
        return self.stack.grid(self.mode)

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.toolbar.view_buttons[mode].setChecked(True)
        self.stack.show_mode(mode)
        # The list shows every post: paging by date means nothing there.
        tb = self.toolbar
        for widget in (tb.today_button, tb.prev_button, tb.next_button, tb.jump_edit):
            widget.setEnabled(mode != "list")
        self.reload()
        self.stack.scroll_to_morning(mode)

    def step(self, direction: int) -> None:
        self.anchor = ranges.step(self.mode, self.anchor, direction)
        self.reload()

    def go_today(self) -> None:
        self.go_to(self.today())

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
        return ranges.visible_range(self.mode, self.anchor, first_weekday)

    def _utc(self, day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=zone_info(self.zone)).astimezone(UTC)

    # ------------------------------------------------------------ reading

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
        self.stack.show_range(
            self.mode,
            posts,
            self.zone,
            first,
            days,
            anchor=self.anchor,
            today=self.today(),
            now_local=from_utc(self.clock.now(), self.zone).replace(tzinfo=None),
            empty_text=self.tr(EMPTY[self.mode]),
        )
        self.toolbar.range_label.setText(ranges.range_title(self.mode, self.anchor, first))
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

    def _on_filter(self, *_args: object) -> None:
        self.filter = self.filter_menu.facets(self.toolbar.search_edit.text())
        count = self.filter.facet_count
        self.toolbar.filter_button.setText(
            self.tr("Filter ({n})").format(n=count) if count else self.tr("Filter")
        )
        self.reload()

    def refresh_attention(self) -> None:
        if self.workspace is None:
            return
        self.attention.refresh()
        count = len(self.service.drafts(self.workspace.id))
        self.toolbar.drafts_button.setText(self.tr("Undated drafts ({n})").format(n=count))
        self.toolbar.drafts_button.setVisible(bool(count))

    def schedule_reload(self) -> None:
        self._reload_timer.start()

    def reload_all(self) -> None:
        self.reload()
        self.refresh_attention()

    _reload_all = reload_all

    def _on_posts_event(self, workspace_id: int | None) -> None:
        if self.workspace is not None and workspace_id in (None, self.workspace.id):
            self.schedule_reload()

    def _on_zone_text(self, text: str) -> None:
        text = text.strip()
        if is_valid_zone(text) and text != self.zone:
            self.zone = text
            self.reload()
            self.refresh_attention()

    def _fill_drafts(self) -> None:
        drafts = self.service.drafts(self.workspace.id) if self.workspace is not None else []
        fill_drafts_menu(self.drafts_menu, drafts, self.edit_post)

    # ------------------------------------------------------------ composing

    def _open_composer(self, **kwargs: object) -> QDialog | None:
        if self.workspace is None:
            return None
        try:
            dialog = self.services.open_composer(self.workspace, parent=self, **kwargs)  # type: ignore[arg-type]
        except PostError as exc:
            self.notify(str(exc))
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self.announce_saved)  # type: ignore[attr-defined]
        dialog.open()
        return dialog

    def compose(self, wall: datetime | None = None) -> QDialog | None:
        return self._open_composer(initial_local=wall, zone=self.zone)

    def edit_post(self, post_id: int) -> QDialog | None:
        return self._open_composer(post_id=post_id)

    def _on_undo_index(self, index: int) -> None:
        """After Ctrl+Z the status bar must stop offering Ctrl+Z for what was just undone:
        say what was undone (and that Ctrl+Shift+Z brings it back)."""
        previous, self._undo_index = self._undo_index, index
        if index < previous:
            undone = self.undo_stack.text(index)
            self.notify(self.tr("Undone: {what} — Ctrl+Shift+Z to redo.").format(what=undone))

    def announce_saved(self, post_id: int) -> None:
        """After Schedule: say when it goes out, in the post's zone, and offer to show it."""
        self.news.announce(post_id)

    def show_last_scheduled(self) -> None:
        """Move the calendar to the post announced by the toast and select it."""
        self.news.show_last()

    def _show_post(self, post_id: int) -> None:
        try:
            post = self.service.get(post_id)
        except PostError:
            return
        if post.scheduled_at is not None:
            self.go_to(from_utc(post.scheduled_at, self.zone).date())
            self.current_grid().select(post.id)

    # ------------------------------------------------------------ one post (post_actions.py)

    def reschedule_to_wall(self, post_id: int, wall: datetime) -> bool:
        return self.actions_.reschedule_to_wall(post_id, wall)

    def reschedule(self, post_id: int, new_utc: datetime) -> bool:
        return self.actions_.reschedule(post_id, new_utc)

    def delete_post(self, post_id: int) -> bool:
        return self.actions_.delete_post(post_id)

    def build_context_menu(self, post_id: int | None, slot: datetime | None) -> QMenu:
        return self.actions_.build_context_menu(post_id, slot)

    def open_url(self, url: str) -> None:
        """A published post on its network, in the browser."""
        QDesktopServices.openUrl(QUrl(url))

    def _show_context_menu(self, post_id: int | None, slot: datetime | None, at: QPoint) -> None:
        menu = self.build_context_menu(post_id, slot)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(at)

    # ------------------------------------------------------------ the engine (attention_area.py)

    def on_engine_event(self, *_args: object) -> None:
        """Connect any SchedulerThread signal here: the view re-reads what changed."""
        self.schedule_reload()

    def show_reauth(self, account_id: int, reason: str) -> None:
        self.attention.show_reauth(account_id, reason)

    def on_network_state(self, online: bool, reason: str = "") -> None:
        self.attention.on_network_state(online, reason)

    def on_storage_state(self, ok: bool, reason: str = "") -> None:
        self.attention.on_storage_state(ok, reason)

    def show_missed(self, _post_ids: object = None) -> MissedPostsDialog | None:
        return self.attention.show_missed()

    @property
    def _missed_dialog(self) -> MissedPostsDialog | None:
        return self.attention.missed_dialog

    def notify(self, text: str) -> None:
        self.last_notice = text
        self.services.notify(text)

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().showEvent(event)
        QTimer.singleShot(0, self._focus_grid)

    def _focus_grid(self) -> None:
        if self.isVisible() and self.focusWidget() is None:
            self.current_grid().setFocus(Qt.FocusReason.OtherFocusReason)
