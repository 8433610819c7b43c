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


def test_squeezed_neighbours_and_a_narrow_combo_are_reported(qtbot):
    from PySide6.QtWidgets import QComboBox, QHBoxLayout

    window = QWidget()
    qtbot.addWidget(window)
    row = QHBoxLayout(window)
    combo = QComboBox(window)
    combo.setObjectName("zones")
    combo.addItem("America/Argentina/Buenos_Aires")
    combo.setFixedWidth(60)
    first, second = QLabel("One", window), QLabel("Two", window)
    first.setObjectName("first")
    second.setObjectName("second")
    for w in (combo, first, second):
        row.addWidget(w)
    window.resize(300, 40)
    window.show()
    assert not any("overlap" in p for p in problems(window, "ok"))
    first.setGeometry(100, 5, 50, 20)  # what a squeezed layout does
    second.setGeometry(120, 5, 50, 20)
    found = "\n".join(problems(window, "test"))
    assert "QComboBox 'zones' text is cut off" in found
    assert "QLabel 'first' and QLabel 'second' overlap" in found
