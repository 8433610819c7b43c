"""Checks a rendering child runs on each window it photographs (issue 21): no visible widget
lies outside the window, and no label's or button's text is cut off.

A text is cut off when the width its font needs for the text (fontMetrics) is larger than the
width the widget has, for a QLabel without word wrap or elision and a QPushButton/QToolButton.
Problems are collected as lines ("settings: QLabel 'graceLabel' needs 212 px, has 180") and
written next to the screenshots (layout-problems-<size>.txt) for the test to assert on."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLayout,
    QPushButton,
    QToolButton,
    QWidget,
)

SLACK = 2  # px: rounding of font metrics


def _name(widget: QWidget) -> str:
    text = widget.text()[:30] if hasattr(widget, "text") else ""
    return f"{type(widget).__name__} '{widget.objectName() or text}'"


def _shown(widget: QWidget, window: QWidget) -> bool:
    return widget.isVisibleTo(window) and widget.width() > 0 and widget.height() > 0


def _in_scroll_area(widget: QWidget, window: QWidget) -> bool:
    """Widgets inside a scroll area may extend past the window: they scroll."""
    from PySide6.QtWidgets import QAbstractScrollArea

    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _visible_rect(widget: QWidget, window: QWidget) -> QRect:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return QRect(top_left, widget.size())


def _text_width(widget: QWidget, text: str) -> int:
    lines = text.replace("&&", "\0").replace("&", "").replace("\0", "&").splitlines() or [""]
    return max(widget.fontMetrics().horizontalAdvance(line) for line in lines)


def _label_clipped(label: QLabel) -> int | None:
    """Pixels missing for the label's text, or None when it fits (or wraps)."""
    if label.wordWrap() or not label.text() or label.textFormat() == Qt.TextFormat.RichText:
        return None
    if label.pixmap() is not None and not label.pixmap().isNull():
        return None
    text = label.shown_text() if hasattr(label, "shown_text") else label.text()
    if "<" in text and label.textFormat() == Qt.TextFormat.AutoText and Qt.mightBeRichText(text):
        return None
    margins = label.contentsMargins()
    room = label.width() - margins.left() - margins.right() - 2 * label.margin()
    need = _text_width(label, text)
    return need - room if need > room + SLACK else None


def _button_clipped(button: QAbstractButton) -> int | None:
    if not button.text().strip():
        return None
    if (
        isinstance(button, QToolButton)
        and button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
    ):
        return None
    hint = button.sizeHint().width()
    if isinstance(button, QPushButton | QToolButton):
        return hint - button.width() if hint > button.width() + SLACK else None
    return None


def _field_clipped(widget: QWidget) -> int | None:
    """A combo box or date field too narrow for its current text and its arrow."""
    if isinstance(widget, QComboBox):
        if widget.isEditable():
            return None  # an editable field scrolls its text
        text = widget.currentText()
    elif isinstance(widget, QAbstractSpinBox):
        text = widget.text()
    else:
        return None
    need = widget.fontMetrics().horizontalAdvance(text) + 24  # the arrow and the padding
    if isinstance(widget, QComboBox) and not widget.itemIcon(widget.currentIndex()).isNull():
        need += widget.iconSize().width() + 4
    return need - widget.width() if need > widget.width() + SLACK else None


def _managed(layout: QLayout | None) -> list[QWidget]:
    """The widgets a layout (and the layouts inside it) places."""
    found: list[QWidget] = []
    if layout is None:
        return found
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item.widget() is not None:
            found.append(item.widget())
        elif item.layout() is not None:
            found.extend(_managed(item.layout()))
    return found


def _overlaps(window: QWidget, label: str) -> list[str]:
    """Neighbours a layout placed on top of each other (squeezed below their minimum)."""
    found = []
    for parent in [window, *window.findChildren(QWidget)]:
        if parent is not window and (not _shown(parent, window) or parent.window() is not window):
            continue
        placed = [w for w in _managed(parent.layout()) if _shown(w, window)]
        for i, a in enumerate(placed):
            for b in placed[i + 1 :]:
                both = a.geometry().intersected(b.geometry())
                if both.width() > SLACK and both.height() > SLACK:
                    found.append(f"{label}: {_name(a)} and {_name(b)} overlap")
    return found


def problems(window: QWidget, label: str) -> list[str]:
    """Everything cut off or outside `window` (a top-level window or dialog)."""
    found: list[str] = []
    screen = window.screen().availableGeometry() if window.screen() else None
    frame = window.frameGeometry()
    if screen is not None and not screen.contains(frame.adjusted(1, 1, -1, -1)):
        found.append(
            f"{label}: the window {frame.getRect()} is not inside the screen {screen.getRect()}"
        )
    bounds = window.rect()
    for widget in window.findChildren(QWidget):
        if not _shown(widget, window) or widget.window() is not window:
            continue  # hidden, or part of another window (a dialog parented to this one)
        if not _in_scroll_area(widget, window):
            rect = _visible_rect(widget, window)
            if not bounds.adjusted(-1, -1, 1, 1).contains(rect):
                found.append(f"{label}: {_name(widget)} at {rect.getRect()} is outside the window")
        missing = None
        if isinstance(widget, QLabel):
            missing = _label_clipped(widget)
        elif isinstance(widget, QAbstractButton):
            missing = _button_clipped(widget)
        else:
            missing = _field_clipped(widget)
        if missing:
            found.append(f"{label}: {_name(widget)} text is cut off by {missing} px")
    return found + _overlaps(window, label)


def write(out: Path, name: str, found: list[str]) -> None:
    (out / name).write_text("\n".join(found) + ("\n" if found else ""), encoding="utf-8")
