"""The screenshot children's layout checks find what they are meant to find (offscreen)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from tests.e2e.layout_checks import problems


def test_a_cut_label_a_cut_button_and_a_widget_outside_are_reported(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(300, 200)
    label = QLabel("A label whose text is much longer than the room it has", window)
    label.setObjectName("longLabel")
    label.setGeometry(0, 0, 80, 20)
    button = QPushButton("A button with a long caption", window)
    button.setObjectName("longButton")
    button.setGeometry(0, 40, 60, 30)
    outside = QPushButton("Ok", window)
    outside.setObjectName("outsideButton")
    outside.setGeometry(280, 180, 80, 30)
    fits = QLabel("Fits", window)
    fits.setGeometry(0, 100, 200, 20)
    wraps = QLabel("Wraps " * 20, window)
    wraps.setWordWrap(True)
    wraps.setGeometry(0, 120, 200, 60)
    window.show()
    found = "\n".join(problems(window, "test"))
    assert "QLabel 'longLabel' text is cut off" in found
    assert "QPushButton 'longButton' text is cut off" in found
    assert "QPushButton 'outsideButton' at (280, 180, 80, 30) is outside the window" in found
    assert "Fits" not in found and "Wraps" not in found
