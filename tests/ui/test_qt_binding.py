import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_do_not_leak_none_references(qtbot):
    # PySide6 6.12.0 dropped one reference to None per void call; on Python 3.11 that aborts
    # the interpreter after ~20,000 calls ("deallocating None"). pyproject pins below it.
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(5000):
        label.setText("x")
    assert abs(sys.getrefcount(None) - before) < 100
