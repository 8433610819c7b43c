"""The calendar area: month / week / day grids of the current workspace in its time zone (or
another one), drag-to-reschedule with undo, context menu actions, the composer, and the
attention area (reconnect, retry, confirm, missed posts).

Only the visible range is read (PostService.list_range, one indexed query). The view reloads
when posts change (EventHub POSTS_CHANGED, from any thread) and when the engine reports.
"Today" is the injected clock's date in the zone shown, never the computer's date.

Everything it uses comes in through `CalendarServices` (app/ui/views.py builds them).
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, QLocale, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QMenu, QVBoxLayout, QWidget

from app.core.events import ACCOUNTS_CHANGED, POSTS_CHANGED, Event
from app.core.postquery import PostFilter
from app.core.timeutil import from_utc, is_valid_zone
from app.core.workspaces import WorkspaceInfo
from app.ui.attention import MissedPostsDialog
from app.ui.calendar import ranges
from app.ui.calendar.attention_area import CalendarAttention
from app.ui.calendar.bulk_actions import BulkActions
from app.ui.calendar.commands import UndoHistory
from app.ui.calendar.composing import Composing
from app.ui.calendar.drafts import fill_drafts_menu
from app.ui.calendar.filters import FilterMenu
from app.ui.calendar.ideas_board import IdeasBoard
from app.ui.calendar.pages import MODES, CalendarPages
from app.ui.calendar.post_actions import PostActions
from app.ui.calendar.prefetch import RangePrefetch, preparer, read_neighbours, read_visible
from app.ui.calendar.services import CalendarServices
from app.ui.calendar.shortcuts import ShortcutsDialog, bind_shortcuts, shortcuts_help_action
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
        self.undo_stack = UndoHistory(self.notify, self)
        self._checked_missed = False
        self.actions_ = PostActions(self)
        self.bulk = BulkActions(self)  # several posts at once (issue 22)
        self._build()
        self.bulk.watch()
        self.attention = CalendarAttention(self)
        self.banner, self.problems = self.attention.banner, self.attention.problems
        self._layout_attention()
        prepare = preparer(self.service.list_range, lambda: self.ideas.service.labels_of)
        self.prefetch = RangePrefetch(prepare, self.service.change_marker)
        self.ideas = IdeasBoard.attach(self)  # undated drafts as cards, under the pages
        self._bind_shortcuts()
        self._subscribe()
        #: Help ▸ Keyboard shortcuts (the window puts it in its menu)
        self.shortcuts_action = shortcuts_help_action(self, self.show_shortcuts)

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
        self.undo_stack.attach(tb.undo_button, tb.redo_button)
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
        pages.contextMenuRequested.connect(self.actions_.popup_menu)
        pages.dayRequested.connect(self.open_day)
        pages.deleteRequested.connect(self.bulk.delete_or_one)
        pages.notice.connect(self.notify)
        self.toast = Toast(self)
        self.composing = Composing(self, self.toast)

        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(0)
        self._reload_timer.timeout.connect(self.reload_all)

    def _layout_attention(self) -> None:
        self.attention.column.addWidget(self.toast)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        for widget in (self.toolbar, self.bulk.bar, self.attention, self.stack):
            layout.addWidget(widget, 1 if widget is self.stack else 0)

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
                "selectAll": self.bulk.select_all,
            },
        )

    def _subscribe(self) -> None:
        def on_event(event: Event) -> None:
            self.prefetch.clear()
            if event.kind == ACCOUNTS_CHANGED:
                self.schedule_reload()
            else:
                self._on_posts_event(event.data.get("workspace_id"))

        kinds = (POSTS_CHANGED, ACCOUNTS_CHANGED)
        self._bridge = EventBridge(self.services.events, kinds, on_event, self)

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

    def current_grid(self):
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

    # ------------------------------------------------------------ reading

    def reload(self) -> None:
        """Read the visible range and hand it to the current grid."""
        if self.workspace is None:
            return
        if self.mode == "list":
            self._reload_list()
            return
        first, days = self.visible_range()
        posts, prepared = read_visible(self, first, days)
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
            prepared=prepared,
        )
        self.toolbar.range_label.setText(ranges.range_title(self.mode, self.anchor, first))
        self.toolbar.jump_edit.blockSignals(True)
        self.toolbar.jump_edit.setDate(QDate(self.anchor.year, self.anchor.month, self.anchor.day))
        self.toolbar.jump_edit.blockSignals(False)
        read_neighbours(self, QLocale().firstDayOfWeek().value)

    def _reload_list(self) -> None:
        assert self.workspace is not None
        posts = self.query.find(self.workspace.id, self.filter)
        self.stack.show_list(posts, self.zone, filtered=self.filter.active)
        self.toolbar.range_label.setText(self.tr("All posts ({n})").format(n=len(posts)))

    def _on_filter(self, *_args: object) -> None:
        self.filter = self.filter_menu.facets(self.toolbar.search_edit.text())
        self.toolbar.show_filter_count(self.filter.facet_count)
        self.reload()

    def refresh_attention(self) -> None:
        if self.workspace is None:
            return
        self.attention.refresh()

    def schedule_reload(self) -> None:
        self._reload_timer.start()

    def reload_all(self) -> None:
        self.reload()
        self.refresh_attention()

    def _on_posts_event(self, workspace_id: int | None) -> None:
        if self.workspace is not None and workspace_id in (None, self.workspace.id):
            self.schedule_reload()

    def _on_zone_text(self, text: str) -> None:
        if is_valid_zone(text := text.strip()) and text != self.zone:
            self.zone = text
            self.reload()
            self.refresh_attention()

    def _fill_drafts(self) -> None:
        drafts = self.service.drafts(self.workspace.id) if self.workspace is not None else []
        fill_drafts_menu(self.drafts_menu, drafts, self.edit_post)

    # ------------------------------------------------------------ composing (composing.py)

    def compose(self, wall: datetime | None = None) -> QDialog | None:
        return self.composing.new_post(wall)

    def edit_post(self, post_id: int) -> QDialog | None:
        return self.composing.edit(post_id)

    def announce_saved(self, post_id: int) -> None:
        """After Schedule: say when it goes out, in the post's zone, and offer to show it."""
        self.composing.announce(post_id)

    # ------------------------------------------------------------ one post (post_actions.py)

    def reschedule_to_wall(self, post_id: int, wall: datetime) -> bool:
        return self.actions_.reschedule_to_wall(post_id, wall)

    def build_context_menu(self, post_id: int | None, slot: datetime | None) -> QMenu:
        return self.actions_.build_context_menu(post_id, slot)

    def open_url(self, url: str) -> None:
        """A published post on its network, in the browser."""
        QDesktopServices.openUrl(QUrl(url))

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

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self._focus_grid)

    def _focus_grid(self) -> None:
        if self.isVisible() and self.focusWidget() is None:
            self.current_grid().setFocus(Qt.FocusReason.OtherFocusReason)
