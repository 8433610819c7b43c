"""One column of the ideas board: its name (with a menu to rename, move or remove it), its
cards (undated drafts, with their labels' colours) and a line to write a new idea. Cards are
dragged as posts (the calendar's mime type), so the same drag lands on another column, on a
day of the calendar, or on the board's queue target."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QMimeData, QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QIcon,
    QPainter,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.ideas import Card, ColumnInfo, LabelInfo
from app.ui import theme
from app.ui.calendar.dragdrop import mime_for_post, post_id_from_mime

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def label_dots(labels: Sequence[LabelInfo], size: int = 12) -> QIcon:
    """The labels' colours as dots (the names are in the card's text and tooltip)."""
    if not labels:
        return QIcon()
    pix = QPixmap(QSize(size * len(labels) + 2 * (len(labels) - 1), size))
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    for n, label in enumerate(labels):
        p.setBrush(QColor(label.colour))
        p.drawEllipse(QRectF(n * (size + 2), 0, size, size))
    p.end()
    return QIcon(pix)


class CardList(QListWidget):
    """The cards of one column; a post dropped here moves to that row of this column."""

    cardDropped = Signal(int, int)  # post id, row
    cardMenuRequested = Signal(int, QPoint)  # post id, global position

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("ideaCardList")
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setWordWrap(True)
        self.setSpacing(3)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)

    def mimeTypes(self) -> list[str]:
        return ["application/x-herald-post-id"]

    def mimeData(self, items: Sequence[QListWidgetItem]) -> QMimeData:
        return mime_for_post(int(items[0].data(ID_ROLE))) if items else QMimeData()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if post_id_from_mime(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self.dragEnterEvent(event)  # type: ignore[arg-type]

    def dropEvent(self, event: QDropEvent) -> None:
        post_id = post_id_from_mime(event.mimeData())
        if post_id is None:
            event.ignore()
            return
        item = self.itemAt(event.position().toPoint())
        row = self.row(item) if item is not None else self.count()
        event.acceptProposedAction()
        self.cardDropped.emit(post_id, row)

    def _menu(self, pos: QPoint) -> None:
        item = self.itemAt(pos)
        if item is not None:
            self.cardMenuRequested.emit(int(item.data(ID_ROLE)), self.mapToGlobal(pos))

    def post_ids(self) -> list[int]:
        return [int(self.item(n).data(ID_ROLE)) for n in range(self.count())]


class IdeaColumnWidget(QFrame):
    renameRequested = Signal(int)  # column id
    moveRequested = Signal(int, int)  # column id, -1 left / +1 right
    removeRequested = Signal(int)
    addRequested = Signal(int, str)  # column id, text

    def __init__(self, column: ColumnInfo, cards: Sequence[Card], parent: QWidget) -> None:
        super().__init__(parent)
        self.column = column
        self.setObjectName(f"ideaColumn_{column.position}")
        self.setProperty("column_id", column.id)
        self.setMinimumWidth(200)
        self.setMinimumHeight(150)
        self.setStyleSheet(
            f"#{self.objectName()} {{ background: {theme.hex_of('surface')};"
            f" border: 1px solid {theme.hex_of('line')}; border-radius: 6px; }}"
        )
        self.title = QLabel(f"<b>{column.name}</b> · {len(cards)}", self)
        self.title.setObjectName("ideaColumnTitle")
        self.menu_button = QToolButton(self)
        self.menu_button.setObjectName("ideaColumnMenuButton")
        self.menu_button.setIcon(theme.icon("fa5s.ellipsis-h"))
        self.menu_button.setIconSize(QSize(14, 14))
        self.menu_button.setAccessibleName(self.tr("Column {name}").format(name=column.name))
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.menu_button)
        for name, text, slot in (
            ("ideaRenameColumnAction", self.tr("Rename…"), self._rename),
            ("ideaMoveColumnLeftAction", self.tr("Move left"), lambda: self._move(-1)),
            ("ideaMoveColumnRightAction", self.tr("Move right"), lambda: self._move(1)),
            ("ideaRemoveColumnAction", self.tr("Remove (cards go to the first column)"),
             self._remove),
        ):  # fmt: skip
            action = menu.addAction(text)
            action.setObjectName(name)
            action.triggered.connect(slot)
        self.menu_button.setMenu(menu)
        self.cards = CardList(self)
        for card in cards:
            names = ", ".join(label.name for label in card.labels)
            item = QListWidgetItem(card.post.excerpt or self.tr("(empty)"))
            item.setData(ID_ROLE, card.post.id)
            item.setIcon(label_dots(card.labels))
            accounts = ", ".join(card.post.handles) or self.tr("no accounts yet")
            item.setToolTip(
                "\n".join(x for x in (card.post.excerpt, accounts, names) if x)
                + "\n"
                + self.tr("Drag onto a day to schedule it, or onto Add to queue.")
            )
            self.cards.addItem(item)
        self.new_edit = QLineEdit(self)
        self.new_edit.setObjectName("ideaNewCardEdit")
        self.new_edit.setPlaceholderText(self.tr("+ Add an idea (Enter)"))
        self.new_edit.setAccessibleName(self.tr("New idea in {name}").format(name=column.name))
        self.new_edit.returnPressed.connect(self._add)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.menu_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(head)
        layout.addWidget(self.cards, 1)
        layout.addWidget(self.new_edit)

    def _rename(self) -> None:
        self.renameRequested.emit(self.column.id)

    def _move(self, direction: int) -> None:
        self.moveRequested.emit(self.column.id, direction)

    def _remove(self) -> None:
        self.removeRequested.emit(self.column.id)

    def _add(self) -> None:
        text = self.new_edit.text()
        if text.strip():
            self.addRequested.emit(self.column.id, text)
