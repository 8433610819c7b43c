"""Under the media strip: the order the attachments publish in (move the selected one left or
right: a carousel goes out in this order) and the selected image's alt text, with a warning
while an image has none (a refusal at scheduling when the workspace requires alt text)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.ui import theme

if TYPE_CHECKING:
    from app.ui.composer.media import MediaStrip

#: Instagram's documented most for alt_text; the field stops there
ALT_TEXT_MAX = 1000


def is_image(mime: str | None) -> bool:
    return (mime or "").startswith("image/")


class MediaTools(QWidget):
    def __init__(self, strip: MediaStrip) -> None:
        super().__init__(strip)
        self.strip = strip
        self.left = self._button("mediaMoveLeftButton", "fa5s.arrow-left", self.tr("Move left"))
        self.right = self._button("mediaMoveRightButton", "fa5s.arrow-right", self.tr("Move right"))
        self.left.clicked.connect(lambda: self.move_selected(-1))
        self.right.clicked.connect(lambda: self.move_selected(1))
        self.alt_edit = QLineEdit(self)
        self.alt_edit.setObjectName("mediaAltTextEdit")
        self.alt_edit.setAccessibleName(self.tr("Alt text of the selected image"))
        self.alt_edit.setPlaceholderText(self.tr("Alt text: describe the selected image"))
        self.alt_edit.setMaxLength(ALT_TEXT_MAX)
        self.alt_edit.textEdited.connect(self._alt_edited)
        self.warning = QLabel(self)
        self.warning.setObjectName("mediaAltTextWarning")
        self.warning.setProperty("role", "small")
        self.warning.setWordWrap(True)
        self.warning.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # Two rows beside the thumbnails (no height added to the composer): the alt text of
        # the selected image, then the move buttons and the warning.
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.alt_edit)
        row = QHBoxLayout()
        row.setSpacing(2)
        row.addWidget(self.left)
        row.addWidget(self.right)
        row.addWidget(self.warning, 1)
        column.addLayout(row)
        strip.thumbs.currentRowChanged.connect(lambda _row: self.refresh())
        self.refresh()

    def _button(self, name: str, icon: str, text: str) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setIcon(theme.icon(icon))
        button.setToolTip(text + self.tr(" (the order the media publishes in)"))
        button.setAccessibleName(text)
        button.setAutoRaise(True)
        return button

    def current(self) -> int:
        row = self.strip.thumbs.currentRow()
        return row if 0 <= row < len(self.strip.items) else -1

    def move_selected(self, step: int) -> None:
        """Move the selected attachment one place left (-1) or right (+1)."""
        row, items = self.current(), self.strip.items
        to = row + step
        if row < 0 or not 0 <= to < len(items):
            return
        items[row], items[to] = items[to], items[row]
        self.strip.redraw(select=to)
        self.strip.changed.emit()

    def _alt_edited(self, text: str) -> None:
        row = self.current()
        if row < 0 or not is_image(self.strip.items[row].mime):
            return
        self.strip.items[row] = replace(self.strip.items[row], alt_text=text.strip() or None)
        self.strip.describe_row(row)
        self._warn()
        self.strip.changed.emit()

    def refresh(self) -> None:
        """Follow the selection: buttons, the alt text field and the warning."""
        items, row = self.strip.items, self.current()
        self.setVisible(bool(items))
        self.left.setEnabled(row > 0)
        self.right.setEnabled(0 <= row < len(items) - 1)
        image = row >= 0 and is_image(items[row].mime)
        self.alt_edit.setEnabled(image)
        self.alt_edit.setText(items[row].alt_text or "" if image else "")
        self.alt_edit.setCursorPosition(0)  # a long text shows its start
        if not image:
            self.alt_edit.setPlaceholderText(
                self.tr("Select an image to write its alt text")
                if row < 0
                else self.tr("Videos need no alt text")
            )
        else:
            self.alt_edit.setPlaceholderText(self.tr("Alt text: describe the selected image"))
        self._warn()

    def missing(self) -> list[int]:
        """Positions (0-based) of the images without alt text."""
        return [
            i
            for i, m in enumerate(self.strip.items)
            if is_image(m.mime) and not (m.alt_text or "").strip()
        ]

    def _warn(self) -> None:
        missing = self.missing()
        if not missing:
            self.warning.clear()
            self.warning.setVisible(False)
            return
        listed = ", ".join(str(i + 1) for i in missing)
        noun = self.tr("Image") if len(missing) == 1 else self.tr("Images")
        self.warning.setText(
            self.tr("⚠ {noun} {listed} without alt text").format(noun=noun, listed=listed)
        )
        self.warning.setToolTip(
            self.tr(
                "People using screen readers hear the alt text instead of seeing the image. "
                "Select an image and describe it in the alt text field."
            )
        )
        self.warning.setVisible(True)
        self.warning.setAlignment(Qt.AlignmentFlag.AlignVCenter)
