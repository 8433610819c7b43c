"""The main window is a shell: navigation, header with the workspace switcher, and a stack of
views that other modules build. It holds no business logic.

Signals:
    workspaceChanged(int): the current workspace id changed (views reload for it).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.ui import about, screen_fit, theme, window_chrome
from app.ui import views as view_factory
from app.ui.lazy_views import LazyViews

if TYPE_CHECKING:
    from app.core.appcontext import AppContext
    from app.core.workspaces import WorkspaceInfo
    from app.ui.calendar.view import CalendarView
    from app.ui.queue_slots import QueueSlotsEditor


class MainWindow(QMainWindow):
    workspaceChanged = Signal(int)

    AREAS = ("calendar", "analytics", "accounts")
    # built by app/ui/window_chrome.py (the header and the menus)
    page_title: QLabel
    zone_label: QLabel
    workspace_combo: QComboBox
    help_menu: QMenu

    def __init__(
        self,
        context: AppContext | None,
        parent=None,
        *,
        workspaces: Sequence[tuple[int, str, str]] = (),
    ) -> None:
        """The window on `context`; or, with None, its frame alone (window first, issue 20):
        navigation, header (the `workspaces` read ahead: id, name, zone), menus and the
        calendar's frame, until `attach(context)` fills it in."""
        super().__init__(parent)
        self.context: AppContext = context  # type: ignore[assignment]  # set by attach()
        self.setObjectName("mainWindow")
        screen_fit.fit(self, 1280, 820, 960, 640)  # within a 1024×700 screen too
        self._workspace: WorkspaceInfo | None = None

        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self._build_navigation())
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(window_chrome.build_header(self))
        self.stack = QStackedWidget(central)
        self.stack.setObjectName("viewStack")
        self.views = LazyViews(self.stack, self._view_built)
        column.addWidget(self.stack, 1)
        self._column = column
        row.addLayout(column, 1)
        self.setCentralWidget(central)
        window_chrome.build_menu(self)
        self.statusBar().setObjectName("statusBar")
        if context is None:
            from app.ui.calendar.frame import CalendarFrame

            first = self.AREAS[0]
            frame = CalendarFrame(workspaces[0][2] if workspaces else "UTC", self.stack)
            self.views.add_lazy(first, partial(view_factory.build, first, self), frame)
            self._show_read_ahead(workspaces)
            self.nav_buttons[first].setChecked(True)
            self.page_title.setText(self.tr("Calendar"))
        else:
            self.attach(context)

    def attach(self, context: AppContext) -> None:
        """The content on `context`: the calendar (its month read), the other views (built
        when first shown), the workspaces and the first-run checklist."""
        self.context = context
        # Only the first view is built before the first frame (issue 20); the others are
        # built when first shown or asked for (lazy_views.py).
        first, *later = self.AREAS
        if first in self.views:  # the frame's placeholder: built now, in its place
            self.views[first]
        else:
            self.add_view(first, view_factory.build(first, self))
        for area in later:
            self.views.add_lazy(area, partial(view_factory.build, area, self))
        self.add_help_action(self.calendar.shortcuts_action)
        chosen = self.workspace_combo.currentData()
        self.reload_workspaces(select_id=chosen if isinstance(chosen, int) else None)
        self.show_area(self._asked_area)
        self._add_checklist()

    _asked_area = "calendar"

    def _show_read_ahead(self, workspaces: Sequence[tuple[int, str, str]]) -> None:
        """The header as it will be, from the workspaces read before the database opened."""
        self.workspace_combo.blockSignals(True)
        for ws_id, name, _zone in workspaces:
            self.workspace_combo.addItem(name, ws_id)
        self.workspace_combo.blockSignals(False)
        if workspaces:
            self.zone_label.setText(workspaces[0][2])
            self.setWindowTitle(workspaces[0][1])

    # ------------------------------------------------------------------ building

    def _add_checklist(self) -> None:
        """The first-run checklist, between the header and the view, until it is done."""
        self.checklist = view_factory.first_run_checklist(self.context, self)
        wrap = QHBoxLayout()
        wrap.setContentsMargins(16, 12, 16, 0)
        wrap.addWidget(self.checklist)
        self._column.insertLayout(1, wrap)
        self.checklist.refresh()

    def _build_navigation(self) -> QWidget:
        nav = QFrame(self)
        nav.setObjectName("navigationBar")
        layout = QVBoxLayout(nav)
        layout.setContentsMargins(0, 0, 0, 16)
        layout.setSpacing(4)
        title = QLabel("Herald", nav)
        title.setObjectName("appTitle")
        layout.addWidget(title)
        self.nav_group = QButtonGroup(self)
        self.nav_group.setExclusive(True)
        self.nav_buttons: dict[str, QToolButton] = {}
        items = [
            ("calendar", self.tr("Calendar"), "fa5s.calendar-alt", "Ctrl+1"),
            ("analytics", self.tr("Analytics"), "fa5s.chart-bar", "Ctrl+2"),
            ("accounts", self.tr("Accounts"), "fa5s.user-friends", "Ctrl+3"),
        ]
        for key, label, icon_name, shortcut in items:
            button = QToolButton(nav)
            button.setObjectName(f"nav{key.capitalize()}Button")
            button.setText(f"  {label}")
            button.setIcon(theme.icon(icon_name, "nav_text"))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setSizePolicy(
                button.sizePolicy().horizontalPolicy().Expanding,
                button.sizePolicy().verticalPolicy(),
            )
            button.setShortcut(QKeySequence(shortcut))
            button.setToolTip(f"{label} ({shortcut})")
            button.setAccessibleName(label)
            button.clicked.connect(lambda _=False, k=key: self.show_area(k))
            self.nav_group.addButton(button)
            self.nav_buttons[key] = button
            layout.addWidget(button)
        layout.addStretch(1)
        return nav

    def add_help_action(self, action: QAction) -> None:
        """A view's entry at the top of the Help menu (the calendar's keyboard shortcuts)."""
        actions = self.help_menu.actions()
        if actions:
            self.help_menu.insertAction(actions[0], action)
        else:
            self.help_menu.addAction(action)

    # ------------------------------------------------------------------ public

    def add_view(self, key: str, view: QWidget) -> None:
        self.views.add(key, view)

    def _view_built(self, view: QWidget) -> None:
        if self._workspace is not None:
            view.set_workspace(self._workspace)  # type: ignore[attr-defined]

    def show_area(self, key: str) -> None:
        if self.context is None:  # still the frame: shown once the content is in
            self._asked_area = key
            self.nav_buttons[key].setChecked(True)
            return
        view = self.views[key]  # builds it on first show
        self.stack.setCurrentWidget(view)
        self.nav_buttons[key].setChecked(True)
        self.page_title.setText(getattr(view, "title", key.capitalize()))

    @property
    def workspace(self) -> WorkspaceInfo | None:
        return self._workspace

    @property
    def calendar(self) -> CalendarView:
        return self.views["calendar"]  # type: ignore[return-value]

    def notify(self, text: str, ms: int = view_factory.STATUS_MS) -> None:
        """One line for the person in the status bar."""
        self.statusBar().showMessage(text, ms)

    def open_post(self, workspace_id: int, post_id: int) -> None:
        """A notification was clicked: its post in the composer, in its own workspace."""
        if self.context is None:
            return
        self.showNormal()
        if workspace_id and (self._workspace is None or self._workspace.id != workspace_id):
            self.select_workspace(workspace_id)
        self.show_area("calendar")
        self.calendar.edit_post(post_id)

    def open_queue_slots(self) -> QueueSlotsEditor | None:
        """Settings ▸ Queue slots… for the current workspace."""
        if self._workspace is None:
            return None
        editor = view_factory.queue_slots_editor(self.context, self._workspace, self)
        editor.open()
        return editor

    def reload_workspaces(self, select_id: int | None = None) -> None:
        items = self.context.workspaces.list()
        if not items:
            from app.ui.workspace_dialog import system_zone

            items = [self.context.workspaces.ensure_default(system_zone())]
        current = select_id or (self._workspace.id if self._workspace else items[0].id)
        self.workspace_combo.blockSignals(True)
        self.workspace_combo.clear()
        for ws in items:
            self.workspace_combo.addItem(ws.name, ws.id)
        index = max(0, self.workspace_combo.findData(current))
        self.workspace_combo.setCurrentIndex(index)
        self.workspace_combo.blockSignals(False)
        self._on_workspace_index(index)

    def select_workspace(self, workspace_id: int) -> None:
        index = self.workspace_combo.findData(workspace_id)
        if index >= 0:
            self.workspace_combo.setCurrentIndex(index)

    def create_workspace(self) -> None:
        from app.core.workspaces import WorkspaceError
        from app.ui.workspace_dialog import WorkspaceDialog

        if self.context is None:
            return
        dialog = WorkspaceDialog(self, title=self.tr("New workspace"))
        while dialog.exec():
            try:
                ws = self.context.workspaces.create(*dialog.values)
            except WorkspaceError as exc:
                dialog.show_error(str(exc))
                continue
            self.reload_workspaces(select_id=ws.id)
            return

    def edit_workspace(self) -> bool:
        """True when the person saved the dialog."""
        from app.core.alt_text import AltTextPolicy
        from app.core.workspaces import WorkspaceError
        from app.ui.workspace_dialog import WorkspaceDialog

        if self._workspace is None:
            return False
        ws = self._workspace
        dialog = WorkspaceDialog(
            self, name=ws.name, timezone=ws.timezone, title=self.tr("Edit workspace")
        )
        dialog.offer_alt_text(AltTextPolicy(self.context.db), ws.id)
        while dialog.exec():
            try:
                updated = self.context.workspaces.update(ws.id, *dialog.values)
            except WorkspaceError as exc:
                dialog.show_error(str(exc))
                continue
            dialog.save_alt_text()
            self.reload_workspaces(select_id=updated.id)
            return True
        return False

    def open_settings(self) -> None:
        """The Settings dialog (menu, Ctrl+, and the tray); one at a time."""
        from app.core.settings import SettingsService
        from app.ui.settings_dialog import open_once

        if self.context is None:
            return
        open_once(SettingsService(self.context.db), self, self._settings_changed)

    def _settings_changed(self) -> None:
        self.statusBar().showMessage(self.tr("Settings saved."), 5_000)

    def _edit_developer_apps(self) -> None:
        editor = getattr(self.views.get("accounts"), "edit_developer_apps", None)
        if editor is not None:
            editor()

    def show_about(self) -> None:
        about.show_about(self)

    def quit(self) -> None:
        self.close()
        QApplication.quit()

    # ------------------------------------------------------------------ internals

    def _on_workspace_index(self, index: int) -> None:
        if index < 0 or self.context is None:
            return
        workspace_id = self.workspace_combo.itemData(index)
        self._workspace = self.context.workspaces.get(workspace_id)
        self.zone_label.setText(self._workspace.timezone)
        # The application's name is added by the desktop (applicationDisplayName): the title
        # says only which workspace this is.
        title = self._workspace.name
        if self.context.demo:
            title = "DEMO — " + self._workspace.name
        self.setWindowTitle(title)
        for view in self.views.built():  # the others take it when built
            view.set_workspace(self._workspace)  # type: ignore[attr-defined]
        self.workspaceChanged.emit(workspace_id)
