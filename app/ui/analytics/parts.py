"""Small building blocks the analytics pages share."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QWidget


def text_label(text: str = "", role: str | None = None, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    if role:
        label.setProperty("role", role)
    label.setWordWrap(True)
    return label


def card_frame(parent: QWidget) -> QFrame:
    frame = QFrame(parent)
    frame.setProperty("role", "card")
    return frame
