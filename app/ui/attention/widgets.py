"""Small pieces the attention widgets share: a 16-pixel icon and a named button."""

from __future__ import annotations

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QLabel, QPushButton, QWidget


def icon_label(icon: QIcon, parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setPixmap(icon.pixmap(16, 16))
    label.setFixedWidth(20)
    return label


def named_button(text: str, name: str, parent: QWidget, *, primary: bool = False) -> QPushButton:
    button = QPushButton(text, parent)
    button.setObjectName(name)
    button.setAccessibleName(text)
    if primary:
        button.setProperty("primary", True)
    return button
