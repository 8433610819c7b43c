import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.db import DiskFullError
from app.ui.errors import SlotErrorReporter


def test_a_database_error_from_a_slot_is_one_message_box(qtbot, caplog):
    parent = QWidget()
    qtbot.addWidget(parent)
    passed_on = []
    report = SlotErrorReporter(parent, lambda *a: passed_on.append(a))
    exc = DiskFullError("/home/sam/herald.db")
    with caplog.at_level(logging.WARNING, logger="app.ui.errors"):
        report(type(exc), exc, None)
        report(type(exc), exc, None)  # the same box, not a second one
    boxes = parent.findChildren(QMessageBox, "databaseErrorBox")
    assert len(boxes) == 1 and boxes[0].isVisible()
    assert "/home/sam/herald.db" in boxes[0].text() and "Nothing was lost" in boxes[0].text()
    assert passed_on == []
    assert all(r.exc_info is None for r in caplog.records)
    boxes[0].close()


def test_other_errors_go_to_the_previous_hook(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    passed_on = []
    report = SlotErrorReporter(parent, lambda *a: passed_on.append(a))
    exc = RuntimeError("a bug")
    report(RuntimeError, exc, None)
    assert passed_on == [(RuntimeError, exc, None)]
    assert parent.findChildren(QMessageBox) == []
