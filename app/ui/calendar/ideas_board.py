"""The ideas board (objectName `ideasBoard`, issue 22): the workspace's undated drafts as cards
in columns the person names, under the calendar (Ideas in the toolbar shows it). A card
dragged onto a day or a time of the calendar is scheduled there; dropped on "Add to queue" it
takes its accounts' next free slot; dropped on another column it moves there. Right-click a
card for its labels. Everything is read from and written to app.core.ideas.IdeasService."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.events import POSTS_CHANGED
from app.core.ideas import IdeaError, IdeasService, LabelInfo
from app.core.posts import PostError, SchedulingError
from app.core.queues import QueueError, QueueService
from app.core.timeutil import from_utc
from app.ui import theme
from app.ui.calendar.dragdrop import post_id_from_mime
from app.ui.calendar.ideas_column import IdeaColumnWidget
from app.ui.event_bridge import EventBridge

if TYPE_CHECKING:
    from app.ui.calendar.view import CalendarView

#: colours new labels take in turn (readable on light and dark surfaces)
PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777")


class QueueDrop(QLabel):
    """ "Add to queue": a card dropped here goes to its accounts' next free slot."""

    def __init__(self, board: IdeasBoard) -> None:
        super().__init__(board.tr("⇣ Drop a card here to add it to the queue"), board)
        self.board = board
        self.setObjectName("ideasQueueDrop")
        self.setAcceptDrops(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet(
            f"#ideasQueueDrop {{ border: 1px dashed {theme.hex_of('accent')};"
            f" border-radius: 6px; padding: 4px 10px; color: {theme.hex_of('accent_strong')}; }}"
        )

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if post_id_from_mime(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        post_id = post_id_from_mime(event.mimeData())
        if post_id is not None:
            event.acceptProposedAction()
            self.board.queue(post_id)


class IdeasBoard(QFrame):
    def __init__(self, view: CalendarView) -> None:
        super().__init__(view)
        self.setObjectName("ideasBoard")
        self.setMinimumHeight(200)  # a header, a few cards and the new-idea line
        self.view = view
        posts = view.service
        self.service = IdeasService(posts.db, posts.clock, posts.events, posts)
        self.queues = QueueService(posts.db, posts.clock, posts.events, posts)
        self.column_widgets: list[IdeaColumnWidget] = []
        #: the name question open right now (tests answer it)
        self.dialog: QInputDialog | None = None
        title = QLabel(self.tr("<b>Ideas</b> — drag a card onto a day to schedule it"), self)
        self.add_column_button = QPushButton(theme.icon("fa5s.plus"), self.tr("Column"), self)
        self.add_column_button.setObjectName("ideaAddColumnButton")
        self.add_column_button.setToolTip(self.tr("Add a column to the board"))
        self.add_column_button.clicked.connect(self.ask_new_column)
        self.queue_drop = QueueDrop(self)
        head = QHBoxLayout()
        head.addWidget(title, 1)
        head.addWidget(self.queue_drop)
        head.addWidget(self.add_column_button)
        self.row = QHBoxLayout()
        self.row.setSpacing(8)
        holder = QWidget(self)
        holder.setLayout(self.row)
        self.scroller = QScrollArea(self)
        self.scroller.setObjectName("ideasScroll")
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setWidget(holder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addLayout(head)
        layout.addWidget(self.scroller, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.reload)
        self._bridge = EventBridge(view.services.events, (POSTS_CHANGED,), self._on_event, self)
        self.hide()

    @classmethod
    def attach(cls, view: CalendarView) -> IdeasBoard:
        """Under the calendar's pages, in a splitter; Ideas in the toolbar shows it."""
        board = cls(view)
        splitter = QSplitter(Qt.Orientation.Vertical, view)
        splitter.setObjectName("calendarIdeasSplitter")
        splitter.setChildrenCollapsible(False)
        layout = view.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.indexOf(view.stack), splitter, 1)
        splitter.addWidget(view.stack)
        splitter.addWidget(board)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        view.toolbar.ideas_button.toggled.connect(board.set_shown)
        view.filter_menu.labels_source = board.label_choices  # the calendar's label filter
        view.stack.rangeShown.connect(board.mark_labels)
        return board

    def mark_labels(self, mode: str) -> None:
        """The labels' colours on the chips the grid of `mode` just got."""
        grid = self.view.grids.get(mode)
        if grid is None:
            return
        ids = [
            i for lead in (c.post.id for c in grid.chips) for i in grid.members.get(lead, [lead])
        ]
        hint = grid.labels_hint  # every post's labels, read ahead with the range (prefetch.py)
        found = hint if hint is not None else self.service.labels_of(ids) if ids else {}
        colours: dict[int, list[str]] = {}
        for chip in grid.chips:
            for post_id in grid.members.get(chip.post.id, [chip.post.id]):
                for label in found.get(post_id, []):
                    if label.colour not in colours.setdefault(chip.post.id, []):
                        colours[chip.post.id].append(label.colour)
        grid.label_colours = colours
        grid.update()

    def label_choices(self) -> list[tuple[int, str]]:
        if self.view.workspace is None:
            return []
        return [(label.id, label.name) for label in self.service.labels(self.view.workspace.id)]

    # ------------------------------------------------------------ showing

    def set_shown(self, shown: bool) -> None:
        self.setVisible(shown)
        if shown:
            self.reload()

    def _on_event(self, _event: object) -> None:
        if self.isVisible():
            self._timer.start()

    def reload(self) -> None:
        workspace = self.view.workspace
        if workspace is None:
            return
        for widget in self.column_widgets:
            self.row.removeWidget(widget)
            widget.deleteLater()
        self.column_widgets = []
        self.row.takeAt(0) if self.row.count() else None  # the old stretch
        for column, cards in self.service.board(workspace.id):
            widget = IdeaColumnWidget(column, cards, self)
            widget.addRequested.connect(self.add_card)
            widget.renameRequested.connect(self.ask_rename)
            widget.moveRequested.connect(self.move_column)
            widget.removeRequested.connect(self.remove_column)
            widget.cards.cardDropped.connect(
                lambda post_id, row, c=column.id: self.move_card(post_id, c, row)
            )
            widget.cards.cardMenuRequested.connect(self.card_menu)
            widget.cards.itemActivated.connect(  # double-click or Enter
                lambda item: self.view.edit_post(int(item.data(Qt.ItemDataRole.UserRole + 1)))
            )
            self.row.addWidget(widget)
            self.column_widgets.append(widget)
        self.row.addStretch(1)

    def owns(self, post_id: int) -> bool:
        """Whether `post_id` is a card on the board (a drop of it schedules it)."""
        return any(post_id in w.cards.post_ids() for w in self.column_widgets)

    # ------------------------------------------------------------ what a card can do

    def schedule(self, post_id: int, when_utc: datetime) -> bool:
        try:
            self.service.schedule(post_id, when_utc)
        except SchedulingError as exc:
            self.view.notify(
                self.tr("Can't schedule this idea yet: {why} Open it to fix that.").format(
                    why=" ".join(exc.messages)
                )
            )
            return False
        except PostError as exc:
            self.view.notify(str(exc))
            return False
        when = f"{from_utc(when_utc, self.view.zone):%a %d %b %H:%M}"
        self.view.notify(self.tr("Idea scheduled for {when}.").format(when=when))
        self.view.reload_all()
        self.reload()
        return True

    def queue(self, post_id: int) -> bool:
        try:
            placed = self.queues.queue_post(post_id)
        except (QueueError, PostError) as exc:
            self.view.notify(self.tr("Can't add this idea to the queue: {why}").format(why=exc))
            return False
        if placed.when is None:
            self.view.notify(self.tr("Added to the queue; it waits while the queue is paused."))
        else:
            when = f"{from_utc(placed.when, self.view.zone):%a %d %b %H:%M}"
            self.view.notify(self.tr("Added to the queue: {when}.").format(when=when))
        self.view.reload_all()
        self.reload()
        return True

    def add_card(self, column_id: int, text: str) -> None:
        if self._do(lambda: self.service.add_card(self._ws(), text, column_id)):
            self.reload()

    def move_card(self, post_id: int, column_id: int, row: int) -> None:
        if self._do(lambda: self.service.move_card(post_id, column_id, row)):
            QTimer.singleShot(0, self.reload)  # not inside the list's own drop handler

    def card_menu(self, post_id: int, at: QPoint) -> None:
        self.build_card_menu(post_id).popup(at)

    def build_card_menu(self, post_id: int) -> QMenu:
        """Open the card, and its labels (tick to add, untick to remove, or a new one)."""
        menu = QMenu(self)
        menu.setObjectName("ideaCardMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addAction(
            self.tr("Open… (choose accounts, date and time)"), lambda: self.view.edit_post(post_id)
        )
        queue = menu.addAction(self.tr("Add to queue"), lambda: self.queue(post_id))
        queue.setObjectName("ideaQueueAction")  # what dropping it on the queue target does
        menu.addSeparator()
        self._label_actions(menu, post_id)
        return menu

    def add_labels_menu(self, menu: QMenu, post_id: int) -> QMenu:
        """A Labels submenu for a post of the calendar (its right-click menu)."""
        sub = menu.addMenu(theme.icon("fa5s.tag"), self.tr("Labels"))
        sub.setObjectName("postLabelsMenu")
        self._label_actions(sub, post_id)
        return sub

    def _label_actions(self, menu: QMenu, post_id: int) -> None:
        current = {label.id for label in self.service.labels_of([post_id]).get(post_id, [])}
        for label in self.service.labels(self._ws()):
            action = QAction(label.name, menu)
            action.setObjectName(f"ideaLabelAction_{label.id}")
            action.setCheckable(True)
            action.setChecked(label.id in current)
            action.toggled.connect(lambda on, i=label.id: self.set_label(post_id, i, on))
            menu.addAction(action)
        new = menu.addAction(self.tr("New label…"), lambda: self.ask_new_label(post_id))
        new.setObjectName("ideaNewLabelAction")

    def set_label(self, post_id: int, label_id: int, on: bool) -> None:
        current = {label.id for label in self.service.labels_of([post_id]).get(post_id, [])}
        wanted = current | {label_id} if on else current - {label_id}
        if self._do(lambda: self.service.set_labels(post_id, sorted(wanted))) and self.isVisible():
            self.reload()

    # ------------------------------------------------------------ columns

    def ask_new_column(self) -> QInputDialog:
        return self._ask(self.tr("New column"), "", self.add_column)

    def add_column(self, name: str) -> None:
        if self._do(lambda: self.service.add_column(self._ws(), name)):
            self.reload()

    def ask_rename(self, column_id: int) -> QInputDialog:
        name = next((w.column.name for w in self.column_widgets if w.column.id == column_id), "")
        return self._ask(
            self.tr("Rename column"), name, lambda text: self.rename_column(column_id, text)
        )

    def rename_column(self, column_id: int, name: str) -> None:
        if self._do(lambda: self.service.rename_column(column_id, name)):
            self.reload()

    def move_column(self, column_id: int, direction: int) -> None:
        ids = [w.column.id for w in self.column_widgets]
        target = max(0, ids.index(column_id) + direction)
        if self._do(lambda: self.service.move_column(column_id, target)):
            self.reload()

    def remove_column(self, column_id: int) -> None:
        if self._do(lambda: self.service.remove_column(column_id)):
            self.reload()

    def ask_new_label(self, post_id: int) -> QInputDialog:
        def create(name: str) -> None:
            colour = PALETTE[len(self.service.labels(self._ws())) % len(PALETTE)]
            label = self._do(lambda: self.service.add_label(self._ws(), name, colour))
            if isinstance(label, LabelInfo):
                self.set_label(post_id, label.id, True)

        return self._ask(self.tr("New label"), "", create)

    # ------------------------------------------------------------ internals

    def _ws(self) -> int:
        assert self.view.workspace is not None
        return self.view.workspace.id

    def _do(self, action: Callable[[], object]) -> object:
        """Run a service call; a refusal is said in the status bar (None)."""
        try:
            return action() or True
        except (IdeaError, PostError) as exc:
            self.view.notify(str(exc))
            return None

    def _ask(self, title: str, text: str, then: Callable[[str], None]) -> QInputDialog:
        dialog = QInputDialog(self)
        dialog.setObjectName("ideaNameDialog")
        dialog.setWindowTitle(title)
        dialog.setLabelText(self.tr("Name:"))
        dialog.setTextValue(text)
        dialog.textValueSelected.connect(then)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog
