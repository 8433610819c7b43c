"""Media attached to the post: add by file dialog or drag-and-drop, thumbnails, facts in the
tooltip, remove with Delete or the context menu."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QIcon, QImageReader, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from app.core import posts
from app.core.media import MediaError
from app.core.posts import MediaFacts
from app.ui import theme
from app.ui.composer.media_tools import MediaTools

THUMB = 56
FILTER = "Images and videos (*.jpg *.jpeg *.png *.gif *.webp *.mp4 *.mov *.m4v);;All files (*)"


def facts_for(path: str | Path) -> MediaFacts:
    path = Path(path)
    try:
        info = posts.inspect_media(path)
    except MediaError as exc:  # an unreadable file is reported, not raised
        return MediaFacts(None, str(path), path.name, "", 0, None, None, None, "", str(exc))
    return MediaFacts(
        id=None,
        path=str(path),
        original_name=path.name,
        mime=info.mime,
        bytes=int(info.bytes),
        width=info.width,
        height=info.height,
        duration_s=info.duration_s,
        sha256=info.sha256,
        error=getattr(info, "error", None),
    )


def describe(m: MediaFacts) -> str:
    size = f"{m.bytes / 1_048_576:.1f} MB" if m.bytes >= 1_048_576 else f"{m.bytes / 1024:.0f} KB"
    parts = [m.original_name, m.mime or "unknown type", size]
    if m.alt_text:
        parts.append(f"alt: {m.alt_text}")
    if m.width and m.height:
        parts.append(f"{m.width}×{m.height}")
    if m.duration_s:
        parts.append(f"{m.duration_s:.0f} s")
    if m.error:
        parts.append(m.error)
    return " · ".join(parts)


def thumbnail(m: MediaFacts) -> QIcon:
    if m.mime.startswith("image/"):
        reader = QImageReader(m.path)
        reader.setAutoTransform(True)
        size = reader.size()
        if size.isValid():
            size.scale(THUMB * 2, THUMB * 2, Qt.AspectRatioMode.KeepAspectRatioByExpanding)
            reader.setScaledSize(size)
        image = reader.read()
        if not image.isNull():
            return QIcon(QPixmap.fromImage(image))
    name = "fa5s.film" if m.mime.startswith("video/") else "fa5s.file"
    return theme.icon(name, "muted")


class MediaStrip(QWidget):
    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.items: list[MediaFacts] = []
        self.add_button = QPushButton(theme.icon("fa5s.image"), self.tr("Add media…"), self)
        self.add_button.setObjectName("mediaAddButton")
        self.add_button.setAccessibleName(self.tr("Add photos or videos"))
        self.add_button.setToolTip(self.tr("Add photos or videos (or drop files on this window)"))
        self.add_button.clicked.connect(self.choose_files)
        self.thumbs = QListWidget(self)
        self.thumbs.setObjectName("mediaThumbnails")
        self.thumbs.setAccessibleName(self.tr("Attached media"))
        self.thumbs.setViewMode(QListWidget.ViewMode.IconMode)
        self.thumbs.setIconSize(QSize(THUMB, THUMB))
        self.thumbs.setFlow(QListWidget.Flow.LeftToRight)
        self.thumbs.setWrapping(False)
        self.thumbs.setMovement(QListWidget.Movement.Static)
        self.thumbs.setFixedHeight(THUMB + 16)
        self.thumbs.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.thumbs.setSpacing(4)
        self.thumbs.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        remove = QAction(self.tr("Remove"), self.thumbs)
        remove.setObjectName("mediaRemoveAction")
        remove.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove.triggered.connect(self.remove_selected)
        self.thumbs.addAction(remove)
        self.empty = QLabel(
            self.tr("No media yet — add photos or videos, or drop them here."), self
        )
        self.empty.setProperty("role", "small")
        #: order and alt text of the attachments, beside the thumbnails (media_tools.py)
        self.tools = MediaTools(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.thumbs, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.tools, 1)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignTop)
        self._refresh()

    def set_media(self, items: list[MediaFacts]) -> None:
        self.items = list(items)
        self._refresh()

    def add_paths(self, paths: list[str]) -> None:
        known = {m.path for m in self.items}
        for path in paths:
            if path and path not in known and Path(path).is_file():
                self.items.append(facts_for(path))
        self._refresh()
        self.changed.emit()

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Add photos or videos"), str(Path.home()), self.tr(FILTER)
        )
        if paths:
            self.add_paths(paths)

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.thumbs.selectedIndexes()}, reverse=True)
        for row in rows:
            del self.items[row]
        if rows:
            self._refresh()
            self.changed.emit()

    def redraw(self, select: int = -1) -> None:
        """Draw the thumbnails again (after a move) and select one."""
        self._refresh()
        if 0 <= select < len(self.items):
            self.thumbs.setCurrentRow(select)

    def describe_row(self, row: int) -> None:
        item = self.thumbs.item(row)
        if item is not None:
            item.setToolTip(describe(self.items[row]))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, describe(self.items[row]))

    def _refresh(self) -> None:
        self.thumbs.clear()
        for m in self.items:
            item = QListWidgetItem(thumbnail(m), "")
            item.setToolTip(describe(m))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, describe(m))
            self.thumbs.addItem(item)
        has = bool(self.items)
        self.thumbs.setVisible(has)
        self.empty.setVisible(not has)
        if has and self.thumbs.currentRow() < 0:
            self.thumbs.setCurrentRow(0)
        if hasattr(self, "tools"):
            self.tools.refresh()
