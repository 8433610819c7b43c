"""The list view: every post of the workspace (search and filters applied) in a sortable
table: time in the shown zone, accounts, text, status. Double-click (or Enter) opens the
composer; Ctrl/Shift-click selects several rows for the bulk actions.

Like the grids it shows `PostSummary` values and emits post ids; the CalendarView does the rest.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QDateTime,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    QTime,
    Signal,
)
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStackedLayout,
    QTableView,
    QWidget,
)

from app.core.posts import PostSummary
from app.core.timeutil import from_utc
from app.ui.calendar.chips import platform_pixmap, status_label, status_pixmap

COLUMNS = ("Time", "Accounts", "Text", "Status")
TIME, ACCOUNTS, TEXT, STATUS = range(4)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
UNDATED_KEY = float("inf")  # undated drafts sort after every dated post
_INDEX = QModelIndex | QPersistentModelIndex


class PostTableModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.posts: list[PostSummary] = []
        self.zone = "UTC"
        self._locals: list[datetime | None] = []

    def set_posts(self, posts: list[PostSummary], zone: str) -> None:
        self.beginResetModel()
        self.posts = posts
        self.zone = zone
        self._locals = [
            from_utc(p.scheduled_at, zone) if p.scheduled_at is not None else None for p in posts
        ]
        self.endResetModel()

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.posts)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(COLUMNS[section])
        return None

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        post = self.posts[index.row()]
        column = index.column()
        if role == ID_ROLE:
            return post.id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(index.row(), column, post)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == ACCOUNTS:
                return "\n".join(f"{p.label}" for p in post.platforms) + (
                    "\n" + ", ".join(post.handles) if post.handles else ""
                )
            if column == STATUS and post.failed_reasons:
                return "\n".join(post.failed_reasons)
            if column == TEXT:
                return post.excerpt
        if role == Qt.ItemDataRole.DecorationRole:
            if column == STATUS:
                return QIcon(status_pixmap(post.display_status, 14))
            if column == ACCOUNTS and post.platforms:
                return QIcon(platform_pixmap(post.platforms[0].value, 14))
        if role == SORT_ROLE:
            if column == TIME:
                when = post.scheduled_at
                return when.timestamp() if when is not None else UNDATED_KEY
            return (self._display(index.row(), column, post) or "").casefold()
        return None

    def _display(self, row: int, column: int, post: PostSummary) -> str:
        if column == TIME:
            local = self._locals[row]
            if local is None:
                return self.tr("No date (draft)")
            naive = local.replace(tzinfo=None)
            return QLocale().toString(
                QDateTime(
                    QDate(naive.year, naive.month, naive.day), QTime(naive.hour, naive.minute)
                ),
                QLocale.FormatType.ShortFormat,
            )
        if column == ACCOUNTS:
            return ", ".join(post.handles) or self.tr("No account")
        if column == TEXT:
            return post.excerpt or self.tr("(empty)")
        return status_label(post.display_status)


class PostListView(QWidget):
    postActivated = Signal(int)
    deleteRequested = Signal(int)
    contextMenuRequested = Signal(object, object, QPoint)  # post id, None, global position
    selectionChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("postListView")
        self.selected_slot = None  # the calendar's "compose here" slot: a list has none
        self.model = PostTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = _Table(self)
        self.table.setObjectName("postListTable")
        self.table.setAccessibleName(self.tr("Posts"))
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(TIME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(TIME, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ACCOUNTS, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(STATUS, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(ACCOUNTS, 200)
        self.table.doubleClicked.connect(self._activate)
        self.table.activated.connect(self._activate)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.deletePressed.connect(self._delete_current)
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self.selectionChanged.emit()
        )

        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("postListEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setProperty("role", "muted")
        self._stack = QStackedLayout(self)
        self._stack.setContentsMargins(16, 0, 16, 16)
        self._stack.addWidget(self.table)
        self._stack.addWidget(self.empty_label)
        self.setFocusProxy(self.table)

    def set_posts(self, posts: list[PostSummary], zone: str, empty_text: str) -> None:
        selected = set(self.selected_ids())
        self.model.set_posts(posts, zone)
        self.empty_label.setText(empty_text)
        self._stack.setCurrentWidget(self.table if posts else self.empty_label)
        if selected:
            self.select_ids(selected)

    def post_ids(self) -> list[int]:
        """The ids in the order the table shows them (after sorting)."""
        return [self.proxy.index(row, 0).data(ID_ROLE) for row in range(self.proxy.rowCount())]

    def selected_ids(self) -> list[int]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.proxy.index(row, 0).data(ID_ROLE) for row in rows]

    def select_ids(self, ids) -> None:
        wanted = set(ids)
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = selection.SelectionFlag.Select | selection.SelectionFlag.Rows
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(ID_ROLE) in wanted:
                selection.select(index, flags)

    def _activate(self, index: QModelIndex) -> None:
        if index.isValid():
            self.postActivated.emit(index.data(ID_ROLE))

    def _delete_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.deleteRequested.emit(index.data(ID_ROLE))

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.contextMenuRequested.emit(
                index.data(ID_ROLE), None, self.table.viewport().mapToGlobal(pos)
            )


class _Table(QTableView):
    deletePressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not event.modifiers():
            self.deletePressed.emit()
            return
        super().keyPressEvent(event)
