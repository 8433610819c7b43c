"""Issue 21 point 6: after Schedule a toast says when the post goes out, in its zone, and its
Show button moves the calendar to the post."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QPushButton

from app.testing import compose_post


def test_toast_says_when_and_show_moves_the_calendar(qtbot, herald_window, herald_accounts):
    calendar = herald_window.views["calendar"]
    toast = herald_window.findChild(QFrame, "scheduledToast")
    assert toast is not None and not toast.isVisible()
    post_id = compose_post(
        qtbot,
        herald_window,
        "Hot cross buns are back",
        accounts=["x"],
        when=datetime(2026, 3, 10, 9, 0),  # a Tuesday; the calendar shows January
    )
    assert toast.isVisible()
    text = herald_window.findChild(QLabel, "toastLabel").text()
    assert text.startswith("Scheduled for Tue 10 Mar, ") and text.endswith(" UTC"), text
    assert "9:00" in text
    assert calendar.anchor.month == 1  # nothing moved yet

    qtbot.mouseClick(
        herald_window.findChild(QPushButton, "toastShowButton"), Qt.MouseButton.LeftButton
    )
    assert not toast.isVisible()
    assert calendar.anchor == date(2026, 3, 10)
    assert calendar.current_grid().selected_id == post_id


def test_no_toast_for_a_draft(qtbot, herald_window, herald_accounts):
    compose_post(qtbot, herald_window, "Idea: pretzel Fridays", accounts=["x"], action="draft")
    assert not herald_window.findChild(QFrame, "scheduledToast").isVisible()
