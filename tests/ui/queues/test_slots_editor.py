"""The queue slots editor: opened from Settings ▸ Queue slots…, edits the ticked accounts."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPushButton, QTableWidget

from app.core.queues import parse_slots
from app.testing import compose_post, queue_times, set_queue_slots
from app.ui.queue_slots import QueueSlotsEditor


@pytest.fixture
def editor(qtbot, herald_window, herald_accounts) -> QueueSlotsEditor:
    action = herald_window.findChild(
        type(herald_window.settings_menu.actions()[0]), "queueSlotsAction"
    )
    assert action is not None and action in herald_window.settings_menu.actions()
    action.trigger()
    found = herald_window.findChild(QueueSlotsEditor, "queueSlotsEditor")
    assert found is not None
    qtbot.waitUntil(found.isVisible)
    return found


def test_typed_slots_save_for_every_ticked_account(qtbot, editor, herald_accounts, herald_queues):
    x, li = herald_accounts["x"], herald_accounts["linkedin"]
    editor.set_selected([x.id, li.id])
    text = editor.findChild(QLineEdit, "queueSlotsText")
    qtbot.keyClicks(text, "Mon-Fri 09:00, 17:00; Sat 10:00")  # ASCII: QTest types no en dash
    grid = editor.findChild(QTableWidget, "queueSlotsGrid")
    assert grid.rowCount() == 3  # 09:00, 10:00, 17:00
    qtbot.mouseClick(editor.findChild(QPushButton, "saveSlotsButton"), Qt.MouseButton.LeftButton)
    wanted = tuple(parse_slots("Mon–Fri 09:00, 17:00; Sat 10:00"))
    assert herald_queues.queue(x.id).slots == wanted
    assert herald_queues.queue(li.id).slots == wanted
    assert not editor.isVisible()


def test_ticking_a_cell_updates_the_text(editor):
    editor.set_slots(list(parse_slots("Mon 09:00")))
    grid = editor.findChild(QTableWidget, "queueSlotsGrid")
    grid.item(0, 2).setCheckState(Qt.CheckState.Checked)  # Wednesday 09:00
    assert editor.findChild(QLineEdit, "queueSlotsText").text() == "Mon 09:00; Wed 09:00"


def test_bad_text_is_named_and_nothing_is_saved(qtbot, editor, herald_accounts, herald_queues):
    text = editor.findChild(QLineEdit, "queueSlotsText")
    qtbot.keyClicks(text, "Mon 25:00")
    error = editor.findChild(QLabel, "queueSlotsErrorLabel")
    assert "25:00" in error.text() and error.isVisible()
    assert editor.save() is False
    assert herald_queues.queue(herald_accounts["x"].id).slots == ()


def test_best_times_fills_the_grid_in_one_click(qtbot, editor):
    qtbot.mouseClick(editor.findChild(QPushButton, "bestTimesButton"), Qt.MouseButton.LeftButton)
    assert len(editor.slots()) == 10
    assert editor.findChild(QLineEdit, "queueSlotsText").text() != ""


def test_pausing_holds_the_queue_and_unpausing_puts_it_back(
    qtbot, editor, herald_window, herald_accounts, herald_context
):
    x = herald_accounts["x"]
    set_queue_slots(herald_context, [x], "Mon–Fri 09:00, 17:00")
    first = compose_post(qtbot, herald_window, "first", accounts=[x], action="queue")
    editor.set_selected([x.id])
    editor.findChild(QCheckBox, "queuePausedCheck").setChecked(True)
    assert editor.save()
    assert queue_times(herald_context, [first]) == [None]
    editor.open()
    editor.findChild(QCheckBox, "queuePausedCheck").setChecked(False)
    assert editor.save()
    assert queue_times(herald_context, [first]) == [datetime(2026, 1, 5, 17, 0)]
